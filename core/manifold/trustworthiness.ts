/**
 * Trustworthiness of an embedding (J. Venna and S. Kaski, "Neighborhood
 * preservation in nonlinear projection methods", ICANN 2001), as
 * scikit-learn's `sklearn.manifold.trustworthiness`:
 *
 *   T(k) = 1 − 2 / (n·k·(2n − 3k − 1)) · Σᵢ Σ_{j ∈ Uᵢ} (r(i, j) − k),
 *
 * where Uᵢ holds the k nearest neighbours of i in the embedding that are not
 * among its k nearest in the input, and r(i, j) is j's rank (1-based) among
 * i's neighbours in the input space. 1 means every embedded neighbourhood is
 * a true one. O(n) memory per sample, never n × n.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { sqDist } from "../distance.ts";
import { kneighbors } from "../neighbors/knn.ts";

/**
 * Trustworthiness of `embedding` (n × c) as a map of `X` (n × d), with
 * `nNeighbors` neighbours (Euclidean in both spaces).
 *
 * @example
 * ```ts
 * import { trustworthiness } from "./trustworthiness.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0, 0], [1, 0], [2, 0], [3, 0], [4, 0], [5, 0]]);
 * // Keeping the first coordinate keeps every neighbourhood.
 * assert.equal(trustworthiness(X, fromRows([[0], [1], [2], [3], [4], [5]]), 2), 1);
 * ```
 * @throws {RangeError} when the row counts differ or nNeighbors ≥ n / 2.
 */
export function trustworthiness(X: Matrix, embedding: Matrix, nNeighbors = 5): number {
  const n = X.rows, k = nNeighbors;
  if (embedding.rows !== n) {
    throw new RangeError(
      `Cannot compute the trustworthiness as X and the embedding differ in rows: X=${n}, embedding=${embedding.rows}`,
    );
  }
  if (!Number.isInteger(k) || k < 1 || k >= n / 2) {
    throw new RangeError(
      `Cannot compute the trustworthiness as nNeighbors must be an integer in [1, n/2): nNeighbors=${k}, n=${n}`,
    );
  }
  const near = kneighbors(embedding, k).indices;
  const dist = new Float64Array(n);
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) dist[j] = j === i ? Infinity : sqDist(X, i, X, j);
    for (let t = 0; t < k; t++) {
      const j = near[i * k + t];
      // Rank of j in the input space: 1 + the samples strictly closer (ties by index).
      const dj = dist[j];
      let rank = 1;
      for (let l = 0; l < n; l++) {
        if (dist[l] < dj || (dist[l] === dj && l < j)) rank++;
      }
      if (rank > k) penalty += rank - k;
    }
  }
  return 1 - penalty * (2 / (n * k * (2 * n - 3 * k - 1)));
}
