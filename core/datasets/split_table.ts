/**
 * A labelled table with its own train/test split, as the cookbook's
 * `classification.csv`: a header, a `split` column of `train`/`test`, a
 * numeric label column, and numeric features in every other column.
 *
 * @module
 */
// @ts-types="@types/d3-dsv"
import { csvParseRows } from "d3-dsv";
import { shown } from "../messages.ts";
import { type Matrix, matrix } from "../matrix.ts";
import { readText } from "../io/files.ts";

/** One side of the split. */
export interface LabelledRows {
  readonly X: Matrix;
  readonly y: Float64Array;
}

/** A parsed split table. */
export interface SplitTable {
  readonly train: LabelledRows;
  readonly test: LabelledRows;
  /** The feature columns' names, in order. */
  readonly features: readonly string[];
}

/** Options of {@linkcode parseSplitTable}. */
export interface SplitTableOptions {
  /** The split column. @default "split" */
  split?: string;
  /** The label column. @default "y" */
  label?: string;
  /** Name used in error messages. @default "input" */
  source?: string;
}

/**
 * Parses a split table from CSV text. Blank lines are skipped.
 *
 * @example
 * ```ts
 * import { parseSplitTable } from "./split_table.ts";
 * import assert from "node:assert/strict";
 * const t = parseSplitTable("split,y,a,b\ntrain,0,1,2\ntest,1,3,4\ntrain,1,5,6\n");
 * assert.deepEqual(Array.from(t.train.y), [0, 1]);
 * assert.deepEqual(Array.from(t.test.X.data), [3, 4]);
 * assert.throws(() => parseSplitTable("y,a\n0,1\n"), {
 *   name: "RangeError",
 *   message: 'Cannot use input as it has no column "split": columns=y,a',
 * });
 * ```
 * @param text CSV with a header row.
 * @param options the split and label columns' names.
 * @returns the train and test rows.
 * @throws {RangeError} on a missing column, a split value other than train/test, an empty side, or a non-finite value.
 * @throws {SyntaxError} on a ragged row or a non-numeric cell.
 */
export function parseSplitTable(text: string, options: SplitTableOptions = {}): SplitTable {
  const { split = "split", label = "y", source = "input" } = options;
  const rows = csvParseRows(text).filter((r) => !(r.length === 1 && r[0].trim() === ""));
  if (rows.length === 0) throw new RangeError(`Cannot use ${source} as it is empty`);
  const header = rows[0].map((h) => h.trim());
  const si = header.indexOf(split), li = header.indexOf(label);
  for (const [name, at] of [[split, si], [label, li]] as const) {
    if (at < 0) {
      throw new RangeError(
        `Cannot use ${source} as it has no column "${name}": columns=${shown(header.join(","))}`,
      );
    }
  }
  const keep = header.map((_, j) => j).filter((j) => j !== si && j !== li);
  if (keep.length === 0) {
    throw new RangeError(
      `Cannot use ${source} as it has no feature column besides ${split} and ${label}`,
    );
  }
  const sides = { train: [] as number[][], test: [] as number[][] };
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r], line = r + 1;
    if (row.length !== header.length) {
      throw new SyntaxError(
        `Cannot parse ${source} as line ${line} has ${row.length} cells, the header ${header.length}`,
      );
    }
    const side = row[si].trim();
    if (side !== "train" && side !== "test") {
      throw new RangeError(
        `Cannot use ${source} as line ${line}'s ${split} is not train or test: ${split}=${
          JSON.stringify(row[si])
        }`,
      );
    }
    const values = [li, ...keep].map((j) => {
      const cell = row[j].trim();
      const v = cell === "" ? NaN : Number(cell);
      if (Number.isNaN(v) && !/^nan$/i.test(cell)) {
        throw new SyntaxError(
          `Cannot parse ${source} as line ${line}, column ${j + 1} is not a number: ${
            JSON.stringify(row[j])
          }`,
        );
      }
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `Cannot use ${source} as line ${line}, column ${j + 1} is not finite: ${
            header[j]
          }=${cell}`,
        );
      }
      return v;
    });
    sides[side].push(values);
  }
  const build = (name: "train" | "test"): LabelledRows => {
    const list = sides[name];
    if (list.length === 0) throw new RangeError(`Cannot use ${source} as it has no ${name} rows`);
    const X = matrix(list.length, keep.length), y = new Float64Array(list.length);
    list.forEach((v, i) => {
      y[i] = v[0];
      X.data.set(v.slice(1), i * keep.length);
    });
    return { X, y };
  };
  return { train: build("train"), test: build("test"), features: keep.map((j) => header[j]) };
}

/**
 * Reads a split table file (see {@linkcode parseSplitTable}).
 * Permissions: `--allow-read` on `path`.
 */
export async function loadSplitTable(
  path: string,
  options: Omit<SplitTableOptions, "source"> = {},
): Promise<SplitTable> {
  return parseSplitTable(await readText(path), { ...options, source: path });
}
