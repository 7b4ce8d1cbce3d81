/**
 * Truncated randomized SVD, as scikit-learn's `randomized_svd` (Halko,
 * Martinsson and Tropp's Algorithm 4.3 with power iterations): a Gaussian
 * test matrix Ω (d × (k + p)) drawn from the given RandomState, the range
 * of A·(AᵀA)^q·Ω as Q by power iterations normalised by LU (or QR), then
 * the small SVD of Qᵀ·A. Given the same `randomState` it starts from
 * scikit-learn's exact Ω, so its result equals scikit-learn's up to
 * rounding; it is an approximation of the exact SVD whose error falls with
 * the power iterations and the oversampling p.
 *
 * Signs follow `svd_flip`: each left singular vector's entry of largest
 * magnitude is positive (for a transposed problem, scikit-learn's
 * `u_based_decision=False` on the transpose, the same rule).
 *
 * References: N. Halko, P.-G. Martinsson and J. A. Tropp, "Finding structure
 * with randomness", SIAM Review 53 (2011); scikit-learn's
 * `sklearn.utils.extmath.randomized_svd` and `randomized_range_finder`.
 *
 * @module
 */
import { type Matrix, matrix } from "../matrix.ts";
import { RandomState } from "../random.ts";
import { checkOptions, optionNames, validate, validateData } from "../validate.ts";
import { centredProducts, type ThinProducts, transposed } from "./_centred_products.ts";
import { type Columns, luPermutedL, thinQr, thinSvd } from "./_thin_factorizations.ts";

/** Options of {@linkcode randomizedSvd}, with scikit-learn's names and defaults. */
export interface RandomizedSvdOptions {
  /** Extra random vectors p beyond the k wanted. @default 10 */
  nOversamples?: number;
  /** Power iterations q; "auto": 7 when k < 0.1·min(n, d), else 4. @default "auto" */
  nIter?: number | "auto";
  /** Normaliser between power iterations; "auto": "none" for q ≤ 2, else "LU". @default "auto" */
  powerIterationNormalizer?: "auto" | "QR" | "LU" | "none";
  /** Work on Aᵀ; "auto": when n < d. @default "auto" */
  transpose?: boolean | "auto";
  /** Fix signs as `svd_flip` does. @default true */
  flipSign?: boolean;
  /** Seed (or generator) of the Gaussian test matrix. @default 0 */
  randomState?: number | RandomState;
  /**
   * Decompose X − 1·μᵀ for this row vector μ (length d) instead of X,
   * without forming the centred copy (PCA's use). @default undefined
   */
  mean?: Float64Array;
}

/** {@linkcode RandomizedSvdOptions}'s names, for {@linkcode checkOptions}. */
const RANDOMIZED_SVD_OPTIONS = optionNames<RandomizedSvdOptions>({
  nOversamples: true,
  nIter: true,
  powerIterationNormalizer: true,
  transpose: true,
  flipSign: true,
  randomState: true,
  mean: true,
});

/** A truncated SVD A ≈ U·diag(s)·Vt. */
export interface TruncatedSvd {
  /** n × k, orthonormal columns. */
  readonly U: Matrix;
  /** The k singular values, descending. */
  readonly s: Float64Array;
  /** k × d, orthonormal rows. */
  readonly Vt: Matrix;
}

/**
 * The k leading singular triplets of the n × d matrix `M` (or of M − 1·μᵀ
 * with `mean`), by scikit-learn's randomized algorithm.
 *
 * @example
 * ```ts
 * import { randomizedSvd } from "./randomized_svd.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * // Rank one: M = 30·u·vᵀ with u = (1, 2, 2)/3 and v = (3, 4)/5.
 * const M = fromRows([[6, 8], [12, 16], [12, 16]]);
 * const { U, s, Vt } = randomizedSvd(M, 1, { randomState: 0 });
 * assert.ok(Math.abs(s[0] - 30) < 1e-12);
 * assert.ok(Math.abs(Vt.data[0] - 0.6) < 1e-12 && Math.abs(Vt.data[1] - 0.8) < 1e-12);
 * assert.ok(Math.abs(U.data[1] - 2 / 3) < 1e-12); // largest entry positive
 * ```
 * @throws {RangeError} for a non-finite value, k outside [1, min(n, d)], or options out of range.
 */
