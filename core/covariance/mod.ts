/**
 * Covariance estimation: the empirical covariance and the graphical lasso
 * (with its cross-validated choice of alpha), as scikit-learn's.
 *
 * @module
 */
export * from "./graphical_lasso.ts";
