/**
 * HDBSCAN: hierarchical density-based clustering, with scikit-learn 1.9's
 * `HDBSCAN` semantics (Euclidean metric only).
 *
 * Step 1. Core distance core(x): the distance to x's `minSamples`-th nearest
 *         row, x itself included.
 * Step 2. Mutual reachability mrd(a, b) = max(core(a), core(b), ‖a − b‖/alpha)
 *         and its minimum spanning tree (Prim's, from row 0, as scikit-learn;
 *         up to 4 columns a k-d tree skips the rows a new tree row cannot
 *         bring closer and defers far ones; memory is O(n) and the edges,
 *         ties included, are scikit-learn's; see `_hdbscan_mst.ts`).
 * Step 3. Single-linkage tree of the MST edges sorted by weight (ties in
 *         Prim's order), condensed to clusters of ≥ `minClusterSize` rows,
 *         with λ = 1/distance.
 * Step 4. Stability S(C) = Σ_{x∈C} (λ_x − λ_birth(C)); excess of mass ("eom")
 *         keeps a cluster unless its children are together more stable;
 *         "leaf" keeps the leaves; `clusterSelectionEpsilon` merges clusters
 *         born below that distance into the nearest ancestor born above it
 *         (scikit-learn 1.9.1 raises a TypeError on that climb under NumPy
 *         2.4; this follows its code's intent).
 * Step 5. Labels (−1 noise) and probabilities λ_x / λ_max(cluster).
 *
 * Ties: scikit-learn sorts the MST edges with `np.argsort` (not stable; its
 * order among equal weights depends on NumPy's SIMD sort), and the labels can
 * depend on that order when several merges share one weight (many edges
 * weigh a shared core distance). Here equal weights keep Prim's order (a
 * stable sort): the result equals scikit-learn's whenever its result does not
 * depend on that order, and equals scikit-learn with a stable `argsort`
 * always (tests/hdbscan_test.ts checks both). On 2·10⁴ blobs
 * (`make_blobs(20000, random_state=0)`), for example, scikit-learn with
 * NumPy 2.4's AVX-512 sort finds 995 clusters, with a stable sort 974, as
 * here (same labels, same probabilities).
 *
 * Rows with NaN or ±∞ are set aside as scikit-learn does (by the row's sum:
 * NaN → label −3, probability NaN; ±∞ → label −2, probability 0) and the
 * finite rows are clustered.
 * References: R. Campello, D. Moulavi, J. Sander, "Density-based clustering
 * based on hierarchical density estimates" (PAKDD 2013); L. McInnes,
 * J. Healy, "Accelerated hierarchical density based clustering" (ICDMW 2017);
 * scikit-learn `sklearn/cluster/_hdbscan/` (1.9.1).
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { checkOptions, optionNames, validate, validateData, validateShape } from "../validate.ts";
import { coreDistances, primMst } from "./_hdbscan_mst.ts";
import { condenseTree, selectClusters, singleLinkage } from "./_hdbscan_tree.ts";
import { pairwiseSum } from "../math.ts";

/** Options of {@linkcode hdbscan}. */
export interface HdbscanOptions {
  /** Fewest rows that make a cluster. @default 5 */
  minClusterSize?: number;
  /** Rows in a core neighbourhood, the row itself included; `undefined` means `minClusterSize`. @default undefined */
  minSamples?: number;
  /** Clusters born below this distance are merged into their parent (0: off). @default 0 */
  clusterSelectionEpsilon?: number;
  /** Largest cluster "eom" may keep (`undefined`: no limit; ignored by "leaf"). @default undefined */
  maxClusterSize?: number;
  /** Distance scale of the mutual reachability: mrd uses ‖a − b‖ / alpha. @default 1 */
  alpha?: number;
  /** "eom" (excess of mass) or "leaf" (the leaves of the condensed tree). @default "eom" */
  clusterSelectionMethod?: "eom" | "leaf";
  /** Whether "eom" may return the root as a single cluster. @default false */
  allowSingleCluster?: boolean;
  /** Only "euclidean" is implemented. @default "euclidean" */
  metric?: "euclidean";
}

/** {@linkcode HdbscanOptions}'s names, for {@linkcode checkOptions}. */
const HDBSCAN_OPTIONS = optionNames<HdbscanOptions>({
  minClusterSize: true,
  minSamples: true,
  clusterSelectionEpsilon: true,
  maxClusterSize: true,
  alpha: true,
  clusterSelectionMethod: true,
  allowSingleCluster: true,
  metric: true,
});

/** An HDBSCAN clustering. */
export interface HdbscanResult {
  /** Cluster of each row; −1 noise, −2 a row with ±∞, −3 a row with NaN. */
  readonly labels: Int32Array;
  /** Membership strength in [0, 1]; 0 for noise and ±∞ rows, NaN for NaN rows. */
  readonly probabilities: Float64Array;
  /** Number of clusters. */
  readonly nClusters: number;
  /** Number of rows labelled −1. */
  readonly nNoise: number;
}

