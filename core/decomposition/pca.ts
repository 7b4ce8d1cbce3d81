/**
 * Principal component analysis, deterministic: the data are centred, the
 * components are the eigenvectors of the sample covariance by decreasing
 * eigenvalue, and each component's sign is fixed as scikit-learn's
 * `svd_flip` fixes it (the score of largest magnitude along it is positive),
 * so the result is the same on every run and matches scikit-learn's
 * `PCA(svd_solver="full")` up to rounding.
 *
 * Model: X − μ ≈ T·W with W the k × d components (orthonormal rows) and
 * T = (X − μ)·Wᵀ the scores; the variance explained by component j is its
 * eigenvalue λⱼ = Σᵢ Tᵢⱼ² / (n − 1).
 *
 * Two routes, by the number of features d. Up to 64 features: the
 * covariance summed row by row and the cyclic Jacobi solver, whose exact
 * bits t-SNE's PCA initialisation (and so the goldens) depends on. Above: the
 * covariance as a register-blocked product (over the non-zero entries for
 * mostly-zero data such as pixels, see `_sample_covariance.ts`) and only the
 * k leading eigenvectors, by Householder tridiagonalisation and implicit QL
 * ({@linkcode symmetricEigenTridiagonal}): all 70,000 MNIST images (784
 * features, 50 components) take under two seconds on one core, 2,000 of
 * them about 0.3 s (the Jacobi route took 28 s there).
 *
 * `svdSolver: "randomized"` runs scikit-learn's randomized SVD instead
 * ({@linkcode randomizedSvd}: its default for most data, through "auto"),
 * with scikit-learn's random matrix for the same `randomState`, so it gives
 * `PCA(svd_solver="randomized", random_state=s)`'s approximation to
 * rounding. The exact solver stays the default: scikit-learn's own default
 * draws from NumPy's global generator, a different result on every run.
 *
 * References: I. T. Jolliffe, Principal Component Analysis, 2nd ed. (2002);
 * scikit-learn's `PCA` (`svd_flip` for the signs, and the uncentred
 * covariance of its `covariance_eigh` solver for sparse data).
 *
 * @module
 */
import { columnMeans, type Matrix, matrix } from "../matrix.ts";
import { symmetricEigen, symmetricEigenTridiagonal } from "../linalg.ts";
import { nonZeros, sampleCovariance } from "./_sample_covariance.ts";
import { checkOptions, optionNames, validate, validateData } from "../validate.ts";
import type { RandomState } from "../random.ts";
import { randomizedSvd } from "./randomized_svd.ts";
import { accumulate } from "./_centred_products.ts";

/** Options of {@linkcode pca}. */
export interface PcaOptions {
  /** Number of components to keep. @default min(n, d) */
  nComponents?: number;
  /**
   * "full": the exact eigenvectors of the covariance (deterministic, as
   * scikit-learn's `svd_solver="full"`). "randomized": scikit-learn's
   * randomized SVD ({@linkcode randomizedSvd}), an approximation seeded by
   * `randomState`. "auto": scikit-learn 1.2's rule — randomized when
   * max(n, d) > 500 and nComponents < 0.8·min(n, d), else full. Here the
   * exact solver is the faster one on most data (2,000 and 70,000 MNIST
   * images: level with and 3–4 times faster than the randomized one; dense
   * 20,000 × 200: 0.28 s against 0.71 s): take "randomized" for
   * scikit-learn's numbers.
   * @default "full"
   */
  svdSolver?: "auto" | "full" | "randomized";
  /** Power iterations of the randomized solver ("auto": 7 when k < 0.1·min(n, d), else 4). @default "auto" */
  iteratedPower?: number | "auto";
  /** Oversampling of the randomized solver. @default 10 */
  nOversamples?: number;
  /** Normaliser of the randomized solver's power iterations. @default "auto" */
  powerIterationNormalizer?: "auto" | "QR" | "LU" | "none";
  /** Seed (or generator) of the randomized solver. @default 0 */
  randomState?: number | RandomState;
}

/** {@linkcode PcaOptions}'s names, for {@linkcode checkOptions}. */
const PCA_OPTIONS = optionNames<PcaOptions>({
  nComponents: true,
  svdSolver: true,
  iteratedPower: true,
  nOversamples: true,
  powerIterationNormalizer: true,
  randomState: true,
});

/** A fitted PCA. */
export interface PcaModel {
  /** `nComponents × d`, orthonormal rows, by decreasing explained variance. */
  readonly components: Matrix;
  /** Column means of the training data. */
  readonly mean: Float64Array;
  /** Variance along each component (n − 1 denominator), as `explained_variance_`. */
  readonly explainedVariance: Float64Array;
  /** Fraction of the total variance along each component, as `explained_variance_ratio_`. */
  readonly explainedVarianceRatio: Float64Array;
  /** Singular values of the centred data, √((n − 1)·λ). */
  readonly singularValues: Float64Array;
  /** Projects rows onto the components: (X − μ)·Wᵀ, `n × nComponents`. */
  transform(X: Matrix): Matrix;
}

