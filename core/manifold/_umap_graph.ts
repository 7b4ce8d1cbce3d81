/**
 * UMAP's fuzzy simplicial set (umap-learn's `smooth_knn_dist`,
 * `compute_membership_strengths` and the fuzzy union of
 * `fuzzy_simplicial_set`), and the exact k-nearest-neighbour queries behind
 * it. Private helpers of `umap.ts`.
 *
 * umap-learn keeps distances, ρ and σ in float32; the bisection below rounds
 * them to float32 too (`Math.fround`) so that it takes the same steps and
 * stops at the same σ; the membership strengths and the union are computed
 * in float32 arithmetic too (float64 operations rounded to float32, which
 * for +, −, ×, ÷ is exact float32 arithmetic; exp is fdlibm's rounded, where
 * umap-learn calls the C library's expf), so the graph holds umap-learn's
 * float32 values, and the SGD's sampling schedule, which depends on which
 * weights equal the maximum, is umap-learn's.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { exp, log } from "../math.ts";

/** umap-learn's SMOOTH_K_TOLERANCE: the bisection's tolerance on Σ exp(−(d − ρ)/σ). */
export const SMOOTH_K_TOLERANCE = 1e-5;
/** umap-learn's MIN_K_DIST_SCALE: σ's floor as a fraction of the mean neighbour distance. */
export const MIN_K_DIST_SCALE = 1e-3;
/** NumPy's float64 max, the bisection's initial upper bound. */
const FLOAT_MAX = 1.7976931348623157e308;

/** A sparse matrix in compressed sparse row form (SciPy's `csr_matrix`). */
export interface UmapGraph {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** Row pointers: row i's entries are `indptr[i] .. indptr[i + 1] - 1`, columns ascending. */
  readonly indptr: Int32Array;
  /** Column of each entry. */
  readonly indices: Int32Array;
  /** Value (membership strength) of each entry. */
  readonly values: Float64Array;
}

/**
 * σ and ρ of every row from its sorted neighbour distances (n × k,
 * row-major), as umap-learn's `smooth_knn_dist`: ρ is the distance to the
 * `localConnectivity`-th nonzero neighbour (interpolated), σ solves
 * Σ_{j≥1} exp(−max(0, d_j − ρ)/σ) = log₂(k)·bandwidth by 64 bisection steps.
 */
export function smoothKnnDist(
  distances: Float64Array,
  n: number,
  k: number,
  kTarget: number,
  localConnectivity = 1,
  bandwidth = 1,
): { sigmas: Float64Array; rhos: Float64Array } {
  const target = (log(kTarget) / Math.LN2) * bandwidth;
  const rhos = new Float64Array(n);
  const sigmas = new Float64Array(n);
  let meanAll = 0;
  for (let t = 0; t < n * k; t++) meanAll += distances[t];
  meanAll /= n * k;
  const nonZero = new Float64Array(k);
  const index = Math.floor(localConnectivity);
  const interpolation = localConnectivity - index;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let nz = 0;
    for (let j = 0; j < k; j++) if (distances[o + j] > 0) nonZero[nz++] = distances[o + j];
    let rho = 0;
    if (nz >= localConnectivity) {
      if (index > 0) {
        rho = nonZero[index - 1];
        if (interpolation > SMOOTH_K_TOLERANCE) {
          rho = Math.fround(
            rho + interpolation * Math.fround(nonZero[index] - nonZero[index - 1]),
          );
        }
      } else {
        rho = Math.fround(interpolation * nonZero[0]);
      }
    } else if (nz > 0) {
      rho = 0;
      for (let j = 0; j < nz; j++) rho = Math.max(rho, nonZero[j]);
    }
    rhos[i] = rho;
    let lo = 0, hi = FLOAT_MAX, mid = 1;
    for (let it = 0; it < 64; it++) {
      let psum = 0;
      for (let j = 1; j < k; j++) {
        const d = Math.fround(distances[o + j] - rho);
        psum += d > 0 ? exp(-(d / mid)) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        if (hi >= FLOAT_MAX) mid *= 2;
        else mid = (lo + hi) / 2;
      }
    }
    let sigma = Math.fround(mid);
    if (rho > 0) {
      let mean = 0;
      for (let j = 0; j < k; j++) mean += distances[o + j];
      mean /= k;
      if (sigma < MIN_K_DIST_SCALE * mean) sigma = Math.fround(MIN_K_DIST_SCALE * mean);
    } else if (sigma < MIN_K_DIST_SCALE * meanAll) {
      sigma = Math.fround(MIN_K_DIST_SCALE * meanAll);
    }
    sigmas[i] = sigma;
  }
  return { sigmas, rhos };
}

/**
 * Membership strength of each neighbour (n × k, row-major), as umap-learn's
 * `compute_membership_strengths`: 0 for the point itself (unless
 * `bipartite`), 1 within ρ, else exp(−(d − ρ)/σ).
 */
export function membershipStrengths(
  indices: Int32Array,
  distances: Float64Array,
  n: number,
  k: number,
  sigmas: Float64Array,
  rhos: Float64Array,
  bipartite = false,
): Float64Array {
  const vals = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const t = i * k + j;
      if (indices[t] < 0) continue;
      if (!bipartite && indices[t] === i) vals[t] = 0;
      else {
        // float32 arithmetic, as umap-learn's (float32 exp: the float64 exp rounded).
        const d = Math.fround(distances[t] - rhos[i]);
        vals[t] = d <= 0 || sigmas[i] === 0 ? 1 : Math.fround(exp(-Math.fround(d / sigmas[i])));
      }
    }
  }
  return vals;
}

