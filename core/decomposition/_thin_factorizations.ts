/**
 * The small factorisations of a randomized SVD, on tall matrices of a few
 * dozen columns stored column by column (column c of an m × n matrix is
 * `data[c·m .. c·m + m)`, so every update is a long contiguous loop):
 *
 * - {@linkcode luPermutedL}: P·L of the LU factorisation with partial
 *   pivoting, as `scipy.linalg.lu(A, permute_l=True)` returns it (the power
 *   iterations' cheap normaliser);
 * - {@linkcode thinQr}: Householder QR (`scipy.linalg.qr(A, mode="economic")`,
 *   LAPACK's reflector convention);
 * - {@linkcode thinSvd}: the SVD of a tall matrix C (m ≥ n): C = Q·R by
 *   Householder, then one-sided Jacobi (Hestenes) on the small Rᵀ, whose row
 *   rotations converge to orthogonal rows (each singular value accurate to
 *   its own rounding), or above 128 columns, where Jacobi's sweeps cost
 *   seconds, the eigenvectors of [0 Rᵀ; R 0] (accurate to rounding of the
 *   largest, as LAPACK's SVD; CᵀC's would square that error).
 *
 * References: G. H. Golub and C. F. Van Loan, Matrix Computations, 4th ed.
 * (2013), §3.4 (LU with partial pivoting), §5.1–5.2 (Householder QR),
 * §8.6.4 (one-sided Jacobi); LAPACK's `dgetrf`, `dgeqrf`/`dlarfg`.
 *
 * @module
 */
import { matrix } from "../matrix.ts";
import { dot4, symmetricEigenTridiagonal } from "../linalg.ts";

/** An m × n matrix stored column by column. */
export interface Columns {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** y[yo + i] += alpha·x[xo + i] for i < len. */
function axpy(
  y: Float64Array,
  yo: number,
  alpha: number,
  x: Float64Array,
  xo: number,
  len: number,
): void {
  for (let i = 0; i < len; i++) y[yo + i] += alpha * x[xo + i];
}

/**
 * P·L of A = P·L·U (partial pivoting, the first entry of largest magnitude
 * as pivot, as LAPACK's `idamax`): m × r with r = min(m, n), unit lower
 * triangular up to the row permutation, written row-major into `out`
 * (m·r entries); returns r. A zero pivot column is left as it is (no
 * division). A is overwritten; `perm` holds m entries of scratch.
 */
export function luPermutedL(A: Columns, out: Float64Array, perm: Int32Array): number {
  const m = A.rows, n = A.cols, r = Math.min(m, n), a = A.data;
  const pivots = new Int32Array(r);
  // Left-looking (Crout): column j receives all earlier columns' updates at
  // once, four columns of L per pass over it.
  for (let j = 0; j < n; j++) {
    const cj = j * m, top = Math.min(j, r);
    for (let p = 0; p < top; p++) {
      const q = pivots[p];
      if (q !== p) {
        const t = a[cj + p];
        a[cj + p] = a[cj + q];
        a[cj + q] = t;
      }
    }
    // U's column: the unit lower triangular solve of the top rows.
    for (let p = 0; p < top; p++) {
      const u = a[cj + p];
      if (u !== 0) axpy(a, cj + p + 1, -u, a, p * m + p + 1, top - p - 1);
    }
    // The rows below: a[j:, j] −= L[j:, :top]·u.
    subtractProducts(a, cj, m, j, top);
    if (j >= r) continue;
    let p = j, best = Math.abs(a[cj + j]);
    for (let i = j + 1; i < m; i++) {
      const v = Math.abs(a[cj + i]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    pivots[j] = p;
    if (p !== j) {
      for (let c = 0; c <= j; c++) {
        const t = a[c * m + p];
        a[c * m + p] = a[c * m + j];
        a[c * m + j] = t;
      }
    }
    const pivot = a[cj + j];
    if (pivot === 0) continue;
    const inv = 1 / pivot;
    for (let i = j + 1; i < m; i++) a[cj + i] *= inv;
  }
  for (let i = 0; i < m; i++) perm[i] = i;
  for (let j = 0; j < r; j++) {
    const q = pivots[j], t = perm[q];
    perm[q] = perm[j];
    perm[j] = t;
  }
  out.fill(0, 0, m * r);
  for (let i = 0; i < m; i++) lRow(out, perm[i] * r, a, i, m, Math.min(i, r), i < r);
  return r;
}

/** a[cj + i] −= Σ_{p < top} a[p·m + i]·a[cj + p] for rows from ≤ i < m (from = the column's index j). */
function subtractProducts(a: Float64Array, cj: number, m: number, from: number, top: number): void {
  let p = 0;
  for (; p + 3 < top; p += 4) {
    const u0 = a[cj + p], u1 = a[cj + p + 1], u2 = a[cj + p + 2], u3 = a[cj + p + 3];
    const c0 = p * m, c1 = c0 + m, c2 = c1 + m, c3 = c2 + m;
    for (let i = from; i < m; i++) {
      a[cj + i] -= a[c0 + i] * u0 + a[c1 + i] * u1 + (a[c2 + i] * u2 + a[c3 + i] * u3);
    }
  }
  for (; p < top; p++) axpy(a, cj + from, -a[cj + p], a, p * m + from, m - from);
}

/** Row i of L into out[o ..]: its multipliers a[c·m + i] for c < len, and the unit diagonal. */
function lRow(
  out: Float64Array,
  o: number,
  a: Float64Array,
  i: number,
  m: number,
  len: number,
  unit: boolean,
): void {
  for (let c = 0; c < len; c++) out[o + c] = a[c * m + i];
  if (unit) out[o + i] = 1;
}

/**
 * Economic Householder QR of the m × n matrix A: Q (m × r, orthonormal
 * columns) and R (r × n, upper triangular, column by column too),
 * r = min(m, n). Reflectors as LAPACK's `dlarfg` makes them (R's diagonal
 * −sign(aⱼⱼ)·‖x‖), so Q and R are LAPACK's up to rounding. A is overwritten.
 */
export function thinQr(A: Columns): { Q: Columns; R: Columns } {
  const m = A.rows, n = A.cols, r = Math.min(m, n), a = A.data;
  const tau = new Float64Array(r);
  for (let j = 0; j < r; j++) {
    const cj = j * m;
    const norm2 = dot4(a, cj + j + 1, a, cj + j + 1, m - j - 1);
    if (norm2 === 0) continue; // H = I (tau 0), as dlarfg
    const alpha = a[cj + j];
    const beta = -(alpha < 0 ? -1 : 1) * Math.hypot(alpha, Math.sqrt(norm2));
    tau[j] = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = j + 1; i < m; i++) a[cj + i] *= scale;
    a[cj + j] = beta;
    // Columns c > j: x −= tau·v·(vᵀx), v = (1, a[cj + j + 1 ..]).
    for (let c = j + 1; c < n; c++) reflect(a, c * m + j, a, cj + j + 1, m - j - 1, tau[j]);
  }
  const R = new Float64Array(r * n);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i <= Math.min(c, r - 1); i++) R[c * r + i] = a[c * m + i];
  }
  // Q = H₀·H₁·…·H_{r−1}·[I; 0], accumulated backwards.
  const q = new Float64Array(m * r);
  for (let i = 0; i < r; i++) q[i * m + i] = 1;
  for (let j = r - 1; j >= 0; j--) {
    if (tau[j] === 0) continue;
    for (let c = j; c < r; c++) reflect(q, c * m + j, a, j * m + j + 1, m - j - 1, tau[j]);
  }
  return { Q: { rows: m, cols: r, data: q }, R: { rows: r, cols: n, data: R } };
}

