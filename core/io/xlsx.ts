/**
 * Numeric columns from `.xlsx` workbooks, via SheetJS CE (`@e965/xlsx`):
 * a sheet by name, columns by their header, every error naming the sheet,
 * row and column.
 *
 * @module
 */
import * as XLSX from "xlsx";
import type { Matrix } from "../matrix.ts";
import { matrix } from "../matrix.ts";
import { readBytes } from "./files.ts";
import { readZip } from "./zip.ts";
import { oneLine, shown } from "../messages.ts";

/** A parsed workbook and where it came from. */
export interface Workbook {
  readonly source: string;
  readonly sheetNames: readonly string[];
  readonly book: XLSX.WorkBook;
}

/** SheetJS's parser of an unzipped container (exported by the module, not in its types). */
const parseZip = (XLSX as unknown as {
  parse_zip(zip: unknown, options: XLSX.ParsingOptions): XLSX.WorkBook;
}).parse_zip;

/**
 * Parses workbook bytes (`source` names them in errors). The zip container
 * is read by our strict reader ({@linkcode readZip}); SheetJS parses the
 * workbook's XML from it.
 *
 * @throws {SyntaxError} when the bytes are not a readable `.xlsx` workbook.
 */
export async function parseWorkbook(bytes: Uint8Array, source = "input"): Promise<Workbook> {
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new SyntaxError(
      `Cannot parse ${source} as it is not an .xlsx workbook: bytes=${bytes.length}`,
    );
  }
  const files = await readZip(bytes, source);
  const zip = XLSX.CFB.utils.cfb_new();
  for (const [name, content] of files) XLSX.CFB.utils.cfb_add(zip, name, content);
  let book: XLSX.WorkBook;
  try {
    book = parseZip(zip, { dense: true });
  } catch (e) {
    throw new SyntaxError(
      `Cannot parse ${source} as a workbook (${
        oneLine(String((e as Error)?.message ?? e))
      }): bytes=${bytes.length}`,
    );
  }
  if (book.SheetNames.length === 0) {
    throw new SyntaxError(
      `Cannot parse ${source} as it is not an .xlsx workbook: bytes=${bytes.length}`,
    );
  }
  return { source, sheetNames: book.SheetNames, book };
}

/**
 * Reads a workbook. Permissions: `--allow-read` on `path`.
 *
 * @throws {SyntaxError} when the file is not a readable workbook.
 */
export async function readWorkbook(path: string): Promise<Workbook> {
  return parseWorkbook(await readBytes(path), path);
}

/**
 * The named columns of a sheet (header in the first row) as a matrix, one
 * row per data row.
 *
 * @throws {RangeError} when the sheet or a column is missing, or the sheet has no data rows.
 * @throws {SyntaxError} when a cell is not a finite number (with its sheet, row and column).
 */
export function sheetColumns(wb: Workbook, sheet: string, columns: readonly string[]): Matrix {
  // Own sheets only: a symbol such as "__proto__" must not find Object.prototype.
  const ws = wb.sheetNames.includes(sheet) && Object.hasOwn(wb.book.Sheets, sheet)
    ? wb.book.Sheets[sheet]
    : undefined;
  if (!ws) {
    throw new RangeError(
      `Cannot read ${wb.source} as it has no sheet ${JSON.stringify(sheet)}: sheet=${shown(sheet)}`,
    );
  }
  let rows: unknown[][];
  try {
    rows = XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1, raw: true, blankrows: false });
  } catch (e) {
    // e.g. a cell of an unknown type (t="tr"), which SheetJS reads but cannot convert.
    throw new SyntaxError(
      `Cannot read sheet ${shown(sheet)} of ${wb.source} as a cell is corrupt (${
        oneLine(String((e as Error)?.message ?? e))
      })`,
    );
  }
  const header = (rows[0] ?? []).map((h) => String(h ?? "").trim());
  const idx = columns.map((c) => {
    const j = header.indexOf(c);
    if (j < 0) {
      throw new RangeError(
        `Cannot read sheet ${shown(sheet)} of ${wb.source} as it has no column ${
          JSON.stringify(c)
        }: columns=${shown(header.filter(Boolean).join(","))}`,
      );
    }
    return j;
  });
  if (rows.length < 2) {
    throw new RangeError(
      `Cannot read sheet ${shown(sheet)} of ${wb.source} as it has no data rows: rows=0`,
    );
  }
  const X = matrix(rows.length - 1, columns.length);
  for (let r = 1; r < rows.length; r++) {
    idx.forEach((j, c) => {
      const v = rows[r][j];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new SyntaxError(
          `Cannot read sheet ${shown(sheet)} of ${wb.source} as row ${r + 1}, column ${
            JSON.stringify(columns[c])
          } is not a number: ${JSON.stringify(v ?? "")}`,
        );
      }
      X.data[(r - 1) * columns.length + c] = v;
    });
  }
  return X;
}
