/**
 * Gaussian mixture models fitted by expectation–maximisation, with
 * scikit-learn 1.2's `GaussianMixture` semantics: the four covariance types,
 * its four initialisations (drawing from the generator in scikit-learn's
 * order), `nInit` restarts keeping the highest lower bound, and the same
 * parameters, labels, likelihoods, BIC and AIC.
 *
 * Model: p(x) = Σₖ πₖ 𝒩(x | μₖ, Σₖ). The E-step computes the responsibilities
 * rᵢₖ = πₖ 𝒩(xᵢ | μₖ, Σₖ) / p(xᵢ) in log space (log-sum-exp); the M-step sets
 * Nₖ = Σᵢ rᵢₖ, πₖ = Nₖ / n, μₖ = Σᵢ rᵢₖ xᵢ / Nₖ and Σₖ to the responsibility-
 * weighted scatter plus `regCovar` on the diagonal. As scikit-learn, the
 * densities are evaluated through the Cholesky factor of each precision,
 * Pₖ = Lₖ⁻ᵀ with Σₖ = LₖLₖᵀ: log 𝒩(x | μ, Σ) = −½(d log 2π + ‖(x − μ)ᵀP‖²) +
 * Σⱼ log Pⱼⱼ. The lower bound is the mean log-likelihood of the samples,
 * (1/n) Σᵢ log p(xᵢ), which EM never lowers; a run stops when one iteration
 * changes it by less than `tol`.
 *
 * The M-step uses scikit-learn's formulas (also its expanded ones for "tied",
 * "diag" and "spherical", e.g. σ² = E[x²] − 2μ² + μ²), so that the fitted
 * numbers agree with it to rounding; the E-step forms (x − μ) before
 * multiplying, where scikit-learn expands it (more accurate far from the
 * origin, the same in exact arithmetic). Not provided: scikit-learn's
 * `weights_init`, `means_init`, `precisions_init`, `warm_start`, `verbose`
 * and `sample`. A fit none of whose runs met `tol` is a result
 * (`converged` false), reported to `onWarning` in scikit-learn's words.
 *
 * Reference: A. P. Dempster, N. M. Laird and D. B. Rubin, "Maximum
 * likelihood from incomplete data via the EM algorithm" (JRSS B, 1977);
 * C. M. Bishop, "Pattern Recognition and Machine Learning" (2006), §9.2.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { matrix } from "../matrix.ts";
import { RandomState } from "../random.ts";
import { checkOptions, optionNames, validate, validateData } from "../validate.ts";
import { expAll, log, pairwiseSum } from "../math.ts";
import { kmeans } from "../cluster/kmeans.ts";
import { kmeansPlusPlus } from "../cluster/kmeans_plusplus.ts";
import { checkInterrupt } from "../interrupt.ts";
import { dot4 } from "../linalg.ts";
import { fullCovarianceSums, mahalanobisKernel } from "./_wasm_steps.ts";

/** Shape of each component's covariance, as scikit-learn's `covariance_type`. */
export type CovarianceType = "full" | "tied" | "diag" | "spherical";

/** How the responsibilities of the first E-step are chosen, as scikit-learn's `init_params`. */
export type GaussianMixtureInit = "kmeans" | "k-means++" | "random" | "random_from_data";

/** Options of {@linkcode gaussianMixture} (scikit-learn's parameters, camelCase). */
export interface GaussianMixtureOptions {
  /** Number of mixture components k. @default 1 */
  nComponents?: number;
  /**
   * "full": each component its own covariance matrix; "tied": one matrix
   * shared by all; "diag": each its own diagonal; "spherical": each a
   * single variance. @default "full"
   */
  covarianceType?: CovarianceType;
  /** Stop a run when one iteration changes the lower bound by less than this. @default 1e-3 */
  tol?: number;
  /** Added to the diagonal of every covariance, so that each stays positive definite. @default 1e-6 */
  regCovar?: number;
  /** Maximum EM iterations of one run; 0 keeps the initial parameters. @default 100 */
  maxIter?: number;
  /** Number of initialisations; the run with the highest lower bound is kept. @default 1 */
  nInit?: number;
  /**
   * "kmeans": one-hot responsibilities from one run of scikit-learn's plain
   * k-means (k-means++ seeding, Lloyd); "k-means++": one-hot at k-means++'s
   * seeds; "random": uniform random responsibilities, rows normalised;
   * "random_from_data": one-hot at k distinct random samples.
   * @default "kmeans"
   */
  initParams?: GaussianMixtureInit;
  /**
   * Seed or generator for the initialisations. A `RandomState` is drawn
   * from (and advanced) as scikit-learn draws from the instance it is
   * given. scikit-learn's default is fresh entropy; ours is seed 0, so that
   * a fit repeats. @default 0
   */
  randomState?: number | RandomState;
  /**
   * Called with one line where scikit-learn warns: no run met `tol` within
   * `maxIter` (> 0) iterations, or the k-means start found fewer distinct
   * clusters than components. @default ignore
   */
  onWarning?: (message: string) => void;
}

