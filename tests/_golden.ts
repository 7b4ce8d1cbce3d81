/**
 * Golden files: the recipes' `--json` output for fixed arguments, stored
 * normalised under tests/golden/ and compared with explicit tolerances. The
 * case list is shared by the tests and by `deno task golden`, the only thing
 * that writes them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "./_recipes.ts";

/** One golden case. */
export interface GoldenCase {
  /** File stem under tests/golden/. */
  id: string;
  /** deno.json task of the recipe. */
  task: string;
  /** Extra arguments (after the task's own). */
  args: string[];
  /** Relative tolerance on numbers. */
  rtol: number;
  /** Absolute tolerance on numbers. */
  atol: number;
  /** Keys whose integer arrays are compared up to a renaming of labels. */
  labelKeys?: string[];
  /** Keys whose arrays of rows are compared as unordered sets. */
  unorderedKeys?: string[];
  /** Keys whose values are not stored or compared (wall times). */
  ignoreKeys?: string[];
}

/** Every golden case. */
export const GOLDEN_CASES: GoldenCase[] = [
  {
    id: "kmeans",
    task: "kmeans",
    args: [],
    rtol: 1e-9,
    atol: 1e-9,
    labelKeys: ["labels"],
    unorderedKeys: ["centers"],
  },
  { id: "silhouette", task: "silhouette", args: [], rtol: 1e-9, atol: 1e-9 },
  {
    id: "vector_quantization_4bit",
    task: "vector_quantization",
    args: ["--num-bits", "4"],
    rtol: 1e-6,
    atol: 1e-6,
  },
  {
    id: "kmeans_steps",
    task: "kmeans_steps",
    args: [],
    rtol: 1e-9,
    atol: 1e-9,
    labelKeys: ["labels"],
  },
  // DBSCAN's numbering is defined (order of first core sample): compared exactly.
  { id: "dbscan", task: "dbscan", args: [], rtol: 1e-9, atol: 1e-9 },
  {
    id: "agglomerative_all",
    task: "agglomerative",
    args: ["--linkage", "all"],
    rtol: 0,
    atol: 0,
    labelKeys: ["labels"],
  },
  { id: "stock_market", task: "stock_market", args: [], rtol: 1e-9, atol: 0 },
  // Seed 3, 1024 training / 256 test images, 2 epochs: the configuration
  // scripts/crosscheck/issue4_autoencoder.py replays in NumPy (float32 vs 64 → rtol).
  {
    id: "autoencoder_mnist_small",
    task: "autoencoder_mnist",
    args: [
      "--seed",
      "3",
      "--epochs",
      "2",
      "--train-limit",
      "1024",
      "--test-limit",
      "256",
      "--out",
      "out/test-fixtures/ae",
    ],
    rtol: 2e-5,
    atol: 0,
  },
  // Conv and dense (elu), 1 epoch on 512 images: the conv kernels are checked
  // against tfjs' cpu backend in tests/nn_test.ts.
  {
    id: "conv_autoencoder_small",
    task: "conv_autoencoder",
    args: [
      "--seed",
      "1",
      "--activation",
      "elu",
      "--epochs",
      "1",
      "--train-limit",
      "512",
      "--test-limit",
      "128",
      "--out",
      "out/test-fixtures/conv",
    ],
    rtol: 1e-4,
    atol: 0,
  },
  // One epoch of the elu conv autoencoder on 400 images, k-means and t-SNE of
  // 300 codes: the pieces are checked against scikit-learn in
  // tests/tsne_test.ts and tests/clustering_metrics_test.ts.
  {
    id: "latent_tsne_small",
    task: "latent_tsne",
    args: [
      "--seed",
      "1",
      "--epochs",
      "1",
      "--train-limit",
      "400",
      "--tsne-samples",
      "300",
      "--n-init",
      "2",
      "--out",
      "out/test-fixtures/latent",
    ],
    // t-SNE amplifies float32 rounding differences of the codes over 1,000 iterations.
    rtol: 1e-3,
    atol: 1e-6,
    ignoreKeys: ["seconds"],
  },
  // Two epochs of the 2-D-code autoencoder on the first 600 of the 0s and 1s.
  {
    id: "autoencoder_kmeans_small",
    task: "autoencoder_kmeans",
    args: [
      "--seed",
      "2",
      "--epochs",
      "2",
      "--train-limit",
      "600",
      "--out",
      "out/test-fixtures/aekm",
    ],
    rtol: 1e-4,
    atol: 1e-6,
    unorderedKeys: ["centers"],
  },
  // Ten epochs of DEC's autoencoder on 1,000 digits, UMAP to 10-d, the mixture and the
  // ablation. scripts/crosscheck/issue22_n2d.py checked the stages after the codes.
  {
    id: "n2d_small",
    task: "n2d",
    args: [
      "--train-limit",
      "1000",
      "--pretrain-epochs",
      "10",
      "--out",
      "out/test-fixtures/n2d-golden",
    ],
    // One digit of 1,000 moves an accuracy by 1e-3: float32 training noise must stay below.
    rtol: 1e-3,
    atol: 1e-6,
    ignoreKeys: ["seconds", "loadedFrom"],
  },
  // Mean shift's centres are ranked by size: compared in order.
  {
    id: "customer_segmentation",
    task: "customer_segmentation",
    args: [],
    rtol: 1e-9,
    atol: 1e-6,
  },
];

