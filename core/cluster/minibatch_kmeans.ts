/**
 * Mini-batch k-means with scikit-learn 1.2's `MiniBatchKMeans` semantics:
 * `miniBatchKMeans(X)` for `fit`, and the {@linkcode MiniBatchKMeans} model
 * whose `partialFit(chunk)` learns from a stream of chunks (`partial_fit`).
 *
 * Each step draws a batch of `batchSize` samples with replacement
 * (`randint(0, n, batchSize)`), assigns them to the nearest centre and moves
 * every centre to the running mean of all the samples it has ever been
 * given (a per-centre learning rate 1/count); centres whose count falls below
 * `reassignmentRatio · max count` move to random samples of the batch. A
 * fit stops when the exponentially weighted average of the batch inertia
 * per sample (α = 2·batchSize/(n + 1)) has not improved for
 * `maxNoImprovement` steps, when the squared centre shift is ≤ `tol` ·
 * mean feature variance, or after `maxIter · n / batchSize` steps.
 *
 * The random numbers are drawn in scikit-learn 1.2.1's order (validation
 * indices, then per init the init-subset indices and the init itself, then
 * per step the batch indices and any reassignment's `choice`), so with the
 * same seed the labels, centres and inertia are scikit-learn's (the
 * centres bit for bit on the test fixtures; k-means++ uses scikit-learn's
 * ‖x‖² − 2x·c + ‖c‖² distances). Memory: O(k·d + batchSize·d) besides X
 * and the labels; no n×n or n×k array.
 *
 * References: D. Sculley, "Web-scale k-means clustering", WWW 2010;
 * scikit-learn 1.2.1 `sklearn/cluster/_kmeans.py` (`MiniBatchKMeans`) and
 * `_k_means_minibatch.pyx`.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { assertFinite, columnVariances, gatherRows, matrix, takeRows } from "../matrix.ts";
import { RandomState } from "../random.ts";
import {
  checkOptions,
  optionNames,
  type OptionRecord,
  validate,
  validateData,
} from "../validate.ts";
import { plusPlus } from "./kmeans_plusplus.ts";
import { residentRows } from "./_minibatch_dots.ts";
import {
  labelsInertia,
  MAX_TRIALS,
  miniBatchStep,
  plusPlusEngine,
  type StepState,
} from "./_minibatch_step.ts";
import { checkInterrupt } from "../interrupt.ts";

/** Options of {@linkcode miniBatchKMeans} and {@linkcode MiniBatchKMeans}. */
export interface MiniBatchKMeansOptions {
  /** Number of clusters k. @default 8 (the rows of `init` when it is a matrix) */
  nClusters?: number;
  /** Initialisation on a random subset of `initSize` samples: greedy k-means++, k random samples, or explicit centres. @default "k-means++" */
  init?: "k-means++" | "random" | Matrix;
  /** Passes over the data (`fit` stops after ⌊maxIter·n / batchSize⌋ steps). @default 100 */
  maxIter?: number;
  /** Samples per mini-batch. @default 1024 */
  batchSize?: number;
  /**
   * Stop when Σ‖μ_new − μ_old‖² ≤ tol · (mean feature variance); 0 turns the
   * test off. @default 0
   */
  tol?: number;
  /**
   * Stop after this many steps without improvement of the smoothed batch
   * inertia; `null` turns the test off. @default 10
   */
  maxNoImprovement?: number | null;
  /**
   * Samples drawn (with replacement) for each initialisation, and for the
   * validation set that picks the best one.
   * @default 3·batchSize (3·nClusters if 3·batchSize < nClusters), at most n
   */
  initSize?: number;
  /**
   * Number of initialisations; the one with the lowest inertia on the
   * validation set is kept. scikit-learn 1.2's default `n_init="warn"`
   * runs 3 (and warns that 1.4 changes it to "auto"): this is that 3.
   * "auto" is 1 for k-means++ and 3 otherwise.
   * @default 3 (1 with explicit centres)
   */
  nInit?: number | "auto";
  /** Centres with count < reassignmentRatio · (max count) are moved to random samples. @default 0.01 */
  reassignmentRatio?: number;
  /** Seed or generator. @default 0 */
  randomState?: number | RandomState;
  /** Called with one line where scikit-learn warns (init_size < n_clusters, n_init ignored). @default ignore */
  onWarning?: (message: string) => void;
}