/** {@linkcode GaussianMixtureOptions}'s names, for {@linkcode checkOptions}. */
const GMM_OPTIONS = optionNames<GaussianMixtureOptions>({
  nComponents: true,
  covarianceType: true,
  tol: true,
  regCovar: true,
  maxIter: true,
  nInit: true,
  initParams: true,
  randomState: true,
  onWarning: true,
});

/** A fitted Gaussian mixture (scikit-learn's fitted attributes and methods). */
export interface GaussianMixtureModel {
  /** The covariance type the mixture was fitted with. */
  readonly covarianceType: CovarianceType;
  /** Number of components k. */
  readonly nComponents: number;
  /** Number of features d. */
  readonly nFeatures: number;
  /** Mixing weights πₖ (k values summing to 1). */
  readonly weights: Float64Array;
  /** Component means, `k × d`. */
  readonly means: Matrix;
  /**
   * Covariances, row-major in scikit-learn's shape for the type:
   * "full" k × d × d (component c's matrix at `[c·d², (c+1)·d²)`),
   * "tied" d × d, "diag" k × d, "spherical" k. See
   * {@linkcode GaussianMixtureModel.covariance} for one component's d × d matrix.
   */
  readonly covariances: Float64Array;
  /**
   * Cholesky factors of the precision matrices, Pₖ = Lₖ⁻ᵀ (upper
   * triangular, Σₖ⁻¹ = PₖPₖᵀ), in the same shape as `covariances`; for
   * "diag" and "spherical", 1/√σ².
   */
  readonly precisionsCholesky: Float64Array;
  /**
   * True when a run met `tol` within `maxIter` iterations. As scikit-learn's
   * `converged_`, with `nInit` > 1 this is any run, not necessarily the kept one.
   */
  readonly converged: boolean;
  /** EM iterations of the kept run. */
  readonly nIter: number;
  /** Lower bound (mean log-likelihood of the training samples) of the kept run; −∞ when `maxIter` is 0. */
  readonly lowerBound: number;
  /** Most probable component of each training sample (scikit-learn's `fit_predict`). */
  readonly labels: Int32Array;
  /** Component c's covariance as a d × d matrix, whatever the type. */
  covariance(c: number): Matrix;
  /** Most probable component of each row of `X`. */
  predict(X: Matrix): Int32Array;
  /** Posterior probability of each component for each row of `X`, `n × k` (rows sum to 1). */
  predictProba(X: Matrix): Matrix;
  /** Log-likelihood log p(x) of each row of `X`. */
  scoreSamples(X: Matrix): Float64Array;
  /** Mean log-likelihood of the rows of `X`. */
  score(X: Matrix): number;
  /** Bayesian information criterion on `X`: −2·n·score(X) + p·ln n (lower is better). */
  bic(X: Matrix): number;
  /** Akaike information criterion on `X`: −2·n·score(X) + 2p (lower is better). */
  aic(X: Matrix): number;
  /** Number of free parameters p: means, covariances and k − 1 weights. */
  nParameters(): number;
}

/** Parameters of one state of EM. */
interface Params {
  weights: Float64Array;
  means: Float64Array;
  covariances: Float64Array;
  precChol: Float64Array;
}

interface Resolved {
  nComponents: number;
  covarianceType: CovarianceType;
  tol: number;
  regCovar: number;
  maxIter: number;
  nInit: number;
  initParams: GaussianMixtureInit;
}

