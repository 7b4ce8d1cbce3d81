/**
 * # `deno task fuzz`: a seeded fuzzer over every parser of user bytes
 *
 * Numeric CSV/text, the wholesale CSV, the train/test CSV, IDX (plain and
 * gzipped), `.xlsx`, JPEG, PNG, the symbol-map JSON, and the command line of
 * every recipe. Each input mutates a shipped or generated sample (bit flips,
 * truncation, splices, deleted ranges, huge header dimensions, hostile
 * tokens) or is random bytes. A parser must accept it or reject it with one
 * of our typed one-line "Cannot …" errors, within 1 s, and without growing
 * memory beyond what the input's size and declared dimensions allow.
 *
 * Every input is a function of (seed, target, index), so one failure is
 * reproduced alone with `--target T --seed S --index I`; each failing input
 * is also saved under `out/fuzz/`. Inputs run in a worker, so a hang is
 * caught (after 30 s), reported and skipped.
 *
 * Run:
 *   deno task fuzz                       # 10,000 inputs a target (1,000 for .xlsx)
 *   deno task fuzz --inputs 300          # the smoke run of the test suite
 *   deno task fuzz --target png --seed 4 --index 1234
 *
 * @module
 */
import { emit, parseCli, Progress, type RecipeCli, runMain, UsageError } from "../core/cli.ts";
import { readBytes, writeAtomic } from "../core/io/files.ts";
import { RandomState } from "../core/random.ts";
import { generate } from "./fuzz/mutate.ts";
import { check, NS_PER_DECLARED_BYTE, type Outcome, TIME_LIMIT_MS } from "./fuzz/check.ts";
import { type Target, targets } from "./fuzz/targets.ts";
import type { Job } from "./fuzz/worker.ts";
import { runJobs } from "./fuzz/jobs.ts";

export const CLI = {
  name: "fuzz",
  summary:
    "Fuzzes every parser of user bytes and every recipe's command line with seeded inputs; " +
    "exits 1 when an input crashes, hangs, is slow or uses too much memory.",
  command:
    "deno run --cached-only --v8-flags=--expose-gc --allow-read --allow-write=out scripts/fuzz.ts",
  flags: {
    "inputs": {
      type: "integer",
      value: "N",
      min: 1,
      max: 10_000_000,
      description: "Inputs per target (10000 by default, and 1000 for xlsx).",
    },
    "target": {
      type: "string",
      value: "LIST",
      description: "Comma-separated targets to fuzz (all by default; see the report for names).",
    },
    "index": {
      type: "integer",
      value: "I",
      min: 0,
      max: 2 ** 31,
      description: "Run only input I of --target under --seed (to reproduce a failure).",
    },
    "replay": {
      type: "path",
      value: "FILE",
      description: "Run --target on the bytes of FILE (e.g. a saved failing input).",
    },
  },
} as const satisfies RecipeCli;

/** An input whose index has not moved for this long is a hang. */
const HANG_MS = 30_000;

interface Tally {
  target: Target;
  inputs: number;
  done: number;
  accepted: number;
  kinds: Map<string, number>;
  maxMs: number;
  maxBytes: number;
  failures: Failure[];
}

interface Failure {
  target: string;
  index: number;
  failure: string;
  message: string;
  saved: string;
}

function options(argv: string[]) {
  const args = parseCli(CLI, argv);
  if (!args) return undefined;
  const { inputs, index, target, replay } = args.flags;
  const names = target?.split(",");
  if ((index !== undefined || replay !== undefined) && names?.length !== 1) {
    throw new UsageError("Cannot run as --index and --replay need one --target");
  }
  return { args, inputs, index, names, replay };
}

async function save(out: string, name: string, seed: number, index: number, bytes: Uint8Array) {
  const path = `${out}/${name}-seed${seed}-${index}.bin`;
  await writeAtomic(path, bytes);
  return path;
}

const describe = (o: Outcome) =>
  o.failure ? `${o.failure}: ${o.message}` : `${o.kind} (${o.ms.toFixed(1)} ms)`;

