/**
 * Optimisation: the linear assignment problem.
 *
 * @module
 */
export * from "./linear_sum_assignment.ts";