/** {@linkcode MiniBatchKMeansOptions}'s names (the model's add to them). */
const MINIBATCH_NAMES: OptionRecord<MiniBatchKMeansOptions> = {
  nClusters: true,
  init: true,
  maxIter: true,
  batchSize: true,
  tol: true,
  maxNoImprovement: true,
  initSize: true,
  nInit: true,
  reassignmentRatio: true,
  randomState: true,
  onWarning: true,
};
/** {@linkcode MiniBatchKMeansOptions}'s names, for {@linkcode checkOptions}. */
const MINIBATCH_OPTIONS = optionNames<MiniBatchKMeansOptions>(MINIBATCH_NAMES);

/** A fitted mini-batch k-means model. */
export interface MiniBatchKMeansResult {
  /** Cluster centres, `nClusters × d`. */
  readonly centers: Matrix;
  /** Index of each sample's nearest centre. */
  readonly labels: Int32Array;
  /** Sum of squared distances of samples to their centre. */
  readonly inertia: number;
  /** Mini-batch steps taken (`n_steps_`). */
  readonly nSteps: number;
  /** Passes over the data, ⌈nSteps·batchSize / n⌉ (`n_iter_`). */
  readonly nIter: number;
  /** True when the early stopping (tol or maxNoImprovement) ended the fit. */
  readonly converged: boolean;
}

interface Resolved {
  nClusters: number;
  init: "k-means++" | "random" | Matrix;
  maxIter: number;
  batchSize: number;
  tol: number;
  maxNoImprovement: number | null;
  initSize: number | undefined;
  nInit: number;
  reassignmentRatio: number;
  randomState: number | RandomState;
  warn: (message: string) => void;
}

const ACTION = "fit mini-batch k-means";

function resolve(options: MiniBatchKMeansOptions, action: string): Resolved {
  const init = options.init ?? "k-means++";
  const explicit = typeof init === "object";
  const warn = options.onWarning ?? (() => {});
  let nInit = options.nInit === "auto"
    ? (init === "k-means++" ? 1 : 3)
    : options.nInit ?? (explicit ? 1 : 3);
  const o = {
    nClusters: options.nClusters ?? (explicit ? init.rows : 8),
    maxIter: options.maxIter ?? 100,
    batchSize: options.batchSize ?? 1024,
    tol: options.tol ?? 0,
    maxNoImprovement: options.maxNoImprovement === undefined ? 10 : options.maxNoImprovement,
    initSize: options.initSize,
    reassignmentRatio: options.reassignmentRatio ?? 0.01,
  };
  validate(action, { ...o, nInit, init: explicit ? "array" : init }, {
    nClusters: { kind: "int", min: 1 },
    init: { kind: "oneOf", values: ["k-means++", "random", "array"] },
    maxIter: { kind: "int", min: 1 },
    batchSize: { kind: "int", min: 1 },
    tol: { kind: "number", min: 0 },
    nInit: { kind: "int", min: 1 },
    reassignmentRatio: { kind: "number", min: 0 },
  });
  if (o.maxNoImprovement !== null) {
    validate(action, o, { maxNoImprovement: { kind: "int", min: 0 } });
  }
  if (o.initSize !== undefined) validate(action, o, { initSize: { kind: "int", min: 1 } });
  if (explicit && nInit !== 1) {
    warn(
      `Explicit initial center position passed: performing only one init in MiniBatchKMeans instead of n_init=${nInit}.`,
    );
    nInit = 1;
  }
  return { ...o, init, nInit, randomState: options.randomState ?? 0, warn };
}