/**
 * Fits a PCA to `X` (n × d, n ≥ 2).
 *
 * @example
 * ```ts
 * import { pca } from "./pca.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * // Points on the line y = x: one component carries all the variance.
 * const X = fromRows([[0, 0], [1, 1], [2, 2], [5, 5]]);
 * const model = pca(X, { nComponents: 1 });
 * assert.ok(Math.abs(model.components.data[0] - Math.SQRT1_2) < 1e-12);
 * assert.ok(Math.abs(model.explainedVarianceRatio[0] - 1) < 1e-12);
 * // Scores −2√2, −√2, 0, 3√2: the largest in magnitude is positive.
 * const t = model.transform(X);
 * assert.ok(Math.abs(t.data[3] - 3 * Math.SQRT2) < 1e-12);
 * ```
 * @throws {RangeError} for fewer than 2 rows, a non-finite value, or nComponents out of [1, min(n, d)].
 */
export function pca(X: Matrix, options: PcaOptions = {}): PcaModel {
  checkOptions("fit PCA", options, PCA_OPTIONS);
  validateData("fit PCA", X, 2);
  const n = X.rows, d = X.cols;
  const most = Math.min(n, d);
  const k = options.nComponents ?? most;
  validate("fit PCA", { nComponents: k }, { nComponents: { kind: "int", min: 1, max: most } });
  const solver = options.svdSolver ?? "full";
  const iteratedPower = options.iteratedPower ?? "auto";
  validate("fit PCA", {
    svdSolver: solver,
    nOversamples: options.nOversamples ?? 10,
    powerIterationNormalizer: options.powerIterationNormalizer ?? "auto",
  }, {
    svdSolver: { kind: "oneOf", values: ["auto", "full", "randomized"] },
    nOversamples: { kind: "int", min: 1 },
    powerIterationNormalizer: { kind: "oneOf", values: ["auto", "QR", "LU", "none"] },
  });
  if (iteratedPower !== "auto") {
    validate("fit PCA", { iteratedPower }, { iteratedPower: { kind: "int", min: 0 } });
  }
  const randomized = solver === "randomized" ||
    (solver === "auto" && Math.max(n, d) > 500 && k < 0.8 * most);
  const mean = columnMeans(X);
  const { components, values, total, sparse, W, signed } = randomized
    ? fitByRandomizedSvd(X, mean, k, options)
    : d <= JACOBI_MAX_FEATURES
    ? fitByJacobi(X, mean, k)
    : fitByTridiagonal(X, mean, k);
  const xc = new Float64Array(d);
  const project = (Y: Matrix): Matrix => {
    if (Y.cols !== d) {
      throw new RangeError(
        `Cannot apply PCA as the data has ${Y.cols} columns, not ${d}: cols=${Y.cols}`,
      );
    }
    const T = matrix(Y.rows, k);
    for (let i = 0; i < Y.rows; i++) {
      for (let a = 0; a < d; a++) xc[a] = Y.data[i * d + a] - mean[a];
      for (let j = 0; j < k; j++) {
        let s = 0;
        const w = j * d;
        for (let a = 0; a < d; a++) s += xc[a] * components.data[w + a];
        T.data[i * k + j] = s;
      }
    }
    return T;
  };
  // Step 3. Sign: the training score of largest magnitude is positive
  // (scikit-learn's svd_flip on U).
  // (The randomized solver's signs are already svd_flip's.)
  if (!signed) {
    const flip = W ? largestScoreIsNegative(X, mean, W, sparse) : legacyFlip(project(X));
    for (let j = 0; j < k; j++) {
      if (flip[j]) { for (let a = 0; a < d; a++) components.data[j * d + a] *= -1; }
    }
  }
  const explainedVariance = Float64Array.from(values.subarray(0, k), (v) => Math.max(v, 0));
  return {
    components,
    mean,
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((v) => (total > 0 ? v / total : 0)),
    singularValues: signed ?? explainedVariance.map((v) => Math.sqrt(v * (n - 1))),
    transform: project,
  };
}

/**
 * Up to this many features, the covariance loop and Jacobi solver of old
 * (O(d³) per sweep is nothing there): their results keep their last bits,
 * which t-SNE's PCA initialisation amplifies and the goldens record.
 */
const JACOBI_MAX_FEATURES = 64;

interface Fitted {
  components: Matrix;
  values: Float64Array;
  total: number;
  sparse: boolean;
  /** The d × k eigenvectors (column j for λⱼ), or undefined for the Jacobi route. */
  W?: Matrix;
  /** The randomized route's singular values (its components' signs are already fixed). */
  signed?: Float64Array;
}

/**
 * Steps 1–3 by scikit-learn's randomized SVD of the centred data (never
 * formed): components Vt, variances s²/(n − 1), the total variance from the
 * centred squares as scikit-learn's `_fit_truncated` sums them.
 */
