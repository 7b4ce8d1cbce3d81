/**
 * OPTICS: an ordering of the samples by density reachability, and clusters
 * extracted from it, with scikit-learn 1.2's `OPTICS` semantics (results
 * checked equal to scikit-learn 1.2.1's).
 *
 * Each sample has a core distance (to its `minSamples`-th nearest sample,
 * itself included; ∞ beyond `maxEps`). OPTICS repeatedly takes the
 * unprocessed sample of smallest reachability (the lowest index on ties) and
 * lowers each unprocessed neighbour's reachability to
 * max(distance, core distance of the taken sample). Clusters are read from
 * the reachability plot either by the ξ-steep method (`clusterMethod: "xi"`,
 * {@linkcode clusterOpticsXi}) or as a DBSCAN at radius `eps`
 * ({@linkcode clusterOpticsDbscan}).
 *
 * Only the Euclidean metric (scikit-learn's default minkowski with p = 2) is
 * implemented. Memory is O(n) (`_optics_graph.ts`).
 *
 * References: M. Ankerst, M. M. Breunig, H.-P. Kriegel, J. Sander, "OPTICS:
 * ordering points to identify the clustering structure", SIGMOD 1999;
 * E. Schubert, M. Gertz, "Improving the Cluster Structure Extracted from
 * OPTICS Plots", LWDA 2018; scikit-learn `sklearn/cluster/_optics.py`
 * (`OPTICS`, `cluster_optics_dbscan`, `cluster_optics_xi`).
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { checkOptions, optionNames, validate, validateData } from "../validate.ts";
import { opticsGraph } from "./_optics_graph.ts";
import { type PredecessorIndexing, xiCluster, xiLabels } from "./_optics_xi.ts";

export type { PredecessorIndexing };

/** Options of {@linkcode optics}. */
export interface OpticsOptions {
  /**
   * Samples in a neighbourhood (the sample itself included) that make a core
   * sample: an integer ≥ 2, or a fraction in [0, 1] of the number of samples
   * (then max(2, ⌊fraction·n⌋); note that 1 is the fraction 1, as in
   * scikit-learn). @default 5
   */
  minSamples?: number;
  /** Largest distance at which two samples are neighbours (∞ allowed). @default Infinity */
  maxEps?: number;
  /** How clusters are extracted from the ordering. @default "xi" */
  clusterMethod?: "xi" | "dbscan";
  /** Radius of the `"dbscan"` extraction; null means `maxEps`. Must be ≤ maxEps. @default null */
  eps?: number | null;
  /** Minimum steepness of a cluster boundary, in [0, 1). @default 0.05 */
  xi?: number;
  /** Correct `"xi"` clusters by the predecessors (Schubert & Gertz). @default true */
  predecessorCorrection?: boolean;
  /**
   * How that correction reads a cluster end's predecessor. `"ordering"` is
   * scikit-learn 1.2's code, which looks the predecessor's sample id up in
   * the ordering as if it were a position; `"sample"` is scikit-learn 1.3 and
   * later (the paper's algorithm), which uses the sample id. They differ by a
   * sample or two at some cluster ends (3 of the comparison example's 6 data
   * sets). @default "ordering"
   */
  predecessorIndexing?: PredecessorIndexing;
  /**
   * Minimum size of a `"xi"` cluster: an integer ≥ 2, a fraction in (0, 1]
   * of the number of samples (then max(2, ⌊fraction·n⌋)), or null for
   * `minSamples`. @default null
   */
  minClusterSize?: number | null;
  /** Receives scikit-learn's warnings, one line each. @default ignore */
  onWarning?: (message: string) => void;
}

/** {@linkcode OpticsOptions}'s names, for {@linkcode checkOptions}. */
const OPTICS_OPTIONS = optionNames<OpticsOptions>({
  minSamples: true,
  maxEps: true,
  clusterMethod: true,
  eps: true,
  xi: true,
  predecessorCorrection: true,
  predecessorIndexing: true,
  minClusterSize: true,
  onWarning: true,
});

/** An OPTICS ordering and the clusters extracted from it; arrays indexed by sample unless noted. */
export interface OpticsResult {
  /** Cluster of each sample, −1 for noise. */
  readonly labels: Int32Array;
  /** The samples in OPTICS order (a permutation of 0 … n − 1). */
  readonly ordering: Int32Array;
  /** Reachability distance (∞ for the first sample of each connected run). */
  readonly reachability: Float64Array;
  /** Core distance (∞ when the sample is not core within maxEps). */
  readonly coreDistances: Float64Array;
  /** The sample each one was reached from, −1 for none. */
  readonly predecessor: Int32Array;
  /**
   * The `"xi"` clusters as [start, end] positions in `ordering` (both
   * inclusive), nested clusters before those holding them; empty for
   * `"dbscan"`.
   */
  readonly clusterHierarchy: readonly (readonly [number, number])[];
  /** Number of clusters (noise excluded). */
  readonly nClusters: number;
  /** Number of noise samples. */
  readonly nNoise: number;
}

