/**
 * Spectral clustering with scikit-learn 1.2's `SpectralClustering` /
 * `spectral_clustering` semantics: an affinity graph (RBF kernel, or the
 * symmetrised k-nearest-neighbour connectivity), the smallest eigenvectors
 * of its normalised Laplacian L = I − D^−½ W D^−½, and a label assignment
 * on that embedding (k-means, Yu–Shi discretisation or QR).
 *
 * References: U. von Luxburg, "A tutorial on spectral clustering",
 * Statistics and Computing 17(4), 2007; A. Y. Ng, M. I. Jordan and Y. Weiss,
 * "On spectral clustering: analysis and an algorithm", NIPS 2001; J. Shi and
 * J. Malik, "Normalized cuts and image segmentation", IEEE TPAMI 22(8),
 * 2000; S. X. Yu and J. Shi, "Multiclass spectral clustering", ICCV 2003;
 * A. Damle, V. Minden and L. Ying, "Simple, direct and efficient multi-way
 * spectral clustering", Information and Inference 8(1), 2019;
 * scikit-learn `sklearn/cluster/_spectral.py` and
 * `sklearn/manifold/_spectral_embedding.py` (version 1.2.1).
 *
 * @module
 */
import { type Matrix, matrix } from "../matrix.ts";
import { RandomState } from "../random.ts";
import {
  checkOptions,
  optionNames,
  type OptionRecord,
  validate,
  validateData,
} from "../validate.ts";
import { exp } from "../math.ts";
import { kneighbors } from "../neighbors/knn.ts";
import type { CsrMatrix } from "../sparse_eigen.ts";
import { kmeans } from "./kmeans.ts";
import { type Affinity, spectralEmbedding } from "./_spectral_embedding.ts";
import { clusterQr, discretize } from "./_spectral_assign.ts";

/** Options of {@linkcode spectralClusteringAffinity}. */
export interface SpectralAssignOptions {
  /** Number of clusters (k-means' k). @default 8 */
  nClusters?: number;
  /** Dimension of the spectral embedding. @default nClusters */
  nComponents?: number;
  /**
   * How labels are read from the embedding: k-means (`nInit` restarts),
   * Yu–Shi `"discretize"` (labels in [0, nComponents)), or the
   * deterministic `"cluster_qr"`. @default "kmeans"
   */
  assignLabels?: "kmeans" | "discretize" | "cluster_qr";
  /** k-means restarts (the lowest inertia is kept). @default 10 */
  nInit?: number;
  /**
   * Seed or generator: it first draws the n-long eigensolver start vector
   * (as scikit-learn's `_init_arpack_v0`), then k-means' or discretize's
   * draws. @default 0
   */
  randomState?: number | RandomState;
  /**
   * Lanczos tolerance: every Ritz pair (θ, y) ends with ‖L·y − θ·y‖ ≤
   * eigenTol · ‖L‖. (scikit-learn's default `eigen_tol="auto"` asks ARPACK
   * for machine precision.) @default 1e-12
   */
  eigenTol?: number;
  /** Called with one line when the graph is disconnected or the eigensolver did not converge. @default ignore */
  onWarning?: (message: string) => void;
}

/** {@linkcode SpectralAssignOptions}'s names (spectral clustering's add to them). */
const ASSIGN_NAMES: OptionRecord<SpectralAssignOptions> = {
  nClusters: true,
  nComponents: true,
  assignLabels: true,
  nInit: true,
  randomState: true,
  eigenTol: true,
  onWarning: true,
};
/** {@linkcode SpectralAssignOptions}'s names, for {@linkcode checkOptions}. */
const ASSIGN_OPTIONS = optionNames<SpectralAssignOptions>(ASSIGN_NAMES);

/** Options of {@linkcode spectralClustering}. */
export interface SpectralClusteringOptions extends SpectralAssignOptions {
  /**
   * `"rbf"`: W = exp(−γ‖xᵢ − xⱼ‖²), dense n × n (as scikit-learn);
   * `"nearest_neighbors"`: W = ½(C + Cᵀ) with C the `nNeighbors`-nearest
   * connectivity, each sample its own first neighbour, sparse (O(n·k)).
   * @default "rbf"
   */
  affinity?: "rbf" | "nearest_neighbors";
  /** γ of the RBF kernel. @default 1 */
  gamma?: number;
  /** Neighbours per sample (itself included) of the k-NN affinity. @default 10 */
  nNeighbors?: number;
}