function fitByRandomizedSvd(X: Matrix, mean: Float64Array, k: number, options: PcaOptions): Fitted {
  const n = X.rows, d = X.cols;
  const { s, Vt } = randomizedSvd(X, k, {
    nOversamples: options.nOversamples,
    nIter: options.iteratedPower,
    powerIterationNormalizer: options.powerIterationNormalizer,
    randomState: options.randomState,
    mean,
  });
  const squares = new Float64Array(d);
  for (let i = 0; i < n; i++) addCentredSquares(squares, X.data, i * d, mean);
  let total = 0;
  for (let a = 0; a < d; a++) total += squares[a] / (n - 1);
  return {
    components: Vt,
    values: s.map((v) => (v * v) / (n - 1)),
    total,
    sparse: false,
    signed: s,
  };
}

/** Steps 1–2 for few features: row-by-row covariance and cyclic Jacobi. */
function fitByJacobi(X: Matrix, mean: Float64Array, k: number): Fitted {
  const n = X.rows, d = X.cols;
  const C = matrix(d, d);
  const xc = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) xc[a] = X.data[i * d + a] - mean[a];
    for (let a = 0; a < d; a++) {
      const va = xc[a];
      if (va === 0) continue;
      const rowA = a * d;
      for (let b = a; b < d; b++) C.data[rowA + b] += va * xc[b];
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = C.data[a * d + b] / (n - 1);
      C.data[a * d + b] = v;
      C.data[b * d + a] = v;
    }
  }
  const { values, vectors } = symmetricEigen(C);
  let total = 0;
  for (let a = 0; a < d; a++) total += C.data[a * d + a];
  const components = matrix(k, d);
  for (let j = 0; j < k; j++) {
    for (let a = 0; a < d; a++) components.data[j * d + a] = vectors.data[a * d + j];
  }
  return { components, values, total, sparse: false };
}

/**
 * Steps 1–2 for many features: the blocked (or sparse) covariance, then
 * Householder tridiagonalisation and implicit QL for the k leading vectors.
 */
function fitByTridiagonal(X: Matrix, mean: Float64Array, k: number): Fitted {
  const d = X.cols;
  const { covariance, sparse } = sampleCovariance(X, mean);
  let total = 0;
  for (let a = 0; a < d; a++) total += covariance[a * d + a];
  // The covariance is not needed after: its storage is the solver's workspace.
  const { values, vectors: W } = symmetricEigenTridiagonal(matrix(d, d, covariance), k, true);
  const components = matrix(k, d);
  for (let t = 0; t < k * d; t++) components.data[t] = W.data[(t % d) * k + Math.floor(t / d)];
  return { components, values, total, sparse, W };
}

/** squares[a] += (x[r + a] − μₐ)²: one row's share, in a function of its own (as the sign check's). */
function addCentredSquares(
  squares: Float64Array,
  x: Float64Array,
  r: number,
  mean: Float64Array,
): void {
  for (let a = 0; a < mean.length; a++) {
    const c = x[r + a] - mean[a];
    squares[a] += c * c;
  }
}

/** For each column of the n × k scores, whether its entry of largest magnitude (the first) is negative. */
function legacyFlip(scores: Matrix): Uint8Array {
  const n = scores.rows, k = scores.cols;
  const flip = new Uint8Array(k);
  for (let j = 0; j < k; j++) {
    let best = 0, at = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.abs(scores.data[i * k + j]);
      if (v > best) {
        best = v;
        at = i;
      }
    }
    flip[j] = scores.data[at * k + j] < 0 ? 1 : 0;
  }
  return flip;
}

/**
 * {@linkcode legacyFlip} of the scores tᵢ = (xᵢ − μ)·W without storing them:
 * each row's k scores are summed feature by feature (for sparse data over
 * the non-zero xᵢₐ only, less μ·W).
 */
function largestScoreIsNegative(
  X: Matrix,
  mean: Float64Array,
  W: Matrix,
  sparse: boolean,
): Uint8Array {
  const n = X.rows, d = X.cols, k = W.cols;
  const offset = new Float64Array(k);
  if (sparse) {
    for (let a = 0; a < d; a++) {
      for (let j = 0; j < k; j++) offset[j] += mean[a] * W.data[a * k + j];
    }
  }
  const t = new Float64Array(k), best = new Float64Array(k), flip = new Uint8Array(k);
  const idx = new Int32Array(d + 1), val = new Float64Array(d + 1);
  for (let i = 0; i < n; i++) {
    t.fill(0);
    const nz = nonZeros(X.data, i * d, d, idx, val, sparse ? undefined : mean);
    accumulate(t, 0, W.data, k, idx, val, 0, nz);
    keepLargest(t, offset, best, flip);
  }
  return flip;
}

/**
 * For each score t[j] − offset[j] larger in magnitude than best[j]: record
 * it and its sign. A function of its own for the reason of
 * `accumulate` (with the row's gathering, 310 deoptimisations in
 * the row loop).
 */
function keepLargest(
  t: Float64Array,
  offset: Float64Array,
  best: Float64Array,
  flip: Uint8Array,
): void {
  for (let j = 0; j < t.length; j++) {
    const v = t[j] - offset[j];
    if (Math.abs(v) > best[j]) {
      best[j] = Math.abs(v);
      flip[j] = v < 0 ? 1 : 0;
    }
  }
}
