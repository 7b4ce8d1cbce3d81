/**
 * UMAP (L. McInnes, J. Healy and J. Melville, "UMAP: Uniform Manifold
 * Approximation and Projection for Dimension Reduction", 2018), as
 * umap-learn 0.5 computes it for Euclidean data:
 *
 * 1. the exact k nearest neighbours of every row (the row itself first);
 * 2. the fuzzy simplicial set: per-row ρ (distance to the nearest neighbour,
 *    `localConnectivity`) and σ (bisection to Σ exp(−(d − ρ)/σ) = log₂ k),
 *    memberships exp(−(d − ρ)/σ), fuzzy union P + Pᵀ − P∘Pᵀ;
 * 3. a and b of the low-dimensional curve 1/(1 + a·d^(2b)) fitted to
 *    `minDist` and `spread`;
 * 4. a spectral initialisation (normalised Laplacian eigenvectors, see
 *    `core/sparse_eigen.ts`), scaled to 10 with 1e-4 noise, then every
 *    coordinate normalised to [0, 10];
 * 5. stochastic gradient descent: each edge sampled in proportion to its
 *    weight, `negativeSampleRate` random repulsions per sample, learning
 *    rate decaying linearly.
 *
 * Memory O(n·k). The neighbour search is brute force (O(n²·d) time, as
 * umap-learn for fewer than 4,096 rows; umap-learn uses approximate
 * NN-descent beyond).
 *
 * Precision: as umap-learn, the input is rounded to float32, and the
 * distances, ρ, σ and the graph are computed in (emulated) float32, so the
 * graph holds umap-learn's values (all but about 1 in 1,000 bit-identical:
 * our exp against the C library's expf). The random stream is drawn as
 * umap-learn draws it from a NumPy `RandomState` (uniform start or the
 * normals of its unused eigsh guess and the 1e-4 noise, then the three
 * Tausworthe seeds), and the per-vertex Tausworthe generators are
 * umap-learn's, bit for bit: a random start and every negative sample's
 * index are umap-learn's.
 *
 * Deviations from umap-learn: the SGD runs in float64 (umap-learn: float32),
 * so embeddings are not bit-identical (a first epoch agrees to 1e-4; the
 * trajectories then diverge, as any two float orders would); the
 * eigensolver is thick-restart Lanczos rather than ARPACK (same tolerance;
 * the spectral start equals umap-learn's to 1e-3 up to each eigenvector's
 * sign); `transform` of the training data itself re-embeds it (umap-learn
 * returns the fitted embedding); only the Euclidean metric; no densMAP, no
 * supervised UMAP, no PCA or t-SVD starts.
 *
 * @module
 */
import { type Matrix, matrix } from "../matrix.ts";
import { RandomState } from "../random.ts";
import { checkOptions, optionNames, validate, validateData } from "../validate.ts";
import { kneighbors } from "../neighbors/knn.ts";
import {
  fuzzyUnion,
  knnToCsr,
  membershipStrengths,
  queryKnn,
  smoothKnnDist,
  type UmapGraph,
} from "./_umap_graph.ts";
import { findAbParams as fitAb, makeEpochsPerSample, optimizeLayout } from "./_umap_layout.ts";
import { spectralLayout } from "./_umap_spectral.ts";

export type { UmapGraph } from "./_umap_graph.ts";

/** umap-learn's INT32_MIN + 1 and INT32_MAX − 1: the range of the layout's seeds. */
const INT32_MIN = -2147483647, INT32_MAX = 2147483646;

