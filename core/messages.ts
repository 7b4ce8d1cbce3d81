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
