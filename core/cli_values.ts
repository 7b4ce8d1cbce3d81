/**
 * The runtime-neutral half of the recipes' command line: the flag tables'
 * types, their checking and typing (`flagsFromValues`), `--help` text, and
 * the report formatters. No Deno, no Node: the browser site builds its forms
 * from the same tables and checks values with the same messages.
 * `core/cli.ts` re-exports all of it beside the argv parser and the runner.
 *
 * @module
 */
import { shown } from "./messages.ts";
import type { TopLevelSpec } from "vega-lite";

/**
 * What a recipe computes, runtime-neutral: the report's lines, the `--json`
 * object, and its figures as Vega-Lite specs (named as their files). The
 * command line prints and saves it; the browser site shows it.
 */
export interface RecipeOutput {
  /** The report, as printed without `--json`. */
  lines: string[];
  /** The object `--json` prints. */
  json: unknown;
  /** The figures (none with `--no-plot`), each saved as `<out>/<name>.svg`. */
  figures: { name: string; spec: TopLevelSpec }[];
  /** Warnings, one line each (the command line prints them on stderr). */
  warnings?: string[];
  /** Other files the recipe writes under `--out` (e.g. a compressed image), before the figures. */
  files?: { name: string; bytes: Uint8Array }[];
}

/** A wrong flag or flag value (exit code 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * What every flag of a table declares, whatever its type: its help line, its
 * value's placeholder, and whether it must be given.
 *
 * @example
 * ```ts
 * import type { FlagBase } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const base: FlagBase = { description: "Image to compress.", value: "FILE", required: true };
 * assert.equal(JSON.parse(JSON.stringify(base)).value, "FILE");
 * ```
 */
export interface FlagBase {
  /** Shown in `--help`, followed by the range or choices and the default. */
  readonly description: string;
  /** Placeholder for the value in `--help`, e.g. `K`; by default one per flag type. */
  readonly value?: string;
  /** The flag must be given, and not empty (`Cannot run as --x is required`). */
  readonly required?: boolean;
  /**
   * What `--help` shows as the default of a flag without `default`, whose
   * absence the recipe tells apart from any value (e.g. `--xi`, refused
   * where it has no effect, 0.05 otherwise).
   */
  readonly defaultHelp?: string;
}

/**
 * An integer flag in [`min`, `max`]: a `number`.
 *
 * @example
 * ```ts
 * import { type IntegerFlag, parseCli } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const clusters = {
 *   type: "integer", min: 1, max: 1000, default: 4, description: "Number of clusters.",
 * } as const satisfies IntegerFlag;
 * const cli = { name: "demo", summary: "Demo.", command: "deno run demo.ts", flags: { clusters } };
 * const k: number = parseCli(cli, ["--clusters", "7"])!.flags.clusters;
 * assert.equal(k, 7);
 * assert.throws(() => parseCli(cli, ["--clusters", "7.5"]), {
 *   message: "Cannot run as --clusters must be an integer in [1, 1000]: --clusters=7.5",
 * });
 * ```
 */
export interface IntegerFlag extends FlagBase {
  readonly type: "integer";
  /** Smallest value accepted. */
  readonly min: number;
  /** Largest value accepted. */
  readonly max: number;
  /** Value when the flag is absent (else `undefined`). */
  readonly default?: number;
}

/**
 * A finite number flag, `> min` with `exclusiveMin` (else `>= min`) and
 * `< max` with `exclusiveMax` (else `<= max`): a `number`, or one of its
 * `keywords` (e.g. `auto`) as given.
 *
 * @example
 * ```ts
 * import { type NumberFlag, parseCli } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const rate = {
 *   type: "number", min: 0, exclusiveMin: true, keywords: ["auto"], default: 100,
 *   description: "Learning rate.",
 * } as const satisfies NumberFlag;
 * const cli = { name: "demo", summary: "Demo.", command: "deno run demo.ts", flags: { rate } };
 * const r: number | "auto" = parseCli(cli, ["--rate", "auto"])!.flags.rate;
 * assert.equal(r, "auto");
 * assert.equal(parseCli(cli, [])!.flags.rate, 100);
 * assert.throws(() => parseCli(cli, ["--rate", "0"]), {
 *   message: "Cannot run as --rate must be a number > 0 or auto: --rate=0",
 * });
 * ```
 */