/** Options of {@linkcode umap} (umap-learn's parameters, camel-cased). */
export interface UmapOptions {
  /** Embedding dimension. @default 2 */
  nComponents?: number;
  /** Neighbours per point (the point itself included); ≥ n is cut to n − 1 with a warning. @default 15 */
  nNeighbors?: number;
  /** Smallest distance between embedded points. @default 0.1 */
  minDist?: number;
  /** Scale of the embedded points (with `minDist`, fixes a and b). @default 1 */
  spread?: number;
  /** SGD epochs. @default 500 for up to 10,000 rows, else 200 */
  nEpochs?: number;
  /** Initial SGD learning rate. @default 1 */
  learningRate?: number;
  /** Negative samples per positive sample. @default 5 */
  negativeSampleRate?: number;
  /** 1: fuzzy union, 0: fuzzy intersection, between: a mix. @default 1 */
  setOpMixRatio?: number;
  /** Neighbours assumed connected at full strength. @default 1 */
  localConnectivity?: number;
  /** Weight of the negative samples (γ). @default 1 */
  repulsionStrength?: number;
  /** Initial embedding: spectral, uniform in [−10, 10], or an n × nComponents matrix. @default "spectral" */
  init?: "spectral" | "random" | Matrix;
  /** Seed or NumPy-compatible generator. @default 0 */
  randomState?: number | RandomState;
  /** Called after every epoch of the fit's SGD. */
  onEpoch?: (epoch: number, nEpochs: number) => void;
  /** Receives umap-learn's warnings (parameters adjusted, spectral fallback). */
  onWarning?: (message: string) => void;
}

/** {@linkcode UmapOptions}'s names, for {@linkcode checkOptions}. */
const UMAP_OPTIONS = optionNames<UmapOptions>({
  nComponents: true,
  nNeighbors: true,
  minDist: true,
  spread: true,
  nEpochs: true,
  learningRate: true,
  negativeSampleRate: true,
  setOpMixRatio: true,
  localConnectivity: true,
  repulsionStrength: true,
  init: true,
  randomState: true,
  onEpoch: true,
  onWarning: true,
});

/** A fitted UMAP: the embedding, the graph, and {@linkcode UmapModel.transform}. */
export interface UmapModel {
  /** n × nComponents embedding. */
  readonly embedding: Matrix;
  /** The fuzzy simplicial set (symmetric n × n, CSR), before the SGD's pruning of weak edges. */
  readonly graph: UmapGraph;
  /** Per-row σ of the fuzzy set. */
  readonly sigmas: Float64Array;
  /** Per-row ρ (distance to the `localConnectivity`-th neighbour). */
  readonly rhos: Float64Array;
  /** Curve parameter a. */
  readonly a: number;
  /** Curve parameter b. */
  readonly b: number;
  /** Epochs the fit ran. */
  readonly nEpochs: number;
  /** Neighbours used (after any adjustment). */
  readonly nNeighbors: number;
  /**
   * Embeds new rows into the fitted space, as umap-learn's `transform`
   * (neighbours among the training rows, memberships with
   * localConnectivity − 1, weighted-mean init, then SGD with the training
   * embedding fixed: 100 epochs, 30 beyond 10,000 new rows, or nEpochs / 3
   * when nEpochs was given; learning rate / 4; seed 42 as umap-learn's
   * `transform_seed`).
   */
  transform(newX: Matrix): Matrix;
}

/**
 * a and b of UMAP's low-dimensional similarity 1/(1 + a·d^(2b)) for
 * `spread` and `minDist` (umap-learn's `find_ab_params`).
 *
 * @example
 * ```ts
 * import { findAbParams } from "./umap.ts";
 * import assert from "node:assert/strict";
 * const { a, b } = findAbParams(1, 0.1);
 * assert.ok(Math.abs(a - 1.5769) < 1e-3 && Math.abs(b - 0.8951) < 1e-3);
 * ```
 * @throws {RangeError} unless spread > 0 and 0 ≤ minDist ≤ spread.
 */
export function findAbParams(spread: number, minDist: number): { a: number; b: number } {
  validate("find a and b", { spread, minDist }, {
    spread: { kind: "number", min: 0, minExclusive: true },
    minDist: { kind: "number", min: 0, max: spread },
  });
  return fitAb(spread, minDist);
}