/** Data-dependent checks and sizes (`_check_params_vs_input`). */
function sizes(X: Matrix, o: Resolved, action: string): { batch: number; initSize: number } {
  validateData(action, X);
  const k = o.nClusters;
  if (X.rows < k) {
    throw new RangeError(`Cannot ${action} as n_samples=${X.rows} should be >= n_clusters=${k}`);
  }
  if (typeof o.init === "object" && (o.init.rows !== k || o.init.cols !== X.cols)) {
    throw new RangeError(
      `Cannot ${action} as init must be ${k}x${X.cols}: init=${o.init.rows}x${o.init.cols}`,
    );
  }
  if (typeof o.init === "object") assertFinite(o.init, "init");
  const batch = Math.min(o.batchSize, X.rows);
  let initSize = o.initSize;
  if (initSize === undefined) {
    initSize = 3 * batch;
    if (initSize < k) initSize = 3 * k;
  } else if (initSize < k) {
    o.warn(
      `init_size=${initSize} should be larger than n_clusters=${k}. Setting it to min(3*n_clusters, n_samples)`,
    );
    initSize = 3 * k;
  }
  return { batch, initSize: Math.min(initSize, X.rows) };
}

/**
 * Initial centres from a random subset of `initSize` rows (`_init_centroids`),
 * gathered into `scratch` when given (one buffer for every init: a fresh
 * large array costs its page faults each time).
 */
function initCentroids(
  X: Matrix,
  o: Resolved,
  rng: RandomState,
  initSize: number,
  scratch?: Float64Array,
): Matrix {
  const k = o.nClusters, d = X.cols;
  let S = X;
  if (initSize < X.rows) {
    const idx = rng.randint(0, X.rows, initSize);
    // k-means++ in high dimension: gathered straight into the WebAssembly memory.
    const inWasm = o.init === "k-means++" && d >= 16
      ? residentRows(initSize, d, MAX_TRIALS)
      : undefined;
    S = matrix(initSize, d, inWasm ?? scratch ?? new Float64Array(initSize * d));
    gatherRows(X, idx, 0, initSize, S.data);
  }
  if (typeof o.init === "object") return matrix(k, X.cols, o.init.data.slice());
  if (o.init === "random") return takeRows(S, rng.permutation(S.rows).subarray(0, k));
  return plusPlus(S, k, rng, {}, plusPlusEngine(S)).centers;
}

const generator = (rs: number | RandomState) => typeof rs === "number" ? new RandomState(rs) : rs;

/**
 * Fits mini-batch k-means to the rows of `X` (scikit-learn 1.2.1's
 * `MiniBatchKMeans(...).fit(X)`); with the same `randomState` seed, the same
 * centres, labels and inertia.
 *
 * @example Two groups, small batches
 * ```ts
 * import { miniBatchKMeans } from "./minibatch_kmeans.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 1], [1, 2], [2, 1], [10, 10], [10, 11], [11, 10]]);
 * const { labels, centers } = miniBatchKMeans(X, { nClusters: 2, batchSize: 2, randomState: 0 });
 * assert.equal(labels[0], labels[2]);
 * assert.notEqual(labels[0], labels[3]);
 * assert.equal(centers.rows, 2);
 * ```
 * @throws {RangeError} on a parameter out of range, non-finite data, or fewer samples than clusters.
 * @throws {TypeError} on a parameter of the wrong type.
 */