/** Sorts `cols[lo..hi)` ascending, carrying `vals` along (insertion sort: rows are short). */
function sortRow(cols: Int32Array, vals: Float64Array, lo: number, hi: number): void {
  for (let p = lo + 1; p < hi; p++) {
    const c = cols[p], v = vals[p];
    let q = p - 1;
    while (q >= lo && cols[q] > c) {
      cols[q + 1] = cols[q];
      vals[q + 1] = vals[q];
      q--;
    }
    cols[q + 1] = c;
    vals[q + 1] = v;
  }
}

/** CSR (columns ascending, zeros dropped) of the n × k neighbour matrix. */
export function knnToCsr(
  indices: Int32Array,
  vals: Float64Array,
  n: number,
  k: number,
  cols: number,
): UmapGraph {
  const indptr = new Int32Array(n + 1);
  let nnz = 0;
  for (let t = 0; t < n * k; t++) if (vals[t] !== 0 && indices[t] >= 0) nnz++;
  const ind = new Int32Array(nnz), val = new Float64Array(nnz);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const start = p;
    for (let j = 0; j < k; j++) {
      const t = i * k + j;
      if (vals[t] === 0 || indices[t] < 0) continue;
      ind[p] = indices[t];
      val[p++] = vals[t];
    }
    sortRow(ind, val, start, p);
    indptr[i + 1] = p;
  }
  return { rows: n, cols, indptr, indices: ind, values: val };
}

/** The transpose of a CSR matrix (columns ascending in each row). */
export function transposeCsr(A: UmapGraph): UmapGraph {
  const { rows, cols, indptr, indices, values } = A;
  const tp = new Int32Array(cols + 1);
  for (let p = 0; p < indices.length; p++) tp[indices[p] + 1]++;
  for (let c = 0; c < cols; c++) tp[c + 1] += tp[c];
  const next = tp.slice(0, cols);
  const ti = new Int32Array(indices.length), tv = new Float64Array(indices.length);
  for (let i = 0; i < rows; i++) {
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      const q = next[indices[p]]++;
      ti[q] = i;
      tv[q] = values[p];
    }
  }
  return { rows: cols, cols: rows, indptr: tp, indices: ti, values: tv };
}

/**
 * The fuzzy union (intersection for `mix` 0) of P and Pᵀ, as umap-learn:
 * mix·(P + Pᵀ − P∘Pᵀ) + (1 − mix)·P∘Pᵀ, zeros dropped.
 */
export function fuzzyUnion(P: UmapGraph, mix: number): UmapGraph {
  const T = transposeCsr(P);
  const n = P.rows;
  const indptr = new Int32Array(n + 1);
  // Upper bound on the entries: nnz(P) + nnz(Pᵀ).
  const cap = P.indices.length * 2;
  let ind = new Int32Array(cap), val = new Float64Array(cap);
  let q = 0;
  for (let i = 0; i < n; i++) {
    let a = P.indptr[i], b = T.indptr[i];
    const ae = P.indptr[i + 1], be = T.indptr[i + 1];
    while (a < ae || b < be) {
      let c: number, p = 0, t = 0;
      if (b >= be || (a < ae && P.indices[a] < T.indices[b])) {
        c = P.indices[a];
        p = P.values[a++];
      } else if (a >= ae || T.indices[b] < P.indices[a]) {
        c = T.indices[b];
        t = T.values[b++];
      } else {
        c = P.indices[a];
        p = P.values[a++];
        t = T.values[b++];
      }
      // float32 arithmetic, as SciPy's sparse sums and products of umap-learn's float32 sets.
      const f = Math.fround;
      const prod = f(p * t);
      const v = mix === 1
        ? f(f(p + t) - prod)
        : mix === 0
        ? prod
        : f(f(mix * f(f(p + t) - prod)) + f((1 - mix) * prod));
      if (v === 0) continue;
      ind[q] = c;
      val[q++] = v;
    }
    indptr[i + 1] = q;
  }
  ind = ind.slice(0, q);
  val = val.slice(0, q);
  return { rows: n, cols: P.cols, indptr, indices: ind, values: val };
}

/**
 * The `k` nearest rows of `X` to each row of `Q` (Euclidean), nearest first,
 * ties by the lower index: brute force in O(k) memory per query.
 */
export function queryKnn(
  X: Matrix,
  Q: Matrix,
  k: number,
): { indices: Int32Array; distances: Float64Array } {
  const n = X.rows, m = Q.rows, d = X.cols, x = X.data, qd = Q.data;
  const indices = new Int32Array(m * k), distances = new Float64Array(m * k);
  const bd = new Float64Array(k), bi = new Int32Array(k);
  for (let i = 0; i < m; i++) {
    bd.fill(Infinity);
    bi.fill(-1);
    const oi = i * d;
    for (let j = 0; j < n; j++) {
      const oj = j * d;
      let s = 0;
      for (let a = 0; a < d; a++) {
        const t = qd[oi + a] - x[oj + a];
        s += t * t;
      }
      if (s >= bd[k - 1]) continue;
      let p = k - 1;
      while (p > 0 && bd[p - 1] > s) {
        bd[p] = bd[p - 1];
        bi[p] = bi[p - 1];
        p--;
      }
      bd[p] = s;
      bi[p] = j;
    }
    for (let t = 0; t < k; t++) {
      indices[i * k + t] = bi[t];
      distances[i * k + t] = Math.sqrt(bd[t]);
    }
  }
  return { indices, distances };
}
