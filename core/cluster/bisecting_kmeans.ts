/**
 * Bisecting k-means with scikit-learn's `BisectingKMeans` semantics
 * (scikit-learn ≥ 1.1; results equal to 1.2.1's).
 *
 * Start with one cluster holding every sample; repeat nClusters − 1 times:
 * pick the leaf cluster with the largest score — its inertia
 * Σ_{i∈C} wᵢ‖xᵢ − μ_C‖² ("biggest_inertia") or its size ("largest_cluster")
 * — and split it in two by k-means with k = 2 (the run of `nInit` with the
 * lowest inertia), making its two halves children in a binary tree. The
 * leaves, read depth first (left = the half k-means labelled 0), are the
 * clusters.
 *
 * As scikit-learn: the data are centred once by their (weighted-free) mean;
 * each inner k-means starts from `init` drawn with one shared generator (k
 * distinct random samples via `permutation`, or greedy k-means++ without
 * weights, as 1.2); `tol` is absolute (scikit-learn's bisecting passes it
 * unscaled to the inner k-means, unlike `KMeans`, which multiplies it by the
 * mean feature variance); a run replaces the best only if its inertia is
 * below best·(1 − 10⁻⁶). Elkan's iterations equal Lloyd's, so both
 * algorithms run Lloyd's steps here.
 *
 * References: M. Steinbach, G. Karypis, V. Kumar, "A comparison of document
 * clustering techniques" (KDD Workshop on Text Mining, 2000); scikit-learn
 * `sklearn/cluster/_bisect_k_means.py`.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { matrix, takeRows } from "../matrix.ts";
import { RandomState } from "../random.ts";
import { checkOptions, optionNames, validate, validateData, validateWeights } from "../validate.ts";
import { plusPlus } from "./kmeans_plusplus.ts";
import { finishCenters, nearestCenter } from "./_kmeans_common.ts";
import { type Workspace, workspace } from "./_bisecting_kernels.ts";

/** Options of {@linkcode bisectingKMeans}. */
export interface BisectingKMeansOptions {
  /** Number of clusters (leaves of the bisection tree). @default 8 */
  nClusters?: number;
  /** Initialisation of each inner 2-means: 2 distinct random samples, or greedy k-means++. @default "random" */
  init?: "random" | "k-means++";
  /** Inner k-means runs per bisection; the lowest inertia is kept. @default 1 */
  nInit?: number;
  /** Seed or generator shared by every bisection. @default 0 */
  randomState?: number | RandomState;
  /** Maximum iterations of each inner k-means run. @default 300 */
  maxIter?: number;
  /** Inner k-means stops when Σ‖μ_new − μ_old‖² ≤ tol (absolute, as scikit-learn's bisecting). @default 1e-4 */
  tol?: number;
  /** Inner k-means scheme (same iterates; kept for scikit-learn's vocabulary). @default "lloyd" */
  algorithm?: "lloyd" | "elkan";
  /** Which leaf to split next: the one with the largest inertia, or the most samples. @default "biggest_inertia" */
  bisectingStrategy?: "biggest_inertia" | "largest_cluster";
  /** Weight of each sample (centre updates and inertia; not the initialisation, as scikit-learn 1.2). @default all 1 */
  sampleWeight?: ArrayLike<number>;
}

/** {@linkcode BisectingKMeansOptions}'s names, for {@linkcode checkOptions}. */
const BISECTING_OPTIONS = optionNames<BisectingKMeansOptions>({
  nClusters: true,
  init: true,
  nInit: true,
  randomState: true,
  maxIter: true,
  tol: true,
  algorithm: true,
  bisectingStrategy: true,
  sampleWeight: true,
});

