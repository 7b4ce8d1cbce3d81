/**
 * k-means clustering with scikit-learn's `KMeans` semantics: k-means++ or
 * random initialisation, `nInit` restarts keeping the lowest inertia, Lloyd or
 * Elkan iterations, and `tol` relative to the data's mean variance.
 *
 * Objective: minimise the inertia Σᵢ ‖xᵢ − μ_{c(i)}‖² over assignments c and
 * centres μ. Lloyd alternates the assignment step c(i) = argmin_j ‖xᵢ − μⱼ‖²
 * and the update step μⱼ = mean{xᵢ : c(i) = j}. Elkan (ICML 2003) gives the
 * same iterates while skipping distances ruled out by the triangle inequality.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { assertFinite, columnMeans, columnVariances, matrix } from "../matrix.ts";
import { rowSqNorms, sqDist } from "../distance.ts";
import { RandomState } from "../random.ts";
import { checkOptions, optionNames, validate, validateData, validateWeights } from "../validate.ts";
import { plusPlus } from "./kmeans_plusplus.ts";
import {
  assignLabels,
  finishCenters,
  inertiaOf,
  isSameClustering,
  nearestCenter,
  stopReason,
  updateCenters,
} from "./_kmeans_common.ts";
import { KMeansPool } from "./_kmeans_pool.ts";
import { hartiganRefine } from "./_hartigan.ts";
import { checkInterrupt } from "../interrupt.ts";

/** Largest n·d·k that `refine` defaults to true for (about a second of refinement). */
const REFINE_DEFAULT_LIMIT = 1e6;

/** Options of {@linkcode kmeans}. */
export interface KMeansOptions {
  /** Number of clusters k. @default 8 */
  nClusters?: number;
  /** Initialisation: greedy k-means++, k distinct random samples, or explicit centres. @default "k-means++" */
  init?: "k-means++" | "random" | Matrix;
  /**
   * Number of initialisations; the run with the lowest inertia is kept;
   * "auto" is 1 for k-means++ and 10 otherwise (scikit-learn 1.2).
   * @default 10 (1 with explicit centres)
   */
  nInit?: number | "auto";
  /** Maximum iterations of one run. @default 300 */
  maxIter?: number;
  /** Convergence tolerance on Σ‖μ_new − μ_old‖², relative to the mean feature variance. @default 1e-4 */
  tol?: number;
  /** Iteration scheme ("auto" and "full", deprecated in scikit-learn 1.1, are "lloyd"). @default "lloyd" */
  algorithm?: "lloyd" | "elkan" | "auto" | "full";
  /** Seed or generator for the initialisations. @default 0 */
  randomState?: number | RandomState;
  /**
   * Refine each of the `nInit` runs (move single samples between clusters
   * while that lowers the inertia — Hartigan — and re-run the iterations),
   * then try `nSwaps` random swaps on the best. Reaches better local optima than scikit-learn's
   * plain Lloyd/Elkan (lower inertia at k = 6..9 on the cookbook data), at a
   * cost that grows fast with n·d: ~9× the plain time on 10⁵ × 2 blobs (gain
   * 0.001 %), ~5× on 10⁴ × 784. So the default refines small problems only.
   * `false` gives scikit-learn's procedure (and speed) exactly.
   * @default n·d·nClusters ≤ 10⁶
   */
  refine?: boolean;
  /**
   * With `refine`, random-swap trials after the restarts: move one centre of
   * the best solution onto a sample drawn ∝ its squared distance, iterate to
   * convergence, and refine and keep it only if the inertia dropped
   * (P. Fränti, "Efficiency of random swap clustering", J. Big Data 2018).
   * @default 10·nClusters
   */
  nSwaps?: number;
  /**
   * Weight of each sample (non-negative, with a positive sum): a sample of
   * weight w counts as w copies (e.g. distinct pixel values weighted by
   * their counts) everywhere — in k-means++'s draws as scikit-learn ≥ 1.3
   * (1.2 drew unweighted), and in the mean that centres the data and the
   * variance that scales `tol`, where scikit-learn takes them unweighted:
   * so distinct values with their counts give the fit of all the copies.
   * @default all 1
   */
  sampleWeight?: ArrayLike<number>;
  /**
   * Called with one line where scikit-learn warns: fewer distinct clusters
   * than `nClusters` (duplicate points), explicit centres with `nInit` > 1
   * (one run), Elkan for one cluster, the deprecated "auto"/"full".
   * @default ignore
   */
  onWarning?: (message: string) => void;
  /** Called after each of the `nInit` runs (1-based), e.g. for a progress bar. */
  onRun?: (run: number, nInit: number, inertia: number) => void;
}