/** Options of {@linkcode fuzzySimplicialSet}. */
export interface FuzzySetOptions {
  /** @default 1 */
  setOpMixRatio?: number;
  /** @default 1 */
  localConnectivity?: number;
}

/** {@linkcode FuzzySetOptions}'s names, for {@linkcode checkOptions}. */
const FUZZY_SET_OPTIONS = optionNames<FuzzySetOptions>({
  setOpMixRatio: true,
  localConnectivity: true,
});

/**
 * UMAP's fuzzy simplicial set of `X` with `nNeighbors` neighbours (the row
 * itself included), as umap-learn's `fuzzy_simplicial_set` on exact
 * Euclidean neighbours: the symmetric graph (CSR) with σ and ρ per row.
 *
 * @example
 * ```ts
 * import { fuzzySimplicialSet } from "./umap.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const { graph } = fuzzySimplicialSet(fromRows([[0], [1], [3], [7]]), 2);
 * // Each point's nearest other point is at full strength.
 * assert.deepEqual(Array.from(graph.indptr), [0, 1, 3, 5, 6]);
 * assert.deepEqual(Array.from(graph.values), [1, 1, 1, 1, 1, 1]);
 * ```
 * @throws {RangeError} for data that is not finite or nNeighbors outside [1, n].
 */
export function fuzzySimplicialSet(
  X: Matrix,
  nNeighbors: number,
  options: FuzzySetOptions = {},
): { graph: UmapGraph; sigmas: Float64Array; rhos: Float64Array } {
  checkOptions("build the fuzzy simplicial set", options, FUZZY_SET_OPTIONS);
  const mix = options.setOpMixRatio ?? 1, lc = options.localConnectivity ?? 1;
  validate("build the fuzzy simplicial set", {
    nNeighbors,
    setOpMixRatio: mix,
    localConnectivity: lc,
  }, {
    nNeighbors: { kind: "int", min: 1, max: X.rows },
    setOpMixRatio: { kind: "number", min: 0, max: 1 },
    localConnectivity: { kind: "number", min: 0 },
  });
  validateData("build the fuzzy simplicial set", X);
  return fuzzySet(asFloat32(X), nNeighbors, mix, lc);
}

/** {@linkcode fuzzySimplicialSet} on rows already rounded to float32 (and checked). */
function fuzzySet(
  X32: Matrix,
  k: number,
  mix: number,
  lc: number,
): { graph: UmapGraph; sigmas: Float64Array; rhos: Float64Array } {
  const n = X32.rows;
  const nn = kneighbors(X32, k, { includeSelf: true });
  const dists = umapDistances(X32, X32, nn.indices, k);
  const { sigmas, rhos } = smoothKnnDist(dists, n, k, k, lc);
  const vals = membershipStrengths(nn.indices, dists, n, k, sigmas, rhos);
  const graph = fuzzyUnion(knnToCsr(nn.indices, vals, n, k, n), mix);
  return { graph, sigmas, rhos };
}

/** Edges (row-major, columns ascending) with weight ≥ threshold. */
function edges(
  G: UmapGraph,
  threshold: number,
): { pruned: UmapGraph; head: Int32Array; tail: Int32Array; weight: Float64Array } {
  let nnz = 0;
  for (const v of G.values) if (v >= threshold) nnz++;
  const head = new Int32Array(nnz), tail = new Int32Array(nnz), weight = new Float64Array(nnz);
  const indptr = new Int32Array(G.rows + 1);
  let q = 0;
  for (let i = 0; i < G.rows; i++) {
    for (let p = G.indptr[i]; p < G.indptr[i + 1]; p++) {
      if (!(G.values[p] >= threshold)) continue;
      head[q] = i;
      tail[q] = G.indices[p];
      weight[q++] = G.values[p];
    }
    indptr[i + 1] = q;
  }
  return {
    pruned: { rows: G.rows, cols: G.cols, indptr, indices: tail, values: weight },
    head,
    tail,
    weight,
  };
}

