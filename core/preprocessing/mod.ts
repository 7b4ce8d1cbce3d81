/**
 * Preprocessing: min-max scaling.
 *
 * @module
 */
export * from "./min_max_scaler.ts";