export interface NumberFlag extends FlagBase {
  readonly type: "number";
  /** Lower bound (none when absent). */
  readonly min?: number;
  /** Upper bound, inclusive unless `exclusiveMax` (none when absent). */
  readonly max?: number;
  /** `min` itself is excluded. */
  readonly exclusiveMin?: boolean;
  /** `max` itself is excluded. */
  readonly exclusiveMax?: boolean;
  /** Words accepted instead of a number, passed through as given. */
  readonly keywords?: readonly string[];
  /** Value when the flag is absent (else `undefined`). */
  readonly default?: number;
}

/**
 * A flag restricted to a set of words: the union of `choices` when the table
 * is `as const`.
 *
 * @example
 * ```ts
 * import { type ChoiceFlag, parseCli } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const linkage = {
 *   type: "choice", choices: ["ward", "single"], default: "ward", description: "Linkage.",
 * } as const satisfies ChoiceFlag;
 * const cli = { name: "demo", summary: "Demo.", command: "deno run demo.ts", flags: { linkage } };
 * const l: "ward" | "single" = parseCli(cli, ["--linkage", "single"])!.flags.linkage;
 * assert.equal(l, "single");
 * assert.throws(() => parseCli(cli, ["--linkage", "x"]), {
 *   message: "Cannot run as --linkage must be one of ward, single: --linkage=x",
 * });
 * ```
 */
export interface ChoiceFlag extends FlagBase {
  readonly type: "choice";
  /** The words accepted, in the order `--help` lists them. */
  readonly choices: readonly string[];
  /** Value when the flag is absent (else `undefined`). */
  readonly default?: string;
}

/**
 * A comma-separated list of numbers, each checked against the range (and an
 * integer with `integer`): a `number[]`.
 *
 * @example
 * ```ts
 * import { type ListFlag, parseCli } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const sizes = {
 *   type: "list", integer: true, min: 1, max: 100, default: [10, 5], description: "Sizes.",
 * } as const satisfies ListFlag;
 * const cli = { name: "demo", summary: "Demo.", command: "deno run demo.ts", flags: { sizes } };
 * const s: number[] = parseCli(cli, [])!.flags.sizes;
 * assert.deepEqual(s, [10, 5]);
 * assert.deepEqual(parseCli(cli, ["--sizes", "1,2,3"])!.flags.sizes, [1, 2, 3]);
 * assert.throws(() => parseCli(cli, ["--sizes", "1,0"]), {
 *   message: "Cannot run as --sizes must be an integer in [1, 100]: --sizes=0",
 * });
 * ```
 */
export interface ListFlag extends FlagBase {
  readonly type: "list";
  /** Every item must be an integer. */
  readonly integer?: boolean;
  /** Lower bound of every item (none when absent). */
  readonly min?: number;
  /** Upper bound of every item, inclusive (none when absent). */
  readonly max?: number;
  /** `min` itself is excluded. */
  readonly exclusiveMin?: boolean;
  /** Value when the flag is absent (else `undefined`). */
  readonly default?: readonly number[];
}

/**
 * A free-form text flag (`string`) or a file or folder (`path`): a `string`,
 * as given.
 *
 * @example
 * ```ts
 * import { parseCli, type StringFlag } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const symbols = {
 *   type: "path", value: "FILE", default: "data/symbols.json", description: "Symbol map.",
 * } as const satisfies StringFlag;
 * const cli = { name: "demo", summary: "Demo.", command: "deno run demo.ts", flags: { symbols } };
 * const s: string = parseCli(cli, [])!.flags.symbols;
 * assert.equal(s, "data/symbols.json");
 * ```
 */
