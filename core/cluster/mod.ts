/**
 * Clustering algorithms: k-means (with k-means++ seeding) and a k-means
 * scalar quantizer.
 *
 * @module
 */
export * from "./kmeans.ts";
export * from "./kmeans_plusplus.ts";
export * from "./quantize.ts";