export function randomizedSvd(
  M: Matrix,
  nComponents: number,
  options: RandomizedSvdOptions = {},
): TruncatedSvd {
  checkOptions("compute a randomized SVD", options, RANDOMIZED_SVD_OPTIONS);
  const what = "compute a randomized SVD";
  validateData(what, M, 1);
  const n = M.rows, d = M.cols;
  const k = nComponents;
  const nOversamples = options.nOversamples ?? 10;
  const nIter = options.nIter ?? "auto";
  const normalizer = options.powerIterationNormalizer ?? "auto";
  validate(what, { nComponents: k, nOversamples }, {
    nComponents: { kind: "int", min: 1, max: Math.min(n, d) },
    nOversamples: { kind: "int", min: 0 },
  });
  if (nIter !== "auto") validate(what, { nIter }, { nIter: { kind: "int", min: 0 } });
  validate(what, { powerIterationNormalizer: normalizer }, {
    powerIterationNormalizer: { kind: "oneOf", values: ["auto", "QR", "LU", "none"] },
  });
  if (options.mean && options.mean.length !== d) {
    throw new RangeError(
      `Cannot ${what} as the mean has ${options.mean.length} entries, not ${d}: mean=${options.mean.length}`,
    );
  }
  const rs = options.randomState ?? 0;
  const rng = typeof rs === "number" ? new RandomState(rs) : rs;
  const q = nIter === "auto" ? (k < 0.1 * Math.min(n, d) ? 7 : 4) : nIter;
  const transpose = (options.transpose ?? "auto") === "auto" ? n < d : options.transpose === true;
  const op = centredProducts(M, k + nOversamples, options.mean);
  const A = transpose ? transposed(op) : op;
  const norm = normalizer === "auto" ? (q <= 2 ? "none" : "LU") : normalizer;
  const Q = rangeFinder(A, k + nOversamples, q, norm, rng);
  const { U, s, Vt } = smallSvd(A, Q, k);
  if (options.flipSign ?? true) {
    // svd_flip on the original problem's left vectors: U here, Vt's rows when transposed.
    const [dec, other] = transpose ? [Vt, U] : [U, Vt];
    flipSigns(dec, other, transpose);
  }
  return transpose ? { U: transposeOf(Vt), s, Vt: transposeOf(U) } : { U, s, Vt };
}

/** The row-major rows × cols matrix in `data`, column by column into `out` (or a new array). */
function toColumns(data: Float64Array, rows: number, cols: number, out?: Float64Array): Columns {
  const c = out ?? new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) columnsOfRow(c, data, i, rows, cols);
  return { rows, cols, data: c };
}

/** Row i of a row-major matrix into its column-by-column copy. */
function columnsOfRow(
  out: Float64Array,
  data: Float64Array,
  i: number,
  rows: number,
  cols: number,
): void {
  for (let c = 0; c < cols; c++) out[c * rows + i] = data[i * cols + c];
}

/** A matrix stored column by column, row-major. */
function toRows(C: Columns): Float64Array {
  return toColumns(C.data, C.cols, C.rows).data;
}

/** The transpose of a matrix. */
function transposeOf(M: Matrix): Matrix {
  return matrix(M.cols, M.rows, toColumns(M.data, M.rows, M.cols).data);
}

/**
 * Q (rows × l′, column by column) with orthonormal columns spanning
 * A·(AᵀA)^q·Ω. The products and normalisations reuse a few buffers: on this
 * kind of machine a fresh page costs more than the arithmetic on it.
 */
