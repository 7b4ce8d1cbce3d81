/**
 * One mini-batch k-means step (scikit-learn 1.2's `_mini_batch_step`): assign
 * the batch to its nearest centres, move each centre to the running mean of
 * every sample it has been given, and — when asked — reassign the centres
 * whose count is below `reassignmentRatio · max count` to random samples of
 * the batch.
 *
 * Update of centre c with the batch samples B_c (weights 1), W_c its count:
 *   μ_c ← (μ_c · W_c + Σ_{x∈B_c} x) · (1 / (W_c + |B_c|)),  W_c ← W_c + |B_c|,
 * in that order of operations (scikit-learn's `_minibatch_update_dense`),
 * so that the centres agree with scikit-learn's to the last bits.
 *
 * From 16 features on, the products, distances and sums run in WebAssembly
 * SIMD by blocks of samples (`_minibatch_dots.ts`; the sums stay in sample
 * order, so the update is unchanged); below, a low-dimensional batch is
 * gathered first, so that its cache misses overlap.
 *
 * Reference: D. Sculley, "Web-scale k-means clustering", WWW 2010.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { matrix } from "../matrix.ts";
import type { RandomState } from "../random.ts";
import type { PlusPlusDistances } from "./kmeans_plusplus.ts";
import { rowSqNorms } from "../distance.ts";
import { nearestCenter } from "./_kmeans_common.ts";
import { BLOCK, blockKernel, residentDots } from "./_minibatch_dots.ts";

/** Most k-means++ candidates per step that the WebAssembly products take. */
export const MAX_TRIALS = 8;

/**
 * Squared distance summed four features at a time, as scikit-learn's
 * `_euclidean_dense_dense` (the inertia, hence the early stopping, uses it).
 */
export function sqDistSk(
  x: Float64Array,
  xo: number,
  c: Float64Array,
  co: number,
  d: number,
): number {
  let r = 0, j = 0;
  for (; j + 4 <= d; j += 4) {
    const t0 = x[xo + j] - c[co + j], t1 = x[xo + j + 1] - c[co + j + 1];
    const t2 = x[xo + j + 2] - c[co + j + 2], t3 = x[xo + j + 3] - c[co + j + 3];
    r += t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3;
  }
  for (; j < d; j++) {
    const t = x[xo + j] - c[co + j];
    r += t * t;
  }
  return r;
}

/**
 * Labels of the rows `rows` of `X` (all rows when `rows` is null) by their
 * nearest centre, written into `labels`; returns the inertia
 * (`_labels_inertia`).
 */
export function labelsInertia(
  X: Matrix,
  rows: Int32Array | null,
  centers: Matrix,
  labels: Int32Array,
): number {
  const d = X.cols, k = centers.rows, x = X.data, c = centers.data;
  const norms = rowSqNorms(centers);
  const nb = rows ? rows.length : X.rows;
  let inertia = 0, b = 0;
  const kernel = d >= 16 ? blockKernel(X, centers) : undefined;
  if (kernel) {
    // High dimension: products and distances in WebAssembly SIMD, by blocks.
    const out = new Float64Array(BLOCK * k), sq = new Float64Array(BLOCK);
    for (let from = 0; from < nb; from += BLOCK) {
      const m = Math.min(BLOCK, nb - from);
      kernel.dots(rows, from, m, out);
      for (let r = 0; r < m; r++) {
        let best = 0, bestV = Infinity;
        for (let t = 0, o = r * k; t < k; t++) {
          const v = norms[t] - 2 * out[o + t];
          if (v < bestV) (bestV = v), (best = t);
        }
        labels[from + r] = best;
      }
      kernel.sqd(m, labels.subarray(from, from + m), sq);
      for (let r = 0; r < m; r++) inertia += sq[r];
    }
    return inertia;
  }
  if (d >= 16 && k >= 4) {
    // Two samples per pass over the centres (high dimension).
    for (; b + 2 <= nb; b += 2) {
      const xa = (rows ? rows[b] : b) * d, xb = (rows ? rows[b + 1] : b + 1) * d;
      nearestPair(x, xa, xb, c, norms, d, k, labels, b);
      inertia += sqDistSk(x, xa, c, labels[b] * d, d);
      inertia += sqDistSk(x, xb, c, labels[b + 1] * d, d);
    }
  }
  for (; b < nb; b++) {
    const xo = (rows ? rows[b] : b) * d;
    const best = k >= 8 && d >= 16
      ? nearest8(x, xo, c, norms, d, k)
      : nearestCenter(x, xo, c, norms, d, k);
    labels[b] = best;
    inertia += sqDistSk(x, xo, c, best * d, d);
  }
  return inertia;
}

