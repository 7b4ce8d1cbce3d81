/**
 * The sample covariance C = (X − μ)ᵀ(X − μ) / (n − 1) of an n × d matrix, for
 * PCA: a register-blocked product of the centred data with itself, or, for
 * mostly-zero data (pixels), a product over each row's non-zero entries.
 *
 * Dense path: rows are taken B at a time, centred and transposed into a
 * d × B panel (a panel row is one feature over B samples), and each 4 × 4 tile
 * of the lower triangle of C gains 16 dot products of panel rows: 8 loads
 * for 16 multiply-adds, the panel staying in cache.
 *
 * Sparse path: C = (XᵀX − n·μμᵀ) / (n − 1) with XᵀX summed over the pairs of
 * each row's non-zero entries, as scikit-learn ≥ 1.5's `covariance_eigh`
 * solver computes it (`C = X.T @ X; C -= n * outer(μ, μ)`). Taken only when
 * at most half the entries are non-zero and no column's mean exceeds four
 * standard deviations, so the subtraction loses at most a few bits.
 *
 * Either way every entry of C is summed in an order fixed by the data's
 * shape alone: the same bits on every run.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";

/** Rows per panel of the dense path (a 784-feature panel is 0.4 MB). */
const PANEL = 64;

/**
 * The d × d sample covariance (n − 1 denominator) of `X` around `mean`, both
 * triangles filled, and whether the sparse path computed it (then the
 * uncentred product X·w − μ·w is as safe as the covariance was).
 */
export function sampleCovariance(
  X: Matrix,
  mean: Float64Array,
): { covariance: Float64Array; sparse: boolean } {
  const n = X.rows, d = X.cols, x = X.data;
  let nonZero = 0;
  const centredSq = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    for (let a = 0; a < d; a++) {
      const v = x[r + a];
      nonZero += v !== 0 ? 1 : 0;
      const c = v - mean[a];
      centredSq[a] += c * c;
    }
  }
  let safe = nonZero <= 0.5 * n * d;
  for (let a = 0; a < d && safe; a++) safe = n * mean[a] * mean[a] <= 16 * centredSq[a];
  const C = safe ? sparseGram(X, mean) : denseCentredGram(X, mean);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      const v = C[a * d + b] / (n - 1);
      C[a * d + b] = v;
      C[b * d + a] = v;
    }
  }
  return { covariance: C, sparse: safe };
}

/** Lower triangle of XᵀX − n·μμᵀ, XᵀX over the non-zero pairs of each row. */
function sparseGram(X: Matrix, mean: Float64Array): Float64Array {
  const n = X.rows, d = X.cols, x = X.data;
  const G = new Float64Array(d * d);
  const idx = new Int32Array(d + 1), val = new Float64Array(d + 1);
  for (let i = 0; i < n; i++) addPairs(G, d, idx, val, nonZeros(x, i * d, d, idx, val));
  for (let a = 0; a < d; a++) {
    const ma = n * mean[a];
    for (let b = 0; b <= a; b++) G[a * d + b] -= ma * mean[b];
  }
  return G;
}

/**
 * The non-zero entries of x[r .. r + d) (less μ when `mean` is given) into
 * idx (their columns) and val; returns their count. idx and val need room
 * for d + 1 entries.
 */
export function nonZeros(
  x: Float64Array,
  r: number,
  d: number,
  idx: Int32Array,
  val: Float64Array,
  mean?: Float64Array,
): number {
  let nz = 0;
  for (let a = 0; a < d; a++) {
    const v = mean ? x[r + a] - mean[a] : x[r + a];
    // Written always, kept when non-zero: no branch to mispredict on pixels.
    idx[nz] = a;
    val[nz] = v;
    nz += v !== 0 ? 1 : 0;
  }
  return nz;
}

/**
 * G[idx[t]][idx[s]] += val[t]·val[s] for s ≤ t < nz: one row's products,
 * in a function of its own (as the row's gathering) so that it is
 * compiled whole: nested in the row loop, the inner loops were compiled
 * alone and thrown back at every row, and some calls on 2,000 × 784 took
 * 0.14–1.2 s instead of 20–50 ms.
 */