export interface StringFlag extends FlagBase {
  readonly type: "string" | "path";
  /** Value when the flag is absent (else `undefined`). */
  readonly default?: string;
}

/**
 * A switch without a value: `true` when given, else `false`.
 *
 * @example
 * ```ts
 * import { type BooleanFlag, parseCli } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const fast = { type: "boolean", description: "Go fast." } as const satisfies BooleanFlag;
 * const cli = { name: "demo", summary: "Demo.", command: "deno run demo.ts", flags: { fast } };
 * const f: boolean = parseCli(cli, [])!.flags.fast;
 * assert.equal(f, false);
 * assert.equal(parseCli(cli, ["--fast"])!.flags.fast, true);
 * ```
 */
export interface BooleanFlag extends FlagBase {
  readonly type: "boolean";
  /** A switch cannot be required. */
  readonly required?: never;
}

/**
 * One flag of a recipe's table: plain data (JSON-serialisable), so that the
 * help, the parser and e.g. a web form all read the same declaration.
 *
 * @example
 * ```ts
 * import type { FlagSpec } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const eps: FlagSpec = { type: "number", min: 0, exclusiveMin: true, description: "Radius." };
 * assert.deepEqual(JSON.parse(JSON.stringify(eps)), eps);
 * ```
 */
export type FlagSpec = IntegerFlag | NumberFlag | ChoiceFlag | ListFlag | StringFlag | BooleanFlag;

/**
 * A recipe's flag table: flag name (without `--`) to its declaration.
 *
 * @example
 * ```ts
 * import type { FlagTable } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const table = {
 *   "n-init": { type: "integer", min: 1, max: 1000, default: 10, description: "Restarts." },
 * } as const satisfies FlagTable;
 * assert.equal(table["n-init"].default, 10);
 * ```
 */
export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** A present flag's value, by type. */
type Parsed<F> = F extends { readonly type: "integer" } ? number
  : F extends { readonly type: "number"; readonly keywords: readonly (infer W)[] } ? number | W
  : F extends { readonly type: "number" } ? number
  : F extends { readonly type: "choice"; readonly choices: readonly (infer C)[] } ? C
  : F extends { readonly type: "list" } ? number[]
  : F extends { readonly type: "boolean" } ? boolean
  : string;

/**
 * The typed value `parseCli` gives for a flag declared as `F`: `number` for
 * an integer or number flag, the union of the choices for a choice flag (of
 * an `as const` table), `number[]` for a list, `string` for a string or
 * path, `boolean` for a switch; `| undefined` when the flag has neither a
 * default nor `required`.
 *
 * @example
 * ```ts
 * import type { FlagValue } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const k: FlagValue<{ type: "integer"; min: 1; max: 9; default: 3; description: "" }> = 3;
 * const eps: FlagValue<{ type: "number"; description: "" }> = undefined;
 * const shape: FlagValue<{ type: "choice"; choices: readonly ["a", "b"]; description: "" }> = "a";
 * assert.deepEqual([k, eps, shape], [3, undefined, "a"]);
 * ```
 */
export type FlagValue<F extends FlagSpec> = F extends { readonly type: "boolean" } ? boolean
  : F extends { readonly default: unknown } | { readonly required: true } ? Parsed<F>
  : Parsed<F> | undefined;

/**
 * The typed values of a whole flag table, by flag name.
 *
 * @example
 * ```ts
 * import type { FlagValues } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const table = {
 *   "k": { type: "integer", min: 1, max: 9, default: 3, description: "k" },
 *   "model": { type: "path", description: "Saved model." },
 * } as const;
 * const values: FlagValues<typeof table> = { k: 3, model: undefined };
 * assert.equal(values.k, 3);
 * ```
 */
