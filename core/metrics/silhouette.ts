/**
 * Silhouette coefficient (Euclidean), as scikit-learn's `silhouette_score`
 * and `silhouette_samples`, in O(n·k) memory: distances are summed per
 * cluster row by row, never stored as an n×n matrix.
 *
 * For sample i in cluster A: a(i) = mean distance to the other members of A,
 * b(i) = min over clusters B ≠ A of the mean distance to B's members,
 * s(i) = (b − a) / max(a, b), and s(i) = 0 when A has one member.
 * Reference: P. J. Rousseeuw, "Silhouettes", J. Comput. Appl. Math. 20 (1987).
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { takeRows } from "../matrix.ts";
import { sqDist } from "../distance.ts";
import { RandomState } from "../random.ts";
import { checkOptions, optionNames, validate, validateData } from "../validate.ts";

/** Options of {@linkcode silhouetteScore}. */
export interface SilhouetteOptions {
  /** Score a random subset of this many samples (labels restricted to it; all n when larger). @default all samples */
  sampleSize?: number;
  /** Seed or generator for the subset. @default 0 */
  randomState?: number | RandomState;
}

/** {@linkcode SilhouetteOptions}'s names, for {@linkcode checkOptions}. */
const SILHOUETTE_OPTIONS = optionNames<SilhouetteOptions>({ sampleSize: true, randomState: true });

function relabel(labels: ArrayLike<number>): { codes: Int32Array; k: number } {
  const map = new Map<number, number>();
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let c = map.get(labels[i]);
    if (c === undefined) map.set(labels[i], c = map.size);
    codes[i] = c;
  }
  return { codes, k: map.size };
}

/**
 * Silhouette value of every sample. Labels may be any integers (DBSCAN's −1
 * noise counts as one more cluster, as in scikit-learn).
 *
 * @example
 * ```ts
 * import { silhouetteSamples } from "./silhouette.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0], [1], [10], [11]]);
 * const s = silhouetteSamples(X, [0, 0, 1, 1]);
 * // a = 1, b = mean(10, 11) = 10.5 for sample 0
 * assert.ok(Math.abs(s[0] - (10.5 - 1) / 10.5) < 1e-12);
 * ```
 * @throws {RangeError} unless 2 ≤ number of labels ≤ n − 1.
 */
export function silhouetteSamples(X: Matrix, labels: ArrayLike<number>): Float64Array {
  validateData("compute the silhouette", X);
  if (labels.length !== X.rows) {
    throw new RangeError(
      `Cannot compute the silhouette as labels and X differ in length: labels=${labels.length}, rows=${X.rows}`,
    );
  }
  const { codes, k } = relabel(labels);
  const n = X.rows;
  if (k < 2 || k > n - 1) {
    throw new RangeError(
      `Cannot compute the silhouette as the number of labels must be in [2, n_samples - 1]: labels=${k}, n_samples=${n}`,
    );
  }
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i++) sizes[codes[i]]++;
  const sums = new Float64Array(k);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) sums[codes[j]] += Math.sqrt(sqDist(X, i, X, j));
    const own = codes[i];
    if (sizes[own] <= 1) continue; // s = 0 for singletons
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sums[c] / sizes[c] < b) b = sums[c] / sizes[c];
    const m = Math.max(a, b);
    out[i] = m > 0 ? (b - a) / m : 0;
  }
  return out;
}

/**
 * Mean silhouette coefficient over all samples (or a random `sampleSize`
 * subset, chosen as `permutation(n)[:sampleSize]` like scikit-learn).
 *
 * @example
 * ```ts
 * import { silhouetteScore } from "./silhouette.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0], [1], [10], [11]]);
 * // samples 0 and 3: 1 − 1/10.5; samples 1 and 2: 1 − 1/9.5
 * const expected = 1 - (1 / 10.5 + 1 / 9.5) / 2;
 * assert.ok(Math.abs(silhouetteScore(X, [0, 0, 1, 1]) - expected) < 1e-15);
 * ```
 */
export function silhouetteScore(
  X: Matrix,
  labels: ArrayLike<number>,
  options: SilhouetteOptions = {},
): number {
  checkOptions("compute the silhouette", options, SILHOUETTE_OPTIONS);
  let Xs = X;
  let ls = labels;
  if (options.sampleSize !== undefined) {
    validate("compute the silhouette", { sampleSize: options.sampleSize }, {
      sampleSize: { kind: "int", min: 2 },
    });
    // More than n: all n, in the permutation's order (scikit-learn's slice).
    const rs = options.randomState ?? 0;
    const rng = typeof rs === "number" ? new RandomState(rs) : rs;
    const idx = rng.permutation(X.rows).subarray(0, options.sampleSize);
    Xs = takeRows(X, idx);
    ls = Array.from(idx, (i) => labels[i]);
  }
  const s = silhouetteSamples(Xs, ls);
  let total = 0;
  for (const v of s) total += v;
  return total / s.length;
}