/** {@linkcode KMeansOptions}'s names, for {@linkcode checkOptions}. */
const KMEANS_OPTIONS = optionNames<KMeansOptions>({
  nClusters: true,
  init: true,
  nInit: true,
  maxIter: true,
  tol: true,
  algorithm: true,
  randomState: true,
  refine: true,
  nSwaps: true,
  sampleWeight: true,
  onWarning: true,
  onRun: true,
});

/** A fitted k-means model. */
export interface KMeansResult {
  /** Cluster centres, `nClusters × d`. */
  readonly centers: Matrix;
  /** Index of each sample's centre. */
  readonly labels: Int32Array;
  /** Sum of squared distances of samples to their centre. */
  readonly inertia: number;
  /** Iterations of the kept run. */
  readonly nIter: number;
  /** False when the kept run stopped at `maxIter` without meeting `tol`. */
  readonly converged: boolean;
}

/** One Lloyd iteration, as yielded by {@linkcode kmeansSteps}. */
export interface KMeansStep {
  /** 1-based iteration number. */
  readonly iteration: number;
  /** Centres used for this iteration's assignment. */
  readonly centersBefore: Matrix;
  /** Labels assigned against `centersBefore`. */
  readonly labels: Int32Array;
  /** Centres after the update step. */
  readonly centers: Matrix;
  /** Σ‖μ_new − μ_old‖². */
  readonly centerShift: number;
  /** Inertia of `labels` with respect to `centersBefore`. */
  readonly inertia: number;
}

type Resolved =
  & Required<
    Omit<
      KMeansOptions,
      | "init"
      | "randomState"
      | "sampleWeight"
      | "nSwaps"
      | "onRun"
      | "onWarning"
      | "nInit"
      | "algorithm"
    >
  >
  & {
    nInit: number;
    algorithm: "lloyd" | "elkan";
    nSwaps: number;
    init: "k-means++" | "random" | Matrix;
    rng: RandomState;
    weights?: Float64Array;
    warn: (message: string) => void;
  };