/** A fitted bisecting k-means. */
export interface BisectingKMeansResult {
  /** Cluster of each sample: the index of its leaf in depth-first order. */
  readonly labels: Int32Array;
  /** Leaf centres, `nClusters × d`. */
  readonly centers: Matrix;
  /** (Weighted) sum of squared distances of the samples to their centre. */
  readonly inertia: number;
  /**
   * Labels of new rows, found by going down the tree to the nearer child at
   * each split (scikit-learn's `predict`), which can differ from the nearest
   * leaf centre.
   */
  predict(X: Matrix): Int32Array;
}

interface Node {
  center: Float64Array; // on the centred data
  /** The node's samples: `order[lo..hi)`. */
  lo: number;
  hi: number;
  score: number;
  left: Node | null;
  right: Node | null;
  label: number;
}

/**
 * Clusters the rows of `X` by repeated bisection with 2-means.
 *
 * @example Three groups
 * ```ts
 * import { bisectingKMeans } from "./bisecting_kmeans.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0], [10, 6], [10, 8], [10, 10]]);
 * const r = bisectingKMeans(X, { nClusters: 3, randomState: 0 });
 * // scikit-learn 1.2.1 with random_state=0 gives [2, 2, 2, 0, 0, 0, 1, 1, 1]
 * assert.deepEqual(Array.from(r.labels), [2, 2, 2, 0, 0, 0, 1, 1, 1]);
 * assert.deepEqual(Array.from(r.centers.data), [10, 2, 10, 8, 1, 2]);
 * assert.deepEqual(Array.from(r.predict(fromRows([[0, 0], [12, 3]]))), [2, 0]);
 * ```
 * @throws {RangeError} on an option out of range, non-finite data, fewer samples than clusters or bad weights.
 */
export function bisectingKMeans(
  X: Matrix,
  options: BisectingKMeansOptions = {},
): BisectingKMeansResult {
  checkOptions("fit bisecting k-means", options, BISECTING_OPTIONS);
  const action = "fit bisecting k-means";
  const o = {
    nClusters: options.nClusters ?? 8,
    init: options.init ?? "random",
    nInit: options.nInit ?? 1,
    maxIter: options.maxIter ?? 300,
    tol: options.tol ?? 1e-4,
    algorithm: options.algorithm ?? "lloyd",
    bisectingStrategy: options.bisectingStrategy ?? "biggest_inertia",
  };
  validate(action, o, {
    nClusters: { kind: "int", min: 1 },
    init: { kind: "oneOf", values: ["random", "k-means++"] },
    nInit: { kind: "int", min: 1 },
    maxIter: { kind: "int", min: 1 },
    tol: { kind: "number", min: 0 },
    algorithm: { kind: "oneOf", values: ["lloyd", "elkan"] },
    bisectingStrategy: { kind: "oneOf", values: ["biggest_inertia", "largest_cluster"] },
  });
  validateData(action, X);
  const n = X.rows, d = X.cols;
  if (n < o.nClusters) {
    throw new RangeError(
      `Cannot ${action} as n_samples=${n} should be >= n_clusters=${o.nClusters}`,
    );
  }
  const w = validateWeights(action, options.sampleWeight, n, "nonNegative");
  const rs = options.randomState ?? 0;
  const rng = typeof rs === "number" ? new RandomState(rs) : rs;

  // Step 1. Centre the data once (scikit-learn: X -= X.mean(axis=0)). The
  // centred rows, x − mean, are formed as each leaf's samples are gathered,
  // so no centred copy is kept; the root's centre is their mean. One
  // workspace serves every bisection (fresh memory costs its first touch,
  // page faults, each time); its loops run in WebAssembly where they can.
  const work = workspace(X, o.nClusters, w);
  const { mean } = work;
  // The column means as core/matrix.ts's columnMeans: column sums (v − 0
  // is v) over n; then the sum of the centred rows (in the module's memory).
  mean.fill(0);
  work.colsum(work.x, work.cbuf.fill(0).subarray(0, d), n, mean);
  for (let j = 0; j < d; j++) mean[j] /= n;
  const sum = work.next.fill(0).subarray(0, d);
  work.colsum(work.x, mean, n, sum);
  const rootCenter = new Float64Array(d);
  for (let j = 0; j < d; j++) rootCenter[j] = sum[j] / n;
  const root: Node = leaf(rootCenter, 0, n, 0);

  // Step 2. Bisect the leaf with the largest score, nClusters − 1 times.
  for (let i = 0; i < n; i++) work.order[i] = i;
  for (let s = 1; s < o.nClusters; s++) {
    let target: Node | undefined;
    for (const node of leaves(root)) {
      if (target === undefined || node.score > target.score) target = node;
    }
    bisect(target!, rng, o, work, d);
  }

  // Step 3. Leaves in depth-first order are the clusters. The model keeps
  // copies, not views of the workspace (its memory would stay alive).
  const treeMean = mean.slice();
  const labels = work.labels[0];
  const centers = matrix(o.nClusters, d);
  let c = 0;
  for (const node of leaves(root)) {
    work.scatter(node.lo, node.hi, c, labels);
    for (let j = 0; j < d; j++) centers.data[c * d + j] = node.center[j] + mean[j];
    node.label = c++;
  }
  // The inertia on X and the final centres (as _kmeans_common's inertiaOf).
  work.cbuf.set(centers.data);
  work.sums[0] = 0;
  work.sqdist(work.x, n, labels, work.w, false);
  return {
    labels: labels.slice(),
    centers,
    inertia: work.sums[0],
    predict: (Y: Matrix) => predictTree(root, treeMean, Y),
  };
}

