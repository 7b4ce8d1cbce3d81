/**
 * Greedy k-means++ seeding, as scikit-learn's `_kmeans_plusplus`.
 *
 * Reference: D. Arthur and S. Vassilvitskii, "k-means++: the advantages of
 * careful seeding" (SODA 2007); the greedy variant draws `2 + ⌊ln k⌋`
 * candidates per step with probability ∝ D(x)² and keeps the one that lowers
 * the potential Σ D(x)² most.
 *
 * @module
 */
import { checkOptions, optionNames } from "../validate.ts";
import type { Matrix } from "../matrix.ts";
import { takeRows } from "../matrix.ts";
import { sqDist } from "../distance.ts";
import type { RandomState } from "../random.ts";

/**
 * Computes k-means++'s distances; `kmeans` passes its two-core pool
 * (`_kmeans_pool.ts`), which returns the same values bit for bit.
 */
export interface PlusPlusDistances {
  /** closest[i] = wᵢ‖xᵢ − x_first‖². */
  first(first: number, closest: Float64Array): void;
  /** out[t][i] = min(closest[i], wᵢ‖xᵢ − x_{ids[t]}‖²). */
  candidates(ids: Int32Array, closest: Float64Array, out: Float64Array[]): void;
  /**
   * The same distances as `candidates`, returned as the engine's own arrays
   * (valid until its next call), which saves copying them out.
   */
  candidateViews?(ids: Int32Array, closest: Float64Array): Float64Array<ArrayBufferLike>[];
}

/** Options of {@linkcode kmeansPlusPlus}. */
export interface KMeansPlusPlusOptions {
  /** Candidates drawn per centre. @default 2 + ⌊ln k⌋ */
  nLocalTrials?: number;
  /** Weight of each sample (potentials become Σ wᵢ D(xᵢ)²). @default all 1 */
  sampleWeight?: Float64Array;
}

/** {@linkcode KMeansPlusPlusOptions}'s names, for {@linkcode checkOptions}. */
const PLUSPLUS_OPTIONS = optionNames<KMeansPlusPlusOptions>({
  nLocalTrials: true,
  sampleWeight: true,
});

/** Chosen centres and the indices of the samples they were taken from. */
export interface KMeansPlusPlusResult {
  readonly centers: Matrix;
  readonly indices: Int32Array;
}

/**
 * Picks `k` initial centres among the rows of `X` by greedy k-means++.
 * Consumes the generator exactly as scikit-learn 1.2 does: one `randint(n)`
 * for the first centre, then `nLocalTrials` uniforms per further centre. With
 * sample weights (as scikit-learn ≥ 1.3) the first centre is drawn with
 * probability ∝ w and every potential is weighted.
 *
 * @example
 * ```ts
 * import { kmeansPlusPlus } from "./kmeans_plusplus.ts";
 * import { fromRows } from "../matrix.ts";
 * import { RandomState } from "../random.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0, 0], [0, 1], [10, 10], [10, 11]]);
 * const { indices } = kmeansPlusPlus(X, 2, new RandomState(0));
 * // one centre from each far-apart pair
 * assert.notEqual(indices[0] < 2, indices[1] < 2);
 * ```
 */
export function kmeansPlusPlus(
  X: Matrix,
  k: number,
  rng: RandomState,
  options: KMeansPlusPlusOptions = {},
): KMeansPlusPlusResult {
  checkOptions("run k-means++", options, PLUSPLUS_OPTIONS);
  return plusPlus(X, k, rng, options);
}

