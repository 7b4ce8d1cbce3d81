/**
 * Pieces shared by the Lloyd and Elkan k-means iterations: the M-step (centre
 * update with scikit-learn's empty-cluster relocation), inertia and the
 * same-clustering test.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { sqDist } from "../distance.ts";

/**
 * M-step: writes the mean of each cluster into `centersNew` and the Euclidean
 * shift of each centre into `shift`. An empty cluster takes the point farthest
 * from its own centre (farthest first), which leaves its old cluster, as
 * scikit-learn's `_relocate_empty_clusters_dense`.
 */
export function updateCenters(
  X: Matrix,
  labels: Int32Array,
  centersOld: Matrix,
  centersNew: Matrix,
  shift: Float64Array,
  weights?: Float64Array,
): void {
  const k = centersOld.rows, d = X.cols, n = X.rows;
  const sums = centersNew.data;
  sums.fill(0);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    const w = weights ? weights[i] : 1;
    counts[c] += w;
    const o = c * d, xo = i * d;
    for (let j = 0; j < d; j++) sums[o + j] += w * X.data[xo + j];
  }
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length > 0) {
    const dist = new Float64Array(n);
    for (let i = 0; i < n; i++) dist[i] = sqDist(X, i, centersOld, labels[i]);
    const far = Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => dist[b] - dist[a] || a - b)
      .slice(0, empty.length);
    for (let e = 0; e < empty.length; e++) {
      const c = empty[e], i = far[e], old = labels[i];
      const w = weights ? weights[i] : 1;
      for (let j = 0; j < d; j++) {
        sums[old * d + j] -= w * X.data[i * d + j];
        sums[c * d + j] = w * X.data[i * d + j];
      }
      counts[c] = w;
      counts[old] -= w;
    }
  }
  for (let c = 0; c < k; c++) {
    const o = c * d;
    if (counts[c] > 0) {
      for (let j = 0; j < d; j++) sums[o + j] /= counts[c];
    }
    shift[c] = Math.sqrt(sqDist(centersOld, c, centersNew, c));
  }
}

/** (Weighted) sum of squared distances of the samples to their assigned centres. */
export function inertiaOf(
  X: Matrix,
  centers: Matrix,
  labels: Int32Array,
  weights?: Float64Array,
): number {
  let s = 0;
  for (let i = 0; i < X.rows; i++) {
    s += (weights ? weights[i] : 1) * sqDist(X, i, centers, labels[i]);
  }
  return s;
}

/** Index of the nearest row of `centers` to row `i` of `X`, and its squared distance. */
export function nearest(X: Matrix, i: number, centers: Matrix): [number, number] {
  let best = 0, bestD = Infinity;
  for (let c = 0; c < centers.rows; c++) {
    const dd = sqDist(X, i, centers, c);
    if (dd < bestD) {
      bestD = dd;
      best = c;
    }
  }
  return [best, bestD];
}

/** True when two labellings are the same partition up to renaming of labels. */
export function isSameClustering(a: Int32Array, b: Int32Array, k: number): boolean {
  const map = new Int32Array(k).fill(-1);
  for (let i = 0; i < a.length; i++) {
    if (map[a[i]] === -1) map[a[i]] = b[i];
    else if (map[a[i]] !== b[i]) return false;
  }
  return true;
}
