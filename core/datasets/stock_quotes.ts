/**
 * The stock-market data set: daily variations (close − open) of several
 * companies, each scaled to unit standard deviation, from a symbol map and a
 * workbook with one sheet per symbol.
 *
 * @module
 */
import { shown } from "../messages.ts";
import type { Matrix } from "../matrix.ts";
import { columnVariances, matrix } from "../matrix.ts";
import { parseJson, readText } from "../io/files.ts";
import { readWorkbook, sheetColumns, type Workbook } from "../io/xlsx.ts";

/** Companies and their standardised daily variations (days × companies). */
export interface StockVariations {
  readonly symbols: readonly string[];
  readonly names: readonly string[];
  readonly X: Matrix;
}

/** A symbol map: symbols in order, and their company names. */
export interface SymbolMap {
  readonly symbols: readonly string[];
  readonly names: readonly string[];
}

/**
 * Parses a symbol map: a JSON object of at least 2 symbols, each mapped to
 * its company's name (a string).
 *
 * @example
 * ```ts
 * import { parseSymbolMap } from "./stock_quotes.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseSymbolMap('{"KO": "Coca Cola", "PEP": "Pepsi"}').symbols, ["KO", "PEP"]);
 * assert.throws(() => parseSymbolMap('{"KO": 1, "PEP": "Pepsi"}'), /name must be a string/);
 * ```
 * @throws {SyntaxError} when the text is not JSON.
 * @throws {TypeError} when it is not an object of at least 2 symbols, each named by a string.
 */
export function parseSymbolMap(text: string, source = "input"): SymbolMap {
  const map = parseJson(text, source);
  if (!map || typeof map !== "object" || Array.isArray(map) || Object.keys(map).length < 2) {
    throw new TypeError(
      `Cannot use ${source} as it must map at least 2 symbols to names: file=${source}`,
    );
  }
  const symbols = Object.keys(map);
  const names = symbols.map((s) => {
    const name = (map as Record<string, unknown>)[s];
    if (typeof name !== "string") {
      throw new TypeError(
        `Cannot use ${source} as the name must be a string: ${JSON.stringify(s)}=${
          JSON.stringify(name)
        }`,
      );
    }
    return name;
  });
  return { symbols, names };
}

/**
 * Per symbol, the open and close columns of its sheet in `wb`; returns
 * (close − open) / std per company (population std, as NumPy's `std`).
 *
 * @throws {RangeError} on a missing sheet or column, sheets of different lengths, or a constant series.
 */
export function stockVariations(map: SymbolMap, wb: Workbook): StockVariations {
  const { symbols, names } = map;
  const quotes = symbols.map((s) => sheetColumns(wb, s, ["open", "close"]));
  const days = quotes[0].rows, p = symbols.length;
  quotes.forEach((q, c) => {
    if (q.rows !== days) {
      throw new RangeError(
        `Cannot compare ${shown(symbols[c])} with ${
          shown(symbols[0])
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
        `Cannot scale ${shown(symbols[c])} as its daily variation is constant: std=${s}`,
      );
    }
  });
  for (let k = 0; k < X.data.length; k++) X.data[k] /= sd[k % p];
  return { symbols, names, X };
}

/**
 * Loads `symbolFile` (see {@linkcode parseSymbolMap}) and the workbook
 * `xlsxFile` (one sheet per symbol), and returns {@linkcode stockVariations}.
 * Permissions: `--allow-read` on both files.
 *
 * @throws {TypeError} when the symbol map is not an object of at least 2 symbols.
 * @throws {RangeError} on a missing sheet or column, sheets of different lengths, or a constant series.
 */
export async function loadStockVariations(
  symbolFile: string,
  xlsxFile: string,
): Promise<StockVariations> {
  const map = parseSymbolMap(await readText(symbolFile), symbolFile);
  return stockVariations(map, await readWorkbook(xlsxFile));
}
