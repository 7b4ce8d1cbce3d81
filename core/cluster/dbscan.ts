/**
 * DBSCAN: density-based clustering with noise, with scikit-learn's `DBSCAN`
 * semantics.
 *
 * A core sample has at least `minSamples` samples (itself included) within
 * distance `eps`. Clusters are the connected components of core samples
 * (two cores are connected when within `eps`), plus the border samples within
 * `eps` of a core. Clusters are numbered in the order of their first core
 * sample; a border sample reachable from several clusters joins the first;
 * everything else is noise (−1).
 * Reference: M. Ester, H.-P. Kriegel, J. Sander, X. Xu, "A density-based
 * algorithm for discovering clusters in large spatial databases with noise"
 * (KDD 1996); scikit-learn `sklearn/cluster/_dbscan.py`.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { checkOptions, optionNames, validate, validateData, validateWeights } from "../validate.ts";
import { RadiusIndex } from "../neighbors/radius_index.ts";
import { pairwiseSum } from "../math.ts";

/** Options of {@linkcode dbscan}. */
export interface DbscanOptions {
  /** Neighbourhood radius (distance ≤ eps). @default 0.5 */
  eps?: number;
  /** Samples within eps, itself included, that make a core sample. @default 5 */
  minSamples?: number;
  /**
   * Weight of each sample (scikit-learn's `sample_weight`): a sample is core
   * when the weights within eps, its own included, sum to at least
   * `minSamples`; a weight may be negative, keeping a neighbour from being
   * core. @default all 1
   */
  sampleWeight?: ArrayLike<number>;
}

/** {@linkcode DbscanOptions}'s names, for {@linkcode checkOptions}. */
const DBSCAN_OPTIONS = optionNames<DbscanOptions>({
  eps: true,
  minSamples: true,
  sampleWeight: true,
});

/** A DBSCAN clustering. */
export interface DbscanResult {
  /** Cluster of each sample, −1 for noise. */
  readonly labels: Int32Array;
  /** Indices of the core samples, ascending. */
  readonly coreSampleIndices: Int32Array;
  /** Number of clusters (noise excluded). */
  readonly nClusters: number;
  /** Number of noise samples. */
  readonly nNoise: number;
}

/**
 * Clusters the rows of `X` by density. Memory is O(n): neighbourhoods are
 * recomputed from a grid index, never stored as an n × n matrix.
 *
 * @example Two dense groups and an outlier
 * ```ts
 * import { dbscan } from "./dbscan.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10], [50, 50]]);
 * const { labels, nNoise } = dbscan(X, { eps: 1.5, minSamples: 3 });
 * assert.deepEqual(Array.from(labels), [0, 0, 0, 1, 1, 1, -1]);
 * assert.equal(nNoise, 1);
 * ```
 * @throws {RangeError} when eps ≤ 0, minSamples < 1, the data is empty or not finite, or the weights are not n finite numbers.
 */
export function dbscan(X: Matrix, options: DbscanOptions = {}): DbscanResult {
  checkOptions("fit DBSCAN", options, DBSCAN_OPTIONS);
  const eps = options.eps ?? 0.5;
  const minSamples = options.minSamples ?? 5;
  validate("fit DBSCAN", { eps, minSamples }, {
    eps: { kind: "number", min: 0, minExclusive: true },
    minSamples: { kind: "int", min: 1 },
  });
  validateData("fit DBSCAN", X);
  const n = X.rows;
  const w = validateWeights("fit DBSCAN", options.sampleWeight, n, "finite");
  const index = new RadiusIndex(X, eps);
  const found = new Int32Array(n);
  // Core samples: unweighted, stop counting a neighbourhood once it holds
  // minSamples; weighted, add the whole neighbourhood's weights as NumPy's
  // np.sum does, in index order (scikit-learn's tree gives its own order,
  // which only fractional weights could tell apart).
  const picked = w ? new Float64Array(n) : undefined;
  const isCore = w
    ? (i: number) => {
      const m = index.within(X, i, found);
      const ids = found.subarray(0, m).sort();
      for (let t = 0; t < m; t++) picked![t] = w[ids[t]];
      return pairwiseSum(picked!, 0, m) >= minSamples;
    }
    : (i: number) => index.hasAtLeast(X, i, minSamples);
  const core = new Uint8Array(n);
  const cores: number[] = [];
  for (let i = 0; i < n; i++) {
    if (isCore(i)) {
      core[i] = 1;
      cores.push(i);
    }
  }
  // Grow each cluster from its first core sample through core samples.
  const labels = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  let label = 0;
  for (const i of cores) {
    if (labels[i] !== -1) continue;
    labels[i] = label;
    let top = 0;
    stack[top++] = i;
    while (top > 0) {
      const m = index.within(X, stack[--top], found);
      for (let t = 0; t < m; t++) {
        const j = found[t];
        if (labels[j] !== -1) continue;
        labels[j] = label;
        if (core[j]) stack[top++] = j;
      }
    }
    label++;
  }
  let nNoise = 0;
  for (let i = 0; i < n; i++) if (labels[i] === -1) nNoise++;
  return { labels, coreSampleIndices: Int32Array.from(cores), nClusters: label, nNoise };
}
