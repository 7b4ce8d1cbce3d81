/**
 * The unsupervised-learning cookbook's library: clustering, manifold
 * learning, decomposition, covariance, neighbours and metrics with
 * scikit-learn's vocabulary and numbers, on row-major `Float64Array`
 * matrices, with NumPy's random numbers. Everything here runs unchanged in
 * Deno, in a browser (bundled) and in Node; it uses a second core where it
 * may (see `workers.ts`), with bit-identical results on one.
 *
 * Reading files (`./io`), plots (`./plot`), neural networks (`./nn`) and the
 * data sets (`./datasets`) have subpaths of their own.
 *
 * @example
 * ```ts
 * import { clusterAccuracy, fromRows, kmeans } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[1, 1], [1, 2], [10, 10], [10, 11]]);
 * const { labels } = kmeans(X, { nClusters: 2, randomState: 0 });
 * assert.equal(clusterAccuracy([0, 0, 1, 1], labels).accuracy, 1);
 * ```
 *
 * @module
 */
export * from "./cluster/mod.ts";
export * from "./covariance/mod.ts";
export * from "./decomposition/mod.ts";
export * from "./linear_model/mod.ts";
export * from "./manifold/mod.ts";
export * from "./metrics/mod.ts";
export * from "./mixture/mod.ts";
export * from "./neighbors/mod.ts";
export * from "./optimize/mod.ts";
export * from "./preprocessing/mod.ts";
export * from "./distance.ts";
export * from "./linalg.ts";
export * from "./matrix.ts";
export * from "./random.ts";
export * from "./sparse_eigen.ts";
export { Interrupted } from "./interrupt.ts";
export { stopAllWorkers, twoCores, useWorkers } from "./workers.ts";