async function main(argv: string[]): Promise<void> {
  const parsed = options(argv);
  if (!parsed) return;
  const { args, inputs, index, names, replay } = parsed;
  const seed = args.seed;
  const all = await targets(new RandomState(seed));
  const known = all.map((t) => t.name);
  for (const n of names ?? []) {
    if (!known.includes(n)) {
      throw new UsageError(`Cannot run as --target must be among ${known.join(", ")}: ${n}`);
    }
  }
  const chosen = names ? all.filter((t) => names.includes(t.name)) : all;

  // One input: regenerate it (or read it) and run it here.
  if (index !== undefined || replay !== undefined) {
    const t = chosen[0];
    const bytes = replay !== undefined
      ? await readBytes(replay)
      : generate(t, seed, t.name, index!).bytes;
    const o = await check(t, bytes);
    const where = replay ?? await save(args.out, t.name, seed, index!, bytes);
    emit(args, [
      `${t.name} ${replay ?? `#${index}`} (${bytes.length} bytes, in ${where}): ${describe(o)}`,
      ...(o.stack ? [o.stack] : []),
    ], { target: t.name, index, outcome: o });
    if (o.failure) Deno.exitCode = 1;
    return;
  }

  const tallies = new Map<string, Tally>(chosen.map((t) => [t.name, {
    target: t,
    inputs: inputs ?? t.inputs ?? 10_000,
    done: 0,
    accepted: 0,
    kinds: new Map(),
    maxMs: 0,
    maxBytes: 0,
    failures: [],
  }]));
  const bars = new Map(
    chosen.map((
      t,
    ) => [t.name, new Progress(`fuzz ${t.name}`, tallies.get(t.name)!.inputs, args.quiet)]),
  );
  const jobs: Job[] = chosen.map((t) => ({
    target: t.name,
    from: 0,
    to: tallies.get(t.name)!.inputs,
    skip: [],
  }));
  const pendingSaves: Promise<unknown>[] = [];
  const fail = (
    tally: Tally,
    index: number,
    failure: string,
    message: string,
    bytes: Uint8Array,
  ) => {
    const f: Failure = { target: tally.target.name, index, failure, message, saved: "" };
    tally.failures.push(f);
    pendingSaves.push(
      save(args.out, tally.target.name, seed, index, bytes).then((p) => f.saved = p),
    );
    if (!args.quiet) {
      console.error(`FAIL ${tally.target.name} #${index} (${failure}): ${message.split("\n")[0]}`);
    }
  };
  const t0 = performance.now();
  await runJobs(new URL("./fuzz/worker.ts", import.meta.url), seed, jobs, HANG_MS, (job, b) => {
    const tally = tallies.get(job.target)!;
    for (const { index, outcome, input } of b.results) {
      tally.done++;
      tally.maxMs = Math.max(tally.maxMs, outcome.ms);
      tally.maxBytes = Math.max(tally.maxBytes, outcome.bytes);
      if (outcome.kind === "accepted") tally.accepted++;
      else tally.kinds.set(outcome.kind, (tally.kinds.get(outcome.kind) ?? 0) + 1);
      if (outcome.failure) fail(tally, index, outcome.failure, outcome.message ?? "", input!);
    }
    if (b.results.length) bars.get(job.target)!.update(tally.done);
  }, (job, index, why) => {
    const tally = tallies.get(job.target)!;
    tally.done++;
    const [failure] = why.split(":");
    fail(tally, index, failure, why, generate(tally.target, seed, job.target, index).bytes);
  });
  await Promise.all(pendingSaves);
  const seconds = (performance.now() - t0) / 1000;

  const rows = [...tallies.values()];
  const failures = rows.flatMap((r) => r.failures);
  const lines: string[] = [];
  for (const r of rows) {
    const rejected = [...r.kinds].reduce((s, [k, n]) => s + (k === "crash" ? 0 : n), 0);
    lines.push(
      `${r.target.name.padEnd(26)} ${
        String(r.done).padStart(6)
      } inputs: ${r.accepted} accepted, ${rejected} rejected, ${r.failures.length} failures; slowest ${
        r.maxMs.toFixed(0)
      } ms, most memory ${(r.maxBytes / 2 ** 20).toFixed(1)} MiB`,
    );
    for (const [kind, n] of [...r.kinds].sort((a, b) => b[1] - a[1])) {
      lines.push(`  ${String(n).padStart(6)}  ${kind}`);
    }
  }
  const total = rows.reduce((s, r) => s + r.done, 0);
  lines.push(
    `${total} inputs over ${rows.length} targets in ${
      seconds.toFixed(1)
    } s (seed ${seed}; limit ${TIME_LIMIT_MS} ms an input, +${NS_PER_DECLARED_BYTE} ns a declared byte): ${failures.length} failures`,
  );
  for (const f of failures) {
    lines.push(
      `FAILED ${f.target} #${f.index} (${f.failure}): ${f.message.split("\n")[0]}`,
      `  saved ${f.saved}; reproduce: deno task fuzz --target ${f.target} --seed ${seed} --index ${f.index}`,
    );
  }
  emit(args, lines, {
    seed,
    seconds,
    targets: rows.map((r) => ({
      name: r.target.name,
      what: r.target.what,
      inputs: r.done,
      accepted: r.accepted,
      failures: r.failures.length,
      maxMs: r.maxMs,
      maxBytes: r.maxBytes,
      kinds: Object.fromEntries(r.kinds),
    })),
    failures,
  });
  if (failures.length > 0) Deno.exitCode = 1;
}

if (import.meta.main) await runMain(CLI, main);
