/**
 * Isotropic Gaussian blobs, draw for draw as scikit-learn's `make_blobs` with
 * an integer `random_state` (NumPy legacy generator).
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { matrix } from "../matrix.ts";
import { RandomState } from "../random.ts";
import { checkOptions, optionNames, validate } from "../validate.ts";

/** Options of {@linkcode makeBlobs}. */
export interface MakeBlobsOptions {
  /** Total number of points, split evenly (the first blobs get one more). @default 100 */
  nSamples?: number;
  /** Number of features. @default 2 */
  nFeatures?: number;
  /** Number of blobs, or their explicit centres. @default 3 */
  centers?: number | Matrix;
  /** Standard deviation of every blob, or one per blob. @default 1 */
  clusterStd?: number | readonly number[];
  /** Box the random centres are drawn from. @default [-10, 10] */
  centerBox?: [number, number];
  /** Shuffle the samples. @default true */
  shuffle?: boolean;
  /** Seed or generator. @default 0 */
  randomState?: number | RandomState;
}

/** {@linkcode MakeBlobsOptions}'s names, for {@linkcode checkOptions}. */
const BLOBS_OPTIONS = optionNames<MakeBlobsOptions>({
  nSamples: true,
  nFeatures: true,
  centers: true,
  clusterStd: true,
  centerBox: true,
  shuffle: true,
  randomState: true,
});

/** Points, their blob index, and the blob centres. */
export interface Blobs {
  readonly X: Matrix;
  readonly y: Int32Array;
  readonly centers: Matrix;
}

/**
 * Generates Gaussian blobs as `sklearn.datasets.make_blobs`.
 *
 * @example Same data as `make_blobs(random_state=6)`
 * ```ts
 * import { makeBlobs } from "./make_blobs.ts";
 * import assert from "node:assert/strict";
 * const { X, y } = makeBlobs({ randomState: 6 });
 * assert.equal(X.data[0], 8.215973984466915);
 * assert.equal(y[2], 2);
 * ```
 * @throws {RangeError} unless nSamples, nFeatures and an integer `centers` are integers ≥ 1
 * and clusterStd ≥ 0 (one per centre when an array).
 */
export function makeBlobs(options: MakeBlobsOptions = {}): Blobs {
  checkOptions("make blobs", options, BLOBS_OPTIONS);
  const nSamples = options.nSamples ?? 100;
  const nFeatures = options.nFeatures ?? 2;
  const stdOption = options.clusterStd ?? 1;
  const stds = typeof stdOption === "number" ? [stdOption] : stdOption;
  const std = Math.min(...stds);
  const [lo, hi] = options.centerBox ?? [-10, 10];
  const c = options.centers ?? 3;
  validate(
    "make blobs",
    {
      nSamples,
      nFeatures,
      clusterStd: std,
      shuffle: options.shuffle ?? true,
      centers: typeof c === "number" ? c : c.rows,
    },
    {
      shuffle: { kind: "oneOf", values: [true, false] },
      nSamples: { kind: "int", min: 1 },
      nFeatures: { kind: "int", min: 1 },
      clusterStd: { kind: "number", min: 0 },
      centers: { kind: "int", min: 1 },
    },
  );
  const rs = options.randomState ?? 0;
  const rng = typeof rs === "number" ? new RandomState(rs) : rs;
  const centers = typeof c === "number"
    ? matrix(c, nFeatures, rng.uniform(lo, hi, c * nFeatures))
    : c;
  const k = centers.rows, d = centers.cols;
  if (typeof stdOption !== "number" && stdOption.length !== k) {
    throw new RangeError(
      `Cannot make blobs as clusterStd must have one value per centre: length=${stdOption.length}, centers=${k}`,
    );
  }
  const X = matrix(nSamples, d);
  const y = new Int32Array(nSamples);
  let row = 0;
  for (let b = 0; b < k; b++) {
    const count = Math.floor(nSamples / k) + (b < nSamples % k ? 1 : 0);
    // normal(loc=centers[b], scale=std, size=(count, d)): row-major draws.
    for (let i = 0; i < count; i++, row++) {
      for (let j = 0; j < d; j++) {
        X.data[row * d + j] = centers.data[b * d + j] +
          stds[stds.length === 1 ? 0 : b] * rng.nextGauss();
      }
      y[row] = b;
    }
  }
  if (options.shuffle ?? true) {
    const idx = rng.permutation(nSamples);
    const Xs = matrix(nSamples, d);
    const ys = new Int32Array(nSamples);
    for (let i = 0; i < nSamples; i++) {
      Xs.data.set(X.data.subarray(idx[i] * d, (idx[i] + 1) * d), i * d);
      ys[i] = y[idx[i]];
    }
    return { X: Xs, y: ys, centers };
  }
  return { X, y, centers };
}
