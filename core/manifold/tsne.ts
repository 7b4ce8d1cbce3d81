/**
 * t-distributed stochastic neighbour embedding with scikit-learn 1.2's
 * `TSNE` semantics (L. van der Maaten and G. Hinton, "Visualizing data using
 * t-SNE", JMLR 9, 2008; Barnes–Hut: L. van der Maaten, JMLR 15, 2014).
 *
 * Input affinities: p(j|i) ∝ exp(−β_i‖xᵢ − xⱼ‖²) with β_i set so that the
 * perplexity of p(·|i) is the given one, over the k = min(n − 1,
 * ⌊3·perplexity + 1⌋) nearest neighbours (Barnes–Hut) or all samples
 * (exact); P = (P + Pᵀ)/Σ. Output affinities: the Student-t kernel
 * q_ij ∝ (1 + ‖yᵢ − yⱼ‖²/ν)^(−(ν+1)/2), ν = max(nComponents − 1, 1).
 * The embedding minimises KL(P‖Q) = Σ p_ij log(p_ij/q_ij) by gradient
 * descent with momentum and per-coordinate gains (Jacobs' delta-bar-delta):
 * 250 iterations with P × earlyExaggeration and momentum 0.5, then the
 * rest with momentum 0.8; the update and gains restart between the phases;
 * every 50 iterations the error is checked for progress.
 *
 * @module
 */
import { type Matrix, matrix } from "../matrix.ts";
import { kneighbors } from "../neighbors/knn.ts";
import { RandomState } from "../random.ts";
import { checkOptions, optionNames, validate, validateData } from "../validate.ts";
import { pca } from "../decomposition/pca.ts";
import { jointProbabilities, jointProbabilitiesNN, type SparseRows } from "./_affinities.ts";
import { BarnesHut, exactGradient } from "./_gradients.ts";
import { DUPLICATE_EPSILON } from "./_space_tree.ts";

/** Iterations with exaggerated P (scikit-learn's `_EXPLORATION_N_ITER`). */
const EXPLORATION_N_ITER = 250;
/** Iterations between progress checks (scikit-learn's `_N_ITER_CHECK`). */
const N_ITER_CHECK = 50;

/** Options of {@linkcode tsne}. */
export interface TsneOptions {
  /** Dimension of the embedding (Barnes–Hut needs ≤ 3). @default 2 */
  nComponents?: number;
  /** Effective number of neighbours of each sample; must be < n. @default 30 */
  perplexity?: number;
  /** Factor on P during the first 250 iterations. @default 12 */
  earlyExaggeration?: number;
  /** Step size, or "auto" = max(n / earlyExaggeration / 4, 50). @default "auto" */
  learningRate?: number | "auto";
  /** Maximum iterations in all (≥ 250). @default 1000 */
  nIter?: number;
  /** Stop after this many iterations without a lower error (checked every 50). @default 300 */
  nIterWithoutProgress?: number;
  /** Stop when the gradient's norm falls to this. @default 1e-7 */
  minGradNorm?: number;
  /** "pca" (scaled so column 0 has standard deviation 1e-4), "random" (1e-4·N(0, 1)) or a Matrix. @default "pca" */
  init?: "pca" | "random" | Matrix;
  /** "barnes_hut" (O(n log n) per iteration, O(n·k) memory) or "exact" (O(n²)). @default "barnes_hut" */
  method?: "barnes_hut" | "exact";
  /** Barnes–Hut trade-off: a cell is summarised when width/distance < angle. @default 0.5 */
  angle?: number;
  /** Seed or generator for the random initialisation. @default 0 */
  randomState?: number | RandomState;
  /** Called after every iteration (`iteration` 1-based); `klDivergence` where it was computed. */
  onIteration?: (iteration: number, nIter: number, klDivergence: number | undefined) => void;
}

/** {@linkcode TsneOptions}'s names, for {@linkcode checkOptions}. */
const TSNE_OPTIONS = optionNames<TsneOptions>({
  nComponents: true,
  perplexity: true,
  earlyExaggeration: true,
  learningRate: true,
  nIter: true,
  nIterWithoutProgress: true,
  minGradNorm: true,
  init: true,
  method: true,
  angle: true,
  randomState: true,
  onIteration: true,
});

/** A fitted t-SNE embedding. */
export interface TsneResult {
  /** n × nComponents. */
  readonly embedding: Matrix;
  /** KL(P‖Q) at the end, as scikit-learn's `kl_divergence_`. */
  readonly klDivergence: number;
  /** Index of the last iteration run, as scikit-learn's `n_iter_` (999 for 1000 iterations). */
  readonly nIter: number;
  /** The learning rate used (resolved from "auto"). */
  readonly learningRate: number;
}

type Objective = (Y: Float64Array, grad: Float64Array, computeError: boolean) => number;

