/**
 * Small dense linear algebra on row-major square matrices: inverse,
 * log-determinant and the symmetric eigen-decomposition (Jacobi), for the
 * covariance models (tens of features, not thousands); and, for hundreds or
 * thousands of features (PCA), the symmetric eigen-decomposition by
 * Householder tridiagonalisation and implicit QL.
 *
 * @module
 */
import type { Matrix } from "./matrix.ts";
import { matrix } from "./matrix.ts";

/**
 * Σ a[ao + i]·b[bo + i] for i < len, in four partial sums (i mod 4, the
 * rest into the first), added as (s₀ + s₁) + (s₂ + s₃): the additions do
 * not wait on each other.
 *
 * @example
 * ```ts
 * import { dot4 } from "./linalg.ts";
 * import assert from "node:assert/strict";
 * const a = Float64Array.from([1, 2, 3, 4, 5]), b = Float64Array.from([0, 1, 10, 2, 2, 1]);
 * assert.equal(dot4(a, 0, b, 1, 5), 1 + 20 + 6 + 8 + 5);
 * ```
 */
export function dot4(
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
  len: number,
): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  for (; i + 3 < len; i += 4) {
    s0 += a[ao + i] * b[bo + i];
    s1 += a[ao + i + 1] * b[bo + i + 1];
    s2 += a[ao + i + 2] * b[bo + i + 2];
    s3 += a[ao + i + 3] * b[bo + i + 3];
  }
  for (; i < len; i++) s0 += a[ao + i] * b[bo + i];
  return (s0 + s1) + (s2 + s3);
}

/** LU decomposition with partial pivoting, in place on a copy. */
function lu(A: Matrix): { LU: Float64Array; perm: Int32Array; sign: number; singular: boolean } {
  const n = A.rows;
  const LU = A.data.slice();
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  let singular = false;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(LU[i * n + k]) > Math.abs(LU[p * n + k])) p = i;
    if (LU[p * n + k] === 0) {
      singular = true;
      continue;
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) [LU[k * n + j], LU[p * n + j]] = [LU[p * n + j], LU[k * n + j]];
      [perm[k], perm[p]] = [perm[p], perm[k]];
      sign = -sign;
    }
    for (let i = k + 1; i < n; i++) {
      const f = (LU[i * n + k] /= LU[k * n + k]);
      if (f !== 0) { for (let j = k + 1; j < n; j++) LU[i * n + j] -= f * LU[k * n + j]; }
    }
  }
  return { LU, perm, sign, singular };
}

/**
 * Sign and natural log of |det A| (NumPy's `slogdet`): sign 0 and −∞ when singular.
 *
 * @example
 * ```ts
 * import { slogdet } from "./linalg.ts";
 * import { fromRows } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * const { sign, logdet } = slogdet(fromRows([[0, 2], [3, 0]]));
 * assert.equal(sign, -1);
 * assert.ok(Math.abs(logdet - Math.log(6)) < 1e-15);
 * ```
 */
export function slogdet(A: Matrix): { sign: number; logdet: number } {
  const n = A.rows;
  const { LU, sign, singular } = lu(A);
  if (singular) return { sign: 0, logdet: -Infinity };
  let s = sign, ld = 0;
  for (let i = 0; i < n; i++) {
    const v = LU[i * n + i];
    if (v < 0) s = -s;
    ld += Math.log(Math.abs(v));
  }
  return { sign: s, logdet: ld };
}

/**
 * Inverse of a square matrix by LU with partial pivoting.
 *
 * @throws {RangeError} when the matrix is singular.
 */
export function inverse(A: Matrix): Matrix {
  const n = A.rows;
  const { LU, perm, singular } = lu(A);
  if (singular) throw new RangeError(`Cannot invert the matrix as it is singular: n=${n}`);
  const out = matrix(n, n);
  const col = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < n; i++) col[i] = perm[i] === c ? 1 : 0;
    for (let i = 0; i < n; i++) {
      let s = col[i];
      for (let j = 0; j < i; j++) s -= LU[i * n + j] * col[j];
      col[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = col[i];
      for (let j = i + 1; j < n; j++) s -= LU[i * n + j] * col[j];
      col[i] = s / LU[i * n + i];
    }
    for (let i = 0; i < n; i++) out.data[i * n + c] = col[i];
  }
  return out;
}

