/**
 * Sparse inverse covariance by the graphical lasso, and its cross-validated
 * choice of α, as scikit-learn's `graphical_lasso` and `GraphicalLassoCV`.
 *
 * Maximises log det Θ − tr(SΘ) − α‖Θ‖₁ (off-diagonal) over precision
 * matrices Θ, by block coordinate descent: each column of the covariance is
 * updated by a lasso problem solved with coordinate descent on its Gram
 * matrix, until the duality gap is below `tol`.
 * References: J. Friedman, T. Hastie, R. Tibshirani, "Sparse inverse
 * covariance estimation with the graphical lasso" (Biostatistics 2008);
 * scikit-learn `sklearn/covariance/_graph_lasso.py`.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { columnMeans, matrix } from "../matrix.ts";
import { inverse, slogdet } from "../linalg.ts";
import { checkOptions, optionNames, validate, validateData } from "../validate.ts";

/** The solver diverged (non-finite precision): the problem is too ill-conditioned. */
export class IllConditionedError extends RangeError {
  override name = "IllConditionedError";
}

/** Maximum-likelihood covariance (divides by n), after centring each column. */
export function empiricalCovariance(X: Matrix): Matrix {
  const n = X.rows, d = X.cols;
  const mean = columnMeans(X);
  const C = matrix(d, d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = X.data[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) C.data[a * d + b] += row[a] * row[b];
  }
  for (let k = 0; k < d * d; k++) C.data[k] /= n;
  return C;
}

/** Gaussian log-likelihood per sample of a precision matrix given an empirical covariance. */
export function logLikelihood(empCov: Matrix, precision: Matrix): number {
  const p = precision.rows;
  let s = 0;
  for (let k = 0; k < p * p; k++) s += empCov.data[k] * precision.data[k];
  const { sign, logdet } = slogdet(precision);
  const ld = sign > 0 ? logdet : -Infinity;
  return (-s + ld - p * Math.log(2 * Math.PI)) / 2;
}

/** Largest α for which some off-diagonal coefficient is non-zero: max |S_ij|, i ≠ j. */
export function alphaMax(empCov: Matrix): number {
  const p = empCov.rows;
  let m = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) if (i !== j) m = Math.max(m, Math.abs(empCov.data[i * p + j]));
  }
  return m;
}

/** Options of {@linkcode graphicalLasso}. */
export interface GraphicalLassoOptions {
  /** Warm start. @default the empirical covariance */
  covInit?: Matrix;
  /** Duality-gap tolerance. @default 1e-4 */
  tol?: number;
  /** Tolerance of each inner lasso. @default 1e-4 */
  enetTol?: number;
  /** Outer (and inner) iteration cap. @default 100 */
  maxIter?: number;
}

/** {@linkcode GraphicalLassoOptions}'s names, for {@linkcode checkOptions}. */
const GLASSO_OPTIONS = optionNames<GraphicalLassoOptions>({
  covInit: true,
  tol: true,
  enetTol: true,
  maxIter: true,
});

/** A graphical-lasso fit. */
export interface GraphicalLassoResult {
  readonly covariance: Matrix;
  readonly precision: Matrix;
  readonly nIter: number;
  /** False when `maxIter` passed before the duality gap fell below `tol`. */
  readonly converged: boolean;
}

/**
 * Lasso on a Gram matrix by cyclic coordinate descent: minimises
 * ½wᵀQw − qᵀw + α‖w‖₁ (`y` only sets the tolerance scale, ‖y‖²), stopping on
 * the duality gap as scikit-learn's `enet_coordinate_descent_gram` (β = 0).
 */
