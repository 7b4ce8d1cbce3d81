/**
 * Clustering algorithms with scikit-learn's semantics: k-means (k-means++
 * seeding, Lloyd and Elkan), mini-batch and bisecting k-means, a k-means
 * scalar quantizer, DBSCAN, HDBSCAN, OPTICS, agglomerative clustering (ward,
 * complete, average, single; with or without a connectivity graph), Birch,
 * spectral clustering, mean shift, and affinity propagation.
 *
 * @example
 * ```ts
 * import { dbscan, kmeans } from "./mod.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0, 0], [0, 1], [9, 9], [9, 10]]);
 * assert.equal(kmeans(X, { nClusters: 2, randomState: 0 }).inertia, 1);
 * assert.deepEqual(Array.from(dbscan(X, { eps: 2, minSamples: 2 }).labels), [0, 0, 1, 1]);
 * ```
 *
 * @module
 */
export * from "./affinity_propagation.ts";
export * from "./agglomerative.ts";
export * from "./birch.ts";
export * from "./bisecting_kmeans.ts";
export * from "./dbscan.ts";
export * from "./hdbscan.ts";
export * from "./kmeans.ts";
export * from "./kmeans_plusplus.ts";
export * from "./mean_shift.ts";
export * from "./minibatch_kmeans.ts";
export * from "./optics.ts";
export * from "./quantize.ts";
export * from "./spectral_clustering.ts";