const ACTION = "fit the Gaussian mixture";
/** 10·ε, added to every Nₖ as scikit-learn does (no empty component divides by 0). */
const TEN_EPS = 10 * Number.EPSILON;
const LOG_2PI = log(2 * Math.PI);

function resolve(X: Matrix, options: GaussianMixtureOptions): Resolved {
  const o: Resolved = {
    nComponents: options.nComponents ?? 1,
    covarianceType: options.covarianceType ?? "full",
    tol: options.tol ?? 1e-3,
    regCovar: options.regCovar ?? 1e-6,
    maxIter: options.maxIter ?? 100,
    nInit: options.nInit ?? 1,
    initParams: options.initParams ?? "kmeans",
  };
  validate(ACTION, { ...o }, {
    nComponents: { kind: "int", min: 1 },
    covarianceType: { kind: "oneOf", values: ["full", "tied", "diag", "spherical"] },
    tol: { kind: "number", min: 0 },
    regCovar: { kind: "number", min: 0 },
    maxIter: { kind: "int", min: 0 },
    nInit: { kind: "int", min: 1 },
    initParams: { kind: "oneOf", values: ["kmeans", "k-means++", "random", "random_from_data"] },
  });
  validateData(ACTION, X, 2);
  if (X.rows < o.nComponents) {
    throw new RangeError(
      `Cannot fit the Gaussian mixture as n_samples=${X.rows} should be >= nComponents=${o.nComponents}`,
    );
  }
  return o;
}

/**
 * Fits a Gaussian mixture to the rows of `X` by EM, as scikit-learn 1.2's
 * `GaussianMixture(...).fit(X)`.
 *
 * @example Two groups, one component each
 * ```ts
 * import { gaussianMixture } from "./gaussian_mixture.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10]]);
 * const gm = gaussianMixture(X, { nComponents: 2, covarianceType: "spherical" });
 * assert.equal(gm.labels[0], gm.labels[2]);
 * assert.notEqual(gm.labels[0], gm.labels[3]);
 * assert.ok(gm.converged);
 * assert.deepEqual(Array.from(gm.predict(fromRows([[1, 1], [9, 9]]))), [gm.labels[0], gm.labels[3]]);
 * const p = gm.predictProba(fromRows([[5, 5]])).data;
 * assert.ok(Math.abs(p[0] + p[1] - 1) < 1e-12);
 * ```
 * @throws {RangeError} on a parameter out of range, non-finite data, fewer
 * than 2 samples or fewer samples than components, and when a component's
 * covariance is not positive definite (collapsed samples; raise `regCovar`).
 */
export function gaussianMixture(
  X: Matrix,
  options: GaussianMixtureOptions = {},
): GaussianMixtureModel {
  checkOptions(ACTION, options, GMM_OPTIONS);
  const o = resolve(X, options);
  const rs = options.randomState ?? 0;
  const rng = typeof rs === "number" ? new RandomState(rs) : rs;
  const n = X.rows, k = o.nComponents;
  const em = new EM(X, o);
  const logResp = new Float64Array(n * k);
  const logNorm = new Float64Array(n);

  let maxLowerBound = -Infinity;
  let converged = false;
  let best: Params | undefined;
  let bestNIter = 0;
  for (let init = 0; init < o.nInit; init++) {
    let params = em.initialize(initialResponsibilities(X, o, rng, options.onWarning));
    let lowerBound = -Infinity;
    if (o.maxIter === 0) {
      best = params;
      bestNIter = 0;
      continue;
    }
    let nIter = 0;
    for (nIter = 1; nIter <= o.maxIter; nIter++) {
      checkInterrupt(); // Ctrl-C stops a recipe between iterations
      const prev = lowerBound;
      em.logProbResp(X, params, logNorm, logResp);
      params = em.mStep(logResp);
      lowerBound = pairwiseSum(logNorm) / n;
      if (Math.abs(lowerBound - prev) < o.tol) {
        converged = true;
        break;
      }
    }
    if (nIter > o.maxIter) nIter = o.maxIter;
    if (lowerBound > maxLowerBound || maxLowerBound === -Infinity) {
      maxLowerBound = lowerBound;
      best = params;
      bestNIter = nIter;
    }
  }
  if (!converged && o.maxIter > 0) {
    options.onWarning?.(
      `Initialization ${o.nInit} did not converge. Try different init parameters, or increase max_iter, tol or check for degenerate data.`,
    );
  }
  // A final E-step, so that the labels are those predict(X) gives.
  em.logProbResp(X, best!, logNorm, logResp);
  const labels = argmaxRows(logResp, n, k);
  return new Model(o.covarianceType, k, X.cols, best!, converged, bestNIter, maxLowerBound, labels);
}