/**
 * The nearest centres of the samples at `xa` and `xb`, into
 * `labels[at]` and `labels[at + 1]`: four centres per pass over both
 * samples (eight independent sums, six loads per eight products), with
 * {@linkcode nearestCenter}'s dot products and comparisons — its labels.
 */
function nearestPair(
  x: Float64Array,
  xa: number,
  xb: number,
  c: Float64Array,
  norms: Float64Array,
  d: number,
  k: number,
  labels: Int32Array,
  at: number,
): void {
  let bestA = 0, bestVA = Infinity, bestB = 0, bestVB = Infinity, a = 0;
  for (; a + 4 <= k; a += 4) {
    const o0 = a * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    for (let j = 0; j < d; j++) {
      const u = x[xa + j], v = x[xb + j];
      const c0 = c[o0 + j], c1 = c[o1 + j], c2 = c[o2 + j], c3 = c[o3 + j];
      a0 += u * c0;
      a1 += u * c1;
      a2 += u * c2;
      a3 += u * c3;
      b0 += v * c0;
      b1 += v * c1;
      b2 += v * c2;
      b3 += v * c3;
    }
    let t = norms[a] - 2 * a0;
    if (t < bestVA) (bestVA = t), (bestA = a);
    t = norms[a + 1] - 2 * a1;
    if (t < bestVA) (bestVA = t), (bestA = a + 1);
    t = norms[a + 2] - 2 * a2;
    if (t < bestVA) (bestVA = t), (bestA = a + 2);
    t = norms[a + 3] - 2 * a3;
    if (t < bestVA) (bestVA = t), (bestA = a + 3);
    t = norms[a] - 2 * b0;
    if (t < bestVB) (bestVB = t), (bestB = a);
    t = norms[a + 1] - 2 * b1;
    if (t < bestVB) (bestVB = t), (bestB = a + 1);
    t = norms[a + 2] - 2 * b2;
    if (t < bestVB) (bestVB = t), (bestB = a + 2);
    t = norms[a + 3] - 2 * b3;
    if (t < bestVB) (bestVB = t), (bestB = a + 3);
  }
  for (; a < k; a++) {
    const o = a * d;
    let sa = 0, sb = 0;
    for (let j = 0; j < d; j++) {
      sa += x[xa + j] * c[o + j];
      sb += x[xb + j] * c[o + j];
    }
    const ta = norms[a] - 2 * sa, tb = norms[a] - 2 * sb;
    if (ta < bestVA) (bestVA = ta), (bestA = a);
    if (tb < bestVB) (bestVB = tb), (bestB = a);
  }
  labels[at] = bestA;
  labels[at + 1] = bestB;
}

/**
 * {@linkcode nearestCenter} with eight centres per pass over x (eight
 * independent sums keep the floating-point adder busy): the same dot
 * products, summed in the same order, compared in the same order — the
 * same label.
 */
function nearest8(
  x: Float64Array,
  xo: number,
  c: Float64Array,
  norms: Float64Array,
  d: number,
  k: number,
): number {
  let best = 0, bestV = Infinity, a = 0;
  for (; a + 8 <= k; a += 8) {
    const o0 = a * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
    const o4 = o3 + d, o5 = o4 + d, o6 = o5 + d, o7 = o6 + d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let j = 0; j < d; j++) {
      const xj = x[xo + j];
      s0 += xj * c[o0 + j];
      s1 += xj * c[o1 + j];
      s2 += xj * c[o2 + j];
      s3 += xj * c[o3 + j];
      s4 += xj * c[o4 + j];
      s5 += xj * c[o5 + j];
      s6 += xj * c[o6 + j];
      s7 += xj * c[o7 + j];
    }
    let t = norms[a] - 2 * s0;
    if (t < bestV) (bestV = t), (best = a);
    t = norms[a + 1] - 2 * s1;
    if (t < bestV) (bestV = t), (best = a + 1);
    t = norms[a + 2] - 2 * s2;
    if (t < bestV) (bestV = t), (best = a + 2);
    t = norms[a + 3] - 2 * s3;
    if (t < bestV) (bestV = t), (best = a + 3);
    t = norms[a + 4] - 2 * s4;
    if (t < bestV) (bestV = t), (best = a + 4);
    t = norms[a + 5] - 2 * s5;
    if (t < bestV) (bestV = t), (best = a + 5);
    t = norms[a + 6] - 2 * s6;
    if (t < bestV) (bestV = t), (best = a + 6);
    t = norms[a + 7] - 2 * s7;
    if (t < bestV) (bestV = t), (best = a + 7);
  }
  for (; a < k; a++) {
    const o = a * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += x[xo + j] * c[o + j];
    const vt = norms[a] - 2 * s;
    if (vt < bestV) (bestV = vt), (best = a);
  }
  return best;
}

