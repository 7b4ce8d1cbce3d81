/**
 * Small dense linear algebra on row-major square matrices: inverse,
 * log-determinant and the symmetric eigen-decomposition (Jacobi), for the
 * covariance models (tens of features, not thousands).
 *
 * @module
 */
import type { Matrix } from "./matrix.ts";
import { matrix } from "./matrix.ts";

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
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
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
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = matrix(n, n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors.data[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
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