/** {@linkcode SpectralClusteringOptions}'s names, for {@linkcode checkOptions}. */
const SPECTRAL_OPTIONS = optionNames<SpectralClusteringOptions>({
  ...ASSIGN_NAMES,
  affinity: true,
  gamma: true,
  nNeighbors: true,
});

/** A spectral clustering. */
export interface SpectralClusteringResult {
  /** Cluster of each sample. */
  readonly labels: Int32Array;
  /**
   * n × nComponents spectral embedding (scikit-learn's
   * `spectral_embedding(..., drop_first=False)`): eigenvectors divided by
   * √degree, each with its largest |entry| positive.
   */
  readonly embedding: Matrix;
  /** The nComponents smallest eigenvalues of the normalised Laplacian, ascending. */
  readonly eigenvalues: Float64Array;
  /** Connected components of the affinity graph (1 when connected). */
  readonly nGraphComponents: number;
  /** Whether the eigensolver met `eigenTol`. */
  readonly converged: boolean;
}

function resolveAssign(options: SpectralAssignOptions, action: string) {
  const nClusters = options.nClusters ?? 8;
  const o = {
    nClusters,
    nComponents: options.nComponents ?? nClusters,
    assignLabels: options.assignLabels ?? "kmeans",
    nInit: options.nInit ?? 10,
    eigenTol: options.eigenTol ?? 1e-12,
  };
  validate(action, o, {
    nClusters: { kind: "int", min: 1 },
    nComponents: { kind: "int", min: 1 },
    assignLabels: { kind: "oneOf", values: ["kmeans", "discretize", "cluster_qr"] },
    nInit: { kind: "int", min: 1 },
    eigenTol: { kind: "number", min: 0, minExclusive: true },
  });
  const rs = options.randomState ?? 0;
  const rng = typeof rs === "number" ? new RandomState(rs) : rs;
  return { ...o, rng, warn: options.onWarning ?? (() => {}) };
}

/** scikit-learn's data-dependent checks. */
function checkSizes(n: number, o: ReturnType<typeof resolveAssign>, action: string): void {
  if (n < o.nClusters) {
    throw new RangeError(
      `Cannot ${action} as n_samples=${n} should be >= n_clusters=${o.nClusters}`,
    );
  }
  if (n < o.nComponents) {
    throw new RangeError(
      `Cannot ${action} as n_samples=${n} should be >= n_components=${o.nComponents}`,
    );
  }
}

function assign(
  A: Affinity,
  o: ReturnType<typeof resolveAssign>,
  ownDense: boolean,
): SpectralClusteringResult {
  const emb = spectralEmbedding(A, o.nComponents, o.rng, o.eigenTol, o.warn, ownDense);
  let labels: Int32Array;
  if (o.assignLabels === "kmeans") {
    labels = kmeans(emb.embedding, {
      nClusters: o.nClusters,
      nInit: o.nInit,
      randomState: o.rng,
      refine: false,
    }).labels;
  } else if (o.assignLabels === "discretize") {
    labels = discretize(emb.embedding, o.rng);
  } else {
    labels = clusterQr(emb.embedding);
  }
  return {
    labels,
    embedding: emb.embedding,
    eigenvalues: emb.eigenvalues,
    nGraphComponents: emb.nGraphComponents,
    converged: emb.converged,
  };
}

