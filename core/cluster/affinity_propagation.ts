/**
 * Affinity propagation on a similarity matrix, as scikit-learn's
 * `affinity_propagation`.
 *
 * Samples exchange two kinds of messages until a set of exemplars emerges:
 * responsibilities r(i,k) = s(i,k) − max_{k'≠k} [a(i,k') + s(i,k')] and
 * availabilities a(i,k) = min(0, r(k,k) + Σ_{i'∉{i,k}} max(0, r(i',k)))
 * (a(k,k) = Σ_{i'≠k} max(0, r(i',k))), each damped. Sample k is an exemplar
 * when a(k,k) + r(k,k) > 0; the set must stay unchanged for
 * `convergenceIter` iterations. The diagonal s(k,k), the preference, sets
 * how many exemplars appear (default: the median similarity).
 * Reference: B. J. Frey and D. Dueck, "Clustering by passing messages
 * between data points" (Science 2007); scikit-learn
 * `sklearn/cluster/_affinity_propagation.py`.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { RandomState } from "../random.ts";
import { checkOptions, optionNames, validate, validateData } from "../validate.ts";

/** Options of {@linkcode affinityPropagation}. */
export interface AffinityPropagationOptions {
  /** Self-similarity of every sample. @default the median of S */
  preference?: number;
  /** Weight of the previous message, in [0.5, 1). @default 0.5 */
  damping?: number;
  /** @default 200 */
  maxIter?: number;
  /** Iterations the exemplar set must stay unchanged. @default 15 */
  convergenceIter?: number;
  /** Seed or generator of the tiny noise that breaks ties in S. @default 0 */
  randomState?: number | RandomState;
  /**
   * Called with one line where scikit-learn warns: equal similarities (no
   * iterations), or no convergence within `maxIter`. @default ignore
   */
  onWarning?: (message: string) => void;
}

/** {@linkcode AffinityPropagationOptions}'s names, for {@linkcode checkOptions}. */
const AFFINITY_PROPAGATION_OPTIONS = optionNames<AffinityPropagationOptions>({
  preference: true,
  damping: true,
  maxIter: true,
  convergenceIter: true,
  randomState: true,
  onWarning: true,
});

/** An affinity-propagation clustering. */
export interface AffinityPropagationResult {
  /**
   * Cluster of each sample (numbered by exemplar index). A run that did not
   * converge still labels by its last exemplars (scikit-learn ≥ 1.1); all −1
   * when it has none.
   */
  readonly labels: Int32Array;
  /** Exemplar of each cluster, ascending. */
  readonly clusterCentersIndices: Int32Array;
  readonly nIter: number;
  /** Whether the exemplars stayed unchanged for `convergenceIter` iterations (true when equal similarities left nothing to run). */
  readonly converged: boolean;
}

