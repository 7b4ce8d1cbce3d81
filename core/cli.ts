/**
 * The command line shared by every recipe: `--help`, `--seed`, `--out`,
 * `--json`, `--no-plot`, `--input-file`, `--quiet`, plus the recipe's own
 * flags; flag values checked up front; any error becomes one line on stderr
 * and exit code 2 (never a stack trace).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { oneLine, shown } from "./messages.ts";
import { stopAllWorkers } from "./workers.ts";
import {
  checkInterrupt,
  Interrupted,
  stopWatchingInterrupts,
  watchInterrupts,
} from "./interrupt.ts";

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
 * `<= max`: a `number`, or one of its `keywords` (e.g. `auto`) as given.
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
  /** Upper bound, inclusive (none when absent). */
  readonly max?: number;
  /** `min` itself is excluded. */
  readonly exclusiveMin?: boolean;
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

/** Every flag `--help` lists and `parseCli` accepts: the common ones, then the recipe's. */
function allFlags(cli: RecipeCli): Record<string, FlagSpec> {
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
function bounds(f: { min?: number; max?: number; exclusiveMin?: boolean }): string {
  const lo = f.min === undefined ? "" : `${f.exclusiveMin ? ">" : ">="} ${f.min}`;
  const hi = f.max === undefined ? "" : `<= ${f.max}`;
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
  if (f.type === "boolean" || f.default === undefined) return "";
  const d = f.type === "list" ? f.default.join(",") : String(f.default);
  return d === "" ? "" : ` (default: ${d})`;
}

/** One line of `--help`: `--name VALUE  Description, range (default: …)`. */
function helpLine(name: string, f: FlagSpec): string {
  const left = `  --${name}${f.type === "boolean" ? "" : ` ${f.value ?? PLACEHOLDER[f.type]}`}`;
  const range = rangeText(f);
  const text = f.description.replace(/\.$/, "") + (range ? `, ${range}` : "") + defaultText(f);
  return `${left.padEnd(26)} ${text}`;
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
  const rows = Object.entries(allFlags(cli)).map(([name, f]) => helpLine(name, f));
  return `${cli.summary}\n\nUsage:\n  ${cli.command} [options]\n\nOptions:\n${rows.join("\n")}\n`;
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
 * Parses `argv` for a recipe: the common flags, and the recipe's own flags
 * typed and checked against its table (each default typed as declared).
 *
 * @example
 * ```ts
 * import { parseCli } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const cli = {
 *   name: "demo",
 *   summary: "Demo.",
 *   command: "deno run demo.ts",
 *   flags: {
 *     clusters: { type: "integer", min: 1, max: 1000, default: 4, description: "Clusters." },
 *     eps: { type: "number", min: 0, exclusiveMin: true, description: "Radius." },
 *   },
 * } as const;
 * const args = parseCli(cli, ["--seed", "7", "--json", "--eps", "0.5"]);
 * assert.equal(args?.seed, 7);
 * assert.equal(args?.out, "out/demo");
 * const k: number | undefined = args?.flags.clusters;
 * assert.equal(k, 4);
 * assert.equal(args?.flags.eps, 0.5);
 * assert.throws(() => parseCli(cli, ["--bogus"]), { name: "UsageError" });
 * assert.throws(() => parseCli(cli, ["--eps", "0"]), { message: /--eps must be a number > 0/ });
 * ```
 * @returns the arguments, or `undefined` when `--help` was asked for (the help is printed).
 * @throws {UsageError} on an unknown flag, a missing value, or a value outside its flag's range.
 */
export function parseCli<const C extends RecipeCli>(
  cli: C,
  argv: string[],
): CliArgs<FlagsOf<C>> | undefined {
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const [name, f] of Object.entries(allFlags(cli))) {
    options[name] = { type: f.type === "boolean" ? "boolean" : "string" };
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false })
      .values as Record<string, string | boolean | undefined>;
  } catch (e) {
    const msg = oneLine((e as Error).message).replace(/\. To specify.*$/, "").replace(
      /\? To specify.*$/,
      "?",
    );
    throw new UsageError(`Cannot parse the command line as ${lowerFirst(msg)} (see --help)`);
  }
  if (values.help) {
    console.log(helpText(cli));
    return undefined;
  }
  const seed = values.seed === undefined
    ? (cli.defaultSeed ?? 0)
    : intFlag(values.seed as string, "seed", COMMON.seed.min, COMMON.seed.max);
  // The flag table is the one place a range and a default live.
  const flags: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(cli.flags ?? {})) {
    flags[name] = flagValue(name, f, values[name]);
  }
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

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
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
}

