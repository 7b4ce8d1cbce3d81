/**
 * Euclidean distances between rows of row-major matrices.
 *
 * @module
 */
import type { Matrix } from "./matrix.ts";

/**
 * Squared Euclidean distance between row `i` of `a` and row `j` of `b`,
 * summed directly (no ‖x‖² − 2x·y + ‖y‖² cancellation).
 *
 * @example
 * ```ts
 * import { sqDist } from "./distance.ts";
 * import { fromRows } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * const m = fromRows([[0, 0], [3, 4]]);
 * assert.equal(sqDist(m, 0, m, 1), 25);
 * ```
 */
export function sqDist(a: Matrix, i: number, b: Matrix, j: number): number {
  const d = a.cols;
  const ad = a.data, bd = b.data;
  const oa = i * d, ob = j * d;
  // Four partial sums: independent chains the CPU can overlap.
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, k = 0;
  for (; k + 4 <= d; k += 4) {
    const t0 = ad[oa + k] - bd[ob + k], t1 = ad[oa + k + 1] - bd[ob + k + 1];
    const t2 = ad[oa + k + 2] - bd[ob + k + 2], t3 = ad[oa + k + 3] - bd[ob + k + 3];
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
  }
  for (; k < d; k++) {
    const t = ad[oa + k] - bd[ob + k];
    s0 += t * t;
  }
  return (s0 + s1) + (s2 + s3);
}

/**
 * Dense matrix of squared distances between every row of `a` and every row of
 * `b` (`a.rows × b.rows`). Use for small blocks only: memory is O(n·m).
 */
export function sqDistMatrix(a: Matrix, b: Matrix): Matrix {
  const out = new Float64Array(a.rows * b.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.rows; j++) out[i * b.rows + j] = sqDist(a, i, b, j);
  }
  return { rows: a.rows, cols: b.rows, data: out };
}

/** Squared Euclidean norm of every row. */
export function rowSqNorms(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let k = i * m.cols, e = k + m.cols; k < e; k++) s += m.data[k] * m.data[k];
    out[i] = s;
  }
  return out;
}

/**
 * Index of the nearest row of `centers` to each row of `X` by exact squared
 * distances (the lowest index on ties), as a k-d tree query would find it.
 *
 * @example
 * ```ts
 * import { nearestRows } from "./distance.ts";
 * import { fromRows } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * const near = nearestRows(fromRows([[0], [4], [6]]), fromRows([[0], [5]]));
 * assert.deepEqual(Array.from(near), [0, 1, 1]);
 * ```
 */
export function nearestRows(X: Matrix, centers: Matrix): Int32Array {
  const out = new Int32Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let best = 0, bestD = Infinity;
    for (let c = 0; c < centers.rows; c++) {
      const d = sqDist(X, i, centers, c);
      if (d < bestD) (bestD = d), (best = c);
    }
    out[i] = best;
  }
  return out;
}
