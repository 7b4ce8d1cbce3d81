/**
 * Declarative parameter checks: each algorithm lists its parameters' allowed
 * ranges once, and {@linkcode validate} checks them all up front with a message
 * that names the parameter, the allowed range and the value received.
 *
 * @module
 */
import type { Matrix } from "./matrix.ts";
import { assertFinite } from "./matrix.ts";

/** One rule of a parameter table. */
export type Rule =
  | { kind: "int"; min?: number; max?: number }
  | { kind: "number"; min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean }
  | { kind: "oneOf"; values: readonly unknown[] };

function describe(rule: Rule): string {
  switch (rule.kind) {
    case "int":
    case "number": {
      const what = rule.kind === "int" ? "an integer" : "a number";
      const lo = rule.min === undefined
        ? ""
        : (rule.kind === "number" && rule.minExclusive ? ` > ${rule.min}` : ` >= ${rule.min}`);
      const hi = rule.max === undefined
        ? ""
        : (rule.kind === "number" && rule.maxExclusive ? ` < ${rule.max}` : ` <= ${rule.max}`);
      return `${what}${lo}${lo && hi ? " and" : ""}${hi}`;
    }
    case "oneOf":
      return `one of ${rule.values.map((v) => JSON.stringify(v)).join(", ")}`;
  }
}

function ok(rule: Rule, v: unknown): boolean {
  switch (rule.kind) {
    case "int":
      return typeof v === "number" && Number.isInteger(v) &&
        (rule.min === undefined || v >= rule.min) &&
        (rule.max === undefined || v <= rule.max);
    case "number":
      return typeof v === "number" && Number.isFinite(v) &&
        (rule.min === undefined ||
          (rule.minExclusive ? v > rule.min : v >= rule.min)) &&
        (rule.max === undefined || (rule.maxExclusive ? v < rule.max : v <= rule.max));
    case "oneOf":
      return rule.values.includes(v);
  }
}

/**
 * Checks `params` against `table`; throws a `RangeError` for the first
 * parameter out of range (a `TypeError` when its type is wrong).
 *
 * @example
 * ```ts
 * import { validate } from "./validate.ts";
 * import assert from "node:assert/strict";
 * assert.throws(
 *   () => validate("fit DBSCAN", { eps: 0 }, { eps: { kind: "number", min: 0, minExclusive: true } }),
 *   { name: "RangeError", message: "Cannot fit DBSCAN as eps must be a number > 0: eps=0" },
 * );
 * ```
 */
export function validate(
  action: string,
  params: Record<string, unknown>,
  table: Record<string, Rule>,
): void {
  for (const [name, rule] of Object.entries(table)) {
    const v = params[name];
    if (ok(rule, v)) continue;
    const msg = `Cannot ${action} as ${name} must be ${describe(rule)}: ${name}=${
      typeof v === "string" ? JSON.stringify(v) : String(v)
    }`;
    const typeWrong = rule.kind !== "oneOf" && typeof v !== "number";
    throw typeWrong ? new TypeError(msg) : new RangeError(msg);
  }
}

/**
 * Checks a data matrix: at least `minRows` rows, at least one column, as
 * many values as its shape needs, every value finite.
 */
export function validateData(action: string, X: Matrix, minRows = 1): void {
  validateShape(action, X, minRows);
  assertFinite(X);
}

/**
 * {@linkcode validateData} without the finiteness check (for estimators
 * that set non-finite rows aside, as HDBSCAN): at least `minRows` rows and
 * one column, and a Float64Array of as many values as the shape needs (a
 * plain array or a Float32Array, which JavaScript callers can pass, would
 * otherwise fail inside some estimators and not others).
 *
 * @example
 * ```ts
 * import { validateShape } from "./validate.ts";
 * import assert from "node:assert/strict";
 * validateShape("fit HDBSCAN", { rows: 1, cols: 2, data: new Float64Array([NaN, 1]) }); // fine
 * assert.throws(() => validateShape("fit HDBSCAN", { rows: 2, cols: 2, data: new Float64Array(3) }), {
 *   message: "Cannot fit HDBSCAN as the data holds fewer values than its 2 x 2 shape: length=3",
 * });
 * ```
 * @throws {TypeError} when the data is not a Float64Array.
 * @throws {RangeError} on too few rows, no column, or too few values.
 */