function maxOf(v: Float64Array): number {
  let m = -Infinity;
  for (const x of v) if (x > m) m = x;
  return m;
}

/**
 * Fits UMAP to `X` (n × d, Euclidean) and returns the n × nComponents
 * embedding with the fitted model (umap-learn's `UMAP(...).fit(X)`).
 *
 * @example Two well-separated groups stay apart
 * ```ts
 * import { umap } from "./umap.ts";
 * import { fromRows } from "../matrix.ts";
 * import { RandomState } from "../random.ts";
 * import assert from "node:assert/strict";
 * const rs = new RandomState(1);
 * const rows = Array.from({ length: 40 }, (_, i) => [(i < 20 ? 0 : 20) + rs.nextGauss(), rs.nextGauss()]);
 * const model = umap(fromRows(rows), { nNeighbors: 5, nEpochs: 50, randomState: 0 });
 * assert.equal(model.embedding.rows, 40);
 * const x = (i: number) => model.embedding.data[2 * i];
 * const left = Array.from({ length: 20 }, (_, i) => x(i)), right = Array.from({ length: 20 }, (_, i) => x(20 + i));
 * assert.ok(Math.max(...left) < Math.min(...right) || Math.max(...right) < Math.min(...left));
 * ```
 * @throws {RangeError} for a parameter out of range, data with fewer than
 * 2 rows or not finite, or an init matrix of the wrong shape.
 */
