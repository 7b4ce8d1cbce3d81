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
import { columnMeans, matrix, takeRows } from "../matrix.ts";
import { sqDist } from "../distance.ts";
import { RandomState } from "../random.ts";
import { checkOptions, optionNames, validate, validateData, validateWeights } from "../validate.ts";
import { plusPlus } from "./kmeans_plusplus.ts";
import { finishCenters, inertiaOf, nearestCenter } from "./_kmeans_common.ts";
import { CHUNK } from "./_kmeans_protocol.ts";

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
  // so no centred copy is kept; the root's centre is their mean.
  const mean = columnMeans(X);
  const x = X.data;
  const rootCenter = new Float64Array(d);
  for (let i = 0, o = 0; i < n; i++, o += d) {
    for (let j = 0; j < d; j++) rootCenter[j] += x[o + j] - mean[j];
  }
  for (let j = 0; j < d; j++) rootCenter[j] /= n;
  const root: Node = leaf(rootCenter, 0, n, 0);

  // Step 2. Bisect the leaf with the largest score, nClusters − 1 times. One
  // workspace serves every bisection: fresh memory costs its first touch
  // (page faults) each time.
  const work: Workspace = {
    order: new Int32Array(n),
    gathered: new Float64Array(n * d),
    labels: [new Int32Array(n), new Int32Array(n)],
    spare: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) work.order[i] = i;
  for (let s = 1; s < o.nClusters; s++) {
    let target: Node | undefined;
    for (const node of leaves(root)) {
      if (target === undefined || node.score > target.score) target = node;
    }
    bisect(X, mean, w, target!, rng, o, work);
  }

  // Step 3. Leaves in depth-first order are the clusters.
  const labels = new Int32Array(n).fill(-1);
  const centers = matrix(o.nClusters, d);
  let c = 0;
  for (const node of leaves(root)) {
    for (let p = node.lo; p < node.hi; p++) labels[work.order[p]] = c;
    for (let j = 0; j < d; j++) centers.data[c * d + j] = node.center[j] + mean[j];
    node.label = c++;
  }
  const inertia = inertiaOf(X, centers, labels, w);
  return {
    labels,
    centers,
    inertia,
    predict: (Y: Matrix) => predictTree(root, mean, Y),
  };
}

function leaf(center: Float64Array, lo: number, hi: number, score: number): Node {
  return { center, lo, hi, score, left: null, right: null, label: -1 };
}

/**
 * The bisections' shared buffers: the samples in leaf order (each leaf a
 * run of it), a leaf's centred samples, two label arrays (the best run's
 * and the next run's) and room for a split.
 */