/**
 * Spectral clustering of a precomputed symmetric affinity (scikit-learn's
 * `spectral_clustering(affinity, ...)`): a dense n × n `Matrix`, or a sparse
 * `CsrMatrix` (n = indptr.length − 1). Its diagonal is ignored; it must be
 * symmetric and non-negative (not checked).
 *
 * The embedding holds the eigenvectors of the nComponents smallest
 * eigenvalues of L; they match scikit-learn's (ARPACK, machine precision)
 * to about eigenTol·‖L‖ / gap, gap the distance to the next eigenvalue, up
 * to sign (fixed as scikit-learn) and, within a repeated eigenvalue, a
 * rotation. On the scikit-learn fixture (tests/spectral_clustering_test.ts)
 * the eigenvalues agree to 1e-10, the column of each simple eigenvalue to
 * 1e-8 relative (3e-13 seen), and the largest principal angle between the
 * two embeddings is ≤ 1e-6. Labels therefore equal scikit-learn's (same
 * randomState) where the nComponents-th and next eigenvalues are apart
 * (relative gap > 1e-3 in the tests); "discretize", which is not invariant
 * to a rotation of the embedding, can differ where an eigenvalue is
 * repeated (a disconnected graph), since ARPACK's basis there comes from
 * rounding; so can everything where ARPACK misses a copy of a repeated
 * eigenvalue (which this solver, knowing the components, does not).
 *
 * @example Two triangles joined by one weak edge
 * ```ts
 * import { spectralClusteringAffinity } from "./spectral_clustering.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const A = fromRows([
 *   [0, 1, 1, 0, 0, 0],
 *   [1, 0, 1, 0, 0, 0],
 *   [1, 1, 0, 0.01, 0, 0],
 *   [0, 0, 0.01, 0, 1, 1],
 *   [0, 0, 0, 1, 0, 1],
 *   [0, 0, 0, 1, 1, 0],
 * ]);
 * const { labels } = spectralClusteringAffinity(A, { nClusters: 2, assignLabels: "cluster_qr" });
 * assert.equal(labels[0], labels[2]);
 * assert.equal(labels[3], labels[5]);
 * assert.notEqual(labels[0], labels[3]);
 * ```
 * @throws {RangeError} on an option out of range, n < nClusters (or nComponents), or an
 *   affinity that is malformed, not finite or negative.
 */
export function spectralClusteringAffinity(
  affinity: Matrix | CsrMatrix,
  options: SpectralAssignOptions = {},
): SpectralClusteringResult {
  checkOptions("fit spectral clustering", options, ASSIGN_OPTIONS);
  const n = "indptr" in affinity ? affinity.indptr.length - 1 : affinity.rows;
  const o = resolveAssign(options, "fit spectral clustering");
  if (!("indptr" in affinity) && affinity.cols !== n) {
    throw new RangeError(
      `Cannot fit spectral clustering as the affinity must be square: shape=${n}x${affinity.cols}`,
    );
  }
  checkAffinity(affinity, n);
  checkSizes(n, o, "fit spectral clustering");
  return assign(affinity, o, false);
}

/** A precomputed affinity must be a well-formed, finite, non-negative matrix. */
function checkAffinity(affinity: Matrix | CsrMatrix, n: number): void {
  const fail = (why: string) => {
    throw new RangeError(`Cannot fit spectral clustering as the affinity ${why}`);
  };
  if (n < 1) fail(`has no rows: n=${n}`);
  const values = "indptr" in affinity ? affinity.values : affinity.data;
  if ("indptr" in affinity) {
    const { indptr, indices } = affinity;
    if (indptr[0] !== 0 || indptr[n] !== indices.length || values.length !== indices.length) {
      fail(`has inconsistent CSR arrays: indptr[n]=${indptr[n]}, indices=${indices.length}`);
    }
    for (let i = 0; i < n; i++) {
      if (indptr[i + 1] < indptr[i]) fail(`has a decreasing indptr at row ${i}`);
    }
    for (let p = 0; p < indices.length; p++) {
      if (!(indices[p] >= 0 && indices[p] < n)) fail(`has a column out of range: ${indices[p]}`);
    }
  }
  for (let p = 0; p < values.length; p++) {
    const v = values[p];
    if (!(v >= 0 && v < Infinity)) fail(`must be finite and non-negative: entry ${p}=${v}`);
  }
}

