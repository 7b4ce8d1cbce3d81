/**
 * Running one fuzz input and judging the outcome: a parser may accept the
 * input or reject it with one of our typed, one-line "Cannot …" errors;
 * anything else (another exception, more than the time limit, more memory
 * than the input's size allows) is a failure.
 *
 * @module
 */
import { UsageError } from "../../core/cli.ts";
import type { Target } from "./targets.ts";

/** Time limit of one input. */
export const TIME_LIMIT_MS = 1000;

/**
 * Extra time per byte an input's header declares (an image's decoded size):
 * decoding is linear in the pixels, and a header that passes the decoder's
 * plausibility checks may claim up to 50 megapixels (jpeg-js: about 90 ns a
 * pixel on a quiet machine, 200 ns on a loaded one, so 4.5–10 s for a genuine
 * 49-megapixel photo too; the allowance is twice the slower).
 */
export const NS_PER_DECLARED_BYTE = 100;

/** Memory any input may use, beyond 64 bytes per input byte and 8 per declared byte. */
export const BASE_MEMORY = 64 * 2 ** 20;

/** The outcome of one input. */
export interface Outcome {
  /** "accepted", or the error's class and message template. */
  kind: string;
  /** Set when the outcome is a failure: "crash", "slow" or "memory". */
  failure?: "crash" | "slow" | "memory";
  message?: string;
  stack?: string;
  ms: number;
  /** Growth of V8's heap plus external memory over the call, in bytes. */
  bytes: number;
  /** The memory it was allowed. */
  budget: number;
}

const TYPED = [UsageError, RangeError, TypeError, SyntaxError];

/** V8's own messages that also start with "Cannot" (a bug in our code, not a typed error). */
const ENGINE =
  /^Cannot (read|set) propert|^Cannot (convert|access|create|destructure|mix|assign|redefine|define|freeze|delete|use 'in'|add property)/;

/**
 * Whether an error is one of ours: a typed error with a one-line message of
 * the form "Cannot <do something> as <why>".
 *
 * @example
 * ```ts
 * import { isTypedError } from "./check.ts";
 * import assert from "node:assert/strict";
 * assert.ok(isTypedError(new RangeError("Cannot fit as k > n: k=5")));
 * let e: unknown;
 * try { (undefined as unknown as string).length; } catch (x) { e = x; }
 * assert.ok(!isTypedError(e)); // V8's "Cannot read properties of undefined"
 * ```
 */
export function isTypedError(e: unknown): e is Error {
  return e instanceof Error && TYPED.some((c) => e.constructor === c) &&
    /^Cannot \S.* as /.test(e.message) && !ENGINE.test(e.message) && !e.message.includes("\n");
}

/**
 * The message as a template, to count errors by kind: details after the
 * first ": ", numbers, quoted and parenthesised parts are dropped.
 *
 * @example
 * ```ts
 * import { template } from "./check.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   template('Cannot parse x.csv as line 12, column 3 is not a number: "a"'),
 *   "Cannot parse x.csv as line N, column N is not a number",
 * );
 * ```
 */
export function template(message: string): string {
  return message
    .replace(/: .*$/s, "")
    .replace(/\(.*\)?/g, "(…)")
    .replace(/"[^"]*"?/g, '"…"')
    .replace(/'[^']*'?/g, "'…'")
    .replace(/\d+(\.\d+)?(e[+-]?\d+)?/gi, "N")
    .slice(0, 120);
}

function memory(): number {
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

/** V8's collector, when run with `--v8-flags=--expose-gc` (as `deno task fuzz` is). */
const gc = (globalThis as { gc?: () => void }).gc;

/** Runs `target` on `input` and judges the outcome. */
export async function check(target: Target, input: Uint8Array): Promise<Outcome> {
  // Collect the garbage of earlier inputs first, so that a pause for it is not
  // charged to this one (and the memory measured is this input's).
  if (gc && memory() > 256 * 2 ** 20) gc();
  const declared = target.declared?.(input) ?? 0;
  const budget = BASE_MEMORY + 64 * input.length + 8 * declared;
  const timeLimit = TIME_LIMIT_MS + (declared * NS_PER_DECLARED_BYTE) / 1e6;
  const before = memory();
  const t0 = performance.now();
  let outcome: Omit<Outcome, "ms" | "bytes" | "budget">;
  try {
    await target.run(input);
    outcome = { kind: "accepted" };
  } catch (e) {
    outcome = isTypedError(e) ? { kind: `${e.constructor.name}: ${template(e.message)}` } : {
      kind: "crash",
      failure: "crash",
      message: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      stack: e instanceof Error ? e.stack : undefined,
    };
  }
  const ms = performance.now() - t0;
  const bytes = Math.max(0, memory() - before);
  if (!outcome.failure && ms > timeLimit) {
    outcome = {
      ...outcome,
      failure: "slow",
      message: `took ${ms.toFixed(0)} ms, limit ${timeLimit.toFixed(0)} ms`,
    };
  } else if (!outcome.failure && bytes > budget) {
    outcome = {
      ...outcome,
      failure: "memory",
      message: `grew memory by ${(bytes / 2 ** 20).toFixed(1)} MiB, budget ${
        (budget / 2 ** 20).toFixed(1)
      } MiB`,
    };
  }
  return { ...outcome, ms, bytes, budget };
}