/** Clusters and noise samples of a labelling. */
function counts(labels: Int32Array): { nClusters: number; nNoise: number } {
  let nClusters = 0, nNoise = 0;
  for (const l of labels) {
    if (l < 0) nNoise++;
    else if (l + 1 > nClusters) nClusters = l + 1;
  }
  return { nClusters, nNoise };
}

/** Options of {@linkcode clusterOpticsXi}. */
export interface ClusterOpticsXiOptions {
  /** As {@linkcode OpticsOptions.minSamples}. @default 5 */
  minSamples?: number;
  /** As {@linkcode OpticsOptions.minClusterSize}. @default null */
  minClusterSize?: number | null;
  /** As {@linkcode OpticsOptions.xi}. @default 0.05 */
  xi?: number;
  /** As {@linkcode OpticsOptions.predecessorCorrection}. @default true */
  predecessorCorrection?: boolean;
  /** As {@linkcode OpticsOptions.predecessorIndexing}. @default "ordering" */
  predecessorIndexing?: PredecessorIndexing;
}

/** {@linkcode ClusterOpticsXiOptions}'s names, for {@linkcode checkOptions}. */
const XI_OPTIONS = optionNames<ClusterOpticsXiOptions>({
  minSamples: true,
  minClusterSize: true,
  xi: true,
  predecessorCorrection: true,
  predecessorIndexing: true,
});

/** Result of {@linkcode clusterOpticsXi}. */
export interface ClusterOpticsXiResult {
  /** Cluster of each sample, −1 for noise. */
  readonly labels: Int32Array;
  /** As {@linkcode OpticsResult.clusterHierarchy}. */
  readonly clusterHierarchy: readonly (readonly [number, number])[];
}

const ACTION = "fit OPTICS";

