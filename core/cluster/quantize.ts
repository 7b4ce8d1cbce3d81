/**
 * Scalar (1-D) vector quantization of 8-bit values with k-means: every
 * distinct value is one weighted sample (weight = its count), so a 512×512
 * image clusters as at most 256 points yet gives the same optimum as
 * clustering every pixel.
 *
 * @module
 */
import { matrix } from "../matrix.ts";
import type { RandomState } from "../random.ts";
import { kmeans } from "./kmeans.ts";
import { checkOptions, optionNames } from "../validate.ts";

/** A fitted scalar quantizer. */
export interface Quantizer {
  /** Centroid values, ascending. */
  readonly levels: Float64Array;
  /** The quantized value (the nearest level) of each of the 256 byte values. */
  readonly lookup: Float64Array;
  /** Number of clusters actually used (≤ requested when there are fewer distinct values). */
  readonly nLevels: number;
}

/**
 * Fits `nLevels` quantization levels to `values` by k-means
 * (k-means++, `nInit` restarts).
 *
 * @example
 * ```ts
 * import { fitQuantizer } from "./quantize.ts";
 * import { RandomState } from "../random.ts";
 * import assert from "node:assert/strict";
 * const q = fitQuantizer(new Uint8Array([0, 0, 10, 250, 255]), 2, { randomState: new RandomState(0) });
 * // levels: the means of {0, 0, 10} and {250, 255}
 * assert.ok(Math.abs(q.levels[0] - 10 / 3) < 1e-12 && q.levels[1] === 252.5);
 * assert.equal(q.lookup[9], q.levels[0]);
 * ```
 */
/** {@linkcode fitQuantizer}'s option names, for {@linkcode checkOptions}. */
const QUANTIZER_OPTIONS = optionNames<{ nInit?: number; randomState?: number | RandomState }>({
  nInit: true,
  randomState: true,
});

export function fitQuantizer(
  values: Uint8Array,
  nLevels: number,
  options: { nInit?: number; randomState?: number | RandomState } = {},
): Quantizer {
  checkOptions("fit the quantizer", options, QUANTIZER_OPTIONS);
  const counts = new Float64Array(256);
  for (const v of values) counts[v]++;
  const distinct: number[] = [];
  for (let v = 0; v < 256; v++) if (counts[v] > 0) distinct.push(v);
  const k = Math.min(nLevels, distinct.length);
  const X = matrix(distinct.length, 1, Float64Array.from(distinct));
  const model = kmeans(X, {
    nClusters: k,
    nInit: options.nInit ?? 4,
    randomState: options.randomState,
    sampleWeight: distinct.map((v) => counts[v]),
  });
  const levels = model.centers.data.slice().sort();
  const lookup = new Float64Array(256);
  for (let v = 0; v < 256; v++) {
    let best = 0;
    for (let c = 1; c < k; c++) {
      if (Math.abs(v - levels[c]) < Math.abs(v - levels[best])) best = c;
    }
    lookup[v] = levels[best];
  }
  return { levels, lookup, nLevels: k };
}

/** Mean squared error and PSNR (dB, peak 255) between two 8-bit signals. */
export function distortion(a: Uint8Array, b: Uint8Array): { mse: number; psnr: number } {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  const mse = s / a.length;
  return { mse, psnr: mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse) };
}
