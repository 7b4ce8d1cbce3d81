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
 * @module
 */
import { columnMeans, type Matrix, matrix } from "../matrix.ts";
import { symmetricEigen } from "../linalg.ts";
import { validate, validateData } from "../validate.ts";

/** Options of {@linkcode pca}. */
export interface PcaOptions {
  /** Number of components to keep. @default min(n, d) */
  nComponents?: number;
}

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
  validateData("fit PCA", X, 2);
  const n = X.rows, d = X.cols;
  const most = Math.min(n, d);
  const k = options.nComponents ?? most;
  validate("fit PCA", { nComponents: k }, { nComponents: { kind: "int", min: 1, max: most } });
  const mean = columnMeans(X);
  // Sample covariance C = (X − μ)ᵀ(X − μ) / (n − 1), upper triangle then mirrored.
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
  // Sign: the training score of largest magnitude is positive (scikit-learn's svd_flip on U).
  const scores = project(X);
  for (let j = 0; j < k; j++) {
    let best = 0, at = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.abs(scores.data[i * k + j]);
      if (v > best) {
        best = v;
        at = i;
      }
    }
    if (scores.data[at * k + j] < 0) {
      for (let a = 0; a < d; a++) components.data[j * d + a] *= -1;
    }
  }
  const explainedVariance = Float64Array.from(values.subarray(0, k), (v) => Math.max(v, 0));
  return {
    components,
    mean,
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((v) => (total > 0 ? v / total : 0)),
    singularValues: explainedVariance.map((v) => Math.sqrt(v * (n - 1))),
    transform: project,
  };
}