function lassoGram(
  w: Float64Array,
  alpha: number,
  Q: Float64Array,
  q: Float64Array,
  maxIter: number,
  tol: number,
): void {
  const n = w.length;
  const H = new Float64Array(n); // Q·w
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Q[i * n + j] * w[j];
    H[i] = s;
  }
  let yNorm2 = 0;
  for (const v of q) yNorm2 += v * v;
  const dTol = tol;
  const gapTol = tol * yNorm2;
  for (let it = 0; it < maxIter; it++) {
    let wMax = 0, dMax = 0;
    for (let i = 0; i < n; i++) {
      const qii = Q[i * n + i];
      if (qii === 0) continue;
      const old = w[i];
      if (old !== 0) { for (let j = 0; j < n; j++) H[j] -= old * Q[i * n + j]; }
      const t = q[i] - H[i];
      w[i] = (Math.sign(t) * Math.max(Math.abs(t) - alpha, 0)) / qii;
      if (w[i] !== 0) { for (let j = 0; j < n; j++) H[j] += w[i] * Q[i * n + j]; }
      dMax = Math.max(dMax, Math.abs(w[i] - old));
      wMax = Math.max(wMax, Math.abs(w[i]));
    }
    if (wMax === 0 || dMax / wMax < dTol || it === maxIter - 1) {
      let qDotW = 0, wH = 0, l1 = 0, dual = 0;
      for (let i = 0; i < n; i++) {
        qDotW += w[i] * q[i];
        wH += w[i] * H[i];
        l1 += Math.abs(w[i]);
        dual = Math.max(dual, Math.abs(q[i] - H[i]));
      }
      const r2 = yNorm2 + wH - 2 * qDotW;
      let c = 1, gap = r2;
      if (dual > alpha) {
        c = alpha / dual;
        gap = 0.5 * (r2 + r2 * c * c);
      }
      gap += alpha * l1 - c * yNorm2 + c * qDotW;
      if (gap < gapTol) return;
    }
  }
}

/**
 * Graphical lasso for one α on an empirical covariance.
 *
 * @example A diagonal covariance stays diagonal
 * ```ts
 * import { graphicalLasso } from "./graphical_lasso.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const { precision } = graphicalLasso(fromRows([[2, 0.1], [0.1, 1]]), 0.5);
 * assert.deepEqual(Array.from(precision.data), [0.5, -0, -0, 1]);
 * ```
 * @throws {IllConditionedError} when the iterations diverge.
 */
export function graphicalLasso(
  empCov: Matrix,
  alpha: number,
  options: GraphicalLassoOptions = {},
): GraphicalLassoResult {
  checkOptions("fit the graphical lasso", options, GLASSO_OPTIONS);
  const p = empCov.rows;
  const tol = options.tol ?? 1e-4,
    enetTol = options.enetTol ?? 1e-4,
    maxIter = options.maxIter ?? 100;
  if (alpha === 0) {
    return { covariance: empCov, precision: inverse(empCov), nIter: 0, converged: true };
  }
  // Start from the (warm) covariance with off-diagonals shrunk by 5%.
  const cov = matrix(p, p, (options.covInit ?? empCov).data.slice());
  for (let k = 0; k < p * p; k++) cov.data[k] *= 0.95;
  for (let i = 0; i < p; i++) cov.data[i * p + i] = empCov.data[i * p + i];
  const prec = inverse(cov);
  const m = p - 1;
  const sub = new Float64Array(m * m);
  const row = new Float64Array(m);
  const coefs = new Float64Array(m);
  const others = new Int32Array(m);
  const EPS = 2 ** -52;
  let it = 0, converged = false;
  for (; it < maxIter; it++) {
    for (let idx = 0; idx < p; idx++) {
      for (let a = 0, t = 0; a < p; a++) if (a !== idx) others[t++] = a;
      for (let a = 0; a < m; a++) {
        for (let b = 0; b < m; b++) sub[a * m + b] = cov.data[others[a] * p + others[b]];
        row[a] = empCov.data[idx * p + others[a]];
        coefs[a] = -prec.data[others[a] * p + idx] / (prec.data[idx * p + idx] + 1000 * EPS);
      }
      lassoGram(coefs, alpha, sub, row, maxIter, enetTol);
      let dot = 0;
      for (let a = 0; a < m; a++) dot += cov.data[others[a] * p + idx] * coefs[a];
      const pii = 1 / (cov.data[idx * p + idx] - dot);
      prec.data[idx * p + idx] = pii;
      for (let a = 0; a < m; a++) {
        prec.data[others[a] * p + idx] = prec.data[idx * p + others[a]] = -pii * coefs[a];
      }
      for (let a = 0; a < m; a++) {
        let s = 0;
        for (let b = 0; b < m; b++) s += sub[a * m + b] * coefs[b];
        cov.data[idx * p + others[a]] = cov.data[others[a] * p + idx] = s;
      }
    }
    let total = 0;
    for (const v of prec.data) total += v;
    if (!Number.isFinite(total)) {
      throw new IllConditionedError(
        `Cannot fit the graphical lasso as the system is too ill-conditioned: alpha=${alpha}`,
      );
    }
    // Duality gap: tr(SΘ) − p + α‖Θ‖₁,off.
    let gap = -p, off = 0;
    for (let k = 0; k < p * p; k++) gap += empCov.data[k] * prec.data[k];
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) if (i !== j) off += Math.abs(prec.data[i * p + j]);
    }
    gap += alpha * off;
    if (Math.abs(gap) < tol) {
      converged = true;
      break;
    }
    const cost = -2 * logLikelihood(empCov, prec) + p * Math.log(2 * Math.PI) + alpha * off;
    if (!Number.isFinite(cost) && it > 0) {
      throw new IllConditionedError(
        `Cannot fit the graphical lasso as the result is not positive definite: alpha=${alpha}`,
      );
    }
  }
  return { covariance: cov, precision: prec, nIter: converged ? it + 1 : it, converged };
}