/**
 * Embeds the rows of `X` in `nComponents` dimensions by t-SNE.
 *
 * @example
 * ```ts
 * import { tsne } from "./tsne.ts";
 * import { matrix } from "../matrix.ts";
 * import { RandomState } from "../random.ts";
 * import assert from "node:assert/strict";
 * // Two well separated groups of 20 points in 5-D stay apart in 2-D.
 * const rs = new RandomState(0);
 * const X = matrix(40, 5, rs.randn(200).map((v, k) => v + (k < 100 ? 0 : 20)));
 * const { embedding, klDivergence } = tsne(X, { perplexity: 5, nIter: 300 });
 * assert.equal(embedding.rows, 40);
 * assert.ok(klDivergence >= 0);
 * const mean = (from: number) => {
 *   let s = 0;
 *   for (let i = from; i < from + 20; i++) s += embedding.data[2 * i];
 *   return s / 20;
 * };
 * assert.ok(Math.abs(mean(0) - mean(20)) > 1);
 * ```
 * @throws {RangeError} for a parameter out of range, perplexity ≥ n, fewer than 2 rows or a non-finite value.
 */
export function tsne(X: Matrix, options: TsneOptions = {}): TsneResult {
  checkOptions("fit t-SNE", options, TSNE_OPTIONS);
  const o = {
    nComponents: options.nComponents ?? 2,
    perplexity: options.perplexity ?? 30,
    earlyExaggeration: options.earlyExaggeration ?? 12,
    learningRate: options.learningRate ?? "auto",
    nIter: options.nIter ?? 1000,
    nIterWithoutProgress: options.nIterWithoutProgress ?? 300,
    minGradNorm: options.minGradNorm ?? 1e-7,
    method: options.method ?? "barnes_hut",
    angle: options.angle ?? 0.5,
  };
  const init = options.init ?? "pca";
  validate("fit t-SNE", { ...o, init: typeof init === "object" ? "array" : init }, {
    nComponents: { kind: "int", min: 1, max: o.method === "barnes_hut" ? 3 : Infinity },
    perplexity: { kind: "number", min: 0, minExclusive: true },
    earlyExaggeration: { kind: "number", min: 1 },
    nIter: { kind: "int", min: EXPLORATION_N_ITER },
    nIterWithoutProgress: { kind: "int", min: -1 },
    minGradNorm: { kind: "number", min: 0 },
    method: { kind: "oneOf", values: ["barnes_hut", "exact"] },
    angle: { kind: "number", min: 0, max: 1 },
    init: { kind: "oneOf", values: ["pca", "random", "array"] },
  });
  if (o.learningRate !== "auto") {
    validate("fit t-SNE", { learningRate: o.learningRate }, {
      learningRate: { kind: "number", min: 0, minExclusive: true },
    });
  }
  validateData("fit t-SNE", X, 2);
  const n = X.rows, dim = o.nComponents;
  if (o.perplexity >= n) {
    throw new RangeError(
      `Cannot fit t-SNE as perplexity must be less than n_samples: perplexity=${o.perplexity}, n_samples=${n}`,
    );
  }
  if (typeof init === "object" && (init.rows !== n || init.cols !== dim)) {
    throw new RangeError(
      `Cannot fit t-SNE as init must be ${n}x${dim}: init=${init.rows}x${init.cols}`,
    );
  }
  if (typeof init === "object") {
    const bad = init.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new RangeError(
        `Cannot fit t-SNE as init must be finite: init[${Math.floor(bad / dim)}][${bad % dim}]=${
          init.data[bad]
        }`,
      );
    }
  }
  const learningRate = o.learningRate === "auto"
    ? Math.max(n / o.earlyExaggeration / 4, 50)
    : o.learningRate;
  const rng = options.randomState instanceof RandomState
    ? options.randomState
    : new RandomState(options.randomState ?? 0);
  const dof = Math.max(dim - 1, 1);

  // Step 1. Input affinities P.
  let objective: (exaggeration: number) => Objective;
  if (o.method === "barnes_hut") {
    const k = Math.min(n - 1, Math.floor(3 * o.perplexity + 1));
    const nn = kneighbors(X, k);
    const sq = nn.distances.map((d) => d * d);
    const P: SparseRows = jointProbabilitiesNN(nn.indices, sq, n, k, o.perplexity);
    const bh = new BarnesHut(n, dim);
    objective = (ex) => (Y, grad, err) => bh.gradient(Y, P, o.angle, dof, ex, grad, err);
  } else {
    const sqd = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let s = 0;
        for (let a = 0; a < X.cols; a++) {
          const t = X.data[i * X.cols + a] - X.data[j * X.cols + a];
          s += t * t;
        }
        sqd[i * n + j] = s;
        sqd[j * n + i] = s;
      }
    }
    const P = jointProbabilities(sqd, n, o.perplexity);
    const W = sqd; // reused as the kernel matrix
    objective = (ex) => (Y, grad, err) => exactGradient(Y, n, dim, P, dof, ex, grad, err, W);
  }

  // Step 2. Initial embedding.
  const Y = initialEmbedding(X, dim, init, rng);
  if (o.method === "barnes_hut" && onePoint(Y, n, dim)) {
    // Barnes–Hut skips a point's duplicates, so its repulsion would be 0/0
    // (scikit-learn 1.2.1 crashes on it; PCA of identical samples is such a start).
    throw new RangeError(
      `Cannot fit t-SNE by Barnes-Hut as the initial embedding puts all ${n} samples at one point (identical samples with init "pca"?): use init "random" or method "exact"`,
    );
  }

  // Step 3. Two phases of gradient descent.
  const run = (
    f: Objective,
    it: number,
    nIter: number,
    momentum: number,
    withoutProgress: number,
  ) =>
    gradientDescent(f, Y, {
      it,
      nIter,
      momentum,
      learningRate,
      withoutProgress,
      minGradNorm: o.minGradNorm,
      total: o.nIter,
      onIteration: options.onIteration,
    });
  const first = run(objective(o.earlyExaggeration), 0, EXPLORATION_N_ITER, 0.5, EXPLORATION_N_ITER);
  let { error, it } = first;
  if (it < EXPLORATION_N_ITER || o.nIter - EXPLORATION_N_ITER > 0) {
    ({ error, it } = run(objective(1), it + 1, o.nIter, 0.8, o.nIterWithoutProgress));
  }
  return { embedding: matrix(n, dim, Y), klDivergence: error, nIter: it, learningRate };
}