/** Responsibilities (n × k) that start one run, drawn from `rng` as scikit-learn draws. */
function initialResponsibilities(
  X: Matrix,
  o: Resolved,
  rng: RandomState,
  warn?: (message: string) => void,
): Float64Array {
  const n = X.rows, k = o.nComponents;
  const resp = new Float64Array(n * k);
  switch (o.initParams) {
    case "kmeans": {
      // KMeans(n_clusters=k, n_init=1, random_state=rng): k-means++ and plain Lloyd.
      const { labels } = kmeans(X, {
        nClusters: k,
        nInit: 1,
        init: "k-means++",
        refine: false,
        randomState: rng,
        onWarning: warn, // scikit-learn's KMeans warns through the mixture
      });
      for (let i = 0; i < n; i++) resp[i * k + labels[i]] = 1;
      break;
    }
    case "k-means++": {
      const { indices } = kmeansPlusPlus(X, k, rng);
      for (let c = 0; c < k; c++) resp[indices[c] * k + c] = 1;
      break;
    }
    case "random": {
      // uniform(size=(n, k)), each row divided by its sum.
      resp.set(rng.uniform(0, 1, n * k));
      for (let i = 0; i < n; i++) {
        const r = resp.subarray(i * k, (i + 1) * k);
        const s = pairwiseSum(r);
        for (let c = 0; c < k; c++) r[c] /= s;
      }
      break;
    }
    case "random_from_data": {
      // choice(n, k, replace=False) is permutation(n)[:k] in NumPy's legacy generator.
      const indices = rng.permutation(n).subarray(0, k);
      for (let c = 0; c < k; c++) resp[indices[c] * k + c] = 1;
      break;
    }
  }
  return resp;
}

/** The E- and M-steps on one data set (scikit-learn's formulas). */
class EM {
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly type: CovarianceType;
  readonly regCovar: number;
  #X: Matrix;
  /** XᵀX, for "tied" (computed once). */
  #xtx?: Float64Array;
  /** d × n work space for "full". */
  #T?: Float64Array;
  #R?: Float64Array;
  #resp: Float64Array;

  constructor(X: Matrix, o: Resolved) {
    this.#X = X;
    this.n = X.rows;
    this.d = X.cols;
    this.k = o.nComponents;
    this.type = o.covarianceType;
    this.regCovar = o.regCovar;
    this.#resp = new Float64Array(this.n * this.k);
  }