export type FlagValues<T extends FlagTable> = { -readonly [K in keyof T]: FlagValue<T[K]> };

/**
 * The flag table of a recipe's CLI declaration (an empty one when it has none).
 *
 * @example
 * ```ts
 * import type { FlagsOf } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const cli = {
 *   name: "demo", summary: "Demo.", command: "deno run demo.ts",
 *   flags: { fast: { type: "boolean", description: "Go fast." } },
 * } as const;
 * const flags: FlagsOf<typeof cli> = cli.flags;
 * assert.equal(flags.fast.type, "boolean");
 * ```
 */
export type FlagsOf<C extends RecipeCli> = C extends { readonly flags: infer F extends FlagTable }
  ? F
  : C extends { readonly flags?: infer F extends FlagTable } ? F
  : Record<never, never>;

/**
 * What a recipe declares about its command line. Declare it
 * `as const satisfies RecipeCli` so that `parseCli` types each flag.
 *
 * @example
 * ```ts
 * import type { RecipeCli } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const CLI = {
 *   name: "demo",
 *   summary: "Demo.",
 *   command: "deno run demo.ts",
 *   flags: { "k": { type: "integer", min: 1, max: 9, default: 3, description: "Clusters." } },
 * } as const satisfies RecipeCli;
 * assert.equal(CLI.flags.k.max, 9);
 * ```
 */
export interface RecipeCli {
  /** Recipe name, e.g. "kmeans": default output folder `out/<name>`. */
  readonly name: string;
  /** One-paragraph summary for `--help`. */
  readonly summary: string;
  /** The exact `deno run …` command with its permission flags. */
  readonly command: string;
  /** Recipe-specific flags. */
  readonly flags?: FlagTable;
  /** Default of `--input-file` (the shipped data), if the recipe reads one. */
  readonly defaultInput?: string;
  /** Default of `--seed`. @default 0 */
  readonly defaultSeed?: number;
  /**
   * The recipe writes to `--out` even with `--no-plot` (a trained model):
   * its folder is then created before the work in every run, not only in
   * runs that plot. @default false
   */
  readonly savesModel?: boolean;
}

/** The common flags every recipe takes, parsed. */
export interface CommonArgs {
  seed: number;
  out: string;
  json: boolean;
  plot: boolean;
  quiet: boolean;
  inputFile: string;
}

/**
 * The common flags plus the recipe's own, typed by its flag table.
 *
 * @example
 * ```ts
 * import { type CliArgs, parseCli } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const cli = {
 *   name: "demo", summary: "Demo.", command: "deno run demo.ts",
 *   flags: { k: { type: "integer", min: 1, max: 9, default: 3, description: "k" } },
 * } as const;
 * const args: CliArgs<typeof cli.flags> = parseCli(cli, ["--k", "5"])!;
 * assert.equal(args.flags.k, 5);
 * ```
 */
export interface CliArgs<F extends FlagTable = FlagTable> extends CommonArgs {
  flags: FlagValues<F>;
}

const COMMON = {
  "help": { type: "boolean", description: "Show this help and exit." },
  "seed": {
    type: "integer",
    min: 0,
    max: 0xffffffff,
    value: "N",
    description: "Seed of the random generator.",
  },
  "out": { type: "path", value: "DIR", description: "Folder for the plots." },
  "json": {
    type: "boolean",
    description: "Print one JSON object on stdout instead of the report.",
  },
  "no-plot": { type: "boolean", description: "Do not write plots." },
  "quiet": { type: "boolean", description: "No progress output on stderr." },
} as const satisfies FlagTable;

/** Placeholders of values in `--help`, by flag type. */
const PLACEHOLDER: Record<FlagSpec["type"], string> = {
  integer: "N",
  number: "X",
  choice: "NAME",
  list: "LIST",
  string: "VALUE",
  path: "PATH",
  boolean: "",
};