/** Whether every row of Y (n × dim) is within the tree's duplicate distance of the first. */
function onePoint(Y: Float64Array, n: number, dim: number): boolean {
  for (let i = 1; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      if (!(Math.abs(Y[i * dim + a] - Y[a]) <= DUPLICATE_EPSILON)) return false;
    }
  }
  return true;
}

function initialEmbedding(
  X: Matrix,
  dim: number,
  init: "pca" | "random" | Matrix,
  rng: RandomState,
): Float64Array {
  const n = X.rows;
  if (typeof init === "object") return init.data.slice();
  if (init === "random") return rng.randn(n * dim).map((v) => 1e-4 * v);
  // PCA scores, scaled so that the first column's (population) standard deviation is 1e-4.
  if (X.cols < dim) {
    throw new RangeError(
      `Cannot initialise t-SNE by PCA as the data has fewer columns than nComponents: cols=${X.cols}, nComponents=${dim}`,
    );
  }
  const T = pca(X, { nComponents: dim }).transform(X).data;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += T[i * dim];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (T[i * dim] - mean) ** 2;
  const sd = Math.sqrt(v / n);
  return T.map((t) => (sd > 0 ? (t / sd) * 1e-4 : 0));
}

/**
 * scikit-learn's `_gradient_descent` on `p` in place: iterations `it` …
 * `nIter − 1`; returns the last error computed and the last iteration index.
 */
function gradientDescent(
  objective: Objective,
  p: Float64Array,
  o: {
    it: number;
    nIter: number;
    momentum: number;
    learningRate: number;
    withoutProgress: number;
    minGradNorm: number;
    total: number;
    onIteration?: TsneOptions["onIteration"];
  },
): { error: number; it: number } {
  const m = p.length;
  const update = new Float64Array(m);
  const gains = new Float64Array(m).fill(1);
  const grad = new Float64Array(m);
  let error = Number.MAX_VALUE, best = Number.MAX_VALUE;
  let bestIter = o.it, last = o.it;
  for (let i = o.it; i < o.nIter; i++) {
    last = i;
    const check = (i + 1) % N_ITER_CHECK === 0;
    const computeError = check || i === o.nIter - 1;
    const e = objective(p, grad, computeError);
    if (computeError) error = e;
    let norm2 = 0;
    for (let k = 0; k < m; k++) {
      let g = grad[k];
      const gain = update[k] * g < 0 ? gains[k] + 0.2 : Math.max(gains[k] * 0.8, 0.01);
      gains[k] = gain;
      g *= gain;
      norm2 += g * g;
      update[k] = o.momentum * update[k] - o.learningRate * g;
      p[k] += update[k];
    }
    o.onIteration?.(i + 1, o.total, computeError ? error : undefined);
    if (check) {
      if (error < best) {
        best = error;
        bestIter = i;
      } else if (i - bestIter > o.withoutProgress) break;
      if (Math.sqrt(norm2) <= o.minGradNorm) break;
    }
  }
  return { error, it: last };
}