function rangeFinder(
  A: ThinProducts,
  size: number,
  q: number,
  normalizer: "QR" | "LU" | "none",
  rng: RandomState,
): Columns {
  let l = size;
  const most = Math.max(A.rows, A.cols);
  const Y = new Float64Array(A.rows * l), W = new Float64Array(A.cols * l);
  W.set(rng.normal(0, 1, A.cols * l)); // Ω, cols × l, drawn row by row as NumPy's
  const work = new Float64Array(most * l), perm = new Int32Array(most);
  // The row-major rows × l matrix in buf, normalised in place; l becomes its width.
  const normalise = (rows: number, buf: Float64Array): void => {
    if (normalizer === "none") return;
    const C = toColumns(buf, rows, l, work);
    if (normalizer === "LU") {
      l = luPermutedL(C, buf, perm);
    } else {
      const { Q } = thinQr(C);
      l = Q.cols;
      buf.set(toRows(Q));
    }
  };
  // SciPy's LU and QR refuse non-finite input: unnormalised iterations can overflow.
  const finite = (buf: Float64Array, len: number) => {
    for (let t = 0; t < len; t++) {
      if (!Number.isFinite(buf[t])) {
        throw new RangeError(
          `Cannot compute a randomized SVD as the power iterations overflowed (nIter=${q}, normalizer "${normalizer}"): normalise them with "LU" or "QR"`,
        );
      }
    }
  };
  for (let it = 0; it < q; it++) {
    A.times(W, l, Y);
    finite(Y, A.rows * l);
    normalise(A.rows, Y);
    A.timesT(Y, l, W);
    finite(W, A.cols * l);
    normalise(A.cols, W);
  }
  A.times(W, l, Y);
  finite(Y, A.rows * l);
  return thinQr(toColumns(Y, A.rows, l, work)).Q;
}

/** U (rows × k), s, Vt (k × cols) from B = Qᵀ·A and its small SVD. */
function smallSvd(
  A: ThinProducts,
  Q: Columns,
  k: number,
): { U: Matrix; s: Float64Array; Vt: Matrix } {
  const l = Q.cols, c = A.cols, m = A.rows;
  const Bt = new Float64Array(c * l);
  A.timesT(toRows(Q), l, Bt); // Bᵀ, c × l row-major = B column by column
  // Uh: l × r (row-major), Vt: r × c (row-major).
  let Uh: Float64Array, s: Float64Array, Vt: Float64Array, r: number;
  if (l <= c) {
    const t = thinSvd(toColumns(Bt, c, l)); // Bᵀ = U′·S·V′ᵀ, so B = V′·S·U′ᵀ
    r = l;
    s = t.s;
    Uh = toColumns(t.Vt, l, l).data; // Uh = V′ = (V′ᵀ)ᵀ
    Vt = t.U.data; // column j of U′ (length c) is row j of Vt
  } else {
    const t = thinSvd({ rows: l, cols: c, data: Bt });
    r = c;
    s = t.s;
    Uh = toRows(t.U);
    Vt = t.Vt;
  }
  // U = Q·Uh[:, :k]: column j is Σ_t Uh[t, j]·Q[:, t].
  const Uc = new Float64Array(m * k);
  for (let j = 0; j < k; j++) {
    for (let t = 0; t < l; t++) addScaled(Uc, j * m, Uh[t * r + j], Q.data, t * m, m);
  }
  return {
    U: matrix(m, k, toRows({ rows: m, cols: k, data: Uc })),
    s: s.slice(0, k),
    Vt: matrix(k, c, Vt.slice(0, k * c)),
  };
}

/** y[yo + i] += f·x[xo + i] for i < len. */
function addScaled(
  y: Float64Array,
  yo: number,
  f: number,
  x: Float64Array,
  xo: number,
  len: number,
): void {
  for (let i = 0; i < len; i++) y[yo + i] += f * x[xo + i];
}

/**
 * svd_flip: for each singular triplet j, the entry of largest magnitude
 * (the first such) of the deciding vector — column j of `dec`, or its row j
 * when `byRows` — is made positive, in both `dec` and `other`.
 */
function flipSigns(dec: Matrix, other: Matrix, byRows: boolean): void {
  const k = byRows ? dec.rows : dec.cols;
  const len = byRows ? dec.cols : dec.rows;
  const at = (M: Matrix, j: number, i: number, rows: boolean) =>
    rows ? j * M.cols + i : i * M.cols + j;
  for (let j = 0; j < k; j++) {
    let best = -1, sign = 1;
    for (let i = 0; i < len; i++) {
      const v = dec.data[at(dec, j, i, byRows)];
      if (Math.abs(v) > best) {
        best = Math.abs(v);
        sign = v < 0 ? -1 : 1;
      }
    }
    if (sign > 0) continue;
    for (let i = 0; i < len; i++) dec.data[at(dec, j, i, byRows)] *= -1;
    const olen = byRows ? other.rows : other.cols;
    for (let i = 0; i < olen; i++) other.data[at(other, j, i, !byRows)] *= -1;
  }
}