export function umap(X: Matrix, options: UmapOptions = {}): UmapModel {
  checkOptions("fit UMAP", options, UMAP_OPTIONS);
  const init = options.init ?? "spectral";
  const explicit = typeof init === "object";
  const o = {
    nComponents: options.nComponents ?? 2,
    nNeighbors: options.nNeighbors ?? 15,
    minDist: options.minDist ?? 0.1,
    spread: options.spread ?? 1,
    nEpochs: options.nEpochs ?? (X.rows <= 10000 ? 500 : 200),
    learningRate: options.learningRate ?? 1,
    negativeSampleRate: options.negativeSampleRate ?? 5,
    setOpMixRatio: options.setOpMixRatio ?? 1,
    localConnectivity: options.localConnectivity ?? 1,
    repulsionStrength: options.repulsionStrength ?? 1,
  };
  const action = "fit UMAP";
  validate(action, { ...o, init: explicit ? "array" : init }, {
    nComponents: { kind: "int", min: 1 },
    nNeighbors: { kind: "int", min: 2 },
    spread: { kind: "number", min: 0, minExclusive: true },
    minDist: { kind: "number", min: 0, max: o.spread },
    nEpochs: { kind: "int", min: 1 },
    learningRate: { kind: "number", min: 0, minExclusive: true },
    negativeSampleRate: { kind: "number", min: 0, minExclusive: true },
    setOpMixRatio: { kind: "number", min: 0, max: 1 },
    localConnectivity: { kind: "number", min: 0 },
    repulsionStrength: { kind: "number", min: 0 },
    init: { kind: "oneOf", values: ["spectral", "random", "array"] },
  });
  validateData(action, X, 2);
  const n = X.rows, dim = o.nComponents;
  if (explicit) {
    if (init.rows !== n || init.cols !== dim) {
      throw new RangeError(
        `Cannot ${action} as init must be ${n}x${dim}: init=${init.rows}x${init.cols}`,
      );
    }
    validateData(action, init);
  }
  const warn = options.onWarning ?? (() => {});
  const rs = options.randomState ?? 0;
  const rng = typeof rs === "number" ? new RandomState(rs) : rs;
  let k = o.nNeighbors;
  if (n <= k) {
    warn(
      `nNeighbors is larger than the dataset size; truncating to X.rows - 1: nNeighbors=${n - 1}`,
    );
    k = n - 1;
  }
  const { a, b } = fitAb(o.spread, o.minDist);
  // The rows in float32 once, for the graph and for transform().
  const X32 = asFloat32(X);
  const { graph, sigmas, rhos } = fuzzySet(X32, k, o.setOpMixRatio, o.localConnectivity);
  if (graph.values.length === 0) {
    throw new RangeError(
      `Cannot ${action} as the neighbour graph has no edges: nNeighbors=${k}, rows=${n}`,
    );
  }
  const nEpochs = o.nEpochs;
  const defaultEpochs = n <= 10000 ? 500 : 200;
  const gmax = maxOf(graph.values);
  const threshold = gmax / (nEpochs > 10 ? nEpochs : defaultEpochs);
  const { pruned, head, tail, weight } = edges(graph, threshold);

  // umap-learn holds the random and spectral starts in float32 (and the
  // explicit one in float64 until the [0, 10] scaling): rounding the same
  // way gives the layout the same start and the same per-vertex seeds.
  const f32 = Math.fround;
  let emb: Float64Array;
  let single = true;
  if (init === "random") {
    emb = rng.uniform(-10, 10, n * dim).map(f32);
  } else if (init === "spectral") {
    emb = spectralLayout(X, pruned, dim, rng, warn);
    let m = 0;
    for (const v of emb) m = Math.max(m, Math.abs(v));
    const expansion = 10 / m;
    const noise = rng.normal(0, 0.0001, n * dim);
    for (let t = 0; t < emb.length; t++) emb[t] = f32(f32(emb[t] * expansion) + f32(noise[t]));
  } else {
    single = false;
    emb = init.data.slice();
    if (hasDuplicateRows(init)) {
      const nn = kneighbors(init, 1);
      let mean = 0;
      for (const v of nn.distances) mean += v;
      mean /= n;
      const noise = rng.normal(0, 0.001 * mean, n * dim);
      for (let t = 0; t < emb.length; t++) emb[t] += f32(noise[t]);
    }
  }
  const epochsPerSample = makeEpochsPerSample(weight, nEpochs);
  const seeds = rng.randint(INT32_MIN, INT32_MAX, 3);
  // Every coordinate to [0, 10] (in float32 arithmetic for a float32 start).
  const r = single ? f32 : (v: number) => v;
  for (let c = 0; c < dim; c++) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = emb[i * dim + c];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = r(hi - lo);
    for (let i = 0; i < n; i++) {
      emb[i * dim + c] = f32(r(10 * r(emb[i * dim + c] - lo)) / span);
    }
  }
  optimizeLayout(emb, emb, {
    head,
    tail,
    epochsPerSample,
    nEpochs,
    nVertices: n,
    dim,
    a,
    b,
    gamma: o.repulsionStrength,
    initialAlpha: o.learningRate,
    negativeSampleRate: o.negativeSampleRate,
    seeds,
    moveOther: true,
    onEpoch: options.onEpoch,
  });
  const embedding = matrix(n, dim, emb);
  const userEpochs = options.nEpochs;

  const transform = (newX: Matrix): Matrix => {
    const act = "transform with UMAP";
    validateData(act, newX);
    if (newX.cols !== X.cols) {
      throw new RangeError(
        `Cannot ${act} as newX must have ${X.cols} columns: cols=${newX.cols}`,
      );
    }
    const m = newX.rows;
    const Q32 = asFloat32(newX);
    const nn = queryKnn(X32, Q32, k);
    const dists = umapDistances(X32, Q32, nn.indices, k);
    const sr = smoothKnnDist(dists, m, k, k, Math.max(0, o.localConnectivity - 1));
    const vals = membershipStrengths(nn.indices, dists, m, k, sr.sigmas, sr.rhos, true);
    // Initial positions: an exact match's position, else the weighted mean.
    const out = new Float64Array(m * dim);
    for (let i = 0; i < m; i++) {
      let exact = -1, sum = 0;
      for (let j = 0; j < k; j++) {
        const v = vals[i * k + j];
        // SciPy's CSR sorts the columns: the lowest exact match wins.
        if (v === 1 && (exact < 0 || nn.indices[i * k + j] < exact)) exact = nn.indices[i * k + j];
        sum += v;
      }
      for (let c = 0; c < dim; c++) {
        if (exact >= 0) {
          out[i * dim + c] = emb[exact * dim + c];
          continue;
        }
        let s = 0;
        for (let j = 0; j < k; j++) s += vals[i * k + j] * emb[nn.indices[i * k + j] * dim + c];
        out[i * dim + c] = sum > 0 ? s / sum : NaN;
      }
    }
    const epochsT = userEpochs === undefined ? (m <= 10000 ? 100 : 30) : Math.floor(userEpochs / 3);
    if (epochsT < 1) return matrix(m, dim, out);
    const vmax = maxOf(vals);
    const thr = vmax / epochsT;
    let nnz = 0;
    for (const v of vals) if (v >= thr && v !== 0) nnz++;
    const th = new Int32Array(nnz), tt = new Int32Array(nnz), tw = new Float64Array(nnz);
    let q = 0;
    for (let t = 0; t < m * k; t++) {
      const v = vals[t];
      if (!(v >= thr) || v === 0) continue;
      th[q] = Math.floor(t / k);
      tt[q] = nn.indices[t];
      tw[q++] = v;
    }
    const seedsT = new RandomState(42).randint(INT32_MIN, INT32_MAX, 3);
    optimizeLayout(out, emb.slice(), {
      head: th,
      tail: tt,
      epochsPerSample: makeEpochsPerSample(tw, epochsT),
      nEpochs: epochsT,
      nVertices: n,
      dim,
      a,
      b,
      gamma: o.repulsionStrength,
      initialAlpha: o.learningRate / 4,
      negativeSampleRate: o.negativeSampleRate,
      seeds: seedsT,
      moveOther: false,
    });
    return matrix(m, dim, out);
  };
  return { embedding, graph, sigmas, rhos, a, b, nEpochs, nNeighbors: k, transform };
}