function show(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/** Integer ≥ 2, or a fraction in [0, 1] (`(0, 1]` when `openAtZero`). */
function checkSize(action: string, name: string, v: unknown, openAtZero: boolean): void {
  if (typeof v !== "number") {
    throw new TypeError(
      `Cannot ${action} as ${name} must be an integer >= 2 or a number in ${
        openAtZero ? "(0, 1]" : "[0, 1]"
      }: ${name}=${show(v)}`,
    );
  }
  const fraction = openAtZero ? v > 0 && v <= 1 : v >= 0 && v <= 1;
  if ((Number.isInteger(v) && v >= 2) || fraction) return;
  throw new RangeError(
    `Cannot ${action} as ${name} must be an integer >= 2 or a number in ${
      openAtZero ? "(0, 1]" : "[0, 1]"
    }: ${name}=${show(v)}`,
  );
}

/** Number ≥ 0, ∞ allowed. */
function checkRadius(action: string, name: string, v: unknown): void {
  if (typeof v !== "number") {
    throw new TypeError(`Cannot ${action} as ${name} must be a number >= 0: ${name}=${show(v)}`);
  }
  if (!(v >= 0)) {
    throw new RangeError(`Cannot ${action} as ${name} must be a number >= 0: ${name}=${show(v)}`);
  }
}

/** ξ in [0, 1): scikit-learn's range is [0, 1], but ξ = 1 divides by zero there. */
function checkXi(action: string, xi: unknown): void {
  if (typeof xi !== "number") {
    throw new TypeError(`Cannot ${action} as xi must be a number >= 0 and < 1: xi=${show(xi)}`);
  }
  if (!(xi >= 0 && xi < 1)) {
    throw new RangeError(`Cannot ${action} as xi must be a number >= 0 and < 1: xi=${show(xi)}`);
  }
}

/** scikit-learn's `_validate_size` then the fraction rule: the integer size. */
function resolveSize(action: string, name: string, v: number, n: number): number {
  if (v > n) {
    throw new RangeError(
      `Cannot ${action} as ${name} must be no greater than the number of samples (${n}): ${name}=${v}`,
    );
  }
  return v <= 1 ? Math.max(2, Math.floor(v * n)) : v;
}

/**
 * Clusters the rows of `X` with OPTICS, as scikit-learn's
 * `OPTICS(...).fit(X)` (Euclidean metric only).
 *
 * The ordering, reachability, core distances and predecessors are
 * scikit-learn 1.2.1's: the same float64 operations (distances summed in
 * feature order, `np.around(·, 15)` on core and reachability distances), the
 * same lowest-index tie-breaking.
 *
 * @param X samples, one per row.
 * @param options see {@linkcode OpticsOptions}.
 * @returns labels, the ordering and its reachability plot.
 *
 * @example Two groups and an outlier
 * ```ts
 * import { optics } from "./optics.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * // scikit-learn's docstring example: OPTICS(min_samples=2).fit(X).labels_
 * const X = fromRows([[1, 2], [2, 5], [3, 6], [8, 7], [8, 8], [7, 3]]);
 * const r = optics(X, { minSamples: 2 });
 * assert.deepEqual(Array.from(r.labels), [0, 0, 0, 1, 1, 1]);
 * assert.deepEqual(Array.from(r.ordering), [0, 1, 2, 5, 3, 4]);
 * assert.equal(r.reachability[0], Infinity);
 * ```
 * @throws {RangeError} for options out of range, non-finite data,
 *   minSamples or minClusterSize above the number of samples, or eps > maxEps.
 */
export function optics(X: Matrix, options: OpticsOptions = {}): OpticsResult {
  checkOptions(ACTION, options, OPTICS_OPTIONS);
  const minSamples = options.minSamples ?? 5;
  const maxEps = options.maxEps ?? Infinity;
  const clusterMethod = options.clusterMethod ?? "xi";
  const eps = options.eps ?? null;
  const xi = options.xi ?? 0.05;
  const predecessorCorrection = options.predecessorCorrection ?? true;
  const predecessorIndexing = options.predecessorIndexing ?? "ordering";
  const minClusterSize = options.minClusterSize ?? null;
  const warn = options.onWarning ?? (() => {});
  // Step 1. Parameters, then data.
  checkSize(ACTION, "minSamples", minSamples, false);
  checkRadius(ACTION, "maxEps", maxEps);
  validate(ACTION, { clusterMethod, predecessorCorrection, predecessorIndexing }, {
    clusterMethod: { kind: "oneOf", values: ["xi", "dbscan"] },
    predecessorCorrection: { kind: "oneOf", values: [true, false] },
    predecessorIndexing: { kind: "oneOf", values: ["ordering", "sample"] },
  });
  if (eps !== null) checkRadius(ACTION, "eps", eps);
  checkXi(ACTION, xi);
  if (minClusterSize !== null) checkSize(ACTION, "minClusterSize", minClusterSize, true);
  validateData(ACTION, X);
  const n = X.rows;
  const k = resolveSize(ACTION, "minSamples", minSamples, n);

  // Step 2. The reachability graph.
  const graph = opticsGraph(X, k, maxEps);
  let allInf = true;
  for (let i = 0; i < n && allInf; i++) if (graph.reachability[i] !== Infinity) allInf = false;
  if (allInf) {
    warn(
      "All reachability values are inf. Set a larger max_eps or all data will be considered outliers.",
    );
  }

  // Step 3. Cluster extraction.
  if (clusterMethod === "xi") {
    const { labels, clusterHierarchy } = clusterOpticsXi(
      graph.reachability,
      graph.predecessor,
      graph.ordering,
      { minSamples, minClusterSize, xi, predecessorCorrection, predecessorIndexing },
    );
    return { labels, ...graph, clusterHierarchy, ...counts(labels) };
  }
  const radius = eps ?? maxEps;
  if (radius > maxEps) {
    throw new RangeError(
      `Cannot ${ACTION} as eps must be no greater than maxEps (${maxEps}): eps=${radius}`,
    );
  }
  const labels = clusterOpticsDbscan(
    graph.reachability,
    graph.coreDistances,
    graph.ordering,
    radius,
  );
  return { labels, ...graph, clusterHierarchy: [], ...counts(labels) };
}

/**
 * DBSCAN clusters read from an OPTICS ordering at radius `eps` (≤ the
 * maxEps the ordering was computed with), as scikit-learn's
 * `cluster_optics_dbscan`: a new cluster starts at each sample, in order,
 * that is unreachable within eps but core within eps; samples unreachable
 * and not core are noise.
 *
 * @param reachability reachability distances, by sample.
 * @param coreDistances core distances, by sample.
 * @param ordering the OPTICS ordering.
 * @param eps the DBSCAN radius (≥ 0).
 * @returns the label of each sample, −1 for noise.
 *
 * @example
 * ```ts
 * import { clusterOpticsDbscan, optics } from "./optics.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0], [1], [2], [10], [11], [12], [30]]);
 * const r = optics(X, { minSamples: 2 });
 * const labels = clusterOpticsDbscan(r.reachability, r.coreDistances, r.ordering, 1.5);
 * assert.deepEqual(Array.from(labels), [0, 0, 0, 1, 1, 1, -1]);
 * ```
 * @throws {RangeError} when the lengths differ or eps is negative or NaN.
 */
export function clusterOpticsDbscan(
  reachability: ArrayLike<number>,
  coreDistances: ArrayLike<number>,
  ordering: ArrayLike<number>,
  eps: number,
): Int32Array {
  const action = "extract DBSCAN clusters from OPTICS";
  checkRadius(action, "eps", eps);
  const n = coreDistances.length;
  checkLengths(action, n, reachability.length, ordering.length);
  checkOrdering(action, ordering, reachability);
  const labels = new Int32Array(n);
  let count = 0;
  for (let p = 0; p < n; p++) {
    const i = ordering[p];
    if (reachability[i] > eps && coreDistances[i] <= eps) count++;
    labels[i] = count - 1;
  }
  for (let i = 0; i < n; i++) {
    if (reachability[i] > eps && !(coreDistances[i] <= eps)) labels[i] = -1;
  }
  return labels;
}

/**
 * ξ-steep clusters read from an OPTICS ordering, as scikit-learn's
 * `cluster_optics_xi`: nested clusters in `clusterHierarchy`, and labels
 * that give each sample its smallest enclosing cluster among those that do
 * not overlap an already-labelled one.
 *
 * @param reachability reachability distances, by sample.
 * @param predecessor predecessors, by sample (−1 for none).
 * @param ordering the OPTICS ordering.
 * @param options see {@linkcode ClusterOpticsXiOptions}.
 * @returns labels and the cluster hierarchy.
 *
 * @example
 * ```ts
 * import { clusterOpticsXi, optics } from "./optics.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 2], [2, 5], [3, 6], [8, 7], [8, 8], [7, 3]]);
 * const r = optics(X, { minSamples: 2 });
 * const xi = clusterOpticsXi(r.reachability, r.predecessor, r.ordering, { minSamples: 2 });
 * assert.deepEqual(Array.from(xi.labels), [0, 0, 0, 1, 1, 1]);
 * // scikit-learn 1.2.1: cluster_hierarchy_ = [[0, 2], [3, 5], [0, 5]]
 * assert.deepEqual(xi.clusterHierarchy, [[0, 2], [3, 5], [0, 5]]);
 * ```
 * @throws {RangeError} for options out of range, lengths that differ, or
 *   minSamples or minClusterSize above the number of samples.
 */
export function clusterOpticsXi(
  reachability: ArrayLike<number>,
  predecessor: ArrayLike<number>,
  ordering: ArrayLike<number>,
  options: ClusterOpticsXiOptions = {},
): ClusterOpticsXiResult {
  checkOptions("extract xi clusters from OPTICS", options, XI_OPTIONS);
  const action = "extract xi clusters from OPTICS";
  const minSamples = options.minSamples ?? 5;
  const minClusterSize = options.minClusterSize ?? null;
  const xi = options.xi ?? 0.05;
  const predecessorCorrection = options.predecessorCorrection ?? true;
  const indexing = options.predecessorIndexing ?? "ordering";
  checkSize(action, "minSamples", minSamples, false);
  if (minClusterSize !== null) checkSize(action, "minClusterSize", minClusterSize, true);
  checkXi(action, xi);
  validate(action, { predecessorCorrection, predecessorIndexing: indexing }, {
    predecessorCorrection: { kind: "oneOf", values: [true, false] },
    predecessorIndexing: { kind: "oneOf", values: ["ordering", "sample"] },
  });
  const n = reachability.length;
  checkLengths(action, n, predecessor.length, ordering.length);
  checkOrdering(action, ordering, reachability);
  const k = resolveSize(action, "minSamples", minSamples, n);
  const size = resolveSize(action, "minClusterSize", minClusterSize ?? k, n);
  const order = Int32Array.from(ordering);
  const plot = new Float64Array(n), predPlot = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    plot[p] = reachability[order[p]];
    predPlot[p] = predecessor[order[p]];
  }
  const clusterHierarchy = xiCluster(
    plot,
    predPlot,
    order,
    xi,
    k,
    size,
    predecessorCorrection,
    indexing,
  );
  return { labels: xiLabels(order, clusterHierarchy), clusterHierarchy };
}

/** `ordering` must be a permutation of 0 … n − 1, and no reachability NaN. */
function checkOrdering(
  action: string,
  ordering: ArrayLike<number>,
  reachability: ArrayLike<number>,
): void {
  const n = ordering.length;
  const seen = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const s = ordering[p];
    if (!Number.isInteger(s) || s < 0 || s >= n || seen[s]) {
      throw new RangeError(
        `Cannot ${action} as ordering must be a permutation of 0 … n − 1: ordering[${p}]=${s}`,
      );
    }
    seen[s] = 1;
    if (Number.isNaN(reachability[p])) {
      throw new RangeError(`Cannot ${action} as reachability holds NaN: reachability[${p}]=NaN`);
    }
  }
}

function checkLengths(action: string, n: number, a: number, b: number): void {
  if (a !== n || b !== n) {
    throw new RangeError(
      `Cannot ${action} as the three arrays must have the same length: lengths=${n}, ${a}, ${b}`,
    );
  }
}