  /** Parameters from initial responsibilities (weights Nₖ/n, as `_initialize`). */
  initialize(resp: Float64Array): Params {
    const { nk, means, covariances } = this.#estimate(resp);
    const weights = nk.map((v) => v / this.n);
    return { weights, means, covariances, precChol: this.#precChol(covariances) };
  }

  /** M-step from log-responsibilities (weights Nₖ/ΣNₖ). */
  mStep(logResp: Float64Array): Params {
    const resp = this.#resp;
    expAll(logResp, resp);
    const { nk, means, covariances } = this.#estimate(resp);
    let total = 0;
    for (let c = 0; c < this.k; c++) total += nk[c];
    const weights = nk.map((v) => v / total);
    return { weights, means, covariances, precChol: this.#precChol(covariances) };
  }

  /** log p(xᵢ) into `logNorm` and log rᵢₖ into `logResp`. */
  logProbResp(X: Matrix, p: Params, logNorm: Float64Array, logResp: Float64Array): void {
    weightedLogProb(X, p, this.type, logResp);
    logSumExpRows(logResp, X.rows, this.k, logNorm);
    const k = this.k;
    for (let i = 0; i < X.rows; i++) {
      const z = logNorm[i];
      for (let c = 0; c < k; c++) logResp[i * k + c] -= z;
    }
  }

  /** Nₖ (+10ε), means and covariances from responsibilities (`_estimate_gaussian_parameters`). */
  #estimate(
    resp: Float64Array,
  ): { nk: Float64Array; means: Float64Array; covariances: Float64Array } {
    const { n, d, k } = this;
    const x = this.#X.data;
    const nk = new Float64Array(k);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) nk[c] += resp[i * k + c];
    for (let c = 0; c < k; c++) nk[c] += TEN_EPS;
    // means = respᵀX / Nₖ
    const means = new Float64Array(k * d);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        const r = resp[i * k + c];
        if (r === 0) continue;
        for (let j = 0; j < d; j++) means[c * d + j] += r * x[i * d + j];
      }
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means[c * d + j] /= nk[c];
    const reg = this.regCovar;
    let covariances: Float64Array;
    switch (this.type) {
      case "full": {
        // Σₖ = Σᵢ rᵢₖ (xᵢ − μₖ)(xᵢ − μₖ)ᵀ / Nₖ + reg·I, as dot products over
        // the samples of transposed (xᵢ − μₖ) and rᵢₖ(xᵢ − μₖ) (samples with
        // rᵢₖ = 0 add nothing and are left out).
        covariances = new Float64Array(k * d * d);
        if (fullCovarianceSums(x, n, d, k, resp, means, covariances)) {
          for (let c = 0; c < k; c++) {
            symmetrize(covariances.subarray(c * d * d, (c + 1) * d * d), d, nk[c], reg);
          }
          break;
        }
        const T = this.#T ??= new Float64Array(d * n);
        const R = this.#R ??= new Float64Array(d * n);
        for (let c = 0; c < k; c++) {
          const C = covariances.subarray(c * d * d, (c + 1) * d * d);
          let m = 0;
          for (let i = 0; i < n; i++) {
            const r = resp[i * k + c];
            if (r === 0) continue;
            for (let j = 0; j < d; j++) {
              const v = x[i * d + j] - means[c * d + j];
              T[j * n + m] = v;
              R[j * n + m] = r * v;
            }
            m++;
          }
          for (let a = 0; a < d; a++) {
            for (let b = 0; b <= a; b++) C[a * d + b] = dot4(R, a * n, T, b * n, m);
          }
          symmetrize(C, d, nk[c], reg);
        }
        break;
      }
      case "tied": {
        // Σ = (XᵀX − Σₖ Nₖ μₖμₖᵀ) / ΣNₖ + reg·I
        const xtx = this.#xtx ??= gram(x, n, d);
        covariances = xtx.slice();
        let total = 0;
        for (let c = 0; c < k; c++) total += nk[c];
        const m2 = new Float64Array(d * d);
        for (let c = 0; c < k; c++) {
          for (let a = 0; a < d; a++) {
            const na = nk[c] * means[c * d + a];
            for (let b = 0; b <= a; b++) m2[a * d + b] += na * means[c * d + b];
          }
        }
        for (let a = 0; a < d; a++) {
          for (let b = 0; b <= a; b++) covariances[a * d + b] -= m2[a * d + b];
        }
        symmetrize(covariances, d, total, reg);
        break;
      }
      case "diag":
      case "spherical": {
        // σ²ₖⱼ = Σᵢ rᵢₖ xᵢⱼ² / Nₖ − 2 μₖⱼ² + μₖⱼ² + reg (scikit-learn's expansion)
        const diag = new Float64Array(k * d);
        for (let i = 0; i < n; i++) {
          for (let c = 0; c < k; c++) {
            const r = resp[i * k + c];
            if (r === 0) continue;
            for (let j = 0; j < d; j++) {
              const v = x[i * d + j];
              diag[c * d + j] += r * (v * v);
            }
          }
        }
        for (let c = 0; c < k; c++) {
          for (let j = 0; j < d; j++) {
            const m = means[c * d + j];
            const m2 = m * m;
            diag[c * d + j] = diag[c * d + j] / nk[c] - 2 * m2 + m2 + reg;
          }
        }
        if (this.type === "diag") {
          covariances = diag;
        } else {
          covariances = new Float64Array(k);
          for (let c = 0; c < k; c++) {
            covariances[c] = pairwiseSum(diag.subarray(c * d, (c + 1) * d)) / d;
          }
        }
        break;
      }
    }
    return { nk, means, covariances };
  }

  /** Cholesky factors of the precisions (`_compute_precision_cholesky`). */
  #precChol(cov: Float64Array): Float64Array {
    const { d, k } = this;
    switch (this.type) {
      case "full": {
        const out = new Float64Array(k * d * d);
        for (let c = 0; c < k; c++) {
          precisionCholesky(
            cov.subarray(c * d * d, (c + 1) * d * d),
            d,
            out.subarray(c * d * d),
            this.regCovar,
          );
        }
        return out;
      }
      case "tied":
        return precisionCholesky(cov, d, new Float64Array(d * d), this.regCovar);
      default:
        return cov.map((v) => {
          if (!(v > 0)) throw illDefined(this.regCovar);
          return 1 / Math.sqrt(v);
        });
    }
  }
}

