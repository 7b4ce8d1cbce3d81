/**
 * The spectral embedding of spectral clustering, as scikit-learn 1.2's
 * `spectral_embedding(adjacency, n_components=k, drop_first=False)` with its
 * default (ARPACK) eigensolver. Private helper of `spectral_clustering.ts`.
 *
 * Maths: with W the affinity without its diagonal, degrees dᵢ = Σⱼ Wᵢⱼ and
 * √d (1 for an isolated node, as SciPy's `csgraph.laplacian(normed=True)`),
 * the normalised Laplacian is L = I − D^−½ W D^−½ (diagonal 1). Its k
 * smallest eigenvectors uⱼ (eigenvalues ascending) give the embedding
 * columns uⱼ / √d, each negated if needed so that its largest |entry| (the
 * first, on ties) is positive (`_deterministic_vector_sign_flip`).
 *
 * Every connected component C with ≥ 2 nodes gives the exact eigenvector
 * √d·1_C (eigenvalue 0). These are set directly, in the order of their
 * lowest node, and the other k − z eigenvectors are found by thick-restart
 * Lanczos (`eigshSmallest`) on P·L·P with P = I − ZZᵀ the projection off
 * them (plus 2·ZZᵀ, which moves them to the top of the spectrum); a tiny
 * problem (or k close to n) uses the dense Jacobi solver on it instead. The memory is that of W plus O(n·ncv).
 *
 * @module
 */
import { type Matrix, matrix } from "../matrix.ts";
import type { RandomState } from "../random.ts";
import { type CsrMatrix, eigshSmallest } from "../sparse_eigen.ts";
import { symmetricEigen } from "../linalg.ts";

/**
 * The affinity W: dense symmetric n × n (`Matrix`), or sparse symmetric
 * (`CsrMatrix`, n = indptr.length − 1). The diagonal is ignored.
 */
export type Affinity = Matrix | CsrMatrix;

/** The embedding and what the eigensolver found. */
export interface SpectralEmbeddingResult {
  /** n × k: column j is the j-th eigenvector divided by √degree, sign-fixed. */
  readonly embedding: Matrix;
  /** The k smallest eigenvalues of L, ascending. */
  readonly eigenvalues: Float64Array;
  /** Number of connected components of the affinity graph. */
  readonly nGraphComponents: number;
  /** Whether the eigensolver met its tolerance. */
  readonly converged: boolean;
}