/** Options of {@linkcode graphicalLassoCV}. */
export interface GraphicalLassoCVOptions {
  /** Grid size per refinement. @default 4 */
  nAlphas?: number;
  /** Grid refinements around the best α. @default 4 */
  nRefinements?: number;
  /** Folds (contiguous, in order, as scikit-learn's KFold without shuffling). @default 5 */
  cv?: number;
  /** @default 1e-4 */
  tol?: number;
  /** @default 1e-4 */
  enetTol?: number;
  /** Iterations of the final fit (the path uses a tenth). @default 100 */
  maxIter?: number;
}

/** {@linkcode GraphicalLassoCVOptions}'s names, for {@linkcode checkOptions}. */
const GLASSO_CV_OPTIONS = optionNames<GraphicalLassoCVOptions>({
  nAlphas: true,
  nRefinements: true,
  cv: true,
  tol: true,
  enetTol: true,
  maxIter: true,
});

/** The cross-validated fit: chosen α, the model refitted on all data, and the α grid's scores. */
export interface GraphicalLassoCVResult extends GraphicalLassoResult {
  readonly alpha: number;
  /** Every α tried (descending) and its mean held-out log-likelihood. */
  readonly path: readonly { alpha: number; score: number }[];
}

/** Contiguous K-fold test ranges: the first n mod k folds get one extra sample. */
function kfold(n: number, k: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    out.push([start, start + size]);
    start += size;
  }
  return out;
}