/**
 * Eigenvalues (descending) and eigenvectors (columns of `vectors`) of a
 * symmetric matrix, by cyclic Jacobi rotations.
 */
export function symmetricEigen(A: Matrix): { values: Float64Array; vectors: Matrix } {
  const n = A.rows;
  const a = A.data.slice();
  // The eigenvectors as rows (vt[p·n + k] = V[k][p]), so that a rotation
  // updates two contiguous rows; the same products as columns.
  const vt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vt[i * n + i] = 1;
  // The sweeps end once the off-diagonal squares sum below 1e-30. A matrix
  // whose largest entry is below 1 (or whose squares would overflow) is
  // first scaled by a power of two to [1, 2): that changes no rotation's
  // bits, only where the absolute test stops, which had stopped before the
  // first rotation on the covariance of data spread by 1e-8.
  const e = jacobiExponent(a);
  const f = 2 ** e;
  if (e !== 0) { for (let t = 0; t < n * n; t++) a[t] *= f; }
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        jacobiRotate(a, vt, n, p, q, c, s);
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = Float64Array.from(order, (i) => a[i * n + i] / f);
  const vectors = matrix(n, n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors.data[k * n + dst] = vt[src * n + k];
  });
  return { values, vectors };
}

/**
 * The power of two e by which {@linkcode symmetricEigen} scales its matrix:
 * 0 where the largest |entry| m is in [1, 2^500] (those matrices sweep
 * as they always did), else the e that brings m into [1, 2) (at most ±1000;
 * 0 for a zero matrix).
 */
function jacobiExponent(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  if (m === 0 || (m >= 1 && m <= 2 ** 500) || !Number.isFinite(m)) return 0;
  return Math.max(-1000, Math.min(1000, -Math.floor(Math.log2(m))));
}

/**
 * One rotation of {@linkcode symmetricEigen} in the plane (p, q): columns p
 * and q of `a`, then its rows p and q, then rows p and q of `vt`. A function
 * of its own, so that it is compiled whole (inside the sweep's loops, V8
 * compiled the loops over k alone and threw them back after each rotation).
 */
function jacobiRotate(
  a: Float64Array,
  vt: Float64Array,
  n: number,
  p: number,
  q: number,
  c: number,
  s: number,
): void {
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p], akq = a[k * n + q];
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k], aqk = a[q * n + k];
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
  for (let k = 0, rp = p * n, rq = q * n; k < n; k++) {
    const vkp = vt[rp + k], vkq = vt[rq + k];
    vt[rp + k] = c * vkp - s * vkq;
    vt[rq + k] = s * vkp + c * vkq;
  }
}

/**
 * Correlation matrix of a covariance: ρᵢⱼ = Σᵢⱼ / √(Σᵢᵢ Σⱼⱼ).
 *
 * @example
 * ```ts
 * import { correlationFromCovariance } from "./linalg.ts";
 * import { fromRows } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * const r = correlationFromCovariance(fromRows([[4, 2], [2, 9]]));
 * assert.deepEqual(Array.from(r.data), [1, 2 / 6, 2 / 6, 1]);
 * ```
 */
export function correlationFromCovariance(cov: Matrix): Matrix {
  const p = cov.rows, out = matrix(p, p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      out.data[i * p + j] = cov.data[i * p + j] /
        Math.sqrt(cov.data[i * p + i] * cov.data[j * p + j]);
    }
  }
  return out;
}

/**
 * Classical (Torgerson) multidimensional scaling from a similarity matrix S
 * (e.g. correlations, whose distances are √(2(1 − ρ))): the top `dims`
 * eigenvectors of the double-centred S, scaled by √eigenvalue. Returns
 * n × dims coordinates.
 */
