/**
 * Mean shift with a flat kernel, as scikit-learn's `MeanShift` and
 * `estimate_bandwidth`.
 *
 * Each seed moves to the mean of the samples within the bandwidth h of it,
 * m ← mean{xᵢ : ‖xᵢ − m‖ ≤ h}, until it moves less than 10⁻³·h (or
 * `maxIter`). Converged centres are ranked by how many samples they hold;
 * a centre within h of a better-ranked one is dropped; every sample joins
 * its nearest remaining centre.
 * Reference: D. Comaniciu and P. Meer, "Mean shift: a robust approach toward
 * feature space analysis" (IEEE TPAMI 2002); scikit-learn
 * `sklearn/cluster/_mean_shift.py`.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { matrix } from "../matrix.ts";
import { RandomState } from "../random.ts";
import { checkOptions, optionNames, validate, validateData } from "../validate.ts";
import { percentF } from "../messages.ts";
import { RadiusIndex } from "../neighbors/radius_index.ts";
import { kthNeighborDistance } from "../neighbors/knn.ts";
import { nearestRows, sqDist } from "../distance.ts";

/** Options of {@linkcode estimateBandwidth}. */
export interface BandwidthOptions {
  /** Fraction of the samples that count as neighbours. @default 0.3 */
  quantile?: number;
  /** Use a random subset of this many samples. @default all samples, in their order */
  nSamples?: number;
  /** Seed or generator for the subset. @default 0 */
  randomState?: number | RandomState;
}

/** {@linkcode BandwidthOptions}'s names, for {@linkcode checkOptions}. */
const BANDWIDTH_OPTIONS = optionNames<BandwidthOptions>({
  quantile: true,
  nSamples: true,
  randomState: true,
});

/**
 * Bandwidth for mean shift: the mean, over the samples, of the distance to
 * their ⌊quantile·n⌋-th nearest sample (the sample itself is the first).
 * O(n²) time, O(n) memory.
 *
 * @example
 * ```ts
 * import { estimateBandwidth } from "./mean_shift.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * // quantile 0.5 of 4 samples: the 2nd nearest, i.e. the nearest other one.
 * assert.equal(estimateBandwidth(fromRows([[0], [1], [5], [7]]), { quantile: 0.5 }), 1.5);
 * ```
 * @throws {RangeError} when quantile ∉ (0, 1] or ⌊quantile·n⌋ < 1.
 */
