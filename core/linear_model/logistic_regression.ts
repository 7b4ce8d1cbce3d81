/**
 * L2-penalised logistic regression fitted as scikit-learn 1.2's
 * `LogisticRegression(solver="lbfgs")` fits it. The objective is
 *
 *   Σᵢ loss(yᵢ, xᵢ·W + b) + ‖W‖² / (2C)
 *
 * (the intercept b is not penalised), minimised by L-BFGS
 * ({@linkcode lbfgs}) from zeros, stopping when the largest |gradient|
 * component is at most `tol`. SciPy's other stopping test, a relative
 * reduction of the objective below 2.2e-9, is left out: on ill-conditioned
 * data (the cookbook's 90 redundant features) it stops scikit-learn where
 * the intercept is still 1e-3 off the optimum. Two classes use one weight vector and the
 * log-loss log(1 + e^z) − y·z; three or more use the multinomial (softmax)
 * loss log Σₖ e^{zₖ} − z_y with one weight vector per class, as
 * `multi_class="auto"` does. The penalised optimum is unique, so any
 * converged run gives scikit-learn's coefficients.
 *
 * @module
 */
import { assertFinite, type Matrix, matrix } from "../matrix.ts";
import { lbfgs } from "../optimize/lbfgs.ts";
import { checkOptions, optionNames, validate } from "../validate.ts";

/** Options of {@linkcode logisticRegression}. */
export interface LogisticRegressionOptions {
  /** Inverse of the L2 penalty's strength. @default 1 */
  C?: number;
  /** Most L-BFGS iterations. @default 100 */
  maxIter?: number;
  /** Stop once the largest |gradient| component is at most tol. @default 1e-4 */
  tol?: number;
  /** Fit an (unpenalised) intercept. @default true */
  fitIntercept?: boolean;
}

/** {@linkcode LogisticRegressionOptions}'s names, for {@linkcode checkOptions}. */
const LOGISTIC_OPTIONS = optionNames<LogisticRegressionOptions>({
  C: true,
  maxIter: true,
  tol: true,
  fitIntercept: true,
});

/** A fitted model. */
export interface LogisticRegressionModel {
  /** The distinct labels, ascending. */
  readonly classes: Float64Array;
  /** 1 × d for two classes (the second class's score), K × d for K ≥ 3. */
  readonly coef: Matrix;
  /** One intercept per row of `coef` (zeros without `fitIntercept`). */
  readonly intercept: Float64Array;
  /** L-BFGS iterations. */
  readonly nIter: number;
  /** False when `maxIter` was reached (or the line search stalled) first. */
  readonly converged: boolean;
  /** The penalised objective at the solution. */
  readonly objective: number;
  /** The most probable class of each row. */
  predict(x: Matrix): Float64Array;
  /** n × K class probabilities, columns in `classes` order. */
  predictProba(x: Matrix): Matrix;
}

/** log(1 + e^z) without overflow. */
const softplus = (z: number) => z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
/** 1 / (1 + e^−z) without overflow. */
const sigmoid = (z: number) => {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
};

/**
 * Fits logistic regression to rows `x` and labels `y`.
 *
 * @example Two separable-ish groups on a line
 * ```ts
 * import { logisticRegression } from "./logistic_regression.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const x = fromRows([[0], [1], [2], [3], [4], [5]]);
 * const m = logisticRegression(x, [0, 0, 1, 0, 1, 1]);
 * assert.ok(m.converged);
 * assert.deepEqual(Array.from(m.predict(fromRows([[0.5], [4.5]]))), [0, 1]);
 * // The gradient vanishes at the optimum: Σ (p − y) = 0 for the intercept.
 * const p = m.predictProba(x);
 * let s = 0;
 * for (let i = 0; i < 6; i++) s += p.data[2 * i + 1] - [0, 0, 1, 0, 1, 1][i];
 * assert.ok(Math.abs(s) < 1e-4);
 * ```
 * @param x n × d samples.
 * @param y n labels (any numbers; two or more distinct values).
 * @param options penalty, iterations, tolerance, intercept.
 * @returns the fitted model; `converged: false` (never an exception) when `maxIter` is reached.
 * @throws {RangeError} when x and y differ in length, y holds one class, a value is not finite, or an option is out of range.
 */