export function classicalMds(S: Matrix, dims = 2): Matrix {
  const n = S.rows;
  const B = matrix(n, n, S.data.slice());
  const rowMean = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) rowMean[i] += B.data[i * n + j] / n;
  }
  const grand = rowMean.reduce((a, b) => a + b, 0) / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) B.data[i * n + j] += grand - rowMean[i] - rowMean[j];
  }
  const { values, vectors } = symmetricEigen(B);
  const out = matrix(n, dims);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dims; c++) {
      out.data[i * dims + c] = vectors.data[i * n + c] * Math.sqrt(Math.max(values[c], 0));
    }
  }
  return out;
}

/**
 * Step 1 of {@linkcode symmetricEigenTridiagonal}: Householder reduction of
 * the symmetric n × n `a` (lower triangle, overwritten), last row first.
 * Reflector i zeroes a[i][0..i−2] with u = a[i][0..i−1] (scaled), then
 * A ← P·A·P through p = A·u/h, K = uᵀp/(2h), q = p − K·u,
 * A ← A − u·qᵀ − q·uᵀ. Row i keeps u and `hs[i]` its h (0: no reflector).
 * The update of rows 0..i−2 and the next product A·u′ share one pass over
 * the triangle (u′ comes from row i − 1, updated first).
 */
function householderTridiagonal(
  a: Float64Array,
  n: number,
): { diag: Float64Array; sub: Float64Array; hs: Float64Array } {
  const diag = new Float64Array(n);
  const sub = new Float64Array(n); // sub[i] = T[i][i − 1]; sub[0] unused
  const hs = new Float64Array(n);
  let u = new Float64Array(n), p = new Float64Array(n);
  let un = new Float64Array(n), pn = new Float64Array(n);
  // The reflector of row i into v (and sub[i]); returns h, 0 for none.
  const prepare = (i: number, v: Float64Array): number => {
    const l = i - 1, ri = i * n;
    let scale = 0;
    for (let k = 0; k <= l; k++) scale += Math.abs(a[ri + k]);
    if (l === 0 || scale === 0) {
      sub[i] = a[ri + l];
      return 0;
    }
    let h = 0;
    for (let k = 0; k <= l; k++) {
      const x = a[ri + k] / scale;
      v[k] = x;
      h += x * x;
    }
    const f = v[l];
    const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
    sub[i] = scale * g;
    v[l] = f - g;
    return h - f * g;
  };
  // p += A·v over the leading rows j < m, row j adding its lower-triangle part.
  const productRow = (j: number, v: Float64Array, out: Float64Array) => {
    const rj = j * n, vj = v[j];
    let s = a[rj + j] * vj;
    for (let k = 0; k < j; k++) {
      const x = a[rj + k];
      s += x * v[k];
      out[k] += x * vj;
    }
    out[j] += s;
  };
  let h = 0, ready = false;
  for (let i = n - 1; i >= 1; i--) {
    const l = i - 1, ri = i * n;
    if (!ready) {
      h = prepare(i, u);
      if (h !== 0) {
        p.fill(0, 0, l + 1);
        for (let j = 0; j <= l; j++) productRow(j, u, p);
      }
    }
    ready = false;
    if (h === 0) {
      diag[i] = a[ri + i];
      continue;
    }
    let up = 0;
    for (let j = 0; j <= l; j++) {
      p[j] /= h;
      up += u[j] * p[j];
    }
    const kk = up / (2 * h);
    for (let j = 0; j <= l; j++) p[j] -= kk * u[j]; // p is now q
    // Row l first: it holds the next reflector.
    const rl = l * n, ul = u[l], ql = p[l];
    for (let k = 0; k <= l; k++) a[rl + k] -= ul * p[k] + ql * u[k];
    const hn = l >= 1 ? prepare(l, un) : 0;
    if (hn !== 0) pn.fill(0, 0, l);
    let j = 0;
    if (hn !== 0) {
      // Two rows at a time share the loads of u, q, u′ and p′ (same sums as one by one).
      for (; j + 1 < l; j += 2) {
        const r0 = j * n, r1 = r0 + n, u0 = u[j], q0 = p[j], u1 = u[j + 1], q1 = p[j + 1];
        const w0 = un[j], w1 = un[j + 1];
        const d0 = (a[r0 + j] -= u0 * p[j] + q0 * u[j]);
        const d1 = (a[r1 + j + 1] -= u1 * p[j + 1] + q1 * u[j + 1]);
        let s0 = d0 * w0, s1 = d1 * w1;
        for (let k = 0; k < j; k++) {
          const uk = u[k], pk = p[k], wk = un[k];
          const x0 = (a[r0 + k] -= u0 * pk + q0 * uk);
          const x1 = (a[r1 + k] -= u1 * pk + q1 * uk);
          s0 += x0 * wk;
          s1 += x1 * wk;
          pn[k] = pn[k] + x0 * w0 + x1 * w1;
        }
        pn[j] += s0;
        const x1 = (a[r1 + j] -= u1 * p[j] + q1 * u[j]);
        s1 += x1 * w0;
        pn[j] += x1 * w1;
        pn[j + 1] += s1;
      }
    }
    for (; j < l; j++) {
      const rj = j * n, uj = u[j], qj = p[j];
      for (let k = 0; k <= j; k++) a[rj + k] -= uj * p[k] + qj * u[k];
      if (hn !== 0) productRow(j, un, pn);
    }
    for (let k = 0; k <= l; k++) a[ri + k] = u[k];
    hs[i] = h;
    diag[i] = a[ri + i];
    [u, un] = [un, u];
    [p, pn] = [pn, p];
    h = hn;
    ready = true;
  }
  diag[0] = a[0];
  return { diag, sub, hs };
}