/** x ← (I − tau·v·vᵀ)·x for x = y[yo ..] (length len + 1) and v = (1, v[vo .. vo + len)). */
function reflect(
  y: Float64Array,
  yo: number,
  v: Float64Array,
  vo: number,
  len: number,
  tau: number,
): void {
  const f = tau * (y[yo] + dot4(y, yo + 1, v, vo, len));
  y[yo] -= f;
  axpy(y, yo + 1, -f, v, vo, len);
}

/** Rows p, q (length len) of a ← (c·p − s·q, s·p + c·q). */
function rotate(a: Float64Array, p: number, q: number, len: number, c: number, s: number): void {
  for (let j = 0; j < len; j++) {
    const x = a[p + j], y = a[q + j];
    a[p + j] = c * x - s * y;
    a[q + j] = s * x + c * y;
  }
}

/** out = (‖row p‖², ‖row q‖², row p · row q) of a, rows of length len. */
function pairDots(a: Float64Array, p: number, q: number, len: number, out: Float64Array): void {
  let alpha = 0, beta = 0, gamma = 0;
  for (let j = 0; j < len; j++) {
    const x = a[p + j], y = a[q + j];
    alpha += x * x;
    beta += y * y;
    gamma += x * y;
  }
  out[0] = alpha;
  out[1] = beta;
  out[2] = gamma;
}

/** Sweeps of one-sided Jacobi before giving up (convergence takes about ten). */
const MAX_SWEEPS = 60;

/**
 * Above this many columns {@linkcode thinSvd} takes the eigenvectors of
 * the augmented matrix instead of Jacobi, whose O(n³) sweeps cost more from
 * there (Jacobi 82 ms at 128 columns, 400 ms at 210 and 8 s at 510; the
 * augmented matrix 69 ms at 129, 120 ms at 200 and 1.4 s at 510).
 */
const JACOBI_MAX_COLS = 128;

/**
 * Thin SVD of the m × n matrix C with m ≥ n, stored column by column:
 * C = U·diag(s)·Vᵀ with U m × n (orthonormal columns, column by column),
 * s descending, and V n × n given as the rows of `Vt` (row-major n × n).
 * Singular vectors of zero singular values are completed to an orthonormal
 * set. C is overwritten.
 *
 * C = Q·R by Householder, then the SVD of R: up to
 * {@linkcode JACOBI_MAX_COLS} columns by one-sided Jacobi (each singular
 * value accurate to its own rounding), above from the eigenvectors of the
 * symmetric 2n × 2n matrix [0 Rᵀ; R 0] (eigenvalues ±sᵢ, vectors (vᵢ; ±uᵢ)),
 * accurate to rounding of the largest singular value as LAPACK's.
 */
