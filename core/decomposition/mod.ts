/**
 * Matrix decompositions: principal component analysis and scikit-learn's
 * randomized SVD.
 *
 * @module
 */
export * from "./pca.ts";
export * from "./randomized_svd.ts";