function leaf(center: Float64Array, lo: number, hi: number, score: number): Node {
  return { center, lo, hi, score, left: null, right: null, label: -1 };
}

function* leaves(node: Node): Generator<Node> {
  if (node.left === null) yield node;
  else {
    yield* leaves(node.left);
    yield* leaves(node.right!);
  }
}

interface Inner {
  init: "random" | "k-means++";
  nInit: number;
  maxIter: number;
  tol: number;
  bisectingStrategy: "biggest_inertia" | "largest_cluster";
}

/**
 * Splits `node` in two by the best of `nInit` 2-means runs on its samples,
 * centred (x − mean); its children keep its run of `work.order`, the half
 * labelled 0 first, each in the node's order.
 */
function bisect(node: Node, rng: RandomState, o: Inner, work: Workspace, d: number): void {
  const idx = work.order.subarray(node.lo, node.hi);
  const m = idx.length;
  const Xs = matrix(m, d, work.gathered.subarray(0, m * d));
  work.gather(work.x, work.mean, idx, Xs.data);
  let ws: Float64Array | undefined;
  if (work.w) {
    ws = work.gatheredW!.subarray(0, m);
    for (let r = 0; r < m; r++) ws[r] = work.w[idx[r]];
  }
  if (m < 2) {
    throw new RangeError(
      `Cannot fit bisecting k-means as the cluster to bisect has fewer than 2 samples: n_samples=${m}`,
    );
  }
  let best: TwoMeans | undefined;
  let [free, held] = work.labels;
  for (let r = 0; r < o.nInit; r++) {
    let init: Matrix;
    if (o.init === "random") {
      const seeds = rng.permutation(m).subarray(0, 2);
      init = takeRows(Xs, seeds);
    } else {
      init = plusPlus(Xs, 2, rng, {}).centers;
    }
    const run = lloyd(Xs, init, o.maxIter, o.tol, free.subarray(0, m), ws, work);
    if (best === undefined || run.inertia < best.inertia * (1 - 1e-6)) {
      best = run;
      [free, held] = [held, free]; // the next run writes over the old best's labels
    }
  }
  const { labels, centers } = best!;
  const scores = [0, 0];
  if (o.bisectingStrategy === "biggest_inertia") {
    work.cbuf.set(centers.data);
    work.sums[0] = work.sums[1] = 0;
    work.sqdist(Xs.data, m, labels, ws, true);
    scores[0] = work.sums[0];
    scores[1] = work.sums[1];
  } else {
    for (let i = 0; i < m; i++) scores[labels[i]]++;
  }
  // A stable split of the node's run: label 0 in place (never ahead of the
  // reading), label 1 through the spare buffer.
  const mid = node.lo + work.split(idx, labels);
  node.left = leaf(centers.data.slice(0, d), node.lo, mid, scores[0]);
  node.right = leaf(centers.data.slice(d, 2 * d), mid, node.hi, scores[1]);
}