export function thinSvd(C: Columns): { U: Columns; s: Float64Array; Vt: Float64Array } {
  const m = C.rows, n = C.cols;
  if (m < n) throw new RangeError(`thinSvd needs rows >= cols: rows=${m}, cols=${n}`);
  const { Q, R } = thinQr(C);
  // R = Wᵀ·diag(s)·Vt: row k of W is R's k-th left singular vector.
  const { s, Vt, W } = n > JACOBI_MAX_COLS ? augmentedSvd(R.data, n) : jacobiSvd(R.data, n);
  // U = Q·Wᵀ: column k is Σ_c W[k, c]·Q[:, c].
  const U = new Float64Array(m * n);
  for (let k = 0; k < n; k++) {
    for (let c = 0; c < n; c++) {
      const w = W[k * n + c];
      if (w !== 0) axpy(U, k * m, w, Q.data, c * m, m);
    }
  }
  return { U: { rows: m, cols: n, data: U }, s, Vt };
}

/** SVD of the n × n matrix R (column by column) by one-sided Jacobi on Rᵀ's rows. */
function jacobiSvd(
  r: Float64Array,
  n: number,
): { s: Float64Array; Vt: Float64Array; W: Float64Array } {
  const M = r.slice(); // R column by column = Rᵀ row by row
  // Row rotations J with J·M's rows orthogonal: M = Jᵀ·diag(s)·W, so
  // R = Wᵀ·diag(s)·J: V = Jᵀ.
  const J = new Float64Array(n * n), abg = new Float64Array(3);
  for (let i = 0; i < n; i++) J[i * n + i] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        pairDots(M, p * n, q * n, n, abg);
        const alpha = abg[0], beta = abg[1], gamma = abg[2];
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        rotate(M, p * n, q * n, n, c, s);
        rotate(J, p * n, q * n, n, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) norms[i] = Math.sqrt(dot4(M, i * n, M, i * n, n));
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => norms[y] - norms[x] || x - y);
  const s = new Float64Array(n), W = new Float64Array(n * n), Vt = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    s[k] = norms[i];
    Vt.set(J.subarray(i * n, i * n + n), k * n);
    if (norms[i] > 0) {
      for (let c = 0; c < n; c++) W[k * n + c] = M[i * n + c] / norms[i];
    } else completeRow(W, k, n);
  }
  return { s, Vt, W };
}

/**
 * SVD of the n × n matrix R (column by column) from the n largest
 * eigenpairs of [0 Rᵀ; R 0]: sₖ = λₖ, (vₖ; uₖ) the halves of its vector.
 * Each half is made orthogonal to the earlier ones (twice) and normalised:
 * this only moves the vectors of singular values at rounding level, whose
 * ± pairs the eigensolver may mix; a half with nothing left is completed.
 */
function augmentedSvd(
  r: Float64Array,
  n: number,
): { s: Float64Array; Vt: Float64Array; W: Float64Array } {
  const N = 2 * n, H = matrix(N, N);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i <= c; i++) {
      const v = r[c * n + i]; // R[i][c]
      H.data[(n + i) * N + c] = v;
      H.data[c * N + n + i] = v;
    }
  }
  const { values, vectors } = symmetricEigenTridiagonal(H, n, true);
  const s = new Float64Array(n), Vt = new Float64Array(n * n), W = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    s[k] = Math.max(values[k], 0);
    for (let j = 0; j < n; j++) {
      Vt[k * n + j] = vectors.data[j * n + k];
      W[k * n + j] = vectors.data[(n + j) * n + k];
    }
    orthonormalise(Vt, k, n);
    orthonormalise(W, k, n);
  }
  return { s, Vt, W };
}

/** Row k of W made orthogonal to rows 0..k−1 (twice) and unit; completed when nothing is left. */
function orthonormalise(W: Float64Array, k: number, n: number): void {
  const before = Math.sqrt(dot4(W, k * n, W, k * n, n));
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < k; i++) axpy(W, k * n, -dot4(W, i * n, W, k * n, n), W, i * n, n);
  }
  const norm = Math.sqrt(dot4(W, k * n, W, k * n, n));
  if (norm <= 1e-3 * before || norm === 0) {
    completeRow(W, k, n);
    return;
  }
  for (let c = 0; c < n; c++) W[k * n + c] /= norm;
}

/** Row k of W (rows of length n) ← a unit vector orthogonal to rows 0..k−1 (Gram–Schmidt on eₑ, twice). */
function completeRow(W: Float64Array, k: number, n: number): void {
  for (let e = 0; e < n; e++) {
    W.fill(0, k * n, (k + 1) * n);
    W[k * n + e] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < k; i++) axpy(W, k * n, -dot4(W, i * n, W, k * n, n), W, i * n, n);
    }
    const norm = Math.sqrt(dot4(W, k * n, W, k * n, n));
    if (norm > 0.5) {
      for (let c = 0; c < n; c++) W[k * n + c] /= norm;
      return;
    }
  }
}
