/**
 * One-line error messages: user values shown safely (quoted when they hold
 * control characters, cut when long), multi-line library messages joined.
 *
 * @module
 */

/**
 * A user's value as an error message shows it: as typed when it is printable
 * and short, else JSON-quoted (control characters escaped) and cut at 60
 * characters, so that an error stays one line.
 *
 * @example
 * ```ts
 * import { shown } from "./messages.ts";
 * import assert from "node:assert/strict";
 * assert.equal(shown("10"), "10");
 * assert.equal(shown("1\n0"), '"1\\n0"');
 * ```
 */
export function shown(value: string): string {
  // deno-lint-ignore no-control-regex
  const plain = !/[\u0000-\u001f\u007f-\u009f\u2028\u2029"]|[\ud800-\udfff]/.test(value);
  if (plain && value.length <= 60) return value;
  const cut = value.length > 60 ? value.slice(0, 60) + "…" : value;
  return JSON.stringify(cut);
}

/**
 * A file path as an error message shows it: whole, since a cut path names no
 * file, and JSON-quoted only when it holds control characters or quotes.
 *
 * @example
 * ```ts
 * import { shownPath } from "./messages.ts";
 * import assert from "node:assert/strict";
 * const long = "/a/very/long/folder/name/that/goes/on/and/on/for/more/than/sixty/chars.csv";
 * assert.equal(shownPath(long), long);
 * assert.equal(shownPath("a\nb"), '"a\\nb"');
 * ```
 */
export function shownPath(path: string): string {
  // deno-lint-ignore no-control-regex
  const plain = !/[\u0000-\u001f\u007f-\u009f\u2028\u2029"]|[\ud800-\udfff]/.test(path);
  return plain ? path : JSON.stringify(path);
}

/** Joins a multi-line message into one line, control characters escaped. */
export function oneLine(message: string): string {
  // deno-lint-ignore no-control-regex
  const control = /[\u0000-\u001f\u007f]/g;
  return message.replace(/\s*\n\s*/g, " ").replace(
    control,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * A number as Python's `"%.Nf" % x` writes it (scikit-learn's messages
 * use `%f`): the exact binary value rounded to `digits` decimals, an exact
 * half to even, never in exponent form. JavaScript's `toFixed` rounds a half
 * upward and writes 1e21 and beyond as "1e+21".
 *
 * @example
 * ```ts
 * import { percentF } from "./messages.ts";
 * import assert from "node:assert/strict";
 * assert.equal(percentF(0.0078125), "0.007812"); // toFixed(6): "0.007813"
 * assert.equal(percentF(1e22), "10000000000000000000000.000000");
 * assert.equal(percentF(-1e-9), "-0.000000");
 * ```
 */
export function percentF(x: number, digits = 6): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  // |x| = mant · 2^exp exactly; round mant · 2^exp · 10^digits to an integer.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const mant = (bits & ((1n << 52n) - 1n)) | (biased === 0 ? 0n : 1n << 52n);
  const exp = biased === 0 ? -1074 : biased - 1075;
  let num = mant * 10n ** BigInt(digits), den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  let q = num / den;
  const twice = 2n * (num % den);
  if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  const s = q.toString().padStart(digits + 1, "0");
  const text = digits > 0 ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s;
  return x < 0 || Object.is(x, -0) ? `-${text}` : text;
}
