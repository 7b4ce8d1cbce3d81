/**
 * Two-dimensional point sets (`x,y` per line) for the 2-D recipes.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { loadNumericCsv } from "./numeric_csv.ts";

/**
 * Loads a file of `x,y` lines as an n × 2 matrix.
 * Permissions: `--allow-read` on `path`.
 *
 * @throws {RangeError} when the file does not have exactly two columns.
 */
export async function loadPoints2D(path: string): Promise<Matrix> {
  const { X } = await loadNumericCsv(path);
  if (X.cols !== 2) {
    throw new RangeError(
      `Cannot use ${path} as it must have 2 columns (x,y): cols=${X.cols}`,
    );
  }
  return X;
}