/**
 * Every flag `--help` lists and `parseCli` accepts: the common ones, then the recipe's.
 *
 * @example
 * ```ts
 * import { allFlags } from "./cli_values.ts";
 * import assert from "node:assert/strict";
 * const flags = allFlags({ name: "demo", summary: "Demo.", command: "deno run demo.ts", defaultInput: "data/x.txt" });
 * assert.deepEqual(Object.keys(flags), ["help", "seed", "out", "json", "no-plot", "quiet", "input-file"]);
 * assert.equal(flags.out.type === "path" && flags.out.default, "out/demo");
 * ```
 */
export function allFlags(cli: RecipeCli): Record<string, FlagSpec> {
  const flags: Record<string, FlagSpec> = { ...COMMON, ...(cli.flags ?? {}) };
  flags.seed = { ...COMMON.seed, default: cli.defaultSeed ?? 0 };
  flags.out = { ...COMMON.out, default: `out/${cli.name}` };
  if (cli.defaultInput !== undefined) {
    flags["input-file"] = {
      type: "path",
      value: "FILE",
      description: "Data file to use instead of the shipped one.",
      default: cli.defaultInput,
      ...(cli.flags?.["input-file"] ?? {}),
    } as FlagSpec;
  }
  return flags;
}

/** "> 0 and <= 1" (empty when unbounded). */
function bounds(
  f: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean },
): string {
  const lo = f.min === undefined ? "" : `${f.exclusiveMin ? ">" : ">="} ${f.min}`;
  const hi = f.max === undefined ? "" : `${f.exclusiveMax ? "<" : "<="} ${f.max}`;
  return [lo, hi].filter(Boolean).join(" and ");
}

/** "a number > 0 and <= 1", "a number > 0 or auto". */
function numberText(f: NumberRange & { keywords?: readonly string[] }): string {
  const b = bounds(f);
  return `a number${b ? " " + b : ""}${f.keywords?.length ? ` or ${f.keywords.join(" or ")}` : ""}`;
}

/** What `--help` says a flag's value must be: its range or choices ("" when anything goes). */
function rangeText(f: FlagSpec): string {
  switch (f.type) {
    case "integer":
      return `an integer in [${f.min}, ${f.max}]`;
    case "number":
      return numberText(f);
    case "choice":
      return `one of: ${f.choices.join(", ")}`;
    case "list": {
      const b = bounds(f);
      return f.integer && f.min !== undefined && f.max !== undefined && !f.exclusiveMin
        ? `comma-separated integers in [${f.min}, ${f.max}]`
        : `comma-separated ${f.integer ? "integers" : "numbers"}${b ? " " + b : ""}`;
    }
    default:
      return "";
  }
}

/** The " (default: …)" of a help line ("" when there is none to show). */
function defaultText(f: FlagSpec): string {
  if (f.required) return " (required)";
  if (f.type !== "boolean" && f.default === undefined && f.defaultHelp) {
    return ` (default: ${f.defaultHelp})`;
  }
  if (f.type === "boolean" || f.default === undefined) return "";
  const d = f.type === "list" ? f.default.join(",") : String(f.default);
  return d === "" ? "" : ` (default: ${d})`;
}

/**
 * A flag's help text as `--help` prints it after the flag's name: its
 * description, range or choices, and default.
 *
 * @example
 * ```ts
 * import { flagHelp } from "./cli_values.ts";
 * import assert from "node:assert/strict";
 * const f = { type: "integer", min: 1, max: 9, default: 4, description: "Clusters." } as const;
 * assert.equal(flagHelp(f), "Clusters, an integer in [1, 9] (default: 4)");
 * ```
 */
export function flagHelp(f: FlagSpec): string {
  const range = rangeText(f);
  return f.description.replace(/\.$/, "") + (range ? `, ${range}` : "") + defaultText(f);
}

