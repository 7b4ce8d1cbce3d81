/**
 * The six toy data sets of scikit-learn's "Comparing different clustering
 * algorithms on toy datasets" (`examples/cluster/plot_cluster_comparison.py`,
 * scikit-learn 1.3 and later): noisy circles, noisy moons, blobs of varied
 * variances, anisotropic blobs, blobs, and uniform noise with no structure,
 * each drawn as the example draws it (its seeds 30 and 170), unscaled.
 *
 * Measured against scikit-learn 1.9.1 (`tests/toy_datasets_test.ts`): every
 * coordinate equal but one of the circles' 1,000, which is 1 ulp off
 * (`Math.cos`/`Math.sin` against glibc's). The anisotropic blobs reproduce
 * NumPy's `X @ T`, which OpenBLAS computes with a fused multiply-add.
 *
 * @module
 */
import { type Matrix, matrix } from "../matrix.ts";
import { fma } from "../math.ts";
import { RandomState } from "../random.ts";
import { validate } from "../validate.ts";
import { makeBlobs } from "./make_blobs.ts";
import { makeCircles, makeMoons } from "./make_circles.ts";

/** The data sets' names, in the example's row order. */
export const TOY_DATASETS = [
  "noisy_circles",
  "noisy_moons",
  "varied",
  "aniso",
  "blobs",
  "no_structure",
] as const;
/** A data set of {@linkcode TOY_DATASETS}. */
export type ToyDatasetName = typeof TOY_DATASETS[number];

/** One toy data set: points and, except for `no_structure`, the true groups. */
export interface ToyDataset {
  readonly name: ToyDatasetName;
  readonly X: Matrix;
  readonly y: Int32Array | null;
}

/**
 * The example's six data sets of `nSamples` points each.
 *
 * @example The same first point as scikit-learn's `make_moons(500, noise=0.05, random_state=30)`
 * ```ts
 * import { toyDatasets } from "./toy_datasets.ts";
 * import assert from "node:assert/strict";
 * const sets = toyDatasets();
 * assert.deepEqual(sets.map((s) => s.name), ["noisy_circles", "noisy_moons", "varied", "aniso", "blobs", "no_structure"]);
 * assert.equal(sets[1].X.data[0], 1.0450407859511044);
 * assert.equal(sets[5].y, null);
 * ```
 * @param nSamples points per data set. @default 500
 * @param seed the example's seed of the circles, moons, blobs and noise (the varied and anisotropic blobs keep 170). @default 30
 * @throws {RangeError} when nSamples < 3.
 */
export function toyDatasets(nSamples = 500, seed = 30): ToyDataset[] {
  validate("make the toy data sets", { nSamples, seed }, {
    nSamples: { kind: "int", min: 3 },
    seed: { kind: "int", min: 0, max: 2 ** 32 - 1 },
  });
  const circles = makeCircles({ nSamples, factor: 0.5, noise: 0.05, randomState: seed });
  const moons = makeMoons({ nSamples, noise: 0.05, randomState: seed });
  const blobs = makeBlobs({ nSamples, randomState: seed });
  const noise = matrix(nSamples, 2, new RandomState(seed).rand(nSamples * 2));
  const base = makeBlobs({ nSamples, randomState: 170 });
  // X_aniso = X @ [[0.6, -0.6], [-0.4, 0.8]], each entry fma(x₁, t₁ⱼ, x₀·t₀ⱼ) as OpenBLAS.
  const T = [[0.6, -0.6], [-0.4, 0.8]];
  const aniso = matrix(nSamples, 2);
  for (let i = 0; i < nSamples; i++) {
    const x0 = base.X.data[2 * i], x1 = base.X.data[2 * i + 1];
    for (let j = 0; j < 2; j++) aniso.data[2 * i + j] = fma(x1, T[1][j], x0 * T[0][j]);
  }
  const varied = makeBlobs({ nSamples, clusterStd: [1, 2.5, 0.5], randomState: 170 });
  return [
    { name: "noisy_circles", X: circles.X, y: circles.y },
    { name: "noisy_moons", X: moons.X, y: moons.y },
    { name: "varied", X: varied.X, y: varied.y },
    { name: "aniso", X: aniso, y: base.y },
    { name: "blobs", X: blobs.X, y: blobs.y },
    { name: "no_structure", X: noise, y: null },
  ];
}