function resolve(X: Matrix, options: KMeansOptions): Resolved {
  const init = options.init ?? "k-means++";
  const explicit = typeof init === "object";
  const k = options.nClusters ?? (explicit ? init.rows : 8);
  const warn = options.onWarning ?? (() => {});
  const o = {
    nClusters: k,
    nInit: options.nInit === "auto"
      ? (init === "k-means++" ? 1 : 10)
      : options.nInit ?? (explicit ? 1 : 10),
    maxIter: options.maxIter ?? 300,
    tol: options.tol ?? 1e-4,
    algorithm: options.algorithm ?? "lloyd",
    refine: options.refine ?? X.rows * X.cols * k <= REFINE_DEFAULT_LIMIT,
    nSwaps: options.nSwaps ?? 10 * k,
  };
  validate("fit k-means", { ...o, init: explicit ? "array" : init }, {
    nClusters: { kind: "int", min: 1 },
    nInit: { kind: "int", min: 1 },
    nSwaps: { kind: "int", min: 0 },
    maxIter: { kind: "int", min: 1 },
    tol: { kind: "number", min: 0 },
    algorithm: { kind: "oneOf", values: ["lloyd", "elkan", "auto", "full"] },
    init: { kind: "oneOf", values: ["k-means++", "random", "array"] },
    refine: { kind: "oneOf", values: [true, false] },
  });
  validateData("fit k-means", X);
  if (X.rows < o.nClusters) {
    throw new RangeError(
      `Cannot fit k-means as n_samples=${X.rows} should be >= n_clusters=${o.nClusters}`,
    );
  }
  if (explicit && (init.rows !== o.nClusters || init.cols !== X.cols)) {
    throw new RangeError(
      `Cannot fit k-means as init must be ${o.nClusters}x${X.cols}: init=${init.rows}x${init.cols}`,
    );
  }
  if (explicit) assertFinite(init, "init");
  if (o.algorithm === "auto" || o.algorithm === "full") {
    warn(
      `algorithm='${o.algorithm}' is deprecated, it will be removed in 1.3. Using 'lloyd' instead.`,
    );
    o.algorithm = "lloyd";
  }
  if (o.algorithm === "elkan" && k === 1) {
    warn("algorithm='elkan' doesn't make sense for a single cluster. Using 'lloyd' instead.");
    o.algorithm = "lloyd";
  }
  if (explicit && o.nInit !== 1) {
    warn(
      `Explicit initial center position passed: performing only one init in KMeans instead of n_init=${o.nInit}.`,
    );
    o.nInit = 1;
  }
  const weights = validateWeights("fit k-means", options.sampleWeight, X.rows, "positiveSum");
  const rs = options.randomState ?? 0;
  return {
    ...o,
    algorithm: o.algorithm as "lloyd" | "elkan",
    init,
    weights,
    warn,
    rng: typeof rs === "number" ? new RandomState(rs) : rs,
  };
}

/**
 * Fits k-means to the rows of `X`.
 *
 * @example Two obvious groups
 * ```ts
 * import { kmeans } from "./kmeans.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 1], [1, 2], [10, 10], [10, 11]]);
 * const { labels, inertia } = kmeans(X, { nClusters: 2, randomState: 0 });
 * assert.equal(labels[0], labels[1]);
 * assert.notEqual(labels[0], labels[2]);
 * assert.equal(inertia, 1);
 * ```
 * @throws {RangeError} on a parameter out of range, non-finite data, or fewer samples than clusters.
 */
export function kmeans(X: Matrix, options: KMeansOptions = {}): KMeansResult {
  checkOptions("fit k-means", options, KMEANS_OPTIONS);
  const o = resolve(X, options);
  const w = o.weights;
  // Centre the data (as scikit-learn) for more accurate distances.
  const mean = columnMeans(X, w);
  // The steps run on two cores from a shared memory (when n·d·k is large
  // enough to pay for the worker), as exact float64 chunks on WebAssembly
  // kernels, the assignment behind Hamerly's bounds from 32 features once
  // few labels change (`_kmeans_pool.ts`).
  const kMax = Math.max(o.nClusters, 2 + Math.floor(Math.log(o.nClusters)));
  const pool = KMeansPool.create(X.rows, X.cols, kMax, w, o.nInit);
  try {
    return fit(X, o, mean, pool, options.onRun);
  } finally {
    pool?.close();
  }
}

