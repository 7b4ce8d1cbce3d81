/**
 * Streaming numeric CSV: reads a table larger than memory as chunks of rows
 * (`Matrix` of at most `chunkRows` rows), parsing the bytes as they arrive —
 * no whole-file string, memory O(chunkRows · columns + one read buffer).
 *
 * The rows follow {@linkcode parseNumericCsv}'s rules (RFC 4180 quoting as
 * `d3-dsv`'s `csvParseRows`; "\n", "\r\n" or "\r" line ends; blank lines
 * skipped; cells trimmed; every row as wide as the first; every kept cell a
 * finite number within ±MAX_CELL; a header not of numbers) and its one-line errors, which name the line (the record
 * number, counting blank lines; a quoted line break does not start a new
 * one). Text after a closing quote is kept as part of the cell (so `"1"x`
 * is the cell `1x`, not a number).
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { matrix } from "../matrix.ts";
import {
  cellError,
  checkHeader,
  CSV_OPTIONS,
  MAX_CELL,
  type NumericCsvOptions,
} from "./numeric_csv.ts";
import { checkOptions } from "../validate.ts";

/** Options of {@linkcode csvChunks} and {@linkcode CsvChunker}. */
export interface CsvChunksOptions extends NumericCsvOptions {
  /** Rows per yielded chunk (the last one may hold fewer). @default 65536 */
  chunkRows?: number;
}

const COMMA = 44, LF = 10, CR = 13, QUOTE = 34;

/**
 * The incremental parser under {@linkcode csvChunks}: feed it text with
 * `push` (pieces may end anywhere, even inside a quoted cell), then `end`;
 * each returns the chunks of `chunkRows` rows completed so far.
 *
 * @example Pieces split anywhere
 * ```ts
 * import { CsvChunker } from "./csv_stream.ts";
 * import assert from "node:assert/strict";
 * const p = new CsvChunker({ chunkRows: 2, header: true });
 * const chunks = [...p.push("x,y\n1,2\n3,"), ...p.push("4\n5,6"), ...p.end()];
 * assert.deepEqual(chunks.map((m) => Array.from(m.data)), [[1, 2, 3, 4], [5, 6]]);
 * assert.deepEqual(p.names, ["x", "y"]);
 * ```
 */
export class CsvChunker {
  #source: string;
  #header: boolean;
  #columns: readonly (number | string)[] | undefined;
  #chunkRows: number;
  // Parser state across pieces.
  #cells: string[] = [];
  #cell = "";
  #started = false; // the current cell has begun (a quote now is literal)
  #quoted = false; // inside a quoted cell
  #quoteAtEnd = false; // a quote ended the last piece inside a quoted cell
  #skipLf = false; // a CR ended the last row: skip a following LF
  #line = 0; // records seen
  #quotedSince = 0; // line of the open quote
  // Table state.
  #names: string[] | undefined;
  #width = -1;
  #keep: number[] | undefined;
  #buf: Float64Array | undefined;
  #fill = 0;
  #rowsTotal = 0;
  #out: Matrix[] = [];
  #error: unknown; // an error met after some chunks were completed