/** One line of `--help`: `--name VALUE  Description, range (default: …)`. */
function helpLine(name: string, f: FlagSpec, width: number): string {
  return `${helpLeft(name, f).padEnd(width)} ${flagHelp(f)}`;
}

/** A help line's left column: the flag and its value's placeholder. */
function helpLeft(name: string, f: FlagSpec): string {
  return `  --${name}${f.type === "boolean" ? "" : ` ${f.value ?? PLACEHOLDER[f.type]}`}`;
}

/**
 * The `--help` text of a recipe: each flag with its range or choices and its
 * default, from the flag table.
 *
 * @example
 * ```ts
 * import { helpText } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const help = helpText({
 *   name: "demo",
 *   summary: "Demo.",
 *   command: "deno run demo.ts",
 *   flags: {
 *     clusters: { type: "integer", min: 1, max: 1000, default: 4, value: "K", description: "Number of clusters." },
 *   },
 * });
 * assert.match(help, /--clusters K +Number of clusters, an integer in \[1, 1000\] \(default: 4\)\n/);
 * ```
 */
export function helpText(cli: RecipeCli): string {
  const flags = Object.entries(allFlags(cli));
  // (the descriptions in one column, after the recipe's longest flag)
  const width = Math.max(26, ...flags.map(([name, f]) => helpLeft(name, f).length + 1));
  const rows = flags.map(([name, f]) => helpLine(name, f, width));
  return `${cli.summary}\n\nUsage:\n  ${cli.command} [options]\n\nOptions:\n${rows.join("\n")}\n`;
}

/** An empty path (`--out ""` would mean the file system's root): a usage error. */
function emptyPath(name: string, value: string | undefined): UsageError {
  const what = value === "DIR" ? "a folder" : value === "FILE" ? "a file" : "a path";
  return new UsageError(`Cannot run as --${name} must name ${what}: --${name}=""`);
}

/** The typed value of one flag from its raw command-line value (checked against the table). */
function flagValue(name: string, f: FlagSpec, raw: string | boolean | undefined): unknown {
  if (f.type === "boolean") return raw === true;
  if (raw === undefined || (f.required && raw === "")) {
    if (f.required) {
      throw new UsageError(`Cannot run as --${name} is required: --${name}=(missing)`);
    }
    return f.type === "list" && f.default ? [...f.default] : f.default;
  }
  const value = String(raw);
  if (f.type === "path" && value === "") throw emptyPath(name, f.value);
  switch (f.type) {
    case "integer":
      return intFlag(value, name, f.min, f.max);
    case "number":
      return f.keywords?.includes(value) ? value : checkNumber(value, name, f);
    case "choice":
      return choiceFlag(value, name, f.choices);
    case "list":
      return listFlag(value, name, f);
    default:
      return value;
  }
}

/**
 * Parses an integer flag value in [min, max] (used by `parseCli` for integer flags).
 *
 * @throws {UsageError} naming the flag, the range and the value.
 */
export function intFlag(value: string, name: string, min: number, max: number): number {
  const v = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new UsageError(
      `Cannot run as --${name} must be an integer in [${min}, ${max}]: --${name}=${shown(value)}`,
    );
  }
  return v;
}

/** Bounds of a number flag. */
interface NumberRange {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
}

/** A finite number within `f`'s bounds, or a UsageError naming the flag, the range and the value. */
function checkNumber(
  value: string,
  name: string,
  f: NumberRange & { keywords?: readonly string[] },
): number {
  const v = value.trim() === "" ? NaN : Number(value);
  const lowOk = f.min === undefined || (f.exclusiveMin ? v > f.min : v >= f.min);
  const highOk = f.max === undefined || (f.exclusiveMax ? v < f.max : v <= f.max);
  if (!Number.isFinite(v) || !lowOk || !highOk) {
    throw new UsageError(
      `Cannot run as --${name} must be ${numberText(f)}: --${name}=${shown(value)}`,
    );
  }
  return v;
}

