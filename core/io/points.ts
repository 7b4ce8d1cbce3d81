/**
 * Two-dimensional point sets (`x,y` per line) for the 2-D recipes.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { loadNumericCsv, parseNumericCsv } from "./numeric_csv.ts";

function twoColumns(X: Matrix, source: string): Matrix {
  if (X.cols !== 2) {
    throw new RangeError(
      `Cannot use ${source} as it must have 2 columns (x,y): cols=${X.cols}`,
    );
  }
  return X;
}

/**
 * Parses `x,y` lines as an n × 2 matrix.
 *
 * @example
 * ```ts
 * import { parsePoints2D } from "./points.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parsePoints2D("1,2\n3,4\n").rows, 2);
 * assert.throws(() => parsePoints2D("1,2,3\n"), /must have 2 columns/);
 * ```
 * @throws {RangeError} when the text does not have exactly two columns.
 * @throws {SyntaxError} on a non-numeric cell or a ragged row.
 */
export function parsePoints2D(text: string, source = "input"): Matrix {
  return twoColumns(parseNumericCsv(text, { source }).X, source);
}

/**
 * Loads a file of `x,y` lines as an n × 2 matrix.
 * Permissions: `--allow-read` on `path`.
 *
 * @throws {RangeError} when the file does not have exactly two columns.
 */
export async function loadPoints2D(path: string): Promise<Matrix> {
  return twoColumns((await loadNumericCsv(path)).X, path);
}