  /**
   * @param options chunk size, header, kept columns, name used in errors.
   * @throws {RangeError} when `chunkRows` is not an integer ≥ 1.
   */
  constructor(options: CsvChunksOptions = {}) {
    checkOptions("read CSV chunks", options, [...CSV_OPTIONS, "chunkRows"]);
    this.#source = options.source ?? "input";
    this.#header = options.header ?? false;
    this.#columns = options.columns;
    const n = options.chunkRows ?? 65536;
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(
        `Cannot read CSV chunks as chunkRows must be an integer >= 1: chunkRows=${n}`,
      );
    }
    this.#chunkRows = n;
  }

  /** Column names of the kept columns (from the header, or "0", "1", …); empty before the first row. */
  get names(): readonly string[] {
    return this.#keep ? this.#keep.map((j) => this.#names![j]) : [];
  }

  /** Data rows parsed so far. */
  get rows(): number {
    return this.#rowsTotal;
  }

  /**
   * Parses one more piece of text.
   *
   * @returns the chunks completed by this piece (when a row is bad, the
   *   chunks completed before it; the error comes at the next call).
   * @throws {SyntaxError} on a non-numeric cell or a ragged row.
   * @throws {RangeError} on a non-finite value or a missing column.
   */
  push(s: string): Matrix[] {
    if (this.#error !== undefined) throw this.#error;
    try {
      this.#parse(s);
    } catch (e) {
      // Hand out the chunks completed before the bad row first.
      if (this.#out.length === 0) throw e;
      this.#error = e;
    }
    return this.#take();
  }

  #parse(s: string): void {
    const N = s.length;
    let i = 0;
    if (this.#skipLf && N > 0) {
      this.#skipLf = false;
      if (s.charCodeAt(0) === LF) i = 1;
    }
    if (this.#quoteAtEnd && N > 0) {
      this.#quoteAtEnd = false;
      if (s.charCodeAt(0) === QUOTE) {
        this.#cell += '"';
        i = 1;
      } else this.#quoted = false;
    }
    while (i < N) {
      if (this.#quoted) {
        const q = s.indexOf('"', i);
        if (q < 0) {
          this.#cell += s.slice(i);
          break;
        }
        this.#cell += s.slice(i, q);
        if (q + 1 === N) {
          this.#quoteAtEnd = true;
          i = N;
        } else if (s.charCodeAt(q + 1) === QUOTE) {
          this.#cell += '"';
          i = q + 2;
        } else {
          this.#quoted = false;
          i = q + 1;
        }
        continue;
      }
      const c = s.charCodeAt(i);
      if (c === COMMA) {
        this.#endCell();
        i++;
      } else if (c === LF || c === CR) {
        this.#endCell();
        this.#endRow();
        i++;
        if (c === CR) {
          if (i < N) {
            if (s.charCodeAt(i) === LF) i++;
          } else this.#skipLf = true;
        }
      } else if (c === QUOTE && !this.#started) {
        this.#quoted = true;
        this.#started = true;
        this.#quotedSince = this.#line + 1;
        i++;
      } else {
        // A run of plain characters up to the next separator.
        let j = i + 1;
        while (j < N) {
          const d = s.charCodeAt(j);
          if (d === COMMA || d === LF || d === CR) break;
          j++;
        }
        this.#cell += s.slice(i, j);
        this.#started = true;
        i = j;
      }
    }
  }

  /**
   * Ends the input: parses the last row and returns the last chunks.
   *
   * @throws {SyntaxError} on an unterminated quoted cell.
   * @throws {RangeError} when the table has no data rows.
   */
  end(): Matrix[] {
    if (this.#error !== undefined) throw this.#error;
    if (this.#quoted && !this.#quoteAtEnd) {
      throw new SyntaxError(
        `Cannot parse ${this.#source} as line ${this.#quotedSince} has an unterminated quoted cell: line=${this.#quotedSince}`,
      );
    }
    this.#quoted = this.#quoteAtEnd = false;
    if (this.#started || this.#cells.length > 0) {
      this.#endCell();
      this.#endRow();
    }
    if (this.#rowsTotal === 0) {
      throw new RangeError(`Cannot parse ${this.#source} as it has no data rows: rows=0`);
    }
    if (this.#fill > 0) {
      const cols = this.#keep!.length;
      this.#out.push(matrix(this.#fill, cols, this.#buf!.slice(0, this.#fill * cols)));
      this.#fill = 0;
    }
    return this.#take();
  }

  #take(): Matrix[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #endCell(): void {
    this.#cells.push(this.#cell);
    this.#cell = "";
    this.#started = false;
  }

  #endRow(): void {
    const cells = this.#cells;
    this.#cells = [];
    const line = ++this.#line;
    if (cells.length === 1 && cells[0].trim() === "") return;
    if (this.#header && this.#names === undefined) {
      this.#names = cells.map((c) => c.trim());
      checkHeader(this.#source, this.#names, line);
      return;
    }
    const source = this.#source;
    if (this.#keep === undefined) this.#start(cells.length);
    const width = this.#width, keep = this.#keep!;
    if (cells.length !== width) {
      throw new SyntaxError(
        `Cannot parse ${source} as line ${line} has ${cells.length} cells, expected ${width}: line=${line}`,
      );
    }
    const cols = keep.length;
    if ((this.#fill + 1) * cols > this.#buf!.length) {
      // Grow the first chunk's buffer geometrically: a short table with a
      // large chunkRows allocates for its rows only.
      const rows = Math.min(this.#chunkRows, 2 * (this.#fill + 1));
      const grown = new Float64Array(rows * cols);
      grown.set(this.#buf!);
      this.#buf = grown;
    }
    const buf = this.#buf!;
    const o = this.#fill * cols;
    for (let c = 0; c < cols; c++) {
      const j = keep[c];
      const cell = cells[j].trim();
      const v = cell === "" ? NaN : Number(cell);
      if (!(Math.abs(v) <= MAX_CELL)) throw cellError(source, line, j + 1, cells[j], v);
      buf[o + c] = v;
    }
    this.#rowsTotal++;
    if (++this.#fill === this.#chunkRows) {
      // The full buffer becomes the chunk; the next one starts at full size.
      this.#out.push(matrix(this.#fill, cols, buf));
      this.#buf = new Float64Array(this.#chunkRows * cols);
      this.#fill = 0;
    }
  }

  /** At the first data row: the width, the kept columns and the chunk buffer. */
  #start(firstWidth: number): void {
    const width = this.#names?.length ?? firstWidth;
    this.#names ??= Array.from({ length: width }, (_, j) => String(j));
    const names = this.#names;
    this.#keep = (this.#columns ?? names.map((_, j) => j)).map((c) => {
      const j = typeof c === "number" ? c : names.indexOf(c);
      if (!Number.isInteger(j) || j < 0 || j >= width) {
        throw new RangeError(
          `Cannot parse ${this.#source} as the column is missing: column=${JSON.stringify(c)}`,
        );
      }
      return j;
    });
    this.#width = width;
    this.#buf = new Float64Array(Math.min(this.#chunkRows, 64) * this.#keep.length);
  }
}

/**
 * Reads a numeric CSV file (or a byte stream) as chunks of at most
 * `chunkRows` rows, decoding and parsing the bytes as they arrive. Rules and
 * errors are {@linkcode parseNumericCsv}'s; see {@linkcode CsvChunker}.
 * Permissions: `--allow-read` on `input` when it is a path.
 *
 * @example Cluster a CSV stream chunk by chunk
 * ```ts
 * import { csvChunks } from "./csv_stream.ts";
 * import assert from "node:assert/strict";
 * const bytes = new TextEncoder().encode("a,b\n1,2\n3,4\n5,6\n");
 * const stream = new Blob([bytes]).stream();
 * const rows: number[] = [];
 * for await (const X of csvChunks(stream, { header: true, chunkRows: 2 })) rows.push(X.rows);
 * assert.deepEqual(rows, [2, 1]);
 * ```
 * @throws {SyntaxError} on a non-numeric cell, a ragged row or an unterminated quote.
 * @throws {RangeError} on a non-finite value, a missing column or no data rows.
 * @throws {Deno.errors.NotFound} when the file does not exist.
 */
export async function* csvChunks(
  input: string | URL | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options: CsvChunksOptions = {},
): AsyncGenerator<Matrix, void, undefined> {
  const isPath = typeof input === "string" || input instanceof URL;
  const source = options.source ?? (isPath ? String(input) : "input");
  const parser = new CsvChunker({ ...options, source });
  let file: Deno.FsFile | undefined;
  let bytes: AsyncIterable<Uint8Array>;
  if (isPath) {
    try {
      file = await Deno.open(input);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new Deno.errors.NotFound(
          `Cannot read the file as it does not exist: path=${source}`,
        );
      }
      throw e;
    }
    bytes = file.readable;
  } else bytes = input;
  const decoder = new TextDecoder();
  try {
    for await (const piece of bytes) {
      yield* parser.push(decoder.decode(piece, { stream: true }));
    }
    yield* parser.push(decoder.decode());
    yield* parser.end();
  } finally {
    // file.readable closes the file at its end; close it if we stop early.
    try {
      file?.close();
    } catch { /* already closed */ }
  }
}