/** Path of a golden file. */
export function goldenPath(id: string): string {
  return join(ROOT, "tests", "golden", `${id}.json`);
}

/** Normalises a value for storage: 12 significant digits, sorted keys, `ignore` keys dropped. */
export function normalise(v: unknown, ignore: readonly string[] = []): unknown {
  if (typeof v === "number") return Number.isInteger(v) ? v : Number(v.toPrecision(12));
  if (Array.isArray(v)) return v.map((x) => normalise(x, ignore));
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v).filter((k) => !ignore.includes(k)).sort().map((
        k,
      ) => [k, normalise((v as Record<string, unknown>)[k], ignore)]),
    );
  }
  return v;
}

/** True when `a` and `b` are the same partition up to renaming of labels. */
export function samePartition(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  const ab = new Map<number, number>(), ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((ab.get(a[i]) ?? b[i]) !== b[i] || (ba.get(b[i]) ?? a[i]) !== a[i]) return false;
    ab.set(a[i], b[i]);
    ba.set(b[i], a[i]);
  }
  return true;
}

/** Asserts `actual` matches `expected` within the case's tolerances. */
export function assertGolden(actual: unknown, expected: unknown, c: GoldenCase, path = "$"): void {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${path}: expected a number`);
    const diff = Math.abs((actual as number) - expected);
    assert.ok(
      diff <= c.atol + c.rtol * Math.abs(expected),
      `${path}: ${actual} differs from golden ${expected} by ${diff}`,
    );
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    const key = path.split(".").at(-1)!.replace(/\[\d+\]$/, "");
    if (c.labelKeys?.includes(key) && typeof expected[0] === "number") {
      assert.ok(
        samePartition(actual as number[], expected as number[]),
        `${path}: partition differs`,
      );
      return;
    }
    if (c.unorderedKeys?.includes(key)) {
      const left = [...(actual as unknown[])];
      for (const [i, e] of expected.entries()) {
        const j = left.findIndex((a) => {
          try {
            assertGolden(a, e, c, `${path}[${i}]`);
            return true;
          } catch {
            return false;
          }
        });
        assert.ok(
          j >= 0,
          `${path}[${i}]: ${JSON.stringify(e)} not found in ${JSON.stringify(actual)}`,
        );
        left.splice(j, 1);
      }
      return;
    }
    expected.forEach((e, i) => assertGolden(actual[i], e, c, `${path}[${i}]`));
    return;
  }
  if (expected && typeof expected === "object") {
    assert.ok(actual && typeof actual === "object", `${path}: expected an object`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const k of Object.keys(expected)) {
      assertGolden(
        (actual as Record<string, unknown>)[k],
        (expected as Record<string, unknown>)[k],
        c,
        `${path}.${k}`,
      );
    }
    return;
  }
  assert.deepEqual(actual, expected, path);
}