/** Euclidean norm. */
function norm2(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

/**
 * Lanczos basis size (at least 2m + 1): on 10⁴-point k-NN graphs, 40 takes
 * about half the products of ARPACK's default 20 (small gaps, slow
 * convergence).
 */
const NCV = 40;

/** Below this many nodes, the dense solver is used. */
const DENSE_MAX = 60;

/** Connected components of W (nonzero off-diagonal entries), numbered in order of their lowest node. */
function components(A: Affinity, n: number): { count: number; labels: Int32Array } {
  const labels = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  let count = 0;
  const dense = !("indptr" in A);
  for (let s = 0; s < n; s++) {
    if (labels[s] >= 0) continue;
    let top = 0;
    stack[top++] = s;
    labels[s] = count;
    while (top > 0) {
      const v = stack[--top];
      if (dense) {
        const o = v * n, d = (A as Matrix).data;
        for (let u = 0; u < n; u++) {
          if (d[o + u] !== 0 && labels[u] < 0) (labels[u] = count), (stack[top++] = u);
        }
      } else {
        const { indptr, indices, values } = A as CsrMatrix;
        for (let p = indptr[v]; p < indptr[v + 1]; p++) {
          const u = indices[p];
          if (values[p] !== 0 && labels[u] < 0) (labels[u] = count), (stack[top++] = u);
        }
      }
    }
    count++;
  }
  return { count, labels };
}

/**
 * Spectral embedding of the affinity `A` into `k` dimensions (first vector
 * kept). Draws scikit-learn's ARPACK start vector, n uniform(−1, 1) draws,
 * from `rng` (used as Lanczos's start vector). `ownDense` lets a dense `A`
 * be overwritten (saves a copy of n² numbers).
 */
export function spectralEmbedding(
  A: Affinity,
  k: number,
  rng: RandomState,
  tol: number,
  warn: (message: string) => void,
  ownDense = false,
): SpectralEmbeddingResult {
  const isCsr = "indptr" in A;
  const n = isCsr ? A.indptr.length - 1 : A.rows;
  // Step 1. Degrees (diagonal excluded) and √d.
  const dd = new Float64Array(n);
  if (isCsr) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) if (A.indices[p] !== i) s += A.values[p];
      dd[i] = s;
    }
  } else {
    for (let i = 0; i < n; i++) {
      let s = 0;
      const o = i * n;
      for (let j = 0; j < n; j++) if (j !== i) s += A.data[o + j];
      dd[i] = s;
    }
  }
  for (let i = 0; i < n; i++) dd[i] = dd[i] === 0 ? 1 : Math.sqrt(dd[i]);
  const comp = components(A, n);
  if (comp.count > 1) {
    warn("Graph is not fully connected, spectral embedding may not work as expected.");
  }
  // Step 2. N = D^−½ W D^−½ without the diagonal; L·x = x − N·x.
  let Lmul: (x: Float64Array, y: Float64Array) => void;
  if (isCsr) {
    const values = new Float64Array(A.values.length);
    for (let i = 0; i < n; i++) {
      for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) {
        const j = A.indices[p];
        values[p] = j === i ? 0 : A.values[p] / (dd[i] * dd[j]);
      }
    }
    const { indptr, indices } = A;
    Lmul = (x, y) => {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let p = indptr[i]; p < indptr[i + 1]; p++) s += values[p] * x[indices[p]];
        y[i] = x[i] - s;
      }
    };
  } else {
    const N = ownDense ? A.data : A.data.slice();
    for (let i = 0; i < n; i++) {
      const o = i * n, di = dd[i];
      for (let j = 0; j < n; j++) N[o + j] = j === i ? 0 : N[o + j] / (di * dd[j]);
    }
    Lmul = (x, y) => {
      for (let i = 0; i < n; i++) {
        const o = i * n;
        let s0 = 0, s1 = 0, j = 0;
        for (; j + 1 < n; j += 2) {
          s0 += N[o + j] * x[j];
          s1 += N[o + j + 1] * x[j + 1];
        }
        if (j < n) s0 += N[o + j] * x[j];
        y[i] = x[i] - (s0 + s1);
      }
    };
  }
  // Step 3. The exact null vectors √d·1_C of the components with ≥ 2 nodes.
  const size = new Int32Array(comp.count);
  for (let i = 0; i < n; i++) size[comp.labels[i]]++;
  const Z: Float64Array[] = [];
  for (let c = 0; c < comp.count && Z.length < k; c++) {
    if (size[c] < 2) continue;
    const z = new Float64Array(n);
    let s = 0;
    for (let i = 0; i < n; i++) if (comp.labels[i] === c) s += (z[i] = dd[i]) ** 2;
    s = Math.sqrt(s);
    for (let i = 0; i < n; i++) z[i] /= s;
    Z.push(z);
  }
  const v0 = rng.uniform(-1, 1, n); // scikit-learn's _init_arpack_v0
  // Within a repeated eigenvalue 0, a Krylov method started from v0 finds
  // first v0's projection on the null space (the rest comes from rounding):
  // rotate Z so that its first vector is that projection. With two
  // components this fixes ARPACK's basis up to signs and order.
  if (Z.length > 1) {
    const first = new Float64Array(n);
    for (const z of Z) {
      let h = 0;
      for (let i = 0; i < n; i++) h += z[i] * v0[i];
      for (let i = 0; i < n; i++) first[i] += h * z[i];
    }
    const norm = norm2(first);
    if (norm > 0) {
      const basis = [first.map((v) => v / norm)];
      for (const z of Z) {
        if (basis.length === Z.length) break;
        const u = z.slice();
        for (let pass = 0; pass < 2; pass++) {
          for (const b of basis) {
            let h = 0;
            for (let i = 0; i < n; i++) h += b[i] * u[i];
            for (let i = 0; i < n; i++) u[i] -= h * b[i];
          }
        }
        const nu = norm2(u);
        if (nu > 1e-8) basis.push(u.map((v) => v / nu));
      }
      if (basis.length === Z.length) Z.splice(0, Z.length, ...basis);
    }
  }
  const project = (x: Float64Array) => {
    for (const z of Z) {
      let h = 0;
      for (let i = 0; i < n; i++) h += z[i] * x[i];
      for (let i = 0; i < n; i++) x[i] -= h * z[i];
    }
  };
  // Step 4. The other m eigenpairs, in the complement of Z.
  const m = k - Z.length;
  const vecs: Float64Array[] = Z.slice();
  const values = new Float64Array(k);
  let converged = true;
  if (m > 0) {
    const t = new Float64Array(n);
    // P·L·P + 2·ZZᵀ: Z moves to the top of L's spectrum [0, 2], out of the way.
    const PLP = (x: Float64Array, y: Float64Array) => {
      t.set(x);
      project(t);
      Lmul(t, y);
      project(y);
      for (const z of Z) {
        let h = 0;
        for (let i = 0; i < n; i++) h += z[i] * x[i];
        for (let i = 0; i < n; i++) y[i] += 2 * h * z[i];
      }
    };
    if (n <= DENSE_MAX || m >= n - Z.length - 1) {
      const M = matrix(n, n);
      const e = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        e.fill(0);
        e[j] = 1;
        const col = new Float64Array(n);
        PLP(e, col);
        for (let i = 0; i < n; i++) M.data[i * n + j] = col[i];
      }
      // Symmetrise the rounding.
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) {
          const a = 0.5 * (M.data[i * n + j] + M.data[j * n + i]);
          M.data[i * n + j] = M.data[j * n + i] = a;
        }
      }
      const eig = symmetricEigen(M); // descending
      for (let r = 0; r < m; r++) {
        const col = n - 1 - r;
        const u = new Float64Array(n);
        for (let i = 0; i < n; i++) u[i] = eig.vectors.data[i * n + col];
        values[Z.length + r] = eig.values[col];
        vecs.push(u);
      }
    } else {
      const start = v0.slice();
      project(start);
      const r = eigshSmallest(PLP, n, m, {
        tol,
        v0: start,
        ncv: Math.min(n - Z.length - 1, Math.max(2 * m + 1, NCV)),
        checkMultiplicity: false,
      });
      converged = r.converged;
      if (!converged) {
        // A spectrum with few distinct values closes every Krylov space,
        // which the solver does not count as converged: check the residuals.
        const y = new Float64Array(n), u = new Float64Array(n);
        converged = true;
        for (let j = 0; j < m && converged; j++) {
          for (let i = 0; i < n; i++) u[i] = r.vectors.data[i * m + j];
          PLP(u, y);
          let s = 0;
          for (let i = 0; i < n; i++) s += (y[i] - r.values[j] * u[i]) ** 2;
          if (!(Math.sqrt(s) <= 2 * tol * 2)) converged = false;
        }
      }
      if (!converged) {
        warn(
          `The eigensolver did not converge to tol=${tol} after ${r.restarts} restarts; the embedding is approximate`,
        );
      }
      for (let j = 0; j < m; j++) {
        const u = new Float64Array(n);
        for (let i = 0; i < n; i++) u[i] = r.vectors.data[i * m + j];
        values[Z.length + j] = r.values[j];
        vecs.push(u);
      }
    }
  }
  // Step 5. Divide by √d and fix the signs.
  const embedding = matrix(n, k);
  for (let j = 0; j < k; j++) {
    const u = vecs[j];
    let best = 0, arg = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.abs(u[i] / dd[i]);
      if (v > best) (best = v), (arg = i);
    }
    const sign = u[arg] / dd[arg] < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) embedding.data[i * k + j] = (sign * u[i]) / dd[i];
  }
  return { embedding, eigenvalues: values, nGraphComponents: comp.count, converged };
}
