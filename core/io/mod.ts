/**
 * Reading data (numeric CSV, points, JSON, images) and writing files atomically.
 *
 * @module
 */
export * from "./files.ts";
export * from "./image.ts";
export * from "./numeric_csv.ts";
export * from "./points.ts";