/** √(x² + y²), rescaled only where the squares would overflow or underflow. */
function hypot(x: number, y: number): number {
  const r = Math.sqrt(x * x + y * y);
  if (r < 1e150 && r > 1e-150) return r;
  const ax = Math.abs(x), ay = Math.abs(y);
  const big = ax > ay ? ax : ay, small = ax > ay ? ay : ax;
  if (big === 0) return 0;
  const t = small / big;
  return big * Math.sqrt(1 + t * t);
}

/**
 * Step 2 of {@linkcode symmetricEigenTridiagonal}: QL with implicit
 * Wilkinson shifts on the tridiagonal (diag, e), e[i] = T[i + 1][i], both
 * overwritten (diag ends as the eigenvalues, unsorted). Every plane rotation
 * (i, i + 1) is recorded as `rotIndex[t] = i`, `rotCs[2t] = c`, `rotCs[2t + 1] = s`.
 */
function implicitQl(
  diag: Float64Array,
  e: Float64Array,
): { rotIndex: Int32Array; rotCs: Float64Array; rotations: number } {
  const n = diag.length;
  // About n²/2 rotations (303,675 for a 784 × 784 covariance): room for
  // them from the start, since each doubling copies and touches fresh pages.
  let rotIndex = new Int32Array(Math.max(16, Math.ceil(0.5 * n * n) + 16 * n));
  let rotCs = new Float64Array(2 * rotIndex.length);
  let rotations = 0;
  for (let l = 0; l < n; l++) {
    for (let iter = 0; iter < 100; iter++) {
      // The first negligible off-diagonal at or after l splits the problem.
      const m = splitAt(diag, e, l);
      if (m === l) break;
      if (rotations + m - l > rotIndex.length) {
        const idx = new Int32Array(2 * rotIndex.length + m - l);
        const cs = new Float64Array(2 * idx.length);
        idx.set(rotIndex);
        cs.set(rotCs);
        rotIndex = idx;
        rotCs = cs;
      }
      rotations = qlStep(diag, e, l, m, rotIndex, rotCs, rotations);
    }
  }
  return { rotIndex, rotCs, rotations };
}

/**
 * The first m ≥ l whose off-diagonal e[m] is negligible (n − 1 for none).
 * This and {@linkcode qlStep} are functions of their own so that V8
 * compiles each loop whole: inside the sweep loop they were compiled alone
 * and thrown back at every exit (36 times in one 784 × 784 problem).
 */
function splitAt(diag: Float64Array, e: Float64Array, l: number): number {
  const n = diag.length;
  let m = l;
  for (; m < n - 1; m++) {
    const dd = Math.abs(diag[m]) + Math.abs(diag[m + 1]);
    if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
  }
  return m;
}

