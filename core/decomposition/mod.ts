/**
 * Matrix decompositions: principal component analysis.
 *
 * @module
 */
export * from "./pca.ts";