function illDefined(regCovar: number): RangeError {
  return new RangeError(
    "Cannot fit the Gaussian mixture as some components have ill-defined empirical covariance " +
      "(for instance caused by singleton or collapsed samples); decrease nComponents or " +
      `increase regCovar: regCovar=${regCovar}`,
  );
}

/** Mirrors the lower triangle up, divides by `div` and adds `reg` to the diagonal. */
function symmetrize(C: Float64Array, d: number, div: number, reg: number): void {
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      const v = C[a * d + b] / div;
      C[a * d + b] = v;
      C[b * d + a] = v;
    }
    C[a * d + a] += reg;
  }
}

/** XᵀX, lower triangle only (the upper is never read). */
function gram(x: Float64Array, n: number, d: number): Float64Array {
  const G = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const off = i * d;
    for (let a = 0; a < d; a++) {
      const va = x[off + a];
      for (let b = 0; b <= a; b++) G[a * d + b] += va * x[off + b];
    }
  }
  return G;
}

/**
 * P = L⁻ᵀ for the Cholesky factor L of `cov` (lower; reads the lower
 * triangle), written into `out` (upper triangular, zeros below).
 */
function precisionCholesky(
  cov: Float64Array,
  d: number,
  out: Float64Array,
  regCovar: number,
): Float64Array {
  const L = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let s = cov[j * d + j];
    for (let m = 0; m < j; m++) s -= L[j * d + m] * L[j * d + m];
    // LAPACK's potrf fails on a non-positive (or NaN) pivot.
    if (!(s > 0)) throw illDefined(regCovar);
    const ljj = Math.sqrt(s);
    L[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let v = cov[i * d + j];
      for (let m = 0; m < j; m++) v -= L[i * d + m] * L[j * d + m];
      L[i * d + j] = v / ljj;
    }
  }
  // Solve L Z = I column by column (Z lower triangular), then P = Zᵀ.
  out.fill(0, 0, d * d);
  const z = new Float64Array(d);
  for (let col = 0; col < d; col++) {
    z.fill(0);
    for (let i = col; i < d; i++) {
      let v = i === col ? 1 : 0;
      for (let m = col; m < i; m++) v -= L[i * d + m] * z[m];
      z[i] = v / L[i * d + i];
    }
    // Zᵀ: row `col` of P holds column `col` of Z.
    for (let i = col; i < d; i++) out[col * d + i] = z[i];
  }
  return out;
}

