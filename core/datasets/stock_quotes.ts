/**
 * The stock-market data set: daily variations (close − open) of several
 * companies, each scaled to unit standard deviation, from a symbol map and a
 * workbook with one sheet per symbol.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { columnVariances, matrix } from "../matrix.ts";
import { readJson } from "../io/files.ts";
import { readWorkbook, sheetColumns } from "../io/xlsx.ts";

/** Companies and their standardised daily variations (days × companies). */
export interface StockVariations {
  readonly symbols: readonly string[];
  readonly names: readonly string[];
  readonly X: Matrix;
}

/**
 * Loads `symbolFile` (JSON: symbol → company name, in order) and, per
 * symbol, the open and close columns of its sheet in `xlsxFile`; returns
 * (close − open) / std per company (population std, as NumPy's `std`).
 * Permissions: `--allow-read` on both files.
 *
 * @throws {TypeError} when the symbol map is not an object of at least 2 symbols.
 * @throws {RangeError} on a missing sheet or column, sheets of different lengths, or a constant series.
 */
export async function loadStockVariations(
  symbolFile: string,
  xlsxFile: string,
): Promise<StockVariations> {
  const map = await readJson(symbolFile);
  if (!map || typeof map !== "object" || Array.isArray(map) || Object.keys(map).length < 2) {
    throw new TypeError(
      `Cannot use ${symbolFile} as it must map at least 2 symbols to names: file=${symbolFile}`,
    );
  }
  const symbols = Object.keys(map);
  const names = symbols.map((s) => String((map as Record<string, unknown>)[s]));
  const wb = await readWorkbook(xlsxFile);
  const quotes = symbols.map((s) => sheetColumns(wb, s, ["open", "close"]));
  const days = quotes[0].rows, p = symbols.length;
  quotes.forEach((q, c) => {
    if (q.rows !== days) {
      throw new RangeError(
        `Cannot compare ${symbols[c]} with ${
          symbols[0]
        } as their sheets have different lengths: rows=${q.rows}, expected=${days}`,
      );
    }
  });
  const X = matrix(days, p);
  for (let t = 0; t < days; t++) {
    for (let c = 0; c < p; c++) {
      X.data[t * p + c] = quotes[c].data[2 * t + 1] - quotes[c].data[2 * t];
    }
  }
  const sd = columnVariances(X).map(Math.sqrt);
  sd.forEach((s, c) => {
    if (!(s > 0)) {
      throw new RangeError(
        `Cannot scale ${symbols[c]} as its daily variation is constant: std=${s}`,
      );
    }
  });
  for (let k = 0; k < X.data.length; k++) X.data[k] /= sd[k % p];
  return { symbols, names, X };
}