/** W = ½(C + Cᵀ) of the k-NN connectivity C (self included), as CSR with the diagonal left out. */
function knnAffinity(X: Matrix, k: number): CsrMatrix {
  const n = X.rows;
  const nn = kneighbors(X, k, { includeSelf: true });
  // Count each row's entries: its out-edges and in-edges (j ≠ i).
  const count = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = nn.indices[i * k + t];
      if (j === i) continue;
      count[i + 1]++;
      count[j + 1]++;
    }
  }
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  const fill = count.slice(0, n);
  const cols = new Int32Array(count[n]);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = nn.indices[i * k + t];
      if (j === i) continue;
      cols[fill[i]++] = j;
      cols[fill[j]++] = i;
    }
  }
  // Sort each row and merge duplicates (a mutual pair counts 0.5 + 0.5).
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(count[n]);
  const values = new Float64Array(count[n]);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    const row = cols.subarray(count[i], count[i + 1]).sort();
    for (let p = 0; p < row.length; p++) {
      if (p > 0 && row[p] === row[p - 1]) {
        values[nnz - 1] += 0.5;
      } else {
        indices[nnz] = row[p];
        values[nnz++] = 0.5;
      }
    }
    indptr[i + 1] = nnz;
  }
  return { indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
}

/**
 * Clusters the rows of `X` by spectral clustering, as scikit-learn 1.2.1's
 * `SpectralClustering(affinity=…, eigen_solver=None).fit(X).labels_` with
 * the same `random_state`.
 *
 * The k-NN affinity stays sparse: memory O(n·(nNeighbors + nComponents +
 * 40)), so 20 000 samples need a few megabytes; the RBF affinity is dense
 * n × n, as in scikit-learn. The eigenvectors are those of the
 * nComponents smallest eigenvalues of the normalised Laplacian, to
 * ‖residual‖ ≤ eigenTol·‖L‖ (see {@linkcode spectralClusteringAffinity}).
 *
 * @example Two well-separated groups
 * ```ts
 * import { spectralClustering } from "./spectral_clustering.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0, 0], [0, 1], [1, 0], [1, 1], [8, 8], [8, 9], [9, 8], [9, 9]]);
 * const { labels } = spectralClustering(X, { nClusters: 2, nNeighbors: 4, affinity: "nearest_neighbors" });
 * assert.deepEqual(Array.from(labels.slice(1, 4)), [labels[0], labels[0], labels[0]]);
 * assert.deepEqual(Array.from(labels.slice(5)), [labels[4], labels[4], labels[4]]);
 * assert.notEqual(labels[0], labels[4]);
 * ```
 * @throws {RangeError} on an option out of range, non-finite data, fewer
 * than 2 samples, n < nClusters, or nNeighbors > n.
 */
export function spectralClustering(
  X: Matrix,
  options: SpectralClusteringOptions = {},
): SpectralClusteringResult {
  checkOptions("fit spectral clustering", options, SPECTRAL_OPTIONS);
  const action = "fit spectral clustering";
  const affinity = options.affinity ?? "rbf";
  const gamma = options.gamma ?? 1;
  const nNeighbors = options.nNeighbors ?? 10;
  validate(action, { affinity, gamma, nNeighbors }, {
    affinity: { kind: "oneOf", values: ["rbf", "nearest_neighbors"] },
    gamma: { kind: "number", min: 0 },
    nNeighbors: { kind: "int", min: 1 },
  });
  const o = resolveAssign(options, action);
  validateData(action, X, 2);
  checkSizes(X.rows, o, action);
  const n = X.rows, d = X.cols;
  if (affinity === "nearest_neighbors") {
    if (nNeighbors > n) {
      throw new RangeError(
        `Cannot ${action} as n_neighbors=${nNeighbors} should be <= n_samples=${n}`,
      );
    }
    return assign(knnAffinity(X, nNeighbors), o, false);
  }
  // Step 1. The dense RBF affinity (the Laplacian ignores the diagonal).
  const W = matrix(n, n);
  const x = X.data;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const t = x[i * d + c] - x[j * d + c];
        s += t * t;
      }
      W.data[i * n + j] = W.data[j * n + i] = exp(-gamma * s);
    }
    W.data[i * n + i] = 1;
  }
  return assign(W, o, true);
}
