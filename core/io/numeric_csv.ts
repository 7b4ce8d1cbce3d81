/**
 * Loading numeric tables from comma-separated text (`npm:d3-dsv`), with the
 * line and column of the first bad cell in every error.
 *
 * @module
 */
// @ts-types="@types/d3-dsv"
import { csvParseRows } from "d3-dsv";
import type { Matrix } from "../matrix.ts";
import { matrix } from "../matrix.ts";
import { readText } from "./files.ts";
import { checkOptions, optionNames } from "../validate.ts";

/** Options of {@linkcode parseNumericCsv}. */
export interface NumericCsvOptions {
  /** The first line is a header of column names. @default false */
  header?: boolean;
  /** Keep only these columns (0-based, or header names). @default all */
  columns?: readonly (number | string)[];
  /** Name used in error messages. @default "input" */
  source?: string;
}

/**
 * The largest magnitude a cell may have: beyond it a squared distance
 * between two rows, or a variance, overflows to Infinity (2·1e150 squared
 * is 4e300, and a sum of a few thousand of them stays finite), and every
 * estimator's figures would be Infinity or NaN.
 */
export const MAX_CELL = 1e150;

/**
 * The one-line error of a cell that is not a finite number of at most
 * {@linkcode MAX_CELL} in magnitude (`v`, its value; NaN when it is not a
 * number), shown cut to 60 characters (a binary file's first "cell" can be
 * a kilobyte of noise).
 */
export function cellError(
  source: string,
  line: number,
  col: number,
  cell: string,
  v: number,
): Error {
  const raw = cell.length > 60 ? `${cell.slice(0, 60)}…` : cell;
  const at = `line ${line}, column ${col}`;
  if (Number.isNaN(v) && !/^[+-]?nan$/i.test(cell.trim())) {
    return new SyntaxError(
      `Cannot parse ${source} as ${at} is not a number: ${JSON.stringify(raw)}`,
    );
  }
  if (!Number.isFinite(v)) {
    return new RangeError(`Cannot use ${source} as ${at} is not finite: ${JSON.stringify(raw)}`);
  }
  return new RangeError(
    `Cannot use ${source} as ${at} is beyond ±${MAX_CELL}, where squared distances overflow: ${
      JSON.stringify(raw)
    }`,
  );
}

/**
 * Throws when a header line (`names`, at `line`) is numbers, the first
 * data row read as column names; except numbers that increase from column
 * to column, as column numbers (pandas' 0, 1, … for an unnamed table),
 * years or wavelengths do, and a data row seldom does.
 */
export function checkHeader(source: string, names: readonly string[], line: number): void {
  const v = names.map((c) => c === "" ? NaN : Number(c));
  if (!v.every(Number.isFinite)) return;
  if (v.every((x, j) => j === 0 || x > v[j - 1])) return;
  throw new SyntaxError(
    `Cannot parse ${source} as its header must name the columns, not hold numbers: line ${line} = ${
      JSON.stringify(names.join(",").slice(0, 60))
    }`,
  );
}

/** {@linkcode NumericCsvOptions}' names, for {@linkcode checkOptions}. */
export const CSV_OPTIONS: readonly string[] = optionNames<NumericCsvOptions>({
  header: true,
  columns: true,
  source: true,
});

/** A parsed table: the values and the column names (from the header, or "0", "1", …). */
export interface NumericTable {
  readonly X: Matrix;
  readonly names: readonly string[];
}

/**
 * Parses numeric CSV text. Blank lines are skipped; every other line must
 * have the same number of cells, each a finite number of at most
 * {@linkcode MAX_CELL} in magnitude. A header must not be numbers (see
 * {@linkcode checkHeader}): the first row would be lost as names.
 *
 * @example
 * ```ts
 * import { parseNumericCsv } from "./numeric_csv.ts";
 * import assert from "node:assert/strict";
 * const { X } = parseNumericCsv("1,2\n3,4\n");
 * assert.deepEqual(Array.from(X.data), [1, 2, 3, 4]);
 * assert.throws(() => parseNumericCsv("1,2\n3,x\n"), {
 *   name: "SyntaxError",
 *   message: 'Cannot parse input as line 2, column 2 is not a number: "x"',
 * });
 * ```
 * @throws {SyntaxError} on a non-numeric cell, a ragged row, or a header of numbers.
 * @throws {RangeError} on a non-finite value, one beyond ±MAX_CELL, or an empty table.
 */