/** Scratch buffers and state of a run, reused across steps. */
export interface StepState {
  /** Centres, `k × d`, updated in place. */
  readonly centers: Matrix;
  /** Accumulated count of every centre, updated in place. */
  readonly counts: Float64Array;
  /** Labels of the batch (length ≥ batch size). */
  labels: Int32Array;
  /** Per-centre sample count of the current batch. */
  readonly batchCounts: Float64Array;
  /** Scratch for a gathered batch (low dimension). */
  batch?: Float64Array;
}

/**
 * One step on the batch `rows` of `X` (all of `X` when `rows` is null).
 * Returns the batch inertia against the centres before the update.
 *
 * @throws {RangeError} when every centre is marked for reassignment
 *   (`reassignmentRatio` > 1; scikit-learn fails there too).
 */
export function miniBatchStep(
  X: Matrix,
  rows: Int32Array | null,
  state: StepState,
  rng: RandomState,
  reassign: boolean,
  reassignmentRatio: number,
  action: string,
): number {
  if (rows && X.cols < 16) {
    // Low dimension: gather the batch first (a tight loop of independent
    // loads, whose cache misses overlap), then work on contiguous rows.
    const d = X.cols, nb = rows.length;
    if (!state.batch || state.batch.length < nb * d) state.batch = new Float64Array(nb * d);
    const xb = state.batch, x = X.data;
    for (let b = 0; b < nb; b++) {
      for (let j = 0, o = rows[b] * d; j < d; j++) xb[b * d + j] = x[o + j];
    }
    X = matrix(nb, d, xb.subarray(0, nb * d));
    rows = null;
  }
  const { centers, counts, batchCounts } = state;
  const d = X.cols, k = centers.rows, x = X.data, c = centers.data;
  const nb = rows ? rows.length : X.rows;
  if (state.labels.length < nb) state.labels = new Int32Array(nb);
  const labels = state.labels;
  const kernel = d >= 16 ? blockKernel(X, centers) : undefined;
  let inertia = 0;
  batchCounts.fill(0);
  if (kernel) {
    // High dimension, in WebAssembly by blocks: assignment against the
    // current centres, and the sums μ_c W_c + Σ x (in sample order) beside them.
    const sums = kernel.sums;
    for (let j = 0; j < k; j++) {
      const w = counts[j];
      for (let t = j * d, e = t + d; t < e; t++) sums[t] = c[t] * w;
    }
    const out = new Float64Array(BLOCK * k), sq = new Float64Array(BLOCK);
    const norms = rowSqNorms(centers);
    for (let from = 0; from < nb; from += BLOCK) {
      const m = Math.min(BLOCK, nb - from);
      kernel.dots(rows, from, m, out);
      for (let r = 0; r < m; r++) {
        let best = 0, bestV = Infinity;
        for (let t = 0, o = r * k; t < k; t++) {
          const v = norms[t] - 2 * out[o + t];
          if (v < bestV) (bestV = v), (best = t);
        }
        labels[from + r] = best;
        batchCounts[best] += 1;
      }
      kernel.sqd(m, labels.subarray(from, from + m), sq);
      for (let r = 0; r < m; r++) inertia += sq[r];
      kernel.addRows(m);
    }
    for (let j = 0; j < k; j++) {
      if (batchCounts[j] > 0) {
        counts[j] += batchCounts[j];
        const alpha = 1 / counts[j];
        for (let t = j * d, e = t + d; t < e; t++) c[t] = sums[t] * alpha;
      }
    }
  } else {
    // Step 1. Assignment against the current centres.
    inertia = labelsInertia(X, rows, centers, labels);
    // Step 2. μ_c ← (μ_c W_c + Σ x) / (W_c + |B_c|) for the centres with samples.
    for (let b = 0; b < nb; b++) batchCounts[labels[b]] += 1;
    for (let j = 0; j < k; j++) {
      if (batchCounts[j] > 0) {
        const w = counts[j];
        for (let t = j * d, e = t + d; t < e; t++) c[t] *= w;
      }
    }
    for (let b = 0; b < nb; b++) {
      const xo = (rows ? rows[b] : b) * d, co = labels[b] * d;
      for (let t = 0; t < d; t++) c[co + t] += x[xo + t];
    }
    for (let j = 0; j < k; j++) {
      if (batchCounts[j] > 0) {
        counts[j] += batchCounts[j];
        const alpha = 1 / counts[j];
        for (let t = j * d, e = t + d; t < e; t++) c[t] *= alpha;
      }
    }
  }
  // Step 3. Random reassignment of the centres with very low counts.
  if (reassign && reassignmentRatio > 0) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (counts[j] > max) max = counts[j];
    const limit = reassignmentRatio * max;
    const to = new Uint8Array(k);
    let nTo = 0;
    for (let j = 0; j < k; j++) if (counts[j] < limit) (to[j] = 1), nTo++;
    // At most half the batch becomes new centres: keep the highest counts.
    if (nTo > 0.5 * nb) {
      const order = Array.from({ length: k }, (_, j) => j)
        .sort((a, b) => counts[a] - counts[b] || a - b);
      for (let r = Math.floor(0.5 * nb); r < k; r++) to[order[r]] = 0;
      nTo = 0;
      for (let j = 0; j < k; j++) nTo += to[j];
    }
    if (nTo > 0) {
      // random_state.choice(nb, replace=False, size=nTo) = permutation(nb)[:nTo]
      const picks = rng.permutation(nb);
      let p = 0;
      for (let j = 0; j < k; j++) {
        if (!to[j]) continue;
        const xo = (rows ? rows[picks[p++]] : picks[p++]) * d;
        c.set(x.subarray(xo, xo + d), j * d);
      }
    }
    // Reset the reassigned counts to the smallest kept count.
    let min = Infinity;
    for (let j = 0; j < k; j++) if (!to[j] && counts[j] < min) min = counts[j];
    if (min === Infinity) {
      throw new RangeError(
        `Cannot ${action} as every centre was marked for reassignment: reassignmentRatio=${reassignmentRatio}`,
      );
    }
    for (let j = 0; j < k; j++) if (to[j]) counts[j] = min;
  }
  return inertia;
}