function fit(
  X: Matrix,
  o: Resolved,
  mean: Float64Array,
  pool: KMeansPool | undefined,
  onRun: KMeansOptions["onRun"],
): KMeansResult {
  const w = o.weights;
  const Xc = pool ? pool.X : matrix(X.rows, X.cols);
  centre(X.data, Xc.data, mean);
  pool?.prepare();
  const variances = columnVariances(X, w);
  const tol = o.tol === 0 ? 0 : (variances.reduce((a, b) => a + b, 0) / X.cols) * o.tol;

  // With the pool, "elkan" runs the pooled exact iterations too: Elkan's
  // iterates are Lloyd's, and its bounds save little there, where every
  // distance it does compute is a full d-long dot product on one core while
  // the pool computes all of them as one matrix product on two (1e4 × 784,
  // k = 8: 24.7 s one-core Elkan, 5.5 s pooled), and in low dimension its
  // bound bookkeeping costs more than the k distances it skips (1e5 × 2,
  // k = 8: 1.2 s one-core Elkan, 0.6 s pooled; same labels and nIter).
  const single: Single = pool
    ? (X, init, maxIter, tol, w) => lloydPooled(pool, X, init, maxIter, tol, w)
    : o.algorithm === "elkan"
    ? elkanSingle
    : lloydSingle;
  // Hartigan moves, then iterate again from the improved centres, until
  // neither changes anything (each round strictly lowers the inertia).
  const refined = (start: KMeansResult): KMeansResult => {
    let result = start;
    for (let round = 0; round < 20; round++) {
      const labels = result.labels.slice();
      const centers = matrix(result.centers.rows, result.centers.cols, result.centers.data.slice());
      if (hartiganRefine(Xc, centers, labels, w) === 0) break;
      const again = single(Xc, centers, o.maxIter, tol, w);
      if (again.inertia >= result.inertia) break;
      result = { ...again, nIter: result.nIter + again.nIter };
    }
    return result;
  };
  let best: KMeansResult | undefined;
  for (let r = 0; r < o.nInit; r++) {
    const plain = single(Xc, initialCenters(Xc, o, mean, pool), o.maxIter, tol, w);
    const result = o.refine ? refined(plain) : plain;
    if (
      best === undefined ||
      (result.inertia < best.inertia &&
        !isSameClustering(result.labels, best.labels, o.nClusters))
    ) best = result;
    onRun?.(r + 1, o.nInit, result.inertia);
  }
  // Random swap: move one centre of the best solution onto a sample drawn
  // with probability ∝ w·D(x)², its weighted squared distance to its centre.
  const cum = new Float64Array(Xc.rows);
  for (let s = 0; o.refine && o.nClusters > 1 && s < o.nSwaps; s++) {
    const init = matrix(o.nClusters, Xc.cols, best!.centers.data.slice());
    const j = o.rng.interval(o.nClusters - 1);
    let acc = 0;
    for (let i = 0; i < Xc.rows; i++) {
      cum[i] = acc += (w ? w[i] : 1) * sqDist(Xc, i, best!.centers, best!.labels[i]);
    }
    const r = o.rng.nextDouble() * acc;
    let i = 0;
    while (i < Xc.rows - 1 && cum[i] < r) i++;
    init.data.set(Xc.data.subarray(i * Xc.cols, (i + 1) * Xc.cols), j * Xc.cols);
    // Only a swap whose plain run beats the best is refined and kept.
    const trial = single(Xc, init, o.maxIter, tol, w);
    if (!(trial.inertia < best!.inertia * (1 - 1e-12))) continue;
    const result = refined(trial);
    if (result.inertia < best!.inertia) best = result;
  }
  const centers = best!.centers;
  for (let c = 0; c < centers.rows; c++) {
    for (let j = 0; j < centers.cols; j++) centers.data[c * centers.cols + j] += mean[j];
  }
  const distinct = new Set(best!.labels).size;
  if (distinct < o.nClusters) {
    o.warn(
      `Number of distinct clusters (${distinct}) found smaller than n_clusters (${o.nClusters}). Possibly due to duplicate points in X.`,
    );
  }
  return best!;
}

/**
 * out = x − mean, row by row, in one pass (the same values as copying, then
 * subtracting). Into the pool's fresh shared memory this costs ~90 ms on
 * 60000 × 64, nearly all of it the first touch of its 30 MB of pages.
 */