export function parseNumericCsv(text: string, options: NumericCsvOptions = {}): NumericTable {
  checkOptions("parse CSV", options, CSV_OPTIONS);
  const source = options.source ?? "input";
  const lines = csvParseRows(text);
  let lineNo = 0;
  let names: string[] | undefined;
  const rows: { line: number; cells: string[] }[] = [];
  for (const cells of lines) {
    lineNo++;
    if (cells.length === 1 && cells[0].trim() === "") continue;
    if (options.header && names === undefined) {
      names = cells.map((c) => c.trim());
      checkHeader(source, names, lineNo);
    } else rows.push({ line: lineNo, cells });
  }
  if (rows.length === 0) {
    throw new RangeError(`Cannot parse ${source} as it has no data rows: rows=0`);
  }
  const width = names?.length ?? rows[0].cells.length;
  names ??= Array.from({ length: width }, (_, j) => String(j));
  const keep = (options.columns ?? names.map((_, j) => j)).map((c) => {
    const j = typeof c === "number" ? c : names!.indexOf(c);
    if (j < 0 || j >= width) {
      throw new RangeError(
        `Cannot parse ${source} as the column is missing: column=${JSON.stringify(c)}`,
      );
    }
    return j;
  });
  const X = matrix(rows.length, keep.length);
  rows.forEach(({ line, cells }, i) => {
    if (cells.length !== width) {
      throw new SyntaxError(
        `Cannot parse ${source} as line ${line} has ${cells.length} cells, expected ${width}: line=${line}`,
      );
    }
    keep.forEach((j, c) => {
      const cell = cells[j].trim();
      const v = cell === "" ? NaN : Number(cell);
      if (!(Math.abs(v) <= MAX_CELL)) throw cellError(source, line, j + 1, cells[j], v);
      X.data[i * keep.length + c] = v;
    });
  });
  return { X, names: keep.map((j) => names![j]) };
}

/**
 * Reads a numeric CSV file (see {@linkcode parseNumericCsv}).
 * Permissions: `--allow-read` on `path`.
 */
export async function loadNumericCsv(
  path: string,
  options: Omit<NumericCsvOptions, "source"> = {},
): Promise<NumericTable> {
  const text = await readText(path);
  if (text.trim() === "") {
    throw new RangeError(`Cannot parse ${path} as the file is empty: bytes=${text.length}`);
  }
  return parseNumericCsv(text, { ...options, source: path });
}

/**
 * Splits an integer label column off a table: the features are the other
 * columns, in order.
 *
 * @example
 * ```ts
 * import { parseNumericCsv, splitLabelColumn } from "./numeric_csv.ts";
 * import assert from "node:assert/strict";
 * const t = parseNumericCsv("a,label,b\n1,0,2\n3,1,4\n", { header: true });
 * const { X, labels } = splitLabelColumn(t, "label");
 * assert.deepEqual(Array.from(X.data), [1, 2, 3, 4]);
 * assert.deepEqual(Array.from(labels), [0, 1]);
 * ```
 * @throws {RangeError} when the column is missing, is the only one, or holds a non-integer.
 */
export function splitLabelColumn(
  table: NumericTable,
  name: string,
  source = "input",
): { X: Matrix; labels: Int32Array; names: string[] } {
  const { X, names } = table;
  const li = names.indexOf(name);
  if (li < 0) throw new RangeError(`Cannot use ${source} as it has no column "${name}"`);
  const keep = names.map((_, j) => j).filter((j) => j !== li);
  if (keep.length === 0) {
    throw new RangeError(`Cannot use ${source} as it has no feature column besides ${name}`);
  }
  const F = matrix(X.rows, keep.length);
  const labels = new Int32Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    keep.forEach((j, t) => F.data[i * keep.length + t] = X.data[i * X.cols + j]);
    const l = X.data[i * X.cols + li];
    if (!Number.isInteger(l)) {
      throw new RangeError(
        `Cannot use ${source} as labels must be integers: row ${i + 2}, ${name}=${l}`,
      );
    }
    labels[i] = l;
  }
  return { X: F, labels, names: keep.map((j) => names[j]) };
}