/** A finite number within `f`'s bounds, or a UsageError naming the flag, the range and the value. */
function checkNumber(
  value: string,
  name: string,
  f: NumberRange & { keywords?: readonly string[] },
): number {
  const v = value.trim() === "" ? NaN : Number(value);
  const lowOk = f.min === undefined || (f.exclusiveMin ? v > f.min : v >= f.min);
  const highOk = f.max === undefined || v <= f.max;
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
 * (integers only with `integer`); used by `parseCli` for list flags.
 *
 * @example
 * ```ts
 * import { listFlag } from "./cli.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(listFlag("5, 15,30", "perplexities", { min: 0, exclusiveMin: true }), [5, 15, 30]);
 * assert.throws(() => listFlag("5,,30", "perplexities"), { name: "UsageError" });
 * ```
 * @throws {UsageError} naming the flag and the bad item.
 */
export function listFlag(
  value: string,
  name: string,
  range: NumberRange & { integer?: boolean } = {},
): number[] {
  return value.split(",").map((item) => {
    if (range.integer) {
      return intFlag(item, name, range.min ?? -Infinity, range.max ?? Infinity);
    }
    return numberFlag(item, name, range);
  });
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

/** Error classes that mean bad input or usage (exit code 2). */
function isInputError(e: unknown): boolean {
  return e instanceof UsageError || e instanceof RangeError || e instanceof TypeError ||
    e instanceof SyntaxError || e instanceof Deno.errors.NotFound ||
    e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable;
}

/** Quotes a shell word when it needs it. */
const shellWord = (w: string) => /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`;

/**
 * For a missing read or write permission, the recipe's command with that
 * permission widened to the folder it needed, followed by the same
 * arguments: a command that works. `undefined` for any other error.
 *
 * @example
 * ```ts
 * import { permissionHint } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const e = new Deno.errors.NotCapable('Requires read access to "/tmp/a/p.txt", run again with the --allow-read flag');
 * assert.equal(
 *   permissionHint("deno run --allow-read=data,out --allow-write=out recipes/kmeans.ts", e, ["--input-file", "/tmp/a/p.txt"]),
 *   "deno run --allow-read=data,out,/tmp/a --allow-write=out recipes/kmeans.ts --input-file /tmp/a/p.txt",
 * );
 * ```
 */
export function permissionHint(command: string, e: unknown, argv: string[]): string | undefined {
  if (!(e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable)) {
    return undefined;
  }
  const m = /Requires (read|write) access to "([^"]+)"/.exec(e.message) ??
    /(read|write) permission is missing .*: path=(.+)$/.exec(e.message);
  if (!m) return undefined;
  const [, kind, path] = m;
  // Reading: the file's folder. Writing: the --out folder when the path is in
  // it, else the path's folder; and read access there too (atomic writes
  // rename a temp file).
  const outAt = argv.findIndex((a) => a === "--out" || a.startsWith("--out="));
  const out = outAt < 0
    ? undefined
    : argv[outAt].startsWith("--out=")
    ? argv[outAt].slice(6)
    : argv[outAt + 1];
  const dir = kind === "write" && out && (path === out || path.startsWith(`${out}/`))
    ? out
    : dirname(path);
  const words = command.split(/\s+/);
  for (const k of kind === "write" ? ["write", "read"] : ["read"]) {
    const at = words.findIndex((w) => w === `--allow-${k}` || w.startsWith(`--allow-${k}=`));
    if (at < 0) words.splice(2, 0, `--allow-${k}=${dir}`);
    else if (words[at].includes("=")) words[at] += `,${dir}`;
  }
  return [...words, ...argv].map(shellWord).join(" ");
}

/** The folder part of a path ("." for a bare name). */
function dirname(path: string): string {
  const i = path.replace(/\/+$/, "").lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

/**
 * Runs a recipe's `main` with error handling: an error prints
 * `<recipe>: error: <message>` on one line of stderr and sets the exit code
 * (2 for bad input or usage, 1 for anything unexpected). Ctrl-C stops the
 * recipe at its next progress update (see `interrupt.ts`) with one line
 * saying what it kept, and exit code 130.
 */
export async function runMain(
  cli: string | Pick<RecipeCli, "name" | "command">,
  main: (argv: string[]) => Promise<void>,
  argv: string[] = Deno.args,
): Promise<void> {
  const name = typeof cli === "string" ? cli : cli.name;
  watchInterrupts();
  try {
    await main(argv);
  } catch (e) {
    if (e instanceof Interrupted) {
      const kept = e.saved.length ? `kept ${e.saved.join("; ")}` : "nothing was saved";
      console.error(`${name}: interrupted (Ctrl-C); ${kept}`);
      Deno.exitCode = 130;
      return;
    }
    let msg = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    const hint = typeof cli === "string" ? undefined : permissionHint(cli.command, e, argv);
    if (hint) msg = `${msg.replace(/ \(run with --allow-\w+\)/, "")}; run: ${hint}`;
    console.error(`${name}: error: ${msg}`);
    Deno.exitCode = isInputError(e) ? 2 : 1;
  } finally {
    stopWatchingInterrupts();
    stopAllWorkers(); // an idle helper thread would keep the process alive a moment
  }
}

/**
 * A progress line on stderr (`label [#####.....] 50% ETA 3s`), redrawn in
 * place on a terminal and printed as a few plain lines otherwise. Silent when
 * `quiet`. Each update throws `Interrupted` once Ctrl-C was pressed.
 */
export class Progress {
  #total: number;
  #label: string;
  #quiet: boolean;
  #start = performance.now();
  #lastPct = -1;
  #tty: boolean;

  constructor(label: string, total: number, quiet = false) {
    this.#label = label;
    this.#total = Math.max(1, total);
    this.#quiet = quiet;
    this.#tty = Deno.stderr.isTerminal();
  }

  /** Reports `done` of `total` units finished. */
  update(done: number, extra = ""): void {
    checkInterrupt(); // every progress update is a safe point to stop at
    if (this.#quiet) return;
    const frac = Math.min(1, done / this.#total);
    const pct = Math.floor(frac * 100);
    const step = this.#tty ? 1 : 25;
    if (pct < this.#lastPct + step && done < this.#total) return;
    this.#lastPct = pct;
    const elapsed = (performance.now() - this.#start) / 1000;
    const eta = frac > 0 ? (elapsed / frac) * (1 - frac) : 0;
    const bar = "#".repeat(Math.round(frac * 20)).padEnd(20, ".");
    const line = `${this.#label} [${bar}] ${String(pct).padStart(3)}% ${done}/${this.#total}` +
      ` ETA ${eta.toFixed(0)}s${extra ? " " + extra : ""}`;
    const enc = new TextEncoder();
    if (this.#tty) Deno.stderr.writeSync(enc.encode(`\r${line}\x1b[K`));
    else Deno.stderr.writeSync(enc.encode(line + "\n"));
  }

  /** Finishes the line and reports the elapsed time. */
  done(): number {
    const elapsed = (performance.now() - this.#start) / 1000;
    if (!this.#quiet && this.#tty) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
    return elapsed;
  }
}

/**
 * Prints a recipe's result: the JSON object alone with `--json`, else the
 * human-readable lines.
 */
export function emit(args: CommonArgs, lines: string[], json: unknown): void {
  if (args.json) console.log(JSON.stringify(json));
  else console.log(lines.join("\n"));
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