/**
 * One implicit QL step with Wilkinson's shift on the block l..m, its
 * rotations recorded from slot `rotations` on; returns the new count.
 */
function qlStep(
  diag: Float64Array,
  e: Float64Array,
  l: number,
  m: number,
  rotIndex: Int32Array,
  rotCs: Float64Array,
  rotations: number,
): number {
  // Wilkinson shift: the eigenvalue of the leading 2 × 2 block nearer diag[l].
  let g = (diag[l + 1] - diag[l]) / (2 * e[l]);
  let r = hypot(g, 1);
  g = diag[m] - diag[l] + e[l] / (g + (g >= 0 ? r : -r));
  let s = 1, c = 1, pp = 0;
  let i = m - 1;
  for (; i >= l; i--) {
    const f = s * e[i], b = c * e[i];
    r = hypot(f, g);
    e[i + 1] = r;
    if (r === 0) {
      // Underflow: deflate and sweep again.
      diag[i + 1] -= pp;
      e[m] = 0;
      break;
    }
    s = f / r;
    c = g / r;
    g = diag[i + 1] - pp;
    r = (diag[i] - g) * s + 2 * c * b;
    pp = s * r;
    diag[i + 1] = g + pp;
    g = c * r - b;
    rotIndex[rotations] = i;
    rotCs[2 * rotations] = c;
    rotCs[2 * rotations + 1] = s;
    rotations++;
  }
  if (r === 0 && i >= l) return rotations;
  diag[l] -= pp;
  e[l] = g;
  e[m] = 0;
  return rotations;
}

/**
 * Eigenvalues (descending) and the eigenvectors of the `count` largest of a
 * symmetric matrix, by Householder reduction to tridiagonal form and the QL
 * algorithm with implicit Wilkinson shifts — O(n³) with a small constant, for
 * matrices of hundreds or thousands of rows, where {@linkcode symmetricEigen}'s
 * Jacobi sweeps are slow.
 *
 * Step 1 reduces A = Q·T·Qᵀ (T tridiagonal) with n − 2 Householder reflectors
 * Pᵢ = I − uᵢuᵢᵀ/hᵢ, each chosen to zero row i left of its sub-diagonal
 * (working on the lower triangle, rows contiguous). Step 2 finds T's
 * eigenvalues by implicitly shifted QL sweeps, recording each plane rotation.
 * Step 3 builds only the wanted eigenvectors of T by applying the recorded
 * rotations to unit vectors (last rotation first), and step 4 maps them back,
 * x = P_{n−1}⋯P₂·z. So `count` vectors cost O(count·n²) beyond the O(n³)
 * reduction, not the O(n³) of accumulating every rotation; the recorded
 * rotations (about n² of them, 20 bytes each) are the price. At n = 784 the
 * whole takes about 0.25 s for 50 vectors. QL takes 2–3 sweeps per
 * eigenvalue; it stops at 100 (never seen). Deterministic: no randomness,
 * a fixed order of operations.
 *
 * References: G. H. Golub and C. F. Van Loan, Matrix Computations, 4th ed.,
 * §8.3 (Householder tridiagonalisation, implicit symmetric QR step);
 * W. H. Press et al., Numerical Recipes, 3rd ed., §11.3–11.4 (`tred2`,
 * `tqli`); LAPACK `dsytrd`/`dsteqr` play the same roles.
 *
 * @param A symmetric n × n matrix (only its lower triangle is read).
 * @param count number of eigenvectors to return, for the largest eigenvalues
 *   (default n, all of them).
 * @param overwrite use A's own storage as the workspace, destroying its
 *   values (default false: a copy; a 784 × 784 copy is 4.9 MB of fresh pages).
 * @returns all n eigenvalues in descending order, and `vectors` (n × count)
 *   whose column j is a unit eigenvector for `values[j]`; signs are arbitrary.
 *
 * @example Eigenpairs of a small tridiagonal matrix
 * ```ts
 * import { symmetricEigenTridiagonal } from "./linalg.ts";
 * import { fromRows } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * const A = fromRows([[2, 1, 0], [1, 2, 1], [0, 1, 2]]);
 * const { values, vectors } = symmetricEigenTridiagonal(A);
 * // 2 + √2, 2, 2 − √2
 * assert.ok(Math.abs(values[0] - (2 + Math.SQRT2)) < 1e-14);
 * assert.ok(Math.abs(values[1] - 2) < 1e-14);
 * assert.ok(Math.abs(values[2] - (2 - Math.SQRT2)) < 1e-14);
 * // First eigenvector ± (1/2, √2/2, 1/2).
 * const sign = Math.sign(vectors.data[0]);
 * assert.ok(Math.abs(sign * vectors.data[3] - Math.SQRT1_2) < 1e-14);
 * ```
 * @throws {RangeError} when the matrix is not square or `count` is not an integer in [0, n].
 */