interface TwoMeans {
  labels: Int32Array;
  centers: Matrix;
  inertia: number;
}

/**
 * scikit-learn's `_kmeans_single_lloyd` with k = 2: assign by ‖c‖² − 2x·c
 * (the first centre on ties), update the (weighted) means, stop when the
 * labels repeat or Σ shift² ≤ tol; without strict convergence, relabel
 * against the final centres. The assignment and the sums share one pass;
 * the sums are taken per chunk of 256 samples (`CHUNK`) and the chunks
 * added in order, exactly as `updateCenters` (so the same centres, bit for
 * bit, as `kmeans`). The labels go into `labels` (X.rows long).
 */
function lloyd(
  X: Matrix,
  init: Matrix,
  maxIter: number,
  tol: number,
  labels: Int32Array,
  w: Float64Array | undefined,
  work: Workspace,
): TwoMeans {
  const d = X.cols, m = X.rows;
  let centers = matrix(2, d, work.centers);
  let next = matrix(2, d, work.next);
  centers.data.set(init.data);
  labels.fill(-1);
  const shift = new Float64Array(2);
  const pass = (sums: boolean): boolean => {
    const c = centers.data;
    let n0 = 0, n1 = 0;
    for (let j = 0; j < d; j++) {
      n0 += c[j] * c[j];
      n1 += c[d + j] * c[d + j];
    }
    return work.pass(X.data, m, c, n0, n1, labels, sums, next.data, w);
  };
  let strict = false;
  for (let it = 0; it < maxIter; it++) {
    const changed = pass(true);
    finishCenters(X, labels, centers, next, work.counts, shift, w);
    [centers, next] = [next, centers];
    if (!changed) {
      strict = true;
      break;
    }
    if (shift[0] * shift[0] + shift[1] * shift[1] <= tol) break;
  }
  if (!strict) pass(false);
  work.cbuf.set(centers.data);
  work.sums[0] = 0;
  work.sqdist(X.data, m, labels, w, false);
  return { labels, centers: matrix(2, d, centers.data.slice()), inertia: work.sums[0] };
}

/** scikit-learn's `_predict_recursive`: the nearer child at each split. */
function predictTree(root: Node, mean: Float64Array, Y: Matrix): Int32Array {
  const d = mean.length;
  if (Y.cols !== d) {
    throw new RangeError(
      `Cannot predict as X has ${Y.cols} features but the centres have ${d}: cols=${Y.cols}`,
    );
  }
  validateData("predict", Y);
  const pair = new Float64Array(2 * d), norms = new Float64Array(2);
  const out = new Int32Array(Y.rows);
  for (let i = 0; i < Y.rows; i++) {
    let node = root;
    while (node.left !== null) {
      for (let j = 0; j < d; j++) {
        pair[j] = node.left.center[j] + mean[j];
        pair[d + j] = node.right!.center[j] + mean[j];
      }
      let a = 0, b = 0;
      for (let j = 0; j < d; j++) {
        a += pair[j] * pair[j];
        b += pair[d + j] * pair[d + j];
      }
      norms[0] = a;
      norms[1] = b;
      node = nearestCenter(Y.data, i * d, pair, norms, d, 2) === 0 ? node.left : node.right!;
    }
    out[i] = node.label;
  }
  return out;
}