function centre(x: Float64Array, out: Float64Array, mean: Float64Array): void {
  const d = mean.length, n = x.length;
  for (let o = 0; o < n; o += d) {
    for (let j = 0; j < d; j++) out[o + j] = x[o + j] - mean[j];
  }
}

/** One run of Lloyd or Elkan from `init` (on centred data, `tol` absolute). */
type Single = (
  X: Matrix,
  init: Matrix,
  maxIter: number,
  tol: number,
  w?: Float64Array,
) => KMeansResult;

function initialCenters(
  Xc: Matrix,
  o: Resolved,
  mean: Float64Array,
  pool?: KMeansPool,
): Matrix {
  const k = o.nClusters, d = Xc.cols;
  if (typeof o.init === "object") {
    const c = matrix(k, d, o.init.data.slice());
    for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) c.data[i * d + j] -= mean[j];
    return c;
  }
  if (o.init === "random") {
    const perm = o.rng.permutation(Xc.rows).subarray(0, k);
    const c = matrix(k, d);
    for (let i = 0; i < k; i++) c.data.set(Xc.data.subarray(perm[i] * d, (perm[i] + 1) * d), i * d);
    return c;
  }
  return plusPlus(Xc, k, o.rng, { sampleWeight: o.weights }, pool).centers;
}

/**
 * Lloyd iterations from `init`, one yielded step per assign/update pair, so a
 * caller can watch k-means converge. Stops after `maxIter` steps, when labels
 * stop changing, or when the total squared centre shift is ≤ `tol` (absolute).
 *
 * @example Watch the centres move
 * ```ts
 * import { kmeansSteps } from "./kmeans.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0, 0], [0, 2], [10, 0], [10, 2]]);
 * const steps = [...kmeansSteps(X, fromRows([[0, 0], [0, 2]]), { maxIter: 5 })];
 * assert.deepEqual(Array.from(steps.at(-1)!.centers.data), [5, 0, 5, 2]);
 * ```
 */
export function* kmeansSteps(
  X: Matrix,
  init: Matrix,
  options: { maxIter?: number; tol?: number; sampleWeight?: Float64Array } = {},
): Generator<KMeansStep, void, undefined> {
  checkOptions("run k-means steps", options, ["maxIter", "tol", "sampleWeight"]);
  const w = options.sampleWeight;
  const maxIter = options.maxIter ?? 300;
  const tol = options.tol ?? 0;
  let centers = matrix(init.rows, init.cols, init.data.slice());
  const labelsOld = new Int32Array(X.rows).fill(-1);
  const shift = new Float64Array(init.rows);
  for (let it = 1; it <= maxIter; it++) {
    checkInterrupt(); // Ctrl-C stops a recipe between iterations
    const labels = new Int32Array(X.rows);
    const inertia = assignLabels(X, centers, labels, w);
    const next = matrix(init.rows, init.cols);
    updateCenters(X, labels, centers, next, shift, w);
    let shiftTot = 0;
    for (const s of shift) shiftTot += s * s;
    yield {
      iteration: it,
      centersBefore: centers,
      labels,
      centers: next,
      centerShift: shiftTot,
      inertia,
    };
    centers = next;
    let same = true;
    for (let i = 0; i < X.rows && same; i++) same = labels[i] === labelsOld[i];
    if (same || shiftTot <= tol) return;
    labelsOld.set(labels);
  }
}

function finish(
  X: Matrix,
  centers: Matrix,
  labels: Int32Array,
  nIter: number,
  converged: boolean,
  strict: boolean,
  w?: Float64Array,
): KMeansResult {
  // Without strict convergence, re-run the assignment so labels match centres.
  const inertia = strict ? inertiaOf(X, centers, labels, w) : assignLabels(X, centers, labels, w);
  return { centers, labels, inertia, nIter, converged };
}