export function symmetricEigenTridiagonal(
  A: Matrix,
  count: number = A.rows,
  overwrite = false,
): { values: Float64Array; vectors: Matrix } {
  const n = A.rows;
  if (A.cols !== n) {
    throw new RangeError(
      `Cannot decompose the matrix as it is not square: rows=${n}, cols=${A.cols}`,
    );
  }
  if (!Number.isInteger(count) || count < 0 || count > n) {
    throw new RangeError(`count must be an integer >= 0 and <= ${n}: count=${count}`);
  }
  const a = overwrite ? A.data : A.data.slice();
  const { diag, sub, hs } = householderTridiagonal(a, n);
  const e = new Float64Array(n);
  for (let i = 1; i < n; i++) e[i - 1] = sub[i];
  const { rotIndex, rotCs, rotations } = implicitQl(diag, e);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => diag[j] - diag[i]);
  const values = Float64Array.from(order, (i) => diag[i]);
  // Step 3. The wanted eigenvectors of T, z = R₁⋯R_m·e_j, as the columns of
  // the n × count row-major W (a rotation then updates two contiguous rows).
  const w = new Float64Array(n * count);
  for (let j = 0; j < count; j++) w[order[j] * count + j] = 1;
  for (let t = rotations - 1; t >= 0; t--) {
    const r0 = rotIndex[t] * count;
    rotateRowPair(w, r0, r0 + count, count, rotCs[2 * t], rotCs[2 * t + 1]);
  }
  // Step 4. Back to A's basis: x = P_{n−1}⋯P₂·z, P₂ applied first.
  const sums = new Float64Array(count);
  for (let i = 2; i < n; i++) {
    if (hs[i] !== 0) applyReflector(w, a, i * n, i, hs[i], count, sums);
  }
  return { values, vectors: matrix(n, count, w) };
}

/**
 * Rows r0 and r1 of w (length count) ← (c·x + s·y, c·y − s·x). This and
 * {@linkcode applyReflector} are functions of their own so that V8
 * compiles their loops whole (nested, they were compiled alone and thrown
 * back at every exit).
 */
function rotateRowPair(
  w: Float64Array,
  r0: number,
  r1: number,
  count: number,
  c: number,
  s: number,
): void {
  for (let j = 0; j < count; j++) {
    const x = w[r0 + j], y = w[r1 + j];
    w[r0 + j] = c * x + s * y;
    w[r1 + j] = c * y - s * x;
  }
}

/**
 * The rows k < i of w (count columns) ← (I − u·uᵀ/h)·w for the reflector
 * u = a[ri .. ri + i): sums = uᵀw first, then w −= (u/h)·sums.
 */
function applyReflector(
  w: Float64Array,
  a: Float64Array,
  ri: number,
  i: number,
  h: number,
  count: number,
  sums: Float64Array,
): void {
  sums.fill(0);
  for (let k = 0; k < i; k++) {
    const uk = a[ri + k];
    if (uk === 0) continue;
    const rk = k * count;
    for (let j = 0; j < count; j++) sums[j] += uk * w[rk + j];
  }
  for (let k = 0; k < i; k++) {
    const f = a[ri + k] / h;
    if (f === 0) continue;
    const rk = k * count;
    for (let j = 0; j < count; j++) w[rk + j] -= f * sums[j];
  }
}