function median(values: Float64Array): number {
  const s = values.slice().sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Clusters n samples given their n × n similarity matrix `S` (larger = more
 * similar, e.g. −‖xᵢ − xⱼ‖² or a covariance).
 *
 * @example Two groups of three (as scikit-learn: exemplars 1 and 4, 18 iterations)
 * ```ts
 * import { affinityPropagation } from "./affinity_propagation.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const x = [0, 1, 2, 10, 11, 12];
 * const S = fromRows(x.map((a) => x.map((b) => -((a - b) ** 2))));
 * const r = affinityPropagation(S);
 * assert.deepEqual(Array.from(r.labels), [0, 0, 0, 1, 1, 1]);
 * assert.deepEqual(Array.from(r.clusterCentersIndices), [1, 4]);
 * assert.equal(r.nIter, 18);
 * ```
 * @throws {RangeError} on a non-square or non-finite S, or a parameter out of range.
 */
export function affinityPropagation(
  S0: Matrix,
  options: AffinityPropagationOptions = {},
): AffinityPropagationResult {
  checkOptions("run affinity propagation", options, AFFINITY_PROPAGATION_OPTIONS);
  const n = S0.rows;
  if (S0.cols !== n || n < 1) {
    throw new RangeError(
      `Cannot run affinity propagation as S must be square: shape=${S0.rows}x${S0.cols}`,
    );
  }
  validateData("run affinity propagation", S0);
  const o = {
    preference: options.preference ?? median(S0.data),
    damping: options.damping ?? 0.5,
    maxIter: options.maxIter ?? 200,
    convergenceIter: options.convergenceIter ?? 15,
  };
  validate("run affinity propagation", o, {
    preference: { kind: "number" },
    damping: { kind: "number", min: 0.5, max: 1, maxExclusive: true },
    maxIter: { kind: "int", min: 1 },
    convergenceIter: { kind: "int", min: 1 },
  });
  const warn = options.onWarning ?? (() => {});
  if (n === 1 || equalOffDiagonal(S0)) {
    // Nothing to run: every sample its own exemplar, or one for all, as the
    // preference compares with the similarities.
    warn("All samples have mutually equal similarities. Returning arbitrary cluster center(s).");
    const each = o.preference >= S0.data[n - 1];
    return {
      labels: each ? Int32Array.from({ length: n }, (_, i) => i) : new Int32Array(n),
      clusterCentersIndices: each ? Int32Array.from({ length: n }, (_, i) => i) : new Int32Array(1),
      nIter: 0,
      converged: true,
    };
  }
  const rs = options.randomState ?? 0;
  const rng = typeof rs === "number" ? new RandomState(rs) : rs;
  const S = S0.data.slice();
  for (let i = 0; i < n; i++) S[i * n + i] = o.preference;
  // Remove degeneracies: S += (ε·S + 100·tiny)·N(0, 1), row by row as NumPy draws them.
  const noise = rng.randn(n * n);
  const EPS = 2 ** -52, TINY = 2 ** -1022;
  for (let k = 0; k < n * n; k++) S[k] += (EPS * S[k] + TINY * 100) * noise[k];

  const A = new Float64Array(n * n), R = new Float64Array(n * n);
  const colSum = new Float64Array(n);
  const e = new Uint8Array(n * o.convergenceIter);
  const E = new Uint8Array(n);
  const damp = o.damping;
  let converged = false;
  let it = 0;
  for (; it < o.maxIter; it++) {
    // Responsibilities.
    for (let i = 0; i < n; i++) {
      let best = -1, y = -Infinity, y2 = -Infinity;
      for (let k = 0; k < n; k++) {
        const v = A[i * n + k] + S[i * n + k];
        if (v > y) (y2 = y), (y = v), (best = k);
        else if (v > y2) y2 = v;
      }
      for (let k = 0; k < n; k++) {
        const rNew = S[i * n + k] - (k === best ? y2 : y);
        R[i * n + k] = damp * R[i * n + k] + (1 - damp) * rNew;
      }
    }
    // Availabilities from the column sums of max(0, R) (the diagonal kept as
    // is), both passes row by row for memory locality.
    colSum.fill(0);
    for (let i = 0; i < n; i++) {
      const o = i * n;
      for (let k = 0; k < n; k++) {
        const r = R[o + k];
        colSum[k] += i === k || r > 0 ? r : 0;
      }
    }
    for (let i = 0; i < n; i++) {
      const o = i * n;
      for (let k = 0; k < n; k++) {
        const r = R[o + k];
        let a = colSum[k] - (i === k || r > 0 ? r : 0);
        if (i !== k && a > 0) a = 0;
        A[o + k] = damp * A[o + k] + (1 - damp) * a;
      }
    }
    // Exemplars and convergence.
    let K = 0;
    for (let k = 0; k < n; k++) {
      E[k] = A[k * n + k] + R[k * n + k] > 0 ? 1 : 0;
      e[k * o.convergenceIter + (it % o.convergenceIter)] = E[k];
      K += E[k];
    }
    if (it >= o.convergenceIter) {
      let stable = 0;
      for (let k = 0; k < n; k++) {
        let se = 0;
        for (let c = 0; c < o.convergenceIter; c++) se += e[k * o.convergenceIter + c];
        if (se === 0 || se === o.convergenceIter) stable++;
      }
      if (stable === n && K > 0) {
        converged = true;
        break;
      }
    }
  }
  const nIter = converged ? it + 1 : it;
  const exemplars: number[] = [];
  for (let k = 0; k < n; k++) if (E[k]) exemplars.push(k);
  if (exemplars.length === 0) {
    warn("Affinity propagation did not converge and this model will not have any cluster centers.");
    return {
      labels: new Int32Array(n).fill(-1),
      clusterCentersIndices: new Int32Array(0),
      nIter,
      converged: false,
    };
  }
  if (!converged) {
    warn(
      "Affinity propagation did not converge, this model may return degenerate cluster centers and labels.",
    );
  }
  // Assign to the most similar exemplar, re-pick each cluster's exemplar as
  // the member most similar to the others, and assign again.
  const assign = (I: number[]) =>
    Int32Array.from({ length: n }, (_, i) => {
      const own = I.indexOf(i);
      if (own >= 0) return own;
      let best = 0;
      for (let c = 1; c < I.length; c++) if (S[i * n + I[c]] > S[i * n + I[best]]) best = c;
      return best;
    });
  let c = assign(exemplars);
  const I = exemplars.slice();
  for (let k = 0; k < I.length; k++) {
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (c[i] === k) members.push(i);
    let best = 0, bestSum = -Infinity;
    members.forEach((j, t) => {
      let s = 0;
      for (const i of members) s += S[i * n + j];
      if (s > bestSum) (bestSum = s), (best = t);
    });
    I[k] = members[best];
  }
  c = assign(I);
  const centers = [...new Set(Array.from(c, (k) => I[k]))].sort((a, b) => a - b);
  const labels = Int32Array.from(c, (k) => centers.indexOf(I[k]));
  return { labels, clusterCentersIndices: Int32Array.from(centers), nIter, converged };
}

/** Whether every off-diagonal similarity equals the first (scikit-learn's `all_equal_similarities`). */
function equalOffDiagonal(S: Matrix): boolean {
  const n = S.rows, first = S.data[1];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (i !== j && S.data[i * n + j] !== first) return false;
  }
  return true;
}
