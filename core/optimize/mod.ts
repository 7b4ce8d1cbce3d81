/**
 * Optimisation: the linear assignment problem, and L-BFGS.
 *
 * @module
 */
export * from "./linear_sum_assignment.ts";
export * from "./lbfgs.ts";
