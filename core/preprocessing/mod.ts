/**
 * Preprocessing: min-max scaling and standard scaling.
 *
 * @module
 */
export * from "./min_max_scaler.ts";
export * from "./standard_scaler.ts";