/**
 * Parses a number flag value (finite; `> min` when `exclusiveMin`); used by
 * `parseCli` for number flags.
 *
 * @throws {UsageError} naming the flag, the range and the value.
 */
export function numberFlag(value: string, name: string, range: NumberRange = {}): number {
  return checkNumber(value, name, {
    min: range.min,
    max: range.max,
    exclusiveMin: range.exclusiveMin,
  });
}

/**
 * Parses a comma-separated list of numbers, each checked as {@linkcode numberFlag}
 * (integers only with `integer`), none twice (each item is a run or a panel
 * of its own: a repeat would redo one); used by `parseCli` for list flags.
 *
 * @example
 * ```ts
 * import { listFlag } from "./cli.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(listFlag("5, 15,30", "perplexities", { min: 0, exclusiveMin: true }), [5, 15, 30]);
 * assert.throws(() => listFlag("5,,30", "perplexities"), { name: "UsageError" });
 * assert.throws(() => listFlag("5,30,5", "perplexities"), {
 *   message: "Cannot run as --perplexities lists 5 twice: --perplexities=5,30,5",
 * });
 * ```
 * @throws {UsageError} naming the flag and the bad or repeated item.
 */
export function listFlag(
  value: string,
  name: string,
  range: NumberRange & { integer?: boolean } = {},
): number[] {
  const items = value.split(",").map((item) => {
    if (range.integer) {
      return intFlag(item, name, range.min ?? -Infinity, range.max ?? Infinity);
    }
    return numberFlag(item, name, range);
  });
  const twice = items.find((v, i) => items.indexOf(v) !== i);
  if (twice !== undefined) {
    throw new UsageError(`Cannot run as --${name} lists ${twice} twice: --${name}=${shown(value)}`);
  }
  return items;
}

/** Parses a flag restricted to a set of words; used by `parseCli` for choice flags. */
export function choiceFlag<T extends string>(
  value: string,
  name: string,
  choices: readonly T[],
): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(
      `Cannot run as --${name} must be one of ${choices.join(", ")}: --${name}=${shown(value)}`,
    );
  }
  return value as T;
}

/**
 * Formats a number as Python prints a float (`2.0`, `0.8`, `0.6366`), after
 * rounding to `digits` significant digits to drop float noise.
 */
export function pyFloat(x: number, digits = 15): string {
  const v = Number(x.toPrecision(digits));
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/** Formats a number compactly for reports (up to 10 significant digits). */
export function fmt(x: number, digits = 10): string {
  return String(Number(x.toPrecision(digits)));
}

/**
 * The typed arguments of a recipe from raw flag values (strings, or true for
 * a switch), as `parseCli` gets them from argv and the browser site from its
 * form: the common flags, then the recipe's own, each checked against its
 * table (the one place a range and a default live).
 *
 * @example
 * ```ts
 * import { flagsFromValues } from "./cli_values.ts";
 * import assert from "node:assert/strict";
 * const cli = {
 *   name: "demo", summary: "Demo.", command: "deno run demo.ts",
 *   flags: { clusters: { type: "integer", min: 1, max: 9, default: 4, description: "Clusters." } },
 * } as const;
 * const args = flagsFromValues(cli, { clusters: "5", seed: "3" });
 * assert.deepEqual([args.flags.clusters, args.seed, args.out], [5, 3, "out/demo"]);
 * assert.throws(() => flagsFromValues(cli, { clusters: "10" }), /--clusters must be an integer in \[1, 9\]/);
 * ```
 * @throws {UsageError} on a missing required value or a value outside its flag's range.
 */
export function flagsFromValues<const C extends RecipeCli>(
  cli: C,
  values: Readonly<Record<string, string | boolean | undefined>>,
): CliArgs<FlagsOf<C>> {
  const seed = values.seed === undefined
    ? (cli.defaultSeed ?? 0)
    : intFlag(values.seed as string, "seed", COMMON.seed.min, COMMON.seed.max);
  const flags: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(cli.flags ?? {})) {
    flags[name] = flagValue(name, f, values[name]);
  }
  if (values.out === "") throw emptyPath("out", COMMON.out.value);
  return {
    seed,
    out: (values.out as string | undefined) ?? `out/${cli.name}`,
    json: values.json === true,
    plot: values["no-plot"] !== true,
    quiet: values.quiet === true || values.json === true,
    inputFile: (values["input-file"] as string | undefined) ?? cli.defaultInput ?? "",
    flags: flags as FlagValues<FlagsOf<C>>,
  };
}