/**
 * k-means++'s distances as scikit-learn computes them
 * (`euclidean_distances` with the samples' squared norms):
 * max(0, (−2 x·c + ‖c‖²) + ‖x‖²), with up to four candidates per pass over
 * each sample.
 */
export function plusPlusEngine(X: Matrix): PlusPlusDistances {
  const n = X.rows, d = X.cols, x = X.data;
  const norms = rowSqNorms(X);
  const dot = (i: number, j: number) => {
    const a = i * d, b = j * d;
    let s = 0;
    for (let t = 0; t < d; t++) s += x[a + t] * x[b + t];
    return s;
  };
  const dist = (dotv: number, j: number, i: number) => {
    const v = (-2 * dotv + norms[j]) + norms[i];
    return v > 0 ? v : 0;
  };
  // In high dimension, the products in WebAssembly SIMD, the samples
  // copied into the module once.
  const maxM = MAX_TRIALS;
  let resident: ((C: Matrix, out: Float64Array) => void) | undefined | null = null;
  let products = new Float64Array(0);
  const simd = (ids: ArrayLike<number>, each: (i: number, t: number, dotv: number) => void) => {
    if (d < 16 || ids.length > maxM) return false;
    if (resident === null) resident = residentDots(X, maxM);
    if (!resident) return false;
    const m = ids.length;
    const C = matrix(m, d);
    for (let t = 0; t < m; t++) C.data.set(x.subarray(ids[t] * d, (ids[t] + 1) * d), t * d);
    if (products.length < n * m) products = new Float64Array(n * m);
    resident(C, products);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < m; t++) each(i, t, products[i * m + t]);
    }
    return true;
  };
  return {
    first(first, closest) {
      if (simd([first], (i, _, v) => closest[i] = dist(v, first, i))) return;
      for (let i = 0; i < n; i++) closest[i] = dist(dot(i, first), first, i);
    },
    candidates(ids, closest, out) {
      const fill = (i: number, t: number, v: number) =>
        out[t][i] = Math.min(closest[i], dist(v, ids[t], i));
      if (simd(ids, fill)) return;
      const m = ids.length;
      let t = 0;
      for (; t + 4 <= m; t += 4) {
        const j0 = ids[t], j1 = ids[t + 1], j2 = ids[t + 2], j3 = ids[t + 3];
        const b0 = j0 * d, b1 = j1 * d, b2 = j2 * d, b3 = j3 * d;
        const r0 = out[t], r1 = out[t + 1], r2 = out[t + 2], r3 = out[t + 3];
        for (let i = 0; i < n; i++) {
          const a = i * d;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          for (let q = 0; q < d; q++) {
            const xq = x[a + q];
            s0 += xq * x[b0 + q];
            s1 += xq * x[b1 + q];
            s2 += xq * x[b2 + q];
            s3 += xq * x[b3 + q];
          }
          const cl = closest[i];
          r0[i] = Math.min(cl, dist(s0, j0, i));
          r1[i] = Math.min(cl, dist(s1, j1, i));
          r2[i] = Math.min(cl, dist(s2, j2, i));
          r3[i] = Math.min(cl, dist(s3, j3, i));
        }
      }
      for (; t < m; t++) {
        const j = ids[t], r = out[t];
        for (let i = 0; i < n; i++) r[i] = Math.min(closest[i], dist(dot(i, j), j, i));
      }
    },
  };
}