function addPairs(
  G: Float64Array,
  d: number,
  idx: Int32Array,
  val: Float64Array,
  nz: number,
): void {
  // Four rows of G at a time share the loads of idx and val.
  let t = 0;
  for (; t + 3 < nz; t += 4) {
    const b0 = idx[t] * d, b1 = idx[t + 1] * d, b2 = idx[t + 2] * d, b3 = idx[t + 3] * d;
    const v0 = val[t], v1 = val[t + 1], v2 = val[t + 2], v3 = val[t + 3];
    for (let s = 0; s <= t; s++) {
      const c = idx[s], w = val[s];
      G[b0 + c] += v0 * w;
      G[b1 + c] += v1 * w;
      G[b2 + c] += v2 * w;
      G[b3 + c] += v3 * w;
    }
    const c1 = idx[t + 1], c2 = idx[t + 2], c3 = idx[t + 3];
    G[b1 + c1] += v1 * v1;
    G[b2 + c1] += v2 * v1;
    G[b2 + c2] += v2 * v2;
    G[b3 + c1] += v3 * v1;
    G[b3 + c2] += v3 * v2;
    G[b3 + c3] += v3 * v3;
  }
  for (; t < nz; t++) {
    const base = idx[t] * d, va = val[t];
    for (let s = 0; s <= t; s++) G[base + idx[s]] += va * val[s];
  }
}

/** Lower triangle of (X − μ)ᵀ(X − μ) by 4 × 4 tiles over centred, transposed panels. */
function denseCentredGram(X: Matrix, mean: Float64Array): Float64Array {
  const n = X.rows, d = X.cols, x = X.data;
  const d4 = Math.ceil(d / 4) * 4;
  const acc = new Float64Array(d4 * d4);
  const panel = new Float64Array(d4 * PANEL);
  for (let i0 = 0; i0 < n; i0 += PANEL) {
    const B = Math.min(PANEL, n - i0);
    // panel[a][r] = X[i0 + r][a] − μ_a (rows a ≥ d stay 0).
    for (let r = 0; r < B; r++) {
      const src = (i0 + r) * d;
      for (let a = 0; a < d; a++) panel[a * B + r] = x[src + a] - mean[a];
    }
    for (let a0 = 0; a0 < d4; a0 += 4) {
      const p0 = a0 * B, p1 = p0 + B, p2 = p1 + B, p3 = p2 + B;
      for (let b0 = 0; b0 <= a0; b0 += 4) {
        const q0 = b0 * B, q1 = q0 + B, q2 = q1 + B, q3 = q2 + B;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let r = 0; r < B; r++) {
          const y0 = panel[q0 + r], y1 = panel[q1 + r], y2 = panel[q2 + r], y3 = panel[q3 + r];
          const x0 = panel[p0 + r], x1 = panel[p1 + r], x2 = panel[p2 + r], x3 = panel[p3 + r];
          s00 += x0 * y0;
          s01 += x0 * y1;
          s02 += x0 * y2;
          s03 += x0 * y3;
          s10 += x1 * y0;
          s11 += x1 * y1;
          s12 += x1 * y2;
          s13 += x1 * y3;
          s20 += x2 * y0;
          s21 += x2 * y1;
          s22 += x2 * y2;
          s23 += x2 * y3;
          s30 += x3 * y0;
          s31 += x3 * y1;
          s32 += x3 * y2;
          s33 += x3 * y3;
        }
        const c0 = a0 * d4 + b0, c1 = c0 + d4, c2 = c1 + d4, c3 = c2 + d4;
        acc[c0] += s00;
        acc[c0 + 1] += s01;
        acc[c0 + 2] += s02;
        acc[c0 + 3] += s03;
        acc[c1] += s10;
        acc[c1 + 1] += s11;
        acc[c1 + 2] += s12;
        acc[c1 + 3] += s13;
        acc[c2] += s20;
        acc[c2 + 1] += s21;
        acc[c2 + 2] += s22;
        acc[c2 + 3] += s23;
        acc[c3] += s30;
        acc[c3 + 1] += s31;
        acc[c3 + 2] += s32;
        acc[c3 + 3] += s33;
      }
    }
  }
  const G = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) G[a * d + b] = acc[a * d4 + b];
  }
  return G;
}
