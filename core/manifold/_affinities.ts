/**
 * t-SNE's input affinities P, as scikit-learn 1.2 computes them: for each
 * sample a Gaussian over its neighbours whose precision β is found by
 * bisection so that the entropy of p(·|i) equals log(perplexity), then the
 * symmetrised joint P = (P + Pᵀ) / Σ.
 *
 * @module
 */
import { exp, log } from "../math.ts";

/** A symmetric sparse matrix in compressed rows, columns ascending within a row. */
export interface SparseRows {
  readonly n: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/** scikit-learn's bisection settings (`_utils._binary_search_perplexity`). */
const PERPLEXITY_TOLERANCE = 1e-5;
const MAX_STEPS = 100;
const EPSILON_DBL = 1e-8;

/**
 * Conditional probabilities p(j|i) ∝ exp(−β_i·d²_ij) over each row of
 * `sqd` (n × m squared distances), β_i by bisection on the entropy H_i =
 * log Σ_j e^(−β d²) + β·Σ_j p(j|i) d² (natural log) to |H_i − log perplexity|
 * ≤ 1e-5, at most 100 steps, starting at β = 1 and doubling or halving until
 * the target is bracketed. With `skipSelf` (the square n × n case) entry
 * (i, i) stays 0.
 */
export function binarySearchPerplexity(
  sqd: Float64Array,
  n: number,
  m: number,
  perplexity: number,
  skipSelf: boolean,
): Float64Array {
  const P = new Float64Array(n * m);
  const target = log(perplexity);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    let beta = 1, betaMin = -Infinity, betaMax = Infinity;
    for (let step = 0; step < MAX_STEPS; step++) {
      let sumP = 0;
      for (let j = 0; j < m; j++) {
        if (skipSelf && j === i) continue;
        const p = exp(-sqd[o + j] * beta);
        P[o + j] = p;
        sumP += p;
      }
      if (sumP === 0) sumP = EPSILON_DBL;
      let sumDistP = 0;
      for (let j = 0; j < m; j++) {
        P[o + j] /= sumP;
        sumDistP += sqd[o + j] * P[o + j];
      }
      const diff = log(sumP) + beta * sumDistP - target;
      if (Math.abs(diff) <= PERPLEXITY_TOLERANCE) break;
      if (diff > 0) {
        betaMin = beta;
        beta = betaMax === Infinity ? beta * 2 : (beta + betaMax) / 2;
      } else {
        betaMax = beta;
        beta = betaMin === -Infinity ? beta / 2 : (beta + betaMin) / 2;
      }
    }
  }
  return P;
}

/**
 * The joint P of Barnes–Hut t-SNE from each sample's k nearest neighbours
 * (`indices`, `sqDistances`: n × k): conditional P by bisection, then
 * P + Pᵀ on the union of the neighbour graphs, divided by its sum
 * (scikit-learn's `_joint_probabilities_nn`). O(n·k) memory.
 */
export function jointProbabilitiesNN(
  indices: Int32Array,
  sqDistances: Float64Array,
  n: number,
  k: number,
  perplexity: number,
): SparseRows {
  const cond = binarySearchPerplexity(sqDistances, n, k, perplexity, false);
  // Each edge i → j of the kNN graph lands in row i and in row j.
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    counts[i + 1] += k;
    for (let t = 0; t < k; t++) counts[indices[i * k + t] + 1]++;
  }
  for (let i = 0; i < n; i++) counts[i + 1] += counts[i];
  const fill = counts.slice(0, n);
  const cols = new Int32Array(counts[n]);
  const vals = new Float64Array(counts[n]);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t], v = cond[i * k + t];
      cols[fill[i]] = j;
      vals[fill[i]++] = v;
      cols[fill[j]] = i;
      vals[fill[j]++] = v;
    }
  }
  // Per row: sort by column (stably, so duplicates add up in the order they were
  // found) and add up the duplicates (edges found both ways). Typed arrays only:
  // growing JS arrays of this size held ~90 MB of heap at n = 20,000.
  const indptr = new Int32Array(n + 1);
  const outCols = new Int32Array(counts[n]);
  const outVals = new Float64Array(counts[n]);
  let order = new Int32Array(0);
  let total = 0, out = 0;
  for (let i = 0; i < n; i++) {
    const len = counts[i + 1] - counts[i];
    if (order.length < len) order = new Int32Array(len);
    const row = order.subarray(0, len);
    for (let t = 0; t < len; t++) row[t] = counts[i] + t;
    row.sort((a, b) => cols[a] - cols[b]);
    let last = -1;
    for (let t = 0; t < len; t++) {
      const s = row[t];
      if (cols[s] === last) outVals[out - 1] += vals[s];
      else {
        outCols[out] = cols[s];
        outVals[out++] = vals[s];
        last = cols[s];
      }
      total += vals[s];
    }
    indptr[i + 1] = out;
  }
  const sum = Math.max(total, Number.EPSILON);
  const values = outVals.slice(0, out);
  for (let t = 0; t < out; t++) values[t] /= sum;
  return { n, indptr, indices: outCols.slice(0, out), values };
}

/**
 * The dense joint P of exact t-SNE from all n × n squared distances:
 * conditional P by bisection over all other samples, P + Pᵀ divided by its
 * sum, every off-diagonal entry at least machine epsilon (scikit-learn's
 * `_joint_probabilities`). O(n²) memory.
 */
export function jointProbabilities(sqd: Float64Array, n: number, perplexity: number): Float64Array {
  const P = binarySearchPerplexity(sqd, n, n, perplexity, true);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = P[i * n + j] + P[j * n + i];
      P[i * n + j] = v;
      P[j * n + i] = v;
      total += 2 * v;
    }
  }
  const sum = Math.max(total, Number.EPSILON);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      P[i * n + j] = i === j ? 0 : Math.max(P[i * n + j] / sum, Number.EPSILON);
    }
  }
  return P;
}
