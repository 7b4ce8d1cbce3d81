/**
 * Nearest neighbours by brute force with O(n) working memory per query:
 * the k nearest rows (for k-NN graphs) and the distance to the k-th nearest
 * (for bandwidth estimates), without an n × n matrix.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { sqDist } from "../distance.ts";

/** The k nearest neighbours of every row: `indices`/`distances` are n × k, nearest first. */
export interface KNeighbors {
  readonly k: number;
  readonly indices: Int32Array;
  readonly distances: Float64Array;
}

/**
 * The `k` nearest rows of `X` to each row of `X` (Euclidean), nearest first,
 * ties broken by the lower index. Without `includeSelf` a row is not its own
 * neighbour (scikit-learn's `kneighbors()` with no query).
 *
 * @example
 * ```ts
 * import { kneighbors } from "./knn.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const nn = kneighbors(fromRows([[0], [1], [3]]), 1);
 * assert.deepEqual(Array.from(nn.indices), [1, 0, 1]);
 * assert.deepEqual(Array.from(nn.distances), [1, 1, 2]);
 * ```
 * @throws {RangeError} unless 1 ≤ k ≤ n (n − 1 without self).
 */
export function kneighbors(
  X: Matrix,
  k: number,
  options: { includeSelf?: boolean } = {},
): KNeighbors {
  const n = X.rows;
  const self = options.includeSelf ?? false;
  const most = self ? n : n - 1;
  if (!Number.isInteger(k) || k < 1 || k > most) {
    throw new RangeError(
      `Cannot find neighbours as k must be an integer in [1, ${most}]: k=${k}`,
    );
  }
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  // Per row: keep the k best in a sorted insertion buffer (k is small).
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < n; j++) {
      if (!self && j === i) continue;
      const d = sqDist(X, i, X, j);
      if (m === k && d >= bestD[k - 1]) continue;
      let p = m < k ? m++ : k - 1;
      while (p > 0 && bestD[p - 1] > d) {
        bestD[p] = bestD[p - 1];
        bestI[p] = bestI[p - 1];
        p--;
      }
      bestD[p] = d;
      bestI[p] = j;
    }
    for (let t = 0; t < k; t++) {
      indices[i * k + t] = bestI[t];
      distances[i * k + t] = Math.sqrt(bestD[t]);
    }
  }
  return { k, indices, distances };
}

/**
 * Distance from each row of `Q` to its `k`-th nearest row of `X` (the row
 * itself counts when `Q` is `X`), by selection in O(n) memory per query.
 */
export function kthNeighborDistance(X: Matrix, Q: Matrix, k: number): Float64Array {
  const out = new Float64Array(Q.rows);
  const buf = new Float64Array(X.rows);
  for (let i = 0; i < Q.rows; i++) {
    for (let j = 0; j < X.rows; j++) buf[j] = sqDist(Q, i, X, j);
    out[i] = Math.sqrt(select(buf, k - 1));
  }
  return out;
}

/** The `r`-th smallest value (0-based) of `a`, reordering `a` (Hoare's quickselect). */
function select(a: Float64Array, r: number): number {
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (r <= j) hi = j;
    else if (r >= i) lo = i;
    else return a[r];
  }
  return a[r];
}