/**
 * Clusters the rows of `X` by HDBSCAN, as scikit-learn 1.9.1's
 * `HDBSCAN(metric="euclidean").fit(X)`: the same labels (the same numbers)
 * and probabilities (see the module comment for ties).
 *
 * @param X data, n × d; rows with NaN or ±∞ are labelled −3 / −2.
 * @param options see {@linkcode HdbscanOptions}.
 * @returns labels, probabilities, cluster and noise counts.
 *
 * @example Two groups of four and an outlier
 * ```ts
 * import { hdbscan } from "./hdbscan.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([
 *   [0, 0], [0, 1], [1, 0], [1, 1],
 *   [10, 10], [10, 11], [11, 10], [11, 11],
 *   [50, 50],
 * ]);
 * const r = hdbscan(X, { minClusterSize: 3, minSamples: 2 });
 * assert.deepEqual(Array.from(r.labels), [0, 0, 0, 0, 1, 1, 1, 1, -1]);
 * assert.equal(r.nNoise, 1);
 * ```
 * @throws {RangeError} for an option out of range, fewer than 2 finite rows,
 * or minSamples larger than the number of finite rows.
 */
export function hdbscan(X: Matrix, options: HdbscanOptions = {}): HdbscanResult {
  checkOptions("fit HDBSCAN", options, HDBSCAN_OPTIONS);
  const minClusterSize = options.minClusterSize ?? 5;
  const minSamples = options.minSamples ?? minClusterSize;
  const clusterSelectionEpsilon = options.clusterSelectionEpsilon ?? 0;
  const maxClusterSize = options.maxClusterSize;
  const alpha = options.alpha ?? 1;
  const clusterSelectionMethod = options.clusterSelectionMethod ?? "eom";
  const allowSingleCluster = options.allowSingleCluster ?? false;
  const metric = options.metric ?? "euclidean";
  const action = "fit HDBSCAN";
  validate(action, {
    minClusterSize,
    minSamples,
    clusterSelectionEpsilon,
    maxClusterSize: maxClusterSize ?? 1,
    alpha,
    clusterSelectionMethod,
    allowSingleCluster,
    metric,
  }, {
    minClusterSize: { kind: "int", min: 2 },
    minSamples: { kind: "int", min: 1 },
    clusterSelectionEpsilon: { kind: "number", min: 0 },
    maxClusterSize: { kind: "int", min: 1 },
    alpha: { kind: "number", min: 0, minExclusive: true },
    clusterSelectionMethod: { kind: "oneOf", values: ["eom", "leaf"] },
    allowSingleCluster: { kind: "oneOf", values: [true, false] },
    metric: { kind: "oneOf", values: ["euclidean"] },
  });
  validateShape(action, X); // (its NaN and ±∞ rows are set aside below)

  // Step 0. Rows whose sum is NaN (−3) or ±∞ (−2) are set aside.
  const N = X.rows, d = X.cols;
  const outlier = new Int32Array(N);
  const finite: number[] = [];
  for (let i = 0; i < N; i++) {
    const s = rowSum(X.data, i * d, d);
    if (Number.isNaN(s)) outlier[i] = -3;
    else if (!Number.isFinite(s)) outlier[i] = -2;
    else finite.push(i);
  }
  const n = finite.length;
  let Xf = X;
  if (n < N) {
    const data = new Float64Array(n * d);
    finite.forEach((i, r) => data.set(X.data.subarray(i * d, i * d + d), r * d));
    Xf = { rows: n, cols: d, data };
  }
  if (n === 1) {
    throw new RangeError(
      `Cannot ${action} as n_samples=1 while HDBSCAN requires more than one sample: nSamples=1`,
    );
  }
  if (minSamples > n) {
    throw new RangeError(
      `Cannot ${action} as min_samples (${minSamples}) must be at most the number of samples in X (${n}): minSamples=${minSamples}`,
    );
  }
  validateData(action, Xf, 2);

  // Steps 1–5.
  const core = coreDistances(Xf, minSamples);
  const mst = primMst(Xf, core, alpha);
  const tree = singleLinkage(n, mst.from, mst.to, mst.distance);
  const condensed = condenseTree(tree, n, minClusterSize);
  const flat = selectClusters(condensed, n, {
    method: clusterSelectionMethod,
    allowSingleCluster,
    epsilon: clusterSelectionEpsilon,
    maxClusterSize: maxClusterSize ?? n + 1,
  });

  let labels = flat.labels, probabilities = flat.probabilities;
  if (n < N) {
    labels = new Int32Array(N);
    probabilities = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      labels[i] = outlier[i];
      if (outlier[i] === -3) probabilities[i] = NaN;
    }
    finite.forEach((i, r) => {
      labels[i] = flat.labels[r];
      probabilities[i] = flat.probabilities[r];
    });
  }
  let nNoise = 0;
  for (let i = 0; i < N; i++) if (labels[i] === -1) nNoise++;
  return { labels, probabilities, nClusters: flat.nClusters, nNoise };
}

/** A row's sum as NumPy's `X.sum(axis=1)` adds it (first value, then pairwise sums). */
function rowSum(x: Float64Array, o: number, d: number): number {
  return d === 1 ? x[o] : x[o] + pairwiseSum(x, o + 1, o + d);
}