function lloydSingle(
  X: Matrix,
  init: Matrix,
  maxIter: number,
  tol: number,
  w?: Float64Array,
): KMeansResult {
  // kmeansSteps' iterates, without its per-step inertia: the inertia is
  // computed once, at the end (as scikit-learn's _kmeans_single_lloyd).
  const n = X.rows, k = init.rows, d = X.cols, x = X.data;
  let centers = matrix(k, d, init.data.slice());
  let next = matrix(k, d);
  const labels = new Int32Array(n);
  const labelsOld = new Int32Array(n).fill(-1);
  const shift = new Float64Array(k);
  let strict = false, converged = false, it = 0;
  while (it < maxIter) {
    checkInterrupt();
    it++;
    const norms = rowSqNorms(centers);
    for (let i = 0; i < n; i++) labels[i] = nearestCenter(x, i * d, centers.data, norms, d, k);
    updateCenters(X, labels, centers, next, shift, w);
    [centers, next] = [next, centers];
    const stop = stopReason(labels, labelsOld, shift, tol);
    if (stop) {
      strict = stop === "strict";
      converged = true;
      break;
    }
    labelsOld.set(labels);
  }
  return finish(X, centers, labels, it, converged, strict, w);
}

/**
 * Lloyd's iterations on the two-core pool: the same iterates as
 * {@linkcode lloydSingle}, bit for bit (centre sums added per chunk of 256
 * samples in chunk order, as `updateCenters` adds them).
 */
function lloydPooled(
  pool: KMeansPool,
  X: Matrix,
  init: Matrix,
  maxIter: number,
  tol: number,
  w?: Float64Array,
): KMeansResult {
  const n = X.rows, k = init.rows, d = X.cols;
  let centers = matrix(k, d, init.data.slice());
  let next = matrix(k, d);
  const labels = new Int32Array(n);
  const labelsOld = new Int32Array(n).fill(-1);
  const counts = new Float64Array(k);
  const shift = new Float64Array(k);
  let strict = false, converged = false, it = 0;
  // Bounds (where the pool keeps them) once few labels change: before, they
  // would fail for most rows and only cost their upkeep.
  let bounds: "off" | "fresh" | Float64Array = pool.boundsFromStart ? "fresh" : "off";
  while (it < maxIter) {
    checkInterrupt();
    it++;
    pool.assign(centers, labels, next.data, counts, bounds);
    finishCenters(X, labels, centers, next, counts, shift, w);
    [centers, next] = [next, centers];
    const stop = stopReason(labels, labelsOld, shift, tol);
    if (stop) {
      strict = stop === "strict";
      converged = true;
      break;
    }
    if (bounds !== "off") bounds = shift;
    else if (fewChanged(labels, labelsOld)) bounds = "fresh";
    labelsOld.set(labels);
  }
  // Without strict convergence, labels to match the final centres.
  if (!strict) pool.assign(centers, labels, next.data, counts, bounds === "fresh" ? "off" : bounds);
  return { centers, labels, inertia: inertiaOf(X, centers, labels, w), nIter: it, converged };
}

/**
 * Whether at most 2% of the labels changed in the last step: from there the
 * pool's assignment runs behind its bounds. Measured on 60000 × 32 blobs
 * (k = 10, std 10): steps changing more than about 2% of the labels compute
 * nearly every row behind the bounds, 2.9–3.3 ms against 2.4 ms without.
 */
function fewChanged(labels: Int32Array, labelsOld: Int32Array): boolean {
  let changed = 0;
  for (let i = 0; i < labels.length; i++) changed += labels[i] !== labelsOld[i] ? 1 : 0;
  return changed <= 0.02 * labels.length;
}