interface Workspace {
  order: Int32Array;
  gathered: Float64Array;
  labels: [Int32Array, Int32Array];
  spare: Int32Array;
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
function bisect(
  X: Matrix,
  mean: Float64Array,
  w: Float64Array | undefined,
  node: Node,
  rng: RandomState,
  o: Inner,
  work: Workspace,
): void {
  const idx = work.order.subarray(node.lo, node.hi);
  const m = idx.length, d = X.cols, x = X.data;
  const Xs = matrix(m, d, work.gathered.subarray(0, m * d));
  for (let r = 0; r < m; r++) {
    for (let j = 0, o = idx[r] * d; j < d; j++) Xs.data[r * d + j] = x[o + j] - mean[j];
  }
  const ws = w ? Float64Array.from(idx, (i) => w[i]) : undefined;
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
    const run = lloyd(Xs, init, o.maxIter, o.tol, free.subarray(0, m), ws);
    if (best === undefined || run.inertia < best.inertia * (1 - 1e-6)) {
      best = run;
      [free, held] = [held, free]; // the next run writes over the old best's labels
    }
  }
  const { labels, centers } = best!;
  const scores = [0, 0];
  if (o.bisectingStrategy === "biggest_inertia") {
    for (let i = 0; i < m; i++) {
      scores[labels[i]] += (ws ? ws[i] : 1) * sqDist(Xs, i, centers, labels[i]);
    }
  } else {
    for (let i = 0; i < m; i++) scores[labels[i]]++;
  }
  // A stable split of the node's run: label 0 in place (never ahead of the
  // reading), label 1 through the spare buffer.
  let n0 = 0, n1 = 0;
  for (let i = 0; i < m; i++) {
    if (labels[i] === 0) idx[n0++] = idx[i];
    else work.spare[n1++] = idx[i];
  }
  idx.set(work.spare.subarray(0, n1), n0);
  const mid = node.lo + n0;
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
 * the sums are taken per chunk of {@linkcode CHUNK} samples and the chunks
 * added in order, exactly as `updateCenters` (so the same centres, bit for
 * bit, as `kmeans`). The labels go into `labels` (X.rows long).
 */
function lloyd(
  X: Matrix,
  init: Matrix,
  maxIter: number,
  tol: number,
  labels: Int32Array,
  w?: Float64Array,
): TwoMeans {
  const n = X.rows, d = X.cols, x = X.data;
  let centers = matrix(2, d, init.data.slice());
  let next = matrix(2, d);
  labels.fill(-1);
  const shift = new Float64Array(2);
  const counts = new Float64Array(2);
  const one = n <= CHUNK;
  const psum = new Float64Array(2 * d), pcount = new Float64Array(2);
  // One assignment pass; with `sums`, also the chunked sums into next.data
  // and the cluster weights into counts. Returns whether any label changed.
  const pass = (sums: boolean): boolean => {
    const c = centers.data;
    let n0 = 0, n1 = 0;
    for (let j = 0; j < d; j++) {
      n0 += c[j] * c[j];
      n1 += c[d + j] * c[d + j];
    }
    const tot = next.data;
    if (sums) {
      tot.fill(0);
      counts.fill(0);
    }
    const acc = one ? tot : psum, cnt = one ? counts : pcount;
    let changed = false;
    for (let from = 0; from < n; from += CHUNK) {
      const to = Math.min(n, from + CHUNK);
      if (sums && !one) {
        psum.fill(0);
        pcount.fill(0);
      }
      if (d === 2 && sums && !w) {
        if (planeChunk(x, labels, from, to, acc, cnt, c, n0, n1)) changed = true;
      } else {
        for (let i = from; i < to; i++) {
          const o = i * d;
          let s0 = 0, s1 = 0;
          for (let j = 0; j < d; j++) {
            s0 += x[o + j] * c[j];
            s1 += x[o + j] * c[d + j];
          }
          const label = n1 - 2 * s1 < n0 - 2 * s0 ? 1 : 0;
          if (labels[i] !== label) {
            labels[i] = label;
            changed = true;
          }
          if (!sums) continue;
          const wi = w ? w[i] : 1;
          cnt[label] += wi;
          for (let j = 0, t = label * d; j < d; j++) acc[t + j] += wi * x[o + j];
        }
      }
      if (!sums || one) continue;
      for (let k = 0; k < 2; k++) {
        if (pcount[k] === 0) continue;
        counts[k] += pcount[k];
        for (let t = k * d, e = t + d; t < e; t++) tot[t] += psum[t];
      }
    }
    return changed;
  };
  let strict = false;
  for (let it = 0; it < maxIter; it++) {
    const changed = pass(true);
    finishCenters(X, labels, centers, next, counts, shift, w);
    [centers, next] = [next, centers];
    if (!changed) {
      strict = true;
      break;
    }
    if (shift[0] * shift[0] + shift[1] * shift[1] <= tol) break;
  }
  if (!strict) pass(false);
  return { labels, centers, inertia: inertiaOf(X, centers, labels, w) };
}

/**
 * The plane (d = 2, no weights) case of one chunk of {@linkcode lloyd}'s
 * pass, unrolled with the same arithmetic; true when a label changed.
 */
function planeChunk(
  x: Float64Array,
  labels: Int32Array,
  from: number,
  to: number,
  acc: Float64Array,
  cnt: Float64Array,
  c: Float64Array,
  n0: number,
  n1: number,
): boolean {
  const c00 = c[0], c01 = c[1], c10 = c[2], c11 = c[3];
  let changed = false;
  for (let i = from; i < to; i++) {
    const a = x[2 * i], b = x[2 * i + 1];
    const label = n1 - 2 * (a * c10 + b * c11) < n0 - 2 * (a * c00 + b * c01) ? 1 : 0;
    if (labels[i] !== label) {
      labels[i] = label;
      changed = true;
    }
    cnt[label] += 1;
    acc[2 * label] += a;
    acc[2 * label + 1] += b;
  }
  return changed;
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