/** {@linkcode kmeansPlusPlus} with its distances from `engine` when given. */
export function plusPlus(
  X: Matrix,
  k: number,
  rng: RandomState,
  options: KMeansPlusPlusOptions,
  engine?: PlusPlusDistances,
): KMeansPlusPlusResult {
  const n = X.rows;
  const trials = options.nLocalTrials ?? 2 + Math.floor(Math.log(k));
  const indices = new Int32Array(k).fill(-1);

  const w = options.sampleWeight;
  const cumsum = new Float64Array(n);
  // Index of the first cumulative value ≥ r (NumPy's searchsorted, left side).
  const search = (r: number) => {
    let lo = 0, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumsum[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return Math.min(lo, n - 1);
  };
  let first: number;
  if (w) {
    let acc = 0;
    for (let i = 0; i < n; i++) cumsum[i] = acc += w[i];
    first = search(rng.nextDouble() * acc);
  } else {
    first = rng.randint(0, n, 1)[0];
  }
  indices[0] = first;
  // wD(x)² to the nearest chosen centre, and the potential φ = Σ w D(x)².
  let closest = new Float64Array(n);
  let pot = 0;
  if (engine) {
    engine.first(first, closest);
    pot = cumulate(undefined, closest, n);
  } else {
    for (let i = 0; i < n; i++) {
      closest[i] = (w ? w[i] : 1) * sqDist(X, i, X, first);
      pot += closest[i];
    }
  }
  const byEngine = engine && !engine.candidateViews
    ? Array.from({ length: trials }, () => new Float64Array(n))
    : [];

  const candidateIds = new Int32Array(trials);
  // The one-core scoring's buffers (an engine needs neither).
  let candidateDist = new Float64Array(engine ? 0 : n);
  let bestDist = new Float64Array(engine ? 0 : n);
  for (let c = 1; c < k; c++) {
    // Draw candidates with probability w D(x)² / φ.
    cumulate(cumsum, closest, n);
    for (let t = 0; t < trials; t++) candidateIds[t] = search(rng.nextDouble() * pot);
    // Keep the candidate giving the lowest potential (first one on ties).
    let bestPot = Infinity;
    let best = -1;
    if (engine) {
      // The engine scores every candidate in one pass over the samples.
      let dists: Float64Array<ArrayBufferLike>[] = byEngine;
      if (engine.candidateViews) dists = engine.candidateViews(candidateIds, closest);
      else engine.candidates(candidateIds, closest, byEngine);
      const pots = potentials(dists, trials, n);
      let bestT = 0;
      for (let t = 0; t < trials; t++) {
        if (pots[t] < bestPot) {
          bestPot = pots[t];
          best = candidateIds[t];
          bestT = t;
        }
      }
      indices[c] = best;
      pot = bestPot;
      if (engine.candidateViews) closest.set(dists[bestT]);
      else [closest, byEngine[bestT]] = [byEngine[bestT], closest];
      continue;
    }
    for (let t = 0; t < trials; t++) {
      const id = candidateIds[t];
      let p = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.min(closest[i], (w ? w[i] : 1) * sqDist(X, i, X, id));
        candidateDist[i] = d;
        p += d;
      }
      if (p < bestPot) {
        bestPot = p;
        best = id;
        [bestDist, candidateDist] = [candidateDist, bestDist];
      }
    }
    indices[c] = best;
    pot = bestPot;
    [closest, bestDist] = [bestDist, closest];
  }
  return { centers: takeRows(X, indices), indices };
}

/**
 * The running sums of closest[0 .. n) into cumsum (when given); returns the
 * total. A function of its own so that V8 compiles the loop whole: inside
 * the centre loop it was compiled alone and thrown back at every exit (11
 * to 44 times per k-means fit).
 */
function cumulate(cumsum: Float64Array | undefined, closest: Float64Array, n: number): number {
  let acc = 0;
  if (cumsum) {
    for (let i = 0; i < n; i++) cumsum[i] = acc += closest[i];
  } else {
    for (let i = 0; i < n; i++) acc += closest[i];
  }
  return acc;
}

/**
 * Σᵢ dists[t][i] for each t < m, each summed from i = 0 up as a plain
 * loop sums it (the same values), four sums per pass so that their
 * dependent additions overlap.
 */
function potentials(
  dists: Float64Array<ArrayBufferLike>[],
  m: number,
  n: number,
): Float64Array {
  const pots = new Float64Array(m);
  let t = 0;
  for (; t + 4 <= m; t += 4) {
    const a = dists[t], b = dists[t + 1], c = dists[t + 2], d = dists[t + 3];
    let pa = 0, pb = 0, pc = 0, pd = 0;
    for (let i = 0; i < n; i++) {
      pa += a[i];
      pb += b[i];
      pc += c[i];
      pd += d[i];
    }
    pots[t] = pa;
    pots[t + 1] = pb;
    pots[t + 2] = pc;
    pots[t + 3] = pd;
  }
  for (; t < m; t++) {
    const a = dists[t];
    let p = 0;
    for (let i = 0; i < n; i++) p += a[i];
    pots[t] = p;
  }
  return pots;
}
