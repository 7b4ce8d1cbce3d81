/**
 * Min-max scaling, as scikit-learn's `MinMaxScaler`: each column is mapped
 * by x ↦ (x − min)·(hi − lo)/(max − min) + lo, with min and max taken on the
 * rows it was fitted on and (lo, hi) = `featureRange`. A constant column
 * — a range below 10·ε (2.2e-15), as scikit-learn's `_handle_zeros_in_scale`
 * judges it — counts as range 1, so it maps to lo on the fitted rows. Other rows may fall outside
 * (lo, hi); they are not clipped.
 *
 * @module
 */
import { assertFinite, columnExtent, type Matrix, matrix } from "../matrix.ts";
import { checkOptions } from "../validate.ts";

/** Ranges below this count as zero (scikit-learn's 10 · float64 eps). */
const ZERO_RANGE = 10 * Number.EPSILON;

/** A fitted scaler. */
export interface MinMaxScaler {
  /** Per-column minimum of the fitted rows. */
  readonly dataMin: Float64Array;
  /** Per-column maximum of the fitted rows. */
  readonly dataMax: Float64Array;
  /** Per-column factor: (hi − lo) / (max − min), with a range below 10·ε read as 1. */
  readonly scale: Float64Array;
  /** Scales rows with as many columns as the fitted ones. */
  transform(x: Matrix): Matrix;
}

/**
 * Fits the scaler on the rows of `x`.
 *
 * @example Two columns, one constant
 * ```ts
 * import { minMaxScaler } from "./min_max_scaler.ts";
 * import { fromRows, toRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const s = minMaxScaler(fromRows([[1, 5], [3, 5], [2, 5]]));
 * assert.deepEqual(toRows(s.transform(fromRows([[1, 5], [3, 5], [4, 6]]))), [[0, 0], [1, 0], [1.5, 1]]);
 * ```
 * @param x the rows to fit on (at least one).
 * @param options `featureRange`: the target interval. @default [0, 1]
 * @returns the fitted scaler.
 * @throws {RangeError} on no rows, a non-finite value, or a featureRange with lo ≥ hi.
 */
export function minMaxScaler(
  x: Matrix,
  options: { featureRange?: readonly [number, number] } = {},
): MinMaxScaler {
  checkOptions("fit the scaler", options, ["featureRange"]);
  const [lo, hi] = options.featureRange ?? [0, 1];
  if (!(lo < hi)) {
    throw new RangeError(
      `Cannot fit the scaler as featureRange must be increasing: featureRange=[${lo}, ${hi}]`,
    );
  }
  if (x.rows === 0) throw new RangeError("Cannot fit the scaler as X has no rows: X.rows=0");
  assertFinite(x, "X");
  const { min, max } = columnExtent(x);
  const scale = min.map((m, j) => (hi - lo) / (max[j] - m < ZERO_RANGE ? 1 : max[j] - m));
  const d = x.cols;
  return {
    dataMin: min,
    dataMax: max,
    scale,
    transform(q: Matrix): Matrix {
      if (q.cols !== d) {
        throw new RangeError(
          `Cannot scale as the scaler was fitted on ${d} columns: X.cols=${q.cols}`,
        );
      }
      assertFinite(q, "X");
      const out = matrix(q.rows, d);
      // scikit-learn's order of operations: x·scale + (lo − min·scale).
      for (let i = 0; i < q.rows * d; i++) {
        const j = i % d;
        out.data[i] = q.data[i] * scale[j] + (lo - min[j] * scale[j]);
      }
      return out;
    },
  };
}
