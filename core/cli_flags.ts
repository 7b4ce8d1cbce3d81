/**
 * Flag groups shared by several recipes, declared once and spread into each
 * recipe's flag table (plain data, like the tables themselves). A recipe
 * whose default differs takes the flag through {@linkcode withDefault}; one
 * whose description or range differs spreads the flag and overrides that
 * field.
 *
 * @example
 * ```ts
 * import { LIMIT_FLAGS, MNIST_FLAGS, TRAINING_FLAGS, withDefault } from "./cli_flags.ts";
 * import { parseCli, type RecipeCli } from "./cli.ts";
 * import assert from "node:assert/strict";
 * const CLI = {
 *   name: "demo",
 *   summary: "Demo.",
 *   command: "deno run demo.ts",
 *   flags: {
 *     "epochs": withDefault(TRAINING_FLAGS.epochs, 10),
 *     "batch-size": TRAINING_FLAGS["batch-size"],
 *     ...LIMIT_FLAGS,
 *     ...MNIST_FLAGS,
 *   },
 * } as const satisfies RecipeCli;
 * const f = parseCli(CLI, ["--train-limit", "500"])!.flags;
 * assert.deepEqual([f.epochs, f["batch-size"], f["train-limit"], f["test-limit"]], [10, 256, 500, undefined]);
 * ```
 *
 * @module
 */
import type { FlagSpec, FlagTable } from "./cli.ts";

/**
 * `--data-dir`: the MNIST recipes' other source of images (four IDX files).
 *
 * @example
 * ```ts
 * import { MNIST_FLAGS } from "./cli_flags.ts";
 * import assert from "node:assert/strict";
 * assert.equal(MNIST_FLAGS["data-dir"].type, "path");
 * ```
 */
export const MNIST_FLAGS = {
  "data-dir": {
    type: "path",
    value: "DIR",
    description: "Folder with the four IDX files (e.g. Fashion-MNIST) instead of MNIST.",
  },
} as const satisfies FlagTable;

/**
 * `--backend`: where the networks train — tfjs's WebAssembly backend (the
 * default), or its WebGPU backend where a GPU exists (else one line says
 * why, and the run goes on on WebAssembly).
 *
 * @example
 * ```ts
 * import { BACKEND_FLAGS } from "./cli_flags.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(BACKEND_FLAGS.backend.choices, ["wasm", "webgpu"]);
 * assert.equal(BACKEND_FLAGS.backend.default, "wasm");
 * ```
 */
export const BACKEND_FLAGS = {
  "backend": {
    type: "choice",
    value: "NAME",
    choices: ["wasm", "webgpu"],
    default: "wasm",
    description:
      "Train on tfjs's WebAssembly backend, or on WebGPU where a GPU exists (else on WebAssembly, saying why).",
  },
} as const satisfies FlagTable;

/**
 * `--epochs` (no default: each recipe gives its own with
 * {@linkcode withDefault}) and `--batch-size` (256) of a network's training.
 *
 * @example
 * ```ts
 * import { TRAINING_FLAGS } from "./cli_flags.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([TRAINING_FLAGS.epochs.min, TRAINING_FLAGS.epochs.max], [1, 10000]);
 * assert.equal(TRAINING_FLAGS["batch-size"].default, 256);
 * ```
 */
export const TRAINING_FLAGS = {
  "epochs": { type: "integer", value: "N", min: 1, max: 10000, description: "Training epochs." },
  "batch-size": {
    type: "integer",
    value: "N",
    min: 1,
    max: 1e6,
    default: 256,
    description: "Batch size.",
  },
} as const satisfies FlagTable;

/**
 * `--train-limit` and `--test-limit`: the first N images of each split only
 * (no default: all of them).
 *
 * @example
 * ```ts
 * import { LIMIT_FLAGS } from "./cli_flags.ts";
 * import assert from "node:assert/strict";
 * assert.equal(LIMIT_FLAGS["train-limit"].max, 1e9);
 * assert.equal("default" in LIMIT_FLAGS["test-limit"], false);
 * ```
 */
export const LIMIT_FLAGS = {
  "train-limit": {
    type: "integer",
    value: "N",
    min: 1,
    max: 1e9,
    description: "Train on the first N training images only (all by default).",
  },
  "test-limit": {
    type: "integer",
    value: "N",
    min: 1,
    max: 1e9,
    description: "Evaluate on the first N test images only (all by default).",
  },
} as const satisfies FlagTable;

/**
 * `--n-init`: k-means++ restarts (10 by default).
 *
 * @example
 * ```ts
 * import { KMEANS_FLAGS } from "./cli_flags.ts";
 * import assert from "node:assert/strict";
 * assert.equal(KMEANS_FLAGS["n-init"].default, 10);
 * ```
 */
export const KMEANS_FLAGS = {
  "n-init": {
    type: "integer",
    value: "N",
    min: 1,
    max: 1000,
    default: 10,
    description: "k-means++ restarts.",
  },
} as const satisfies FlagTable;

/**
 * The type a flag's `default` has, by flag type (`never` for a switch).
 *
 * @example
 * ```ts
 * import type { DefaultOf } from "./cli_flags.ts";
 * import assert from "node:assert/strict";
 * const d: DefaultOf<{ type: "choice"; choices: readonly ["a", "b"]; description: "" }> = "b";
 * assert.equal(d, "b");
 * ```
 */
export type DefaultOf<F extends FlagSpec> = F extends { readonly type: "integer" | "number" }
  ? number
  : F extends { readonly type: "choice"; readonly choices: readonly (infer C)[] } ? C
  : F extends { readonly type: "list" } ? readonly number[]
  : F extends { readonly type: "boolean" } ? never
  : string;

/**
 * A shared flag with this recipe's default (the rest of its declaration kept).
 *
 * @example
 * ```ts
 * import { TRAINING_FLAGS, withDefault } from "./cli_flags.ts";
 * import assert from "node:assert/strict";
 * const epochs = withDefault(TRAINING_FLAGS.epochs, 100);
 * assert.deepEqual(epochs, { ...TRAINING_FLAGS.epochs, default: 100 });
 * assert.equal(withDefault(TRAINING_FLAGS["batch-size"], 16).default, 16);
 * ```
 */
export function withDefault<const F extends FlagSpec, const D extends DefaultOf<F>>(
  flag: F,
  value: D,
): Omit<F, "default"> & { readonly default: D } {
  return { ...flag, default: value };
}
