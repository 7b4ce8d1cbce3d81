/**
 * Hartigan–Wong style single-point refinement of a k-means solution.
 *
 * Moving sample x (weight w) from cluster A to cluster B changes the inertia
 * by Δ = (W_B·w / (W_B + w))·‖x − μ_B‖² − (W_A·w / (W_A − w))·‖x − μ_A‖²
 * (W = cluster weight). Lloyd only moves x when ‖x − μ_B‖ < ‖x − μ_A‖;
 * this moves it whenever Δ < 0, so it escapes many of Lloyd's local optima,
 * and every result it accepts is still a Lloyd fixed point.
 * Reference: J. A. Hartigan, "Clustering Algorithms" (1975), ch. 4;
 * M. Telgarsky and A. Vattani, "Hartigan's method: k-means clustering
 * without Voronoi" (AISTATS 2010).
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { sqDist } from "../distance.ts";

/**
 * Runs passes over the samples until no single move lowers the inertia (or
 * `maxPasses`). Updates `centers` (exact means of the final labels) and
 * `labels` in place; returns the number of moves made.
 */
export function hartiganRefine(
  X: Matrix,
  centers: Matrix,
  labels: Int32Array,
  weights?: Float64Array,
  maxPasses = 50,
): number {
  const n = X.rows, k = centers.rows, d = X.cols;
  const size = new Float64Array(k);
  for (let i = 0; i < n; i++) size[labels[i]] += weights ? weights[i] : 1;
  const mu = centers.data;
  let moves = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    let moved = 0;
    for (let i = 0; i < n; i++) {
      const a = labels[i];
      const w = weights ? weights[i] : 1;
      if (size[a] - w <= 0) continue; // never empty a cluster
      const dA = sqDist(X, i, centers, a);
      const removeGain = ((size[a] * w) / (size[a] - w)) * dA;
      let best = -1, bestCost = removeGain;
      for (let b = 0; b < k; b++) {
        if (b === a) continue;
        const cost = ((size[b] * w) / (size[b] + w)) * sqDist(X, i, centers, b);
        if (cost < bestCost) {
          bestCost = cost;
          best = b;
        }
      }
      // Require a real decrease, not floating-point noise.
      if (best < 0 || removeGain - bestCost <= 1e-12 * (removeGain + 1e-300)) continue;
      const xo = i * d;
      const sa = size[a], sb = size[best];
      for (let j = 0; j < d; j++) {
        const x = X.data[xo + j];
        mu[a * d + j] = (sa * mu[a * d + j] - w * x) / (sa - w);
        mu[best * d + j] = (sb * mu[best * d + j] + w * x) / (sb + w);
      }
      size[a] -= w;
      size[best] += w;
      labels[i] = best;
      moved++;
    }
    moves += moved;
    if (moved === 0) break;
  }
  if (moves > 0) {
    // Recompute the means exactly from the labels (no drift from the updates).
    mu.fill(0);
    for (let i = 0; i < n; i++) {
      const w = weights ? weights[i] : 1;
      for (let j = 0; j < d; j++) mu[labels[i] * d + j] += w * X.data[i * d + j];
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) mu[c * d + j] /= size[c];
  }
  return moves;
}
