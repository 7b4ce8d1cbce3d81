/**
 * The wholesale-customers table (UCI): a header, then Channel, Region and the
 * annual spending columns; the spending columns are the features.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { matrix } from "../matrix.ts";
import { loadNumericCsv, type NumericTable, parseNumericCsv } from "../io/numeric_csv.ts";

/** The spending features start at the third column (after Channel and Region). */
const FIRST_FEATURE = 2;

/** The spending columns and their names. */
export interface Spending {
  readonly X: Matrix;
  readonly names: readonly string[];
}

function spending(table: NumericTable, source: string): Spending {
  if (table.X.cols <= FIRST_FEATURE) {
    throw new RangeError(
      `Cannot use ${source} as it needs spending columns after Channel and Region: cols=${table.X.cols}`,
    );
  }
  const names = table.names.slice(FIRST_FEATURE);
  const d = names.length;
  const X = matrix(table.X.rows, d);
  for (let i = 0; i < X.rows; i++) {
    X.data.set(
      table.X.data.subarray(i * table.X.cols + FIRST_FEATURE, (i + 1) * table.X.cols),
      i * d,
    );
  }
  return { X, names };
}

/**
 * Parses the wholesale CSV text: the columns after the first two, with their
 * header names.
 *
 * @example
 * ```ts
 * import { parseWholesale } from "./wholesale.ts";
 * import assert from "node:assert/strict";
 * const { X, names } = parseWholesale("Channel,Region,Fresh,Milk\n2,3,12669,9656\n");
 * assert.deepEqual(names, ["Fresh", "Milk"]);
 * assert.deepEqual(Array.from(X.data), [12669, 9656]);
 * assert.throws(() => parseWholesale("Channel,Region\n2,3\n"), /needs spending columns/);
 * ```
 * @throws {SyntaxError} on a non-numeric cell or a ragged row.
 * @throws {RangeError} on a non-finite value, no data rows, or no spending column.
 */
export function parseWholesale(text: string, source = "input"): Spending {
  return spending(parseNumericCsv(text, { header: true, source }), source);
}

/** Reads the wholesale CSV (see {@linkcode parseWholesale}). Permissions: `--allow-read` on `path`. */
export async function loadWholesale(path: string): Promise<Spending> {
  return spending(await loadNumericCsv(path, { header: true }), path);
}
