/**
 * Linear models: logistic regression as scikit-learn's lbfgs solver fits it.
 *
 * @module
 */
export * from "./logistic_regression.ts";