/** log πₖ + log 𝒩(xᵢ | μₖ, Σₖ), n × k, into `out`. */
function weightedLogProb(X: Matrix, p: Params, type: CovarianceType, out: Float64Array): void {
  const n = X.rows, d = X.cols, k = p.weights.length;
  const x = X.data;
  const { means, precChol } = p;
  const logW = p.weights.map((w) => log(w));
  const half = d * LOG_2PI;
  switch (type) {
    case "full":
    case "tied": {
      // ‖(xᵢ − μ)ᵀP‖² for a block of samples at a time, column j of P at a
      // time: yᵢ = Σₐ₍≤ⱼ₎ (xᵢₐ − μₐ) Pₐⱼ over a transposed copy of the
      // block's X − μ (small enough to stay in the first-level cache).
      const B = Math.min(n, E_BLOCK);
      // Our module's kernel (the same operations) where the engine has it.
      const kernel = mahalanobisKernel(d, B);
      const T = kernel ? undefined : new Float64Array(d * B);
      const y = kernel ? undefined : new Float64Array(B);
      const q = kernel?.q ?? new Float64Array(B);
      const logDet = new Float64Array(k);
      for (let c = 0; c < k; c++) {
        const P = type === "full" ? precChol.subarray(c * d * d, (c + 1) * d * d) : precChol;
        for (let j = 0; j < d; j++) logDet[c] += log(P[j * d + j]);
      }
      for (let i0 = 0; i0 < n; i0 += B) {
        const m = Math.min(B, n - i0);
        kernel?.x.set(x.subarray(i0 * d, (i0 + m) * d));
        for (let c = 0; c < k; c++) {
          const P = type === "full" ? precChol.subarray(c * d * d, (c + 1) * d * d) : precChol;
          if (kernel) kernel.run(m, P, means.subarray(c * d, (c + 1) * d));
          else mahalanobisBlock(x, i0, m, d, means, c * d, P, T!, y!, q, B);
          const lc = logW[c], ldc = logDet[c];
          for (let i = 0; i < m; i++) out[(i0 + i) * k + c] = (-0.5 * (half + q[i]) + ldc) + lc;
        }
      }
      break;
    }
    case "diag":
    case "spherical": {
      const prec = new Float64Array(k * d);
      const logDet = new Float64Array(k);
      for (let c = 0; c < k; c++) {
        if (type === "diag") {
          for (let j = 0; j < d; j++) {
            const pc = precChol[c * d + j];
            prec[c * d + j] = pc * pc;
            logDet[c] += log(pc);
          }
        } else {
          const pc = precChol[c];
          prec.fill(pc * pc, c * d, (c + 1) * d);
          logDet[c] = d * log(pc);
        }
      }
      for (let i = 0; i < n; i++) {
        const off = i * d;
        for (let c = 0; c < k; c++) {
          let q = 0;
          for (let j = 0; j < d; j++) {
            const v = x[off + j] - means[c * d + j];
            q += v * v * prec[c * d + j];
          }
          out[i * k + c] = (-0.5 * (half + q) + logDet[c]) + logW[c];
        }
      }
      break;
    }
  }
}

/** Samples per block of the full and tied E-step. */
const E_BLOCK = 256;

/**
 * q[i] = ‖(x_{i0+i} − μ)ᵀP‖² for i < m (P upper triangular, d × d; μ at
 * `means[mo ..]`), column j of P at a time over T, the block's X − μ
 * transposed (row stride `B`).
 */
function mahalanobisBlock(
  x: Float64Array,
  i0: number,
  m: number,
  d: number,
  means: Float64Array,
  mo: number,
  P: Float64Array,
  T: Float64Array,
  y: Float64Array,
  q: Float64Array,
  B: number,
): void {
  for (let a = 0; a < d; a++) {
    const mu = means[mo + a];
    for (let i = 0; i < m; i++) T[a * B + i] = x[(i0 + i) * d + a] - mu;
  }
  q.fill(0);
  for (let j = 0; j < d; j++) {
    const p0 = P[j];
    for (let i = 0; i < m; i++) y[i] = T[i] * p0;
    for (let a = 1; a <= j; a++) {
      const pa = P[a * d + j], off = a * B;
      for (let i = 0; i < m; i++) y[i] += T[off + i] * pa;
    }
    for (let i = 0; i < m; i++) q[i] += y[i] * y[i];
  }
}

/** log Σₖ exp(aᵢₖ) of each row, as SciPy's `logsumexp` (shifted by the row maximum). */
function logSumExpRows(a: Float64Array, n: number, k: number, out: Float64Array): void {
  // Rows in blocks: their shifted values exponentiated in one call.
  const rows = Math.max(1, Math.floor(8192 / k));
  const tmp = new Float64Array(Math.min(n, rows) * k);
  for (let i0 = 0; i0 < n; i0 += rows) {
    const m = Math.min(rows, n - i0);
    for (let i = 0; i < m; i++) out[i0 + i] = shiftRow(a, (i0 + i) * k, k, tmp, i * k);
    const t = expAll(tmp.subarray(0, m * k));
    for (let i = 0; i < m; i++) out[i0 + i] += log(pairwiseSum(t, i * k, (i + 1) * k));
  }
}

