/**
 * Standard scaling, as scikit-learn's `StandardScaler`: each column is mapped
 * by x ↦ (x − mean)/std, with the mean and the population standard deviation
 * (ddof 0) of the rows it was fitted on.
 *
 * The variance is the corrected two-pass sum of scikit-learn's
 * `_incremental_mean_and_var` (Chan, Golub & LeVeque, "Algorithms for
 * computing the sample variance", 1983): Σ(x − m)² − (Σ(x − m))²/n, with sums
 * taken row by row as NumPy's column sums, so the scaled values carry the
 * same bits as the Python original. A column whose variance is within
 * rounding of zero (scikit-learn's `_is_constant_feature`) gets scale 1.
 *
 * @module
 */
import { assertFinite, type Matrix, matrix } from "../matrix.ts";

/** A fitted standard scaler. */
export interface StandardScaler {
  /** Per-column mean of the fitted rows. */
  readonly mean: Float64Array;
  /** Per-column population variance of the fitted rows. */
  readonly variance: Float64Array;
  /** Per-column divisor: √variance, or 1 for a constant column. */
  readonly scale: Float64Array;
  /** Scales rows with as many columns as the fitted ones. */
  transform(x: Matrix): Matrix;
}

/**
 * Fits the scaler on the rows of `x`.
 *
 * @example Mean 0 and unit variance per column; a constant column only centred
 * ```ts
 * import { standardScaler } from "./standard_scaler.ts";
 * import { fromRows, toRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const s = standardScaler(fromRows([[1, 5], [3, 5]]));
 * assert.deepEqual(Array.from(s.mean), [2, 5]);
 * assert.deepEqual(Array.from(s.scale), [1, 1]);
 * assert.deepEqual(toRows(s.transform(fromRows([[1, 5], [3, 5], [4, 7]]))), [[-1, 0], [1, 0], [2, 2]]);
 * ```
 * @param x the rows to fit on (at least one).
 * @returns the fitted scaler.
 * @throws {RangeError} on no rows or a non-finite value.
 */
export function standardScaler(x: Matrix): StandardScaler {
  if (x.rows === 0) throw new RangeError("Cannot fit the scaler as X has no rows: X.rows=0");
  assertFinite(x, "X");
  const n = x.rows, d = x.cols, a = x.data;
  const sum = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sum[j] += a[i * d + j];
  const mean = sum.map((s) => s / n);
  const correction = new Float64Array(d), squares = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const t = a[i * d + j] - mean[j];
      correction[j] += t;
      squares[j] += t * t;
    }
  }
  const variance = squares.map((s, j) => (s - correction[j] ** 2 / n) / n);
  const eps = Number.EPSILON;
  const scale = variance.map((v, j) => {
    // _is_constant_feature: the variance is rounding noise around zero.
    const bound = n * eps * v + (n * mean[j] * eps) ** 2;
    return v <= bound ? 1 : Math.sqrt(v);
  });
  return {
    mean,
    variance,
    scale,
    transform(q: Matrix): Matrix {
      if (q.cols !== d) {
        throw new RangeError(
          `Cannot scale as the scaler was fitted on ${d} columns: X.cols=${q.cols}`,
        );
      }
      assertFinite(q, "X");
      const out = matrix(q.rows, d);
      for (let i = 0; i < q.rows * d; i++) {
        const j = i % d;
        out.data[i] = (q.data[i] - mean[j]) / scale[j];
      }
      return out;
    },
  };
}