export function miniBatchKMeans(
  X: Matrix,
  options: MiniBatchKMeansOptions = {},
): MiniBatchKMeansResult {
  checkOptions(ACTION, options, MINIBATCH_OPTIONS);
  const o = resolve(options, ACTION);
  const { batch, initSize } = sizes(X, o, ACTION);
  const n = X.rows, d = X.cols, k = o.nClusters;
  const rng = generator(o.randomState);
  let tol = 0;
  if (o.tol > 0) {
    const v = columnVariances(X);
    tol = (v.reduce((a, b) => a + b, 0) / d) * o.tol;
  }
  // Step 1. nInit initialisations, judged on one validation subset.
  const valid = rng.randint(0, n, initSize);
  const validLabels = new Int32Array(initSize);
  let best: Matrix | undefined;
  let bestInertia = Infinity;
  const scratch = initSize < n && (o.init !== "k-means++" || d < 16)
    ? new Float64Array(initSize * d)
    : undefined;
  for (let r = 0; r < o.nInit; r++) {
    const c = initCentroids(X, o, rng, initSize, scratch);
    const inertia = labelsInertia(X, valid, c, validLabels);
    if (best === undefined || inertia < bestInertia) (best = c), (bestInertia = inertia);
  }
  // Step 2. Mini-batch steps with early stopping.
  const state: StepState = {
    centers: best!,
    counts: new Float64Array(k),
    labels: new Int32Array(batch),
    batchCounts: new Float64Array(k),
  };
  const c = state.centers.data;
  const old = o.tol > 0 ? new Float64Array(k * d) : undefined;
  const nStepsMax = Math.floor((o.maxIter * n) / batch);
  const alpha = Math.min((batch * 2.0) / (n + 1), 1);
  let ewa: number | undefined, ewaMin: number | undefined;
  let noImprovement = 0, sinceReassign = 0, converged = false, i = 0;
  for (; i < nStepsMax; i++) {
    if ((i & 255) === 0) checkInterrupt();
    const rows = rng.randint(0, n, batch);
    // Reassign every 10·k samples seen, or while a centre has no sample.
    sinceReassign += batch;
    let reassign = false;
    if (state.counts.includes(0) || sinceReassign >= 10 * k) {
      sinceReassign = 0;
      reassign = true;
    }
    old?.set(c);
    const batchInertia = miniBatchStep(X, rows, state, rng, reassign, o.reassignmentRatio, ACTION) /
      batch;
    if (i === 0) continue; // the first inertia is the initialisation's
    ewa = ewa === undefined ? batchInertia : ewa * (1 - alpha) + batchInertia * alpha;
    if (old) {
      let shift = 0;
      for (let t = 0; t < k * d; t++) shift += (c[t] - old[t]) ** 2;
      if (shift <= tol) {
        converged = true;
        break;
      }
    }
    if (ewaMin === undefined || ewa < ewaMin) {
      noImprovement = 0;
      ewaMin = ewa;
    } else noImprovement++;
    if (o.maxNoImprovement !== null && noImprovement >= o.maxNoImprovement) {
      converged = true;
      break;
    }
  }
  const nSteps = converged ? i + 1 : i;
  // Step 3. Labels and inertia of every sample.
  const labels = new Int32Array(n);
  const inertia = labelsInertia(X, null, state.centers, labels);
  return {
    centers: state.centers,
    labels,
    inertia,
    nSteps,
    nIter: Math.ceil((nSteps * batch) / n),
    converged,
  };
}

/** Options of the {@linkcode MiniBatchKMeans} model. */
export interface MiniBatchKMeansModelOptions extends MiniBatchKMeansOptions {
  /** Compute `labels` and `inertia` of each chunk after its step (`compute_labels`). @default true */
  computeLabels?: boolean;
}

/** {@linkcode MiniBatchKMeansModelOptions}'s names, for {@linkcode checkOptions}. */
const MINIBATCH_MODEL_OPTIONS = optionNames<MiniBatchKMeansModelOptions>({
  ...MINIBATCH_NAMES,
  computeLabels: true,
});

/**
 * A mini-batch k-means model that learns from chunks of rows, as
 * scikit-learn 1.2.1's `MiniBatchKMeans.partial_fit`: the first chunk
 * initialises the centres (once, from up to `initSize` of its rows, fixing
 * the batch size to min(batchSize, rows of the first chunk) for the
 * reassignment schedule), and every chunk — the first included — is one
 * mini-batch step. Memory is O(k·d) plus one chunk, so it clusters data
 * streamed from disk (see `core/io/csv_stream.ts`).
 *
 * @example Two chunks
 * ```ts
 * import { MiniBatchKMeans } from "./minibatch_kmeans.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const model = new MiniBatchKMeans({ nClusters: 2, randomState: 0 });
 * model.partialFit(fromRows([[1, 2], [1, 4], [1, 0], [4, 2], [4, 0], [4, 4]]));
 * model.partialFit(fromRows([[4, 5], [0, 1], [2, 2], [3, 2], [5, 5], [1, -1]]));
 * assert.equal(model.nSteps, 2);
 * const [a, b] = model.predict(fromRows([[0, 0], [4, 4]]));
 * assert.notEqual(a, b);
 * ```
 */
