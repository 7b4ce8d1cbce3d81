/**
 * The command line shared by every recipe: `--help`, `--seed`, `--out`,
 * `--json`, `--no-plot`, `--input-file`, `--quiet`, plus the recipe's own
 * flags; flag values checked up front; any error becomes one line on stderr
 * and exit code 2 (never a stack trace).
 *
 * @module
 */
import { oneLine } from "./messages.ts";
import {
  allFlags,
  type CliArgs,
  type CommonArgs,
  flagsFromValues,
  type FlagsOf,
  helpText,
  parseArgv,
  type RecipeCli,
  type RecipeOutput,
  UsageError,
} from "./cli_values.ts";
import { savePlot } from "./plot/render.ts";
import { makeFolderSync, writeAtomic } from "./io/files.ts";

export * from "./cli_values.ts";
import { stopAllWorkers } from "./workers.ts";
import {
  checkInterrupt,
  Interrupted,
  stopWatchingInterrupts,
  watchInterrupts,
} from "./interrupt.ts";

/**
 * Parses `argv` for a recipe: the common flags, and the recipe's own flags
 * typed and checked against its table (each default typed as declared).
 * Inside {@linkcode runMain}, also creates the output folder (`--out`) where
 * the run will write there (it plots, or the recipe `savesModel`), so that
 * one it cannot write is an error before the recipe's work.
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
 * @throws {UsageError} on an unknown flag, a missing value, or a value outside its flag's range;
 *   inside runMain, the errors of {@linkcode makeFolderSync} for `--out`.
 */
export function parseCli<const C extends RecipeCli>(
  cli: C,
  argv: string[],
): CliArgs<FlagsOf<C>> | undefined {
  const options: Record<string, "string" | "boolean"> = {};
  for (const [name, f] of Object.entries(allFlags(cli))) {
    options[name] = f.type === "boolean" ? "boolean" : "string";
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgv(argv, options);
  } catch (e) {
    // (parseArgs's advice for a value starting with a dash, in our words)
    const msg = oneLine((e as Error).message).replace(
      /\? To specify an option argument starting with a dash use '(--[^=]+)=-XYZ'\.$/,
      "? (write $1=-VALUE for a value that starts with a dash;",
    );
    throw new UsageError(
      `Cannot parse the command line as ${lowerFirst(msg)}${
        msg.endsWith(";") ? " see --help)" : " (see --help)"
      }`,
    );
  }
  if (values.help) {
    console.log(helpText(cli));
    return undefined;
  }
  const args = flagsFromValues(cli, values);
  // A recipe run by runMain that will write creates its output folder now:
  // one it cannot write fails before the work, not after a long training.
  if (preparingOut && (args.plot || cli.savesModel)) makeFolderSync(args.out);
  return args;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
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

/** Whether {@linkcode parseCli} creates the output folder (inside {@linkcode runMain}). */
let preparingOut = false;

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
  preparingOut = true;
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
    preparingOut = false;
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
    // A quiet bar never touches the terminal (so it also runs in a browser worker).
    this.#tty = !quiet && Deno.stderr.isTerminal();
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
 * The command line's end of a recipe: prints its warnings on stderr and its
 * report (or `--json`), saves its figures under `--out`, and says where.
 *
 * Permissions: `--allow-write` on the output folder when there are figures.
 */
export async function finishRecipe(
  name: string,
  args: CommonArgs,
  out: RecipeOutput,
): Promise<string[]> {
  for (const w of out.warnings ?? []) console.error(`${name}: warning: ${w}`);
  emit(args, out.lines, out.json);
  const written: string[] = [];
  for (const f of out.files ?? []) {
    await writeAtomic(`${args.out}/${f.name}`, f.bytes);
    written.push(`${args.out}/${f.name}`);
  }
  for (const f of out.figures) written.push(await savePlot(f.spec, `${args.out}/${f.name}`));
  if (written.length > 0 && !args.json) console.log(`Plots: ${written.join(", ")}`);
  return written;
}