/** `M` rounded to float32, as umap-learn casts its input (`check_array(dtype=np.float32)`). */
function asFloat32(M: Matrix): Matrix {
  return matrix(M.rows, M.cols, M.data.map(Math.fround));
}

/**
 * The neighbours' distances as umap-learn's `umap.distances.euclidean`
 * computes them on float32 rows (float32 differences squared in float32,
 * summed in float64, float64 square root), rounded to float32 as
 * `fuzzy_simplicial_set` rounds them; each row re-sorted by them (ties by
 * index) as umap-learn's stable argsort orders it.
 */
function umapDistances(X: Matrix, Q: Matrix, indices: Int32Array, k: number): Float64Array {
  const f = Math.fround, d = X.cols, out = new Float64Array(indices.length);
  for (let i = 0; i < Q.rows; i++) {
    const o = i * k;
    for (let t = 0; t < k; t++) {
      const j = indices[o + t];
      let s = 0;
      for (let c = 0; c < d; c++) {
        const diff = f(Q.data[i * d + c] - X.data[j * d + c]);
        s += f(diff * diff);
      }
      out[o + t] = Math.sqrt(s);
    }
    for (let p = o + 1; p < o + k; p++) {
      const v = out[p], j = indices[p];
      let q = p - 1;
      while (q >= o && (out[q] > v || (out[q] === v && indices[q] > j))) {
        out[q + 1] = out[q];
        indices[q + 1] = indices[q];
        q--;
      }
      out[q + 1] = v;
      indices[q + 1] = j;
    }
    for (let t = 0; t < k; t++) out[o + t] = f(out[o + t]);
  }
  return out;
}

/** Whether two rows of `M` are equal. */
function hasDuplicateRows(M: Matrix): boolean {
  const seen = new Set<string>();
  for (let i = 0; i < M.rows; i++) {
    const key = Array.from(M.data.subarray(i * M.cols, (i + 1) * M.cols)).join(",");
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}