/** tmp[to + c] = a[off + c] − m for the row's maximum m (0 if not finite); returns m. */
function shiftRow(a: Float64Array, off: number, k: number, tmp: Float64Array, to: number): number {
  let m = -Infinity;
  for (let c = 0; c < k; c++) if (a[off + c] > m) m = a[off + c];
  if (!Number.isFinite(m)) m = 0;
  for (let c = 0; c < k; c++) tmp[to + c] = a[off + c] - m;
  return m;
}

/** Index of the first maximum of each row (NumPy's `argmax(axis=1)`). */
function argmaxRows(a: Float64Array, n: number, k: number): Int32Array {
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (a[i * k + c] > a[i * k + best]) best = c;
    labels[i] = best;
  }
  return labels;
}

class Model implements GaussianMixtureModel {
  readonly means: Matrix;
  readonly weights: Float64Array;
  readonly covariances: Float64Array;
  readonly precisionsCholesky: Float64Array;
  #params: Params;

  constructor(
    readonly covarianceType: CovarianceType,
    readonly nComponents: number,
    readonly nFeatures: number,
    params: Params,
    readonly converged: boolean,
    readonly nIter: number,
    readonly lowerBound: number,
    readonly labels: Int32Array,
  ) {
    this.#params = params;
    this.weights = params.weights;
    this.means = matrix(nComponents, nFeatures, params.means);
    this.covariances = params.covariances;
    this.precisionsCholesky = params.precChol;
  }

  covariance(c: number): Matrix {
    const d = this.nFeatures, cov = this.covariances;
    if (!Number.isInteger(c) || c < 0 || c >= this.nComponents) {
      throw new RangeError(
        `Cannot get a covariance as the component must be an integer in [0, ${
          this.nComponents - 1
        }]: c=${c}`,
      );
    }
    const out = matrix(d, d);
    switch (this.covarianceType) {
      case "full":
        out.data.set(cov.subarray(c * d * d, (c + 1) * d * d));
        break;
      case "tied":
        out.data.set(cov);
        break;
      case "diag":
        for (let j = 0; j < d; j++) out.data[j * d + j] = cov[c * d + j];
        break;
      case "spherical":
        for (let j = 0; j < d; j++) out.data[j * d + j] = cov[c];
        break;
    }
    return out;
  }

  #weighted(X: Matrix, action: string): Float64Array {
    validateData(action, X);
    if (X.cols !== this.nFeatures) {
      throw new RangeError(
        `Cannot ${action} as X has ${X.cols} features but the mixture was fitted on ${this.nFeatures}: cols=${X.cols}`,
      );
    }
    const out = new Float64Array(X.rows * this.nComponents);
    weightedLogProb(X, this.#params, this.covarianceType, out);
    return out;
  }

  predict(X: Matrix): Int32Array {
    return argmaxRows(
      this.#weighted(X, "predict with the Gaussian mixture"),
      X.rows,
      this.nComponents,
    );
  }

  predictProba(X: Matrix): Matrix {
    const k = this.nComponents;
    const a = this.#weighted(X, "predict with the Gaussian mixture");
    const norm = new Float64Array(X.rows);
    logSumExpRows(a, X.rows, k, norm);
    for (let i = 0; i < X.rows; i++) {
      for (let c = 0; c < k; c++) a[i * k + c] -= norm[i];
    }
    return matrix(X.rows, k, expAll(a));
  }

  scoreSamples(X: Matrix): Float64Array {
    const a = this.#weighted(X, "score with the Gaussian mixture");
    const out = new Float64Array(X.rows);
    logSumExpRows(a, X.rows, this.nComponents, out);
    return out;
  }

  score(X: Matrix): number {
    return pairwiseSum(this.scoreSamples(X)) / X.rows;
  }

  nParameters(): number {
    const k = this.nComponents, d = this.nFeatures;
    const cov = this.covarianceType === "full"
      ? k * d * (d + 1) / 2
      : this.covarianceType === "diag"
      ? k * d
      : this.covarianceType === "tied"
      ? d * (d + 1) / 2
      : k;
    return cov + d * k + k - 1;
  }

  bic(X: Matrix): number {
    return -2 * this.score(X) * X.rows + this.nParameters() * log(X.rows);
  }

  aic(X: Matrix): number {
    return -2 * this.score(X) * X.rows + 2 * this.nParameters();
  }
}