export function validateShape(action: string, X: Matrix, minRows = 1): void {
  if (!(X.data instanceof Float64Array)) {
    const kind = (X.data as unknown as object)?.constructor?.name ?? String(X.data);
    throw new TypeError(
      `Cannot ${action} as the data must be a Float64Array (matrix() or fromRows() makes one): data=${kind}`,
    );
  }
  if (X.rows < minRows || X.cols < 1) {
    throw new RangeError(
      `Cannot ${action} as the data needs at least ${minRows} row(s) and 1 column: rows=${X.rows}, cols=${X.cols}`,
    );
  }
  if (X.data.length < X.rows * X.cols) {
    throw new RangeError(
      `Cannot ${action} as the data holds fewer values than its ${X.rows} x ${X.cols} shape: length=${X.data.length}`,
    );
  }
}

/**
 * Checks and copies per-sample weights (scikit-learn's `sample_weight`):
 * `n` finite numbers, and with `rule` "nonNegative" none below 0, with
 * "positiveSum" also not all 0. Returns undefined for undefined weights.
 *
 * @example
 * ```ts
 * import { validateWeights } from "./validate.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(validateWeights("fit DBSCAN", [1, -2], 2, "finite"), Float64Array.of(1, -2));
 * assert.throws(
 *   () => validateWeights("fit k-means", [0, 0], 2, "positiveSum"),
 *   { message: "Cannot fit k-means as sampleWeight must hold 2 non-negative finite weights, not all 0: length=2" },
 * );
 * ```
 * @throws {RangeError} naming the first bad weight, or the length.
 */
export function validateWeights(
  action: string,
  values: ArrayLike<number> | undefined,
  n: number,
  rule: "finite" | "nonNegative" | "positiveSum",
): Float64Array | undefined {
  if (values === undefined) return undefined;
  const w = Float64Array.from(values);
  const signed = rule !== "finite";
  const bad = w.findIndex((v) => !(Number.isFinite(v) && (!signed || v >= 0)));
  if (w.length !== n || bad >= 0 || (rule === "positiveSum" && !w.some((v) => v > 0))) {
    const what = rule === "finite"
      ? "finite weights"
      : `non-negative finite weights${rule === "positiveSum" ? ", not all 0" : ""}`;
    throw new RangeError(
      `Cannot ${action} as sampleWeight must hold ${n} ${what}: ${
        bad >= 0 ? `sampleWeight[${bad}]=${w[bad]}` : `length=${w.length}`
      }`,
    );
  }
  return w;
}

/** Every key of an options type `T` set to `true` (see {@linkcode optionNames}). */
export type OptionRecord<T> = { readonly [K in keyof Required<T>]: true };

/**
 * The names of an options type, listed once as a record of every key set
 * to `true`: the compiler checks that the record names each key of `T` and
 * no other, so the list cannot fall behind the type.
 *
 * @example
 * ```ts
 * import { optionNames } from "./validate.ts";
 * import assert from "node:assert/strict";
 * interface DemoOptions { eps?: number; minSamples?: number }
 * assert.deepEqual(optionNames<DemoOptions>({ eps: true, minSamples: true }), ["eps", "minSamples"]);
 * ```
 */
export function optionNames<T>(names: OptionRecord<T>): readonly string[] {
  return Object.keys(names);
}

/**
 * Refuses an options object with a property that is not one of `names`,
 * as scikit-learn raises on an unexpected keyword argument: JavaScript
 * callers get no compiler check, and a misspelt or unsupported option
 * (`nCluster`, `n_clusters`, `whiten`) would be ignored and its default
 * used. The message names the option it is another spelling of (case,
 * `_` and `-` aside), else the options there are.
 *
 * @example
 * ```ts
 * import { checkOptions } from "./validate.ts";
 * import assert from "node:assert/strict";
 * const names = ["nClusters", "randomState"];
 * checkOptions("fit k-means", { nClusters: 3 }, names); // fine
 * assert.throws(() => checkOptions("fit k-means", { n_clusters: 3 }, names), {
 *   name: "TypeError",
 *   message: "Cannot fit k-means as n_clusters is not one of its options (did you mean nClusters?): n_clusters=3",
 * });
 * ```
 * @throws {TypeError} on an unknown option, or options that are not an object.
 */
export function checkOptions(action: string, options: unknown, names: readonly string[]): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(
      `Cannot ${action} as its options must be an object: options=${String(options)}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (names.includes(key)) continue;
    const plain = (s: string) => s.replace(/[_-]/g, "").toLowerCase();
    const near = names.find((name) => plain(name) === plain(key));
    const v = (options as Record<string, unknown>)[key];
    throw new TypeError(
      `Cannot ${action} as ${key} is not one of its options (${
        near ? `did you mean ${near}?` : `they are ${names.join(", ")}`
      }): ${key}=${typeof v === "string" ? JSON.stringify(v) : String(v)}`,
    );
  }
}
