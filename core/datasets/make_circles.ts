/**
 * Two concentric noisy circles and two interleaving half moons, draw for draw
 * as scikit-learn's `make_circles` and `make_moons` with an integer
 * `random_state` (NumPy legacy generator): the points on the curves, a
 * shuffle, then Gaussian noise added to every coordinate.
 *
 * The curves use `Math.cos`/`Math.sin`, which may differ from NumPy's in the
 * last bit on a few angles; `scripts/crosscheck/issue23_datasets.py` measures
 * it (largest difference 0 or 1 ulp on the example's data).
 *
 * @module
 */
import { linspace, type Matrix, matrix } from "../matrix.ts";
import { RandomState } from "../random.ts";
import { checkOptions, optionNames, validate } from "../validate.ts";

/** Options shared by {@linkcode makeCircles} and {@linkcode makeMoons}. */
export interface CurvesOptions {
  /** Total number of points: ⌊n/2⌋ on the outer curve, the rest on the inner. @default 100 */
  nSamples?: number;
  /** Shuffle the samples. @default true */
  shuffle?: boolean;
  /** Standard deviation of the Gaussian noise added to every coordinate. @default 0 (none) */
  noise?: number;
  /** Seed or generator. @default 0 */
  randomState?: number | RandomState;
}

/** {@linkcode CurvesOptions}'s names, for {@linkcode checkOptions}. */
const MOONS_OPTIONS = optionNames<CurvesOptions>({
  nSamples: true,
  shuffle: true,
  noise: true,
  randomState: true,
});

/** Options of {@linkcode makeCircles}. */
export interface MakeCirclesOptions extends CurvesOptions {
  /** Radius of the inner circle relative to the outer one, in [0, 1). @default 0.8 */
  factor?: number;
}

/** {@linkcode MakeCirclesOptions}'s names, for {@linkcode checkOptions}. */
const CIRCLES_OPTIONS = optionNames<MakeCirclesOptions>({
  nSamples: true,
  shuffle: true,
  noise: true,
  randomState: true,
  factor: true,
});

/** Points and the curve each came from (0 outer, 1 inner). */
export interface CurvePoints {
  readonly X: Matrix;
  readonly y: Int32Array;
}

/**
 * A large circle holding a small one, as `sklearn.datasets.make_circles`.
 *
 * @example Same data as `make_circles(n_samples=500, factor=0.5, noise=0.05, random_state=30)`
 * ```ts
 * import { makeCircles } from "./make_circles.ts";
 * import assert from "node:assert/strict";
 * const { X, y } = makeCircles({ nSamples: 500, factor: 0.5, noise: 0.05, randomState: 30 });
 * assert.equal(X.rows, 500);
 * assert.ok(Math.abs(X.data[0] - 0.9438595500020064) < 1e-15);
 * assert.equal(y.reduce((s, v) => s + v, 0), 250);
 * ```
 * @throws {RangeError} when nSamples < 1, noise < 0 or factor ∉ [0, 1).
 */
export function makeCircles(options: MakeCirclesOptions = {}): CurvePoints {
  checkOptions("make circles", options, CIRCLES_OPTIONS);
  const factor = options.factor ?? 0.8;
  const { nSamples, noise, rng } = resolve("make circles", options);
  if (!(factor >= 0 && factor < 1)) {
    throw new RangeError(`Cannot make circles as factor must be in [0, 1): factor=${factor}`);
  }
  const nOut = Math.floor(nSamples / 2), nIn = nSamples - nOut;
  // endpoint=False, so that the first point is not also the last.
  const tOut = linspace(0, 2 * Math.PI, nOut, false);
  const tIn = linspace(0, 2 * Math.PI, nIn, false);
  return finish(nOut, nIn, options.shuffle ?? true, noise, rng, (i) => {
    if (i < nOut) return [Math.cos(tOut[i]), Math.sin(tOut[i])];
    const t = tIn[i - nOut];
    return [Math.cos(t) * factor, Math.sin(t) * factor];
  });
}

/**
 * Two interleaving half circles, as `sklearn.datasets.make_moons`.
 *
 * @example Same data as `make_moons(n_samples=500, noise=0.05, random_state=30)`
 * ```ts
 * import { makeMoons } from "./make_circles.ts";
 * import assert from "node:assert/strict";
 * const { X, y } = makeMoons({ nSamples: 500, noise: 0.05, randomState: 30 });
 * assert.equal(X.rows, 500);
 * assert.ok(Math.abs(X.data[0] - 1.0450407859511044) < 1e-15);
 * assert.equal(y.reduce((s, v) => s + v, 0), 250);
 * ```
 * @throws {RangeError} when nSamples < 1 or noise < 0.
 */
export function makeMoons(options: CurvesOptions = {}): CurvePoints {
  checkOptions("make moons", options, MOONS_OPTIONS);
  const { nSamples, noise, rng } = resolve("make moons", options);
  const nOut = Math.floor(nSamples / 2), nIn = nSamples - nOut;
  const tOut = linspace(0, Math.PI, nOut);
  const tIn = linspace(0, Math.PI, nIn);
  return finish(nOut, nIn, options.shuffle ?? true, noise, rng, (i) => {
    if (i < nOut) return [Math.cos(tOut[i]), Math.sin(tOut[i])];
    const t = tIn[i - nOut];
    return [1 - Math.cos(t), 1 - Math.sin(t) - 0.5];
  });
}

function resolve(action: string, options: CurvesOptions) {
  const nSamples = options.nSamples ?? 100;
  const noise = options.noise ?? 0;
  validate(action, { nSamples, noise, shuffle: options.shuffle ?? true }, {
    shuffle: { kind: "oneOf", values: [true, false] },
    nSamples: { kind: "int", min: 1 },
    noise: { kind: "number", min: 0 },
  });
  const rs = options.randomState ?? 0;
  return { nSamples, noise, rng: typeof rs === "number" ? new RandomState(rs) : rs };
}

/** Outer points then inner ones, shuffled, then noise: scikit-learn's order of draws. */
function finish(
  nOut: number,
  nIn: number,
  shuffle: boolean,
  noise: number,
  rng: RandomState,
  point: (i: number) => [number, number],
): CurvePoints {
  const n = nOut + nIn;
  const order = shuffle ? rng.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  const X = matrix(n, 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b] = point(order[i]);
    X.data[2 * i] = a;
    X.data[2 * i + 1] = b;
    y[i] = order[i] < nOut ? 0 : 1;
  }
  // normal(scale=noise, size=X.shape) draws row-major; skipped when noise is None (here 0).
  if (noise > 0) { for (let k = 0; k < 2 * n; k++) X.data[k] += 0 + noise * rng.nextGauss(); }
  return { X, y };
}