/** A word of the command line as an error shows it: at most 60 characters. */
const cut = (word: string) => word.length > 60 ? `${word.slice(0, 60)}…` : word;

/** A value that starts as a negative number does: `-1`, `-.5`, `-1e3`, `-Infinity`. */
const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity$)/;

/**
 * Splits `argv` into raw flag values as Node's `util.parseArgs` does in
 * strict mode for the flags of `types` (string-valued or switches):
 * `--name value`, `--name=value`, `--switch`; anything else is an error with
 * parseArgs's words. One difference: a value that reads as a negative
 * number (`--preference -50`, `--seed -1`) is taken as the value, where
 * parseArgs calls it ambiguous; no flag starts with a digit, so it cannot
 * be one (the flag's range then judges it). Runtime-neutral, so the
 * command line parses the same way wherever the recipe runs.
 *
 * @example
 * ```ts
 * import { parseArgv } from "./cli_values.ts";
 * import assert from "node:assert/strict";
 * const types = { eps: "string", json: "boolean" } as const;
 * assert.deepEqual(parseArgv(["--eps", "0.5", "--json"], types), { eps: "0.5", json: true });
 * assert.deepEqual(parseArgv(["--eps=-1"], types), { eps: "-1" });
 * assert.deepEqual(parseArgv(["--eps", "-0.5"], types), { eps: "-0.5" });
 * assert.throws(() => parseArgv(["--eps", "--json"], types), /argument is ambiguous/);
 * assert.throws(() => parseArgv(["--bogus"], types), { message: "Unknown option '--bogus'" });
 * ```
 * @throws {TypeError} on an unknown flag, a missing or ambiguous value, a value given to a
 *   switch, or a positional argument.
 */
export function parseArgv(
  argv: readonly string[],
  types: Readonly<Record<string, "string" | "boolean">>,
): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      if (i + 1 < argv.length) {
        throw new TypeError(
          `Unexpected argument '${
            cut(argv[i + 1])
          }'. This command does not take positional arguments`,
        );
      }
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      throw new TypeError(
        `Unexpected argument '${cut(arg)}'. This command does not take positional arguments`,
      );
    }
    if (!arg.startsWith("--")) throw new TypeError(`Unknown option '${arg.slice(0, 2)}'`);
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const type = Object.hasOwn(types, name) ? types[name] : undefined;
    if (type === undefined) {
      throw new TypeError(`Unknown option '${cut(name ? `--${name}` : arg)}'`);
    }
    if (type === "boolean") {
      if (eq >= 0) throw new TypeError(`Option '--${name}' does not take an argument`);
      values[name] = true;
      continue;
    }
    if (eq >= 0) {
      values[name] = arg.slice(eq + 1);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined) throw new TypeError(`Option '--${name} <value>' argument missing`);
    if (next.startsWith("-") && !NEGATIVE_NUMBER.test(next)) {
      throw new TypeError(
        `Option '--${name}' argument is ambiguous.\nDid you forget to specify the option argument for '--${name}'?\nTo specify an option argument starting with a dash use '--${name}=-XYZ'.`,
      );
    }
    values[name] = next;
    i++;
  }
  return values;
}