export class MiniBatchKMeans {
  #o: Resolved;
  #computeLabels: boolean;
  #rng: RandomState | undefined;
  #state: StepState | undefined;
  #batch = 0;
  #sinceReassign = 0;
  #nSteps = 0;
  #labels: Int32Array | undefined;
  #inertia = NaN;

  /**
   * @param options the model's parameters, checked here.
   * @throws {RangeError} on a parameter out of range.
   * @throws {TypeError} on a parameter of the wrong type.
   */
  constructor(options: MiniBatchKMeansModelOptions = {}) {
    checkOptions("partially fit mini-batch k-means", options, MINIBATCH_MODEL_OPTIONS);
    this.#o = resolve(options, "partially fit mini-batch k-means");
    this.#computeLabels = options.computeLabels ?? true;
    validate("partially fit mini-batch k-means", { computeLabels: this.#computeLabels }, {
      computeLabels: { kind: "oneOf", values: [true, false] },
    });
  }

  /**
   * Updates the centres with one chunk of rows (one mini-batch step).
   *
   * @returns this model.
   * @throws {RangeError} on non-finite data, a first chunk with fewer rows
   *   than clusters, or a chunk whose column count differs from the first.
   */
  partialFit(X: Matrix): this {
    const action = "partially fit mini-batch k-means";
    if (this.#state === undefined) {
      const { batch, initSize } = sizes(X, this.#o, action);
      this.#rng = generator(this.#o.randomState);
      this.#batch = batch;
      const k = this.#o.nClusters;
      this.#state = {
        centers: initCentroids(X, this.#o, this.#rng, initSize),
        counts: new Float64Array(k),
        labels: new Int32Array(X.rows),
        batchCounts: new Float64Array(k),
      };
    } else {
      validateData(action, X);
      this.#checkCols(X, action);
    }
    const state = this.#state;
    this.#sinceReassign += this.#batch;
    let reassign = false;
    if (state.counts.includes(0) || this.#sinceReassign >= 10 * this.#o.nClusters) {
      this.#sinceReassign = 0;
      reassign = true;
    }
    miniBatchStep(X, null, state, this.#rng!, reassign, this.#o.reassignmentRatio, action);
    if (this.#computeLabels) {
      this.#labels = new Int32Array(X.rows);
      this.#inertia = labelsInertia(X, null, state.centers, this.#labels);
    }
    this.#nSteps++;
    return this;
  }

  #checkCols(X: Matrix, action: string): void {
    const cols = this.#state!.centers.cols;
    if (X.cols !== cols) {
      throw new RangeError(
        `Cannot ${action} as X has ${X.cols} features, but the model is expecting ${cols} features as input: cols=${X.cols}`,
      );
    }
  }

  #fitted(action: string): StepState {
    if (this.#state === undefined) {
      throw new RangeError(`Cannot ${action} as the model is not fitted yet: nSteps=0`);
    }
    return this.#state;
  }

  /**
   * Index of each row's nearest centre (`predict`).
   *
   * @throws {RangeError} before the first `partialFit`, or when the column counts differ.
   */
  predict(X: Matrix): Int32Array {
    const state = this.#fitted("predict");
    validateData("predict", X);
    this.#checkCols(X, "predict");
    const out = new Int32Array(X.rows);
    labelsInertia(X, null, state.centers, out);
    return out;
  }

  /** A copy of the centres, `nClusters × d`. @throws {RangeError} before the first `partialFit`. */
  get centers(): Matrix {
    const c = this.#fitted("read the centres").centers;
    return matrix(c.rows, c.cols, c.data.slice());
  }

  /** A copy of each centre's accumulated sample count (`_counts`). */
  get counts(): Float64Array {
    return this.#fitted("read the counts").counts.slice();
  }

  /** Number of `partialFit` calls so far (`n_steps_`). */
  get nSteps(): number {
    return this.#nSteps;
  }

  /** Labels of the last chunk against the updated centres (with `computeLabels`). */
  get labels(): Int32Array | undefined {
    return this.#labels;
  }

  /** Inertia of the last chunk against the updated centres (NaN without `computeLabels`). */
  get inertia(): number {
    return this.#inertia;
  }
}
