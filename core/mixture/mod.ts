/**
 * Mixture models with scikit-learn's semantics: the Gaussian mixture fitted
 * by EM (full, tied, diagonal or spherical covariances).
 *
 * @example
 * ```ts
 * import { gaussianMixture } from "./mod.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0, 0], [0, 1], [1, 0], [9, 9], [9, 10], [10, 9]]);
 * const gm = gaussianMixture(X, { nComponents: 2, covarianceType: "diag" });
 * assert.deepEqual(Array.from(gm.predict(X)), Array.from(gm.labels));
 * ```
 *
 * @module
 */
export * from "./gaussian_mixture.ts";