function rowsOf(X: Matrix, keep: (i: number) => boolean): Matrix {
  const idx: number[] = [];
  for (let i = 0; i < X.rows; i++) if (keep(i)) idx.push(i);
  const M = matrix(idx.length, X.cols);
  idx.forEach((r, i) => M.data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
  return M;
}

/** 10^linspace(log10 a, log10 b, n). */
function logspace(a: number, b: number, n: number): number[] {
  const la = Math.log10(a), lb = Math.log10(b);
  return Array.from(
    { length: n },
    (_, i) => 10 ** (n === 1 ? la : i === n - 1 ? lb : la + (i * (lb - la)) / (n - 1)),
  );
}

/**
 * Graphical lasso with α chosen by K-fold cross-validation of the held-out
 * log-likelihood over a log-spaced grid refined around the best value, then
 * refitted on all samples.
 *
 * @throws {RangeError} on fewer than 2 features or fewer samples than folds.
 */
export function graphicalLassoCV(
  X: Matrix,
  options: GraphicalLassoCVOptions = {},
): GraphicalLassoCVResult {
  checkOptions("fit the graphical lasso", options, GLASSO_CV_OPTIONS);
  const o = {
    nAlphas: options.nAlphas ?? 4,
    nRefinements: options.nRefinements ?? 4,
    cv: options.cv ?? 5,
    tol: options.tol ?? 1e-4,
    enetTol: options.enetTol ?? 1e-4,
    maxIter: options.maxIter ?? 100,
  };
  validate("fit the graphical lasso", o, {
    nAlphas: { kind: "int", min: 2 },
    nRefinements: { kind: "int", min: 1 },
    cv: { kind: "int", min: 2, max: X.rows },
    tol: { kind: "number", min: 0, minExclusive: true },
    enetTol: { kind: "number", min: 0, minExclusive: true },
    maxIter: { kind: "int", min: 1 },
  });
  validateData("fit the graphical lasso", X, 2);
  if (X.cols < 2) {
    throw new RangeError(
      `Cannot fit the graphical lasso as it needs at least 2 features: cols=${X.cols}`,
    );
  }
  const emp = empiricalCovariance(X);
  const folds = kfold(X.rows, o.cv).map(([a, b]) => ({
    train: empiricalCovariance(rowsOf(X, (i) => i < a || i >= b)),
    test: empiricalCovariance(rowsOf(X, (i) => i >= a && i < b)),
  }));
  const pathMaxIter = Math.floor(0.1 * o.maxIter);
  const a1 = alphaMax(emp);
  let alphas = logspace(1e-2 * a1, a1, o.nAlphas).reverse();
  let path: { alpha: number; scores: number[] }[] = [];
  let bestIndex = 0;
  for (let r = 0; r < o.nRefinements; r++) {
    // Each fold walks the grid from large to small α, warm-starting each fit.
    const scores = alphas.map(() => [] as number[]);
    for (const f of folds) {
      let cov: Matrix = f.train;
      alphas.forEach((alpha, t) => {
        let s: number;
        try {
          const fit = graphicalLasso(f.train, alpha, {
            covInit: cov,
            tol: o.tol,
            enetTol: o.enetTol,
            maxIter: pathMaxIter,
          });
          cov = fit.covariance;
          s = logLikelihood(f.test, fit.precision);
        } catch (e) {
          if (!(e instanceof IllConditionedError)) throw e;
          s = -Infinity;
        }
        scores[t].push(Number.isFinite(s) ? s : -Infinity);
      });
    }
    path = [...path, ...alphas.map((alpha, t) => ({ alpha, scores: scores[t] }))]
      .sort((p, q) => q.alpha - p.alpha);
    // Best mean score; the smallest α on ties.
    let best = -Infinity, lastFinite = 0;
    path.forEach((p, i) => {
      let m = p.scores.reduce((a, b) => a + b, 0) / p.scores.length;
      if (m >= 0.1 / 2 ** -52) m = NaN;
      if (Number.isFinite(m)) lastFinite = i;
      if (m >= best) (best = m), (bestIndex = i);
    });
    let hi: number, lo: number;
    if (bestIndex === 0) [hi, lo] = [path[0].alpha, path[1].alpha];
    else if (bestIndex === lastFinite && bestIndex !== path.length - 1) {
      [hi, lo] = [path[bestIndex].alpha, path[bestIndex + 1].alpha];
    } else if (bestIndex === path.length - 1) {
      [hi, lo] = [path[bestIndex].alpha, 0.01 * path[bestIndex].alpha];
    } else [hi, lo] = [path[bestIndex - 1].alpha, path[bestIndex + 1].alpha];
    alphas = logspace(hi, lo, o.nAlphas + 2).slice(1, -1);
  }
  const alpha = path[bestIndex].alpha;
  const fit = graphicalLasso(emp, alpha, { tol: o.tol, enetTol: o.enetTol, maxIter: o.maxIter });
  return {
    ...fit,
    alpha,
    path: path.map((p) => ({
      alpha: p.alpha,
      score: p.scores.reduce((a, b) => a + b, 0) / p.scores.length,
    })),
  };
}
