/**
 * Clustering quality metrics.
 *
 * @module
 */
export * from "./silhouette.ts";
