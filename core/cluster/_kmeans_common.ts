/**
 * Pieces shared by the Lloyd and Elkan k-means iterations: the M-step (centre
 * update with scikit-learn's empty-cluster relocation), inertia and the
 * same-clustering test.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { rowSqNorms, sqDist } from "../distance.ts";
import { CHUNK } from "./_kmeans_protocol.ts";

/**
 * M-step: writes the mean of each cluster into `centersNew` and the Euclidean
 * shift of each centre into `shift`. An empty cluster takes the point farthest
 * from its own centre (farthest first), which leaves its old cluster, as
 * scikit-learn's `_relocate_empty_clusters_dense`.
 *
 * The sums are taken per chunk of {@linkcode CHUNK} samples and the chunks
 * added in order, as the two-core pool (`_kmeans_pool.ts`) adds them: one
 * core and two give the same centres, bit for bit.
 */
export function updateCenters(
  X: Matrix,
  labels: Int32Array,
  centersOld: Matrix,
  centersNew: Matrix,
  shift: Float64Array,
  weights?: Float64Array,
): void {
  const k = centersOld.rows, d = X.cols, n = X.rows, x = X.data;
  const sums = centersNew.data;
  sums.fill(0);
  const counts = new Float64Array(k);
  const one = n <= CHUNK; // a single chunk sums straight into the result
  const psum = one ? sums : new Float64Array(k * d);
  const pcount = one ? counts : new Float64Array(k);
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK);
    if (!one) {
      psum.fill(0);
      pcount.fill(0);
    }
    for (let i = from; i < to; i++) {
      const c = labels[i];
      const w = weights ? weights[i] : 1;
      pcount[c] += w;
      const o = c * d, xo = i * d;
      for (let j = 0; j < d; j++) psum[o + j] += w * x[xo + j];
    }
    if (one) break;
    // Clusters absent from the chunk add +0, which changes no sum.
    for (let c = 0; c < k; c++) {
      if (pcount[c] === 0) continue;
      counts[c] += pcount[c];
      for (let t = c * d, e = t + d; t < e; t++) sums[t] += psum[t];
    }
  }
  finishCenters(X, labels, centersOld, centersNew, counts, shift, weights);
}

/**
 * The rest of the M-step, from the (weighted) sums of each cluster's
 * samples in `centersNew` and the cluster weights in `counts`: relocates
 * empty clusters, divides, and writes each centre's shift. `counts` is
 * updated for relocated samples (`labels` is not, as scikit-learn).
 */
export function finishCenters(
  X: Matrix,
  labels: Int32Array,
  centersOld: Matrix,
  centersNew: Matrix,
  counts: Float64Array,
  shift: Float64Array,
  weights?: Float64Array,
): void {
  const k = centersOld.rows, d = X.cols, n = X.rows;
  const sums = centersNew.data;
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

/**
 * Assignment step: writes into `labels` the index of each row's nearest centre
 * (the first on ties) and returns the (weighted) inertia. The argmin uses
 * ‖c‖² − 2x·c (four centres per pass over x, as a blocked matrix product);
 * the inertia uses the exact distance to the chosen centre.
 */
export function assignLabels(
  X: Matrix,
  centers: Matrix,
  labels: Int32Array,
  weights?: Float64Array,
): number {
  const n = X.rows, d = X.cols, k = centers.rows;
  const x = X.data, c = centers.data;
  const norms = rowSqNorms(centers);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const best = nearestCenter(x, i * d, c, norms, d, k);
    labels[i] = best;
    inertia += (weights ? weights[i] : 1) * sqDist(X, i, centers, best);
  }
  return inertia;
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

/**
 * Index of the centre nearest to the sample at `x[xo .. xo + d)` (the first
 * on ties), by ‖c‖² − 2x·c with the centres' squared norms `norms`: four
 * centres per pass over x, as a blocked matrix product. The exact
 * arithmetic of every assignment step, so that a faster approximate step
 * can fall back on it where its own rounding could change the answer.
 */
export function nearestCenter(
  x: Float64Array,
  xo: number,
  c: Float64Array,
  norms: Float64Array,
  d: number,
  k: number,
): number {
  let best = 0, bestV = Infinity;
  let a = 0;
  for (; a + 4 <= k; a += 4) {
    const o0 = a * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let j = 0; j < d; j++) {
      const xj = x[xo + j];
      s0 += xj * c[o0 + j];
      s1 += xj * c[o1 + j];
      s2 += xj * c[o2 + j];
      s3 += xj * c[o3 + j];
    }
    const v0 = norms[a] - 2 * s0, v1 = norms[a + 1] - 2 * s1;
    const v2 = norms[a + 2] - 2 * s2, v3 = norms[a + 3] - 2 * s3;
    if (v0 < bestV) (bestV = v0), (best = a);
    if (v1 < bestV) (bestV = v1), (best = a + 1);
    if (v2 < bestV) (bestV = v2), (best = a + 2);
    if (v3 < bestV) (bestV = v3), (best = a + 3);
  }
  for (; a < k; a++) {
    const o = a * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += x[xo + j] * c[o + j];
    const v = norms[a] - 2 * s;
    if (v < bestV) (bestV = v), (best = a);
  }
  return best;
}

/**
 * Why Lloyd/Elkan iterations stop after a step: "strict" when the labels
 * equal the previous step's, "tol" when the total squared centre shift is
 * ≤ `tol`, else undefined.
 */
export function stopReason(
  labels: Int32Array,
  labelsOld: Int32Array,
  shift: Float64Array,
  tol: number,
): "strict" | "tol" | undefined {
  let same = true;
  for (let i = 0; i < labels.length && same; i++) same = labels[i] === labelsOld[i];
  if (same) return "strict";
  let shiftTot = 0;
  for (const s of shift) shiftTot += s * s;
  return shiftTot <= tol ? "tol" : undefined;
}