export function estimateBandwidth(X: Matrix, options: BandwidthOptions = {}): number {
  checkOptions("estimate the bandwidth", options, BANDWIDTH_OPTIONS);
  const quantile = options.quantile ?? 0.3;
  validate("estimate the bandwidth", { quantile }, {
    quantile: { kind: "number", min: 0, max: 1, minExclusive: true },
  });
  validateData("estimate the bandwidth", X);
  let S = X;
  if (options.nSamples !== undefined) {
    validate("estimate the bandwidth", { nSamples: options.nSamples }, {
      nSamples: { kind: "int", min: 1 },
    });
    const rs = options.randomState ?? 0;
    const rng = typeof rs === "number" ? new RandomState(rs) : rs;
    const idx = rng.permutation(X.rows).subarray(0, options.nSamples);
    S = matrix(idx.length, X.cols);
    idx.forEach((r, i) => S.data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
  }
  const k = Math.floor(S.rows * quantile);
  if (k < 1) {
    throw new RangeError(
      `Cannot estimate the bandwidth as quantile·n_samples must be >= 1: quantile=${quantile}, n_samples=${S.rows}`,
    );
  }
  const d = kthNeighborDistance(S, S, k);
  let sum = 0;
  for (const v of d) sum += v;
  return sum / S.rows;
}

/** Options of {@linkcode meanShift}. */
export interface MeanShiftOptions {
  /** Kernel radius h (> 0). @default estimateBandwidth(X) */
  bandwidth?: number;
  /** Seed from a grid of cells of side h instead of from every sample (faster on many samples). @default false */
  binSeeding?: boolean;
  /** With bin seeding, cells with fewer samples give no seed. @default 1 */
  minBinFreq?: number;
  /** Iteration cap per seed (0: one step, as scikit-learn). @default 300 */
  maxIter?: number;
  /** Label every sample by its nearest centre; false leaves those farther than h from all centres as −1. @default true */
  clusterAll?: boolean;
  /** Called with one line where scikit-learn warns (bin seeding that gives every sample its own cell). @default ignore */
  onWarning?: (message: string) => void;
}

/** {@linkcode MeanShiftOptions}'s names, for {@linkcode checkOptions}. */
const MEAN_SHIFT_OPTIONS = optionNames<MeanShiftOptions>({
  bandwidth: true,
  binSeeding: true,
  minBinFreq: true,
  maxIter: true,
  clusterAll: true,
  onWarning: true,
});

/** A mean-shift clustering. */
export interface MeanShiftResult {
  /** Cluster centres, the most populated first. */
  readonly centers: Matrix;
  /** Index of each sample's nearest centre (−1 beyond h of all, with `clusterAll` false). */
  readonly labels: Int32Array;
  /** The bandwidth used. */
  readonly bandwidth: number;
  /** Most iterations any seed took. */
  readonly nIter: number;
}

/** NumPy's round(): halves to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Seeds on a grid of cells of side `binSize`: one per cell holding at least
 * `minBinFreq` samples, in order of first occupation. Like scikit-learn, the
 * seed coordinates are float32 (cell index × bin size), and when every
 * sample has a cell of its own the samples themselves are the seeds.
 */
export function binSeeds(X: Matrix, binSize: number, minBinFreq = 1): Matrix {
  const d = X.cols;
  const cells = new Map<string, { key: number[]; count: number }>();
  for (let i = 0; i < X.rows; i++) {
    const key = Array.from(X.data.subarray(i * d, (i + 1) * d), (v) => roundHalfEven(v / binSize));
    const id = key.join(",");
    const cell = cells.get(id);
    if (cell) cell.count++;
    else cells.set(id, { key, count: 1 });
  }
  const kept = [...cells.values()].filter((c) => c.count >= minBinFreq);
  if (kept.length === X.rows) return X;
  // float32 × bin size: float32, unless the bin size is beyond float32's
  // range, where NumPy 1.24 computes in float64.
  const h32 = Math.fround(binSize);
  const times = Number.isFinite(h32)
    ? (v: number) => Math.fround(Math.fround(v) * h32)
    : (v: number) => Math.fround(v) * binSize;
  const seeds = matrix(kept.length, d);
  kept.forEach((c, s) => c.key.forEach((v, j) => seeds.data[s * d + j] = times(v)));
  return seeds;
}

/**
 * Clusters the rows of `X` by mean shift.
 *
 * @example Two groups on a line
 * ```ts
 * import { meanShift } from "./mean_shift.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1], [2], [3], [11], [12], [13], [14]]);
 * const { centers, labels } = meanShift(X, { bandwidth: 3 });
 * assert.deepEqual(Array.from(centers.data), [12.5, 2]);
 * assert.deepEqual(Array.from(labels), [1, 1, 1, 0, 0, 0, 0]);
 * ```
 * @throws {RangeError} when bandwidth ≤ 0, or no seed has a sample within the bandwidth.
 */
export function meanShift(X: Matrix, options: MeanShiftOptions = {}): MeanShiftResult {
  checkOptions("fit mean shift", options, MEAN_SHIFT_OPTIONS);
  validateData("fit mean shift", X);
  const h = options.bandwidth ?? estimateBandwidth(X);
  const o = {
    bandwidth: h,
    minBinFreq: options.minBinFreq ?? 1,
    maxIter: options.maxIter ?? 300,
  };
  validate("fit mean shift", {
    ...o,
    binSeeding: options.binSeeding ?? false,
    clusterAll: options.clusterAll ?? true,
  }, {
    binSeeding: { kind: "oneOf", values: [true, false] },
    clusterAll: { kind: "oneOf", values: [true, false] },
    bandwidth: { kind: "number", min: 0, minExclusive: true },
    minBinFreq: { kind: "int", min: 1 },
    maxIter: { kind: "int", min: 0 },
  });
  const d = X.cols;
  const seeds = options.binSeeding ? binSeeds(X, h, o.minBinFreq) : X;
  if (options.binSeeding && seeds === X) {
    options.onWarning?.(
      `Binning data failed with provided bin_size=${percentF(h)}, using data points as seeds.`,
    );
  }
  const index = new RadiusIndex(X, h);
  const stop = 1e-3 * h;

  // Climb from every seed; identical end points merge (their counts agree).
  const found = new Map<string, { mean: Float64Array; count: number }>();
  let nIter = 0;
  const mean = matrix(1, d);
  const members: number[] = [];
  for (let s = 0; s < seeds.rows; s++) {
    mean.data.set(seeds.data.subarray(s * d, (s + 1) * d));
    let count = 0;
    for (let it = 0;; it++) {
      members.length = 0;
      index.query(mean, 0, (j) => {
        members.push(j);
      });
      if (members.length === 0) break;
      // Sum in index order so equal neighbour sets give identical means.
      members.sort((a, b) => a - b);
      const next = new Float64Array(d);
      for (const j of members) for (let c = 0; c < d; c++) next[c] += X.data[j * d + c];
      let shift = 0;
      for (let c = 0; c < d; c++) {
        next[c] /= members.length;
        shift += (next[c] - mean.data[c]) ** 2;
      }
      mean.data.set(next);
      count = members.length;
      if (Math.sqrt(shift) < stop || it === o.maxIter) {
        nIter = Math.max(nIter, it);
        break;
      }
    }
    if (count > 0) found.set(Array.from(mean.data).join(","), { mean: mean.data.slice(), count });
  }
  if (found.size === 0) {
    throw new RangeError(
      `Cannot fit mean shift as no sample is within the bandwidth of any seed; increase it: bandwidth=${h}`,
    );
  }

  // Rank by count, then by coordinates (both descending); drop centres within
  // h of a better one.
  const ranked = [...found.values()].sort((a, b) => {
    if (a.count !== b.count) return b.count - a.count;
    for (let c = 0; c < d; c++) if (a.mean[c] !== b.mean[c]) return b.mean[c] - a.mean[c];
    return 0;
  });
  const all = matrix(ranked.length, d);
  ranked.forEach((r, i) => all.data.set(r.mean, i * d));
  const unique = new Uint8Array(ranked.length).fill(1);
  const centerIndex = new RadiusIndex(all, h);
  for (let i = 0; i < ranked.length; i++) {
    if (!unique[i]) continue;
    centerIndex.query(all, i, (j) => {
      unique[j] = 0;
    });
    unique[i] = 1;
  }
  const keep = ranked.filter((_, i) => unique[i]);
  const centers = matrix(keep.length, d);
  keep.forEach((r, i) => centers.data.set(r.mean, i * d));
  const labels = nearestRows(X, centers);
  if (options.clusterAll === false) {
    for (let i = 0; i < X.rows; i++) {
      if (Math.sqrt(sqDist(X, i, centers, labels[i])) > h) labels[i] = -1;
    }
  }
  return { centers, labels, bandwidth: h, nIter };
}