export function logisticRegression(
  x: Matrix,
  y: ArrayLike<number>,
  options: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  checkOptions("fit logistic regression", options, LOGISTIC_OPTIONS);
  const o = { C: 1, maxIter: 100, tol: 1e-4, fitIntercept: true, ...options };
  validate("fit logistic regression", o, {
    fitIntercept: { kind: "oneOf", values: [true, false] },
  });
  if (!(o.C > 0) || !Number.isFinite(o.C)) {
    throw new RangeError(`Cannot fit logistic regression as C must be > 0: C=${o.C}`);
  }
  if (!Number.isInteger(o.maxIter) || o.maxIter < 1) {
    throw new RangeError(
      `Cannot fit logistic regression as maxIter must be an integer ≥ 1: maxIter=${o.maxIter}`,
    );
  }
  if (!(o.tol > 0)) {
    throw new RangeError(`Cannot fit logistic regression as tol must be > 0: tol=${o.tol}`);
  }
  const n = x.rows, d = x.cols;
  if (y.length !== n) {
    throw new RangeError(
      `Cannot fit logistic regression as X and y differ in length: X.rows=${n}, y.length=${y.length}`,
    );
  }
  assertFinite(x, "X");
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) {
      throw new RangeError(
        `Cannot fit logistic regression as a label is not finite: y[${i}]=${y[i]}`,
      );
    }
  }
  const classes = Float64Array.from(new Set(Array.from(y))).sort();
  if (classes.length < 2) {
    throw new RangeError(
      `Cannot fit logistic regression as y holds a single class: classes=[${Array.from(classes)}]`,
    );
  }
  const index = new Map(Array.from(classes, (c, k) => [c, k]));
  const target = Int32Array.from(Array.from(y), (v) => index.get(v)!);
  const K = classes.length === 2 ? 1 : classes.length;
  const stride = d + (o.fitIntercept ? 1 : 0); // parameters per weight vector: w then b
  const X = x.data, lambda = 1 / o.C;

  // The objective and its gradient over the packed parameters [w₀ b₀ w₁ b₁ …].
  const scores = new Float64Array(K);
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let f = 0;
    for (let i = 0, row = 0; i < n; i++, row += d) {
      for (let k = 0; k < K; k++) {
        const off = k * stride;
        let z = o.fitIntercept ? theta[off + d] : 0;
        for (let j = 0; j < d; j++) z += theta[off + j] * X[row + j];
        scores[k] = z;
      }
      if (K === 1) {
        const z = scores[0], t = target[i];
        f += softplus(z) - t * z;
        scores[0] = sigmoid(z) - t; // dloss/dz
      } else {
        let max = -Infinity;
        for (let k = 0; k < K; k++) max = Math.max(max, scores[k]);
        let sum = 0;
        for (let k = 0; k < K; k++) sum += Math.exp(scores[k] - max);
        const logSum = max + Math.log(sum);
        f += logSum - scores[target[i]];
        for (let k = 0; k < K; k++) {
          scores[k] = Math.exp(scores[k] - logSum) - (k === target[i] ? 1 : 0);
        }
      }
      for (let k = 0; k < K; k++) {
        const r = scores[k], off = k * stride;
        if (r === 0) continue;
        for (let j = 0; j < d; j++) grad[off + j] += r * X[row + j];
        if (o.fitIntercept) grad[off + d] += r;
      }
    }
    for (let k = 0; k < K; k++) {
      for (let j = 0, off = k * stride; j < d; j++) {
        f += 0.5 * lambda * theta[off + j] * theta[off + j];
        grad[off + j] += lambda * theta[off + j];
      }
    }
    return f;
  };

  const fit = lbfgs(objective, new Float64Array(K * stride), {
    maxIter: o.maxIter,
    gtol: o.tol,
    ftol: 0, // the gradient test alone: SciPy's relative-reduction test can stop short of it
    maxLineSearch: 20,
  });
  const coef = matrix(K, d), intercept = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    coef.data.set(fit.x.subarray(k * stride, k * stride + d), k * d);
    if (o.fitIntercept) intercept[k] = fit.x[k * stride + d];
  }

  /** The scores q·Wᵀ + b, n × K. */
  const decision = (q: Matrix): Matrix => {
    if (q.cols !== d) {
      throw new RangeError(
        `Cannot predict as the model was fitted on ${d} features: X.cols=${q.cols}`,
      );
    }
    assertFinite(q, "X");
    const z = matrix(q.rows, K);
    for (let i = 0; i < q.rows; i++) {
      for (let k = 0; k < K; k++) {
        let s = intercept[k];
        for (let j = 0; j < d; j++) s += coef.data[k * d + j] * q.data[i * d + j];
        z.data[i * K + k] = s;
      }
    }
    return z;
  };
  const predictProba = (q: Matrix): Matrix => {
    const z = decision(q), out = matrix(q.rows, classes.length);
    for (let i = 0; i < q.rows; i++) {
      if (K === 1) {
        const p = sigmoid(z.data[i]);
        out.data[2 * i] = 1 - p;
        out.data[2 * i + 1] = p;
        continue;
      }
      const row = z.data.subarray(i * K, (i + 1) * K), max = Math.max(...row);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(row[k] - max);
      for (let k = 0; k < K; k++) out.data[i * K + k] = Math.exp(row[k] - max) / sum;
    }
    return out;
  };
  // As scikit-learn: the sign of the score for two classes, else its argmax (first on ties).
  const predict = (q: Matrix): Float64Array => {
    const z = decision(q), labels = new Float64Array(q.rows);
    for (let i = 0; i < q.rows; i++) {
      let best = 0;
      if (K === 1) best = z.data[i] > 0 ? 1 : 0;
      else for (let k = 1; k < K; k++) if (z.data[i * K + k] > z.data[i * K + best]) best = k;
      labels[i] = classes[best];
    }
    return labels;
  };
  return {
    classes,
    coef,
    intercept,
    nIter: fit.nIter,
    converged: fit.converged,
    objective: fit.f,
    predict,
    predictProba,
  };
}
