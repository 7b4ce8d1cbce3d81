/**
 * The noisy planar curves of the agglomerative-clustering recipe (spiral,
 * rose, hypotrochoid), generated draw for draw as the Python original:
 * `np.random.seed(seed)`, `t = 2.5π(1 + 2·rand(1, n))`, the curve at t, then
 * `X = concat(x, y) + amplitude·randn(2, n)` transposed to n × 2.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { matrix } from "../matrix.ts";
import { RandomState } from "../random.ts";
import { checkOptions, optionNames, validate } from "../validate.ts";

/** The curves on offer. */
export const CURVES = ["spiral", "rose", "hypotrochoid"] as const;
/** A curve name. */
export type CurveName = typeof CURVES[number];

/** Options of {@linkcode makeCurve}. */
export interface CurveOptions {
  /** Number of points. @default 500 */
  nSamples?: number;
  /** Noise amplitude. @default 0.5 (spiral), 0.02 (rose), 0 (hypotrochoid) */
  noise?: number;
  /** Seed of the legacy generator. @default 2 */
  seed?: number;
}

/** {@linkcode CurveOptions}'s names, for {@linkcode checkOptions}. */
const CURVE_OPTIONS = optionNames<CurveOptions>({ nSamples: true, noise: true, seed: true });

const DEFAULT_NOISE: Record<CurveName, number> = { spiral: 0.5, rose: 0.02, hypotrochoid: 0 };

function point(name: CurveName, t: number): [number, number] {
  switch (name) {
    case "spiral": // r = t
      return [t * Math.cos(t), t * Math.sin(t)];
    case "rose": { // rhodonea r = cos(5t) + 0.25
      const r = Math.cos(5 * t) + 0.25;
      return [r * Math.cos(t), r * Math.sin(t)];
    }
    case "hypotrochoid": { // a = 10, b = 2, h = 4
      const a = 10, b = 2, h = 4;
      return [
        (a - b) * Math.cos(t) + h * Math.cos(((a - b) / b) * t),
        (a - b) * Math.sin(t) - h * Math.sin(((a - b) / b) * t),
      ];
    }
  }
}

/**
 * Samples a noisy curve.
 *
 * @example The original's spiral (seed 2)
 * ```ts
 * import { makeCurve } from "./curves.ts";
 * import assert from "node:assert/strict";
 * const X = makeCurve("spiral");
 * assert.equal(X.rows, 500);
 * assert.ok(Math.abs(X.data[0] - -8.294257469963478) < 1e-12);
 * ```
 */
export function makeCurve(name: CurveName, options: CurveOptions = {}): Matrix {
  checkOptions("make a curve", options, CURVE_OPTIONS);
  const n = options.nSamples ?? 500;
  const noise = options.noise ?? DEFAULT_NOISE[name];
  const seed = options.seed ?? 2;
  validate("make a curve", { name, nSamples: n, noise }, {
    name: { kind: "oneOf", values: CURVES },
    nSamples: { kind: "int", min: 1 },
    noise: { kind: "number", min: 0 },
  });
  const rng = new RandomState(seed);
  const t = rng.rand(n);
  for (let i = 0; i < n; i++) t[i] = 2.5 * Math.PI * (1 + 2 * t[i]);
  const X = matrix(n, 2);
  for (let i = 0; i < n; i++) [X.data[2 * i], X.data[2 * i + 1]] = point(name, t[i]);
  // randn(2, n): first row perturbs x, second row perturbs y.
  const e = rng.randn(2 * n);
  for (let i = 0; i < n; i++) {
    X.data[2 * i] += noise * e[i];
    X.data[2 * i + 1] += noise * e[n + i];
  }
  return X;
}
