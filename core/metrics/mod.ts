/**
 * Clustering quality metrics.
 *
 * @module
 */
export * from "./silhouette.ts";
export * from "./clustering.ts";
