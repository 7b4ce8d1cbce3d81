/**
 * Reading data (numeric CSV, whole or streamed in chunks, points, JSON, images, `.xlsx` workbooks and
 * the zip files under them) and writing files atomically. Parsers are pure
 * functions of bytes or text; the `load…`/`read…` helpers read files (Deno).
 *
 * @module
 */
export * from "./csv_stream.ts";
export * from "./files.ts";
export * from "./image.ts";
export * from "./numeric_csv.ts";
export * from "./points.ts";
export * from "./xlsx.ts";
export * from "./zip.ts";