/** Elkan's accelerated k-means: same iterates as Lloyd, fewer distances. */
function elkanSingle(
  X: Matrix,
  init: Matrix,
  maxIter: number,
  tol: number,
  w?: Float64Array,
): KMeansResult {
  const n = X.rows, k = init.rows, d = X.cols;
  let centers = matrix(k, d, init.data.slice());
  let centersNew = matrix(k, d);
  const labels = new Int32Array(n);
  const labelsOld = new Int32Array(n).fill(-1);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n * k);
  const shift = new Float64Array(k);
  const half = new Float64Array(k * k); // ½‖μ_a − μ_b‖
  const nextHalf = new Float64Array(k); // min_{b≠a} ½‖μ_a − μ_b‖
  const updateHalf = (c: Matrix) => {
    for (let a = 0; a < k; a++) {
      let m = Infinity;
      for (let b = 0; b < k; b++) {
        const h = a === b ? 0 : Math.sqrt(sqDist(c, a, c, b)) / 2;
        half[a * k + b] = h;
        if (a !== b && h < m) m = h;
      }
      nextHalf[a] = m;
    }
  };
  updateHalf(centers);
  // Initial bounds: skip centres ruled out by ‖x − μ_best‖ ≤ ½‖μ_best − μ_j‖.
  for (let i = 0; i < n; i++) {
    let best = 0;
    let minD = Math.sqrt(sqDist(X, i, centers, 0));
    lower[i * k] = minD;
    for (let j = 1; j < k; j++) {
      if (minD > half[best * k + j]) {
        const dj = Math.sqrt(sqDist(X, i, centers, j));
        lower[i * k + j] = dj;
        if (dj < minD) {
          minD = dj;
          best = j;
        }
      }
    }
    labels[i] = best;
    upper[i] = minD;
  }
  let strict = false;
  let converged = false;
  let it = 0;
  while (it < maxIter) {
    checkInterrupt();
    it++;
    for (let i = 0; i < n; i++) {
      let ub = upper[i];
      let label = labels[i];
      if (nextHalf[label] >= ub) continue;
      let tight = false;
      for (let j = 0; j < k; j++) {
        if (j === label || ub <= lower[i * k + j] || ub <= half[label * k + j]) continue;
        if (!tight) {
          ub = Math.sqrt(sqDist(X, i, centers, label));
          lower[i * k + label] = ub;
          tight = true;
          if (ub <= lower[i * k + j] || ub <= half[label * k + j]) continue;
        }
        const dj = Math.sqrt(sqDist(X, i, centers, j));
        lower[i * k + j] = dj;
        if (dj < ub) {
          label = j;
          ub = dj;
        }
      }
      labels[i] = label;
      upper[i] = ub;
    }
    updateCenters(X, labels, centers, centersNew, shift, w);
    updateHalf(centersNew);
    for (let i = 0; i < n; i++) {
      upper[i] += shift[labels[i]];
      for (let j = 0; j < k; j++) {
        const v = lower[i * k + j] - shift[j];
        lower[i * k + j] = v > 0 ? v : 0;
      }
    }
    [centers, centersNew] = [centersNew, centers];
    const stop = stopReason(labels, labelsOld, shift, tol);
    if (stop) {
      strict = stop === "strict";
      converged = true;
      break;
    }
    labelsOld.set(labels);
  }
  return finish(X, centers, labels, it, converged, strict, w);
}

/**
 * Labels of the rows of `X` by their nearest centre (`KMeans.predict`).
 *
 * @example
 * ```ts
 * import { predict } from "./kmeans.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const centers = fromRows([[0, 0], [10, 10]]);
 * assert.deepEqual(Array.from(predict(centers, fromRows([[9, 9], [1, 0]]))), [1, 0]);
 * ```
 * @throws {RangeError} when the column counts differ or X holds a non-finite value.
 */
export function predict(centers: Matrix, X: Matrix): Int32Array {
  validateData("predict", X);
  if (centers.cols !== X.cols) {
    throw new RangeError(
      `Cannot predict as X has ${X.cols} features but the centres have ${centers.cols}: cols=${X.cols}`,
    );
  }
  const out = new Int32Array(X.rows);
  assignLabels(X, centers, out);
  return out;
}
