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

/** One recipe-specific flag. */
export interface FlagSpec {
  type: "string" | "boolean";
  /** Shown in `--help`. */
  description: string;
  /** Default value, shown in `--help`. */
  default?: string | boolean;
  /** Placeholder for the value in `--help`. @default "VALUE" */
  value?: string;
}

/** What a recipe declares about its command line. */
export interface RecipeCli {
  /** Recipe name, e.g. "kmeans": default output folder `out/<name>`. */
  name: string;
  /** One-paragraph summary for `--help`. */
  summary: string;
  /** The exact `deno run …` command with its permission flags. */
  command: string;
  /** Recipe-specific flags. */
  flags?: Record<string, FlagSpec>;
  /** Default of `--input-file` (the shipped data), if the recipe reads one. */
  defaultInput?: string;
  /** Default of `--seed`. @default 0 */
  defaultSeed?: number;
}

/** Parsed common flags plus the recipe's own (raw strings/booleans). */
export interface CommonArgs {
  seed: number;
  out: string;
  json: boolean;
  plot: boolean;
  quiet: boolean;
  inputFile: string;
  flags: Record<string, string | boolean | undefined>;
}

const COMMON: Record<string, FlagSpec> = {
  "help": { type: "boolean", description: "Show this help and exit." },
  "seed": {
    type: "string",
    value: "N",
    description: "Seed of the random generator (integer 0..2^32-1).",
  },
  "out": { type: "string", value: "DIR", description: "Folder for the plots." },
  "json": {
    type: "boolean",
    description: "Print one JSON object on stdout instead of the report.",
  },
  "no-plot": { type: "boolean", description: "Do not write plots." },
  "quiet": { type: "boolean", description: "No progress output on stderr." },
};

/** The `--help` text of a recipe. */
export function helpText(cli: RecipeCli): string {
  const flags: Record<string, FlagSpec> = { ...COMMON, ...(cli.flags ?? {}) };
  flags.seed = { ...flags.seed, default: String(cli.defaultSeed ?? 0) };
  flags.out = { ...flags.out, default: `out/${cli.name}` };
  if (cli.defaultInput !== undefined) {
    flags["input-file"] = {
      type: "string",
      value: "FILE",
      description: "Data file to use instead of the shipped one.",
      default: cli.defaultInput,
      ...(cli.flags?.["input-file"] ?? {}),
    };
  }
  const rows = Object.entries(flags).map(([name, f]) => {
    const left = `  --${name}${f.type === "string" ? ` ${f.value ?? "VALUE"}` : ""}`;
    const def = f.default === undefined || f.default === "" ? "" : ` (default: ${f.default})`;
    return `${left.padEnd(26)} ${f.description}${def}`;
  });
  return `${cli.summary}\n\nUsage:\n  ${cli.command} [options]\n\nOptions:\n${rows.join("\n")}\n`;
}

/**
 * Parses `argv` for a recipe.
 *
 * @example
 * ```ts
 * import { parseCli } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const cli = { name: "demo", summary: "Demo.", command: "deno run demo.ts" };
 * const args = parseCli(cli, ["--seed", "7", "--json"]);
 * assert.equal(args?.seed, 7);
 * assert.equal(args?.out, "out/demo");
 * assert.throws(() => parseCli(cli, ["--bogus"]), { name: "UsageError" });
 * ```
 * @returns the arguments, or `undefined` when `--help` was asked for (the help is printed).
 * @throws {UsageError} on an unknown flag, a missing value, or a bad seed.
 */
export function parseCli(cli: RecipeCli, argv: string[]): CommonArgs | undefined {
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const [name, f] of Object.entries({ ...COMMON, ...(cli.flags ?? {}) })) {
    options[name] = { type: f.type };
  }
  if (cli.defaultInput !== undefined) options["input-file"] = { type: "string" };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false })
      .values as Record<string, string | boolean | undefined>;
  } catch (e) {
    const msg = oneLine((e as Error).message).replace(/\. To specify.*$/, "");
    throw new UsageError(`Cannot parse the command line as ${lowerFirst(msg)} (see --help)`);
  }
  if (values.help) {
    console.log(helpText(cli));
    return undefined;
  }
  // The flag table is the one place a default lives: absent string flags take it here.
  for (const [name, f] of Object.entries(cli.flags ?? {})) {
    if (values[name] === undefined && f.type === "string" && typeof f.default === "string") {
      values[name] = f.default;
    }
  }
  const seed = values.seed === undefined
    ? (cli.defaultSeed ?? 0)
    : intFlag(values.seed as string, "seed", 0, 0xffffffff);
  return {
    seed,
    out: (values.out as string | undefined) ?? `out/${cli.name}`,
    json: values.json === true,
    plot: values["no-plot"] !== true,
    quiet: values.quiet === true || values.json === true,
    inputFile: (values["input-file"] as string | undefined) ?? cli.defaultInput ?? "",
    flags: values,
  };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * Parses an integer flag value in [min, max].
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

/**
 * Parses a number flag value (finite; `> min` when `exclusiveMin`).
 *
 * @throws {UsageError} naming the flag, the range and the value.
 */
export function numberFlag(
  value: string,
  name: string,
  range: { min?: number; max?: number; exclusiveMin?: boolean } = {},
): number {
  const v = value.trim() === "" ? NaN : Number(value);
  const lowOk = range.min === undefined ||
    (range.exclusiveMin ? v > range.min : v >= range.min);
  const highOk = range.max === undefined || v <= range.max;
  if (!Number.isFinite(v) || !lowOk || !highOk) {
    const lo = range.min === undefined ? "" : `${range.exclusiveMin ? ">" : ">="} ${range.min}`;
    const hi = range.max === undefined ? "" : `<= ${range.max}`;
    const what = [lo, hi].filter(Boolean).join(" and ");
    throw new UsageError(
      `Cannot run as --${name} must be a number${what ? " " + what : ""}: --${name}=${
        shown(value)
      }`,
    );
  }
  return v;
}

/**
 * Parses a comma-separated list of numbers, each checked as {@linkcode numberFlag}
 * (integers only with `integer`).
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
  range: { min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean } = {},
): number[] {
  return value.split(",").map((item) => {
    if (range.integer) {
      return intFlag(item, name, range.min ?? -Infinity, range.max ?? Infinity);
    }
    return numberFlag(item, name, range);
  });
}

/** Parses a flag restricted to a set of words. */
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
