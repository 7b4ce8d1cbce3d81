/**
 * The OPTICS reachability graph (ordering, core distances, reachability,
 * predecessors), step for step as scikit-learn 1.2.1's
 * `compute_optics_graph` with the Euclidean metric.
 *
 * The floating-point details follow scikit-learn's:
 * - a distance is √(Σ_k (x_k − y_k)²), summed in feature order (the k-d
 *   tree's `rdist` and scipy's `cdist(…, "minkowski", p=2)` both do);
 * - core distances (distance to the `minSamples`-th nearest sample, itself
 *   included) above `maxEps` become ∞, and every core and reachability
 *   distance is rounded as `np.around(x, 15)`: x·10¹⁵, rounded half to even,
 *   ÷10¹⁵ ({@linkcode round15});
 * - the next point is the unprocessed one of smallest reachability, the
 *   lowest index on ties (`np.argmin`), ∞ included;
 * - a neighbour is updated only when the rounded max(distance, core) is
 *   strictly below its reachability.
 *
 * Memory is O(n): with `maxEps` = ∞ every step streams the distances from
 * the current point to the unprocessed points (in index order, which also
 * yields the next point); with a finite `maxEps` and at most three features
 * a {@linkcode RadiusIndex} finds the neighbours and an indexed binary heap
 * keyed on (reachability, index) gives the next point.
 *
 * Reference: M. Ankerst, M. M. Breunig, H.-P. Kriegel, J. Sander, "OPTICS:
 * ordering points to identify the clustering structure", SIGMOD 1999;
 * scikit-learn `sklearn/cluster/_optics.py` (1.2.1).
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { kneighbors, select } from "../neighbors/knn.ts";
import { RadiusIndex } from "../neighbors/radius_index.ts";

/** What {@linkcode opticsGraph} computes, indexed by sample. */
export interface OpticsGraph {
  readonly ordering: Int32Array;
  readonly coreDistances: Float64Array;
  readonly reachability: Float64Array;
  readonly predecessor: Int32Array;
}

/**
 * `np.around(x, 15)` for x ≥ 0 (or ∞): multiply by 10¹⁵, round half to
 * even, divide by 10¹⁵ — NumPy's three float64 operations.
 *
 * @example
 * ```ts
 * import { round15 } from "./_optics_graph.ts";
 * import assert from "node:assert/strict";
 * assert.equal(round15(Math.SQRT2), 1.414213562373095);
 * assert.equal(round15(Infinity), Infinity);
 * ```
 */
export function round15(x: number): number {
  const y = x * 1e15;
  let r = Math.round(y);
  if (r - y === 0.5 && r % 2 !== 0) r -= 1; // Math.round breaks ties upwards
  return r / 1e15;
}

/**
 * A distance d > r + SLACK·(1 + r) rounds (round15) above r, so it cannot
 * lower a reachability r: such squared distances skip the square root and
 * the rounding. The bound is loose by orders of magnitude (round15 moves a
 * value by ≤ 0.5·10⁻¹⁵ plus a few ulps), so it never changes a result.
 */
const SLACK = 1e-12;

/** Squared distance between rows i and j of X, summed in feature order. */
function sqDistSeq(x: Float64Array, d: number, i: number, j: number): number {
  const oi = i * d, oj = j * d;
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = x[oi + k] - x[oj + k];
    s += t * t;
  }
  return s;
}

/**
 * Distance from every sample to its `k`-th nearest sample (itself
 * included), as scikit-learn's `kneighbors(X, k)[0][:, -1]`.
 */
export function kthDistances(X: Matrix, k: number): Float64Array {
  const n = X.rows, d = X.cols, x = X.data;
  const out = new Float64Array(n);
  if (d <= 3 && k <= SMALL_K) {
    // Up to three features core/neighbors sums in feature order too; its
    // answers take O(n·k) memory, hence only for small k.
    const nn = kneighbors(X, k, { includeSelf: true });
    for (let i = 0; i < n; i++) out[i] = nn.distances[i * k + k - 1];
    return out;
  }
  if (k > SMALL_K) {
    // Quickselect over one row of squared distances at a time (O(n) memory).
    const row = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) row[j] = sqDistSeq(x, d, i, j);
      out[i] = Math.sqrt(select(row, k - 1));
    }
    return out;
  }
  // Keep the k smallest squared distances in a sorted buffer (O(k) memory).
  const best = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    best.fill(Infinity);
    for (let j = 0; j < n; j++) {
      const s = sqDistSeq(x, d, i, j);
      if (s >= best[k - 1]) continue;
      let p = k - 1;
      while (p > 0 && best[p - 1] > s) {
        best[p] = best[p - 1];
        p--;
      }
      best[p] = s;
    }
    out[i] = Math.sqrt(best[k - 1]);
  }
  return out;
}

/** Largest k for the sorted-buffer and k-d tree searches; beyond, quickselect. */
const SMALL_K = 64;

/**
 * Computes the OPTICS graph of `X` for an already resolved integer
 * `minSamples` (2 ≤ minSamples ≤ n) and `maxEps` ≥ 0 (∞ allowed).
 */
export function opticsGraph(X: Matrix, minSamples: number, maxEps: number): OpticsGraph {
  const n = X.rows;
  // Step 1. Core distances: k-th neighbour distance, ∞ beyond maxEps, rounded.
  const core = kthDistances(X, minSamples);
  for (let i = 0; i < n; i++) core[i] = core[i] > maxEps ? Infinity : round15(core[i]);
  const reach = new Float64Array(n).fill(Infinity);
  const pred = new Int32Array(n).fill(-1);
  const ordering = new Int32Array(n);
  // Step 2. The ordering loop.
  if (maxEps === Infinity || maxEps === 0 || X.cols > 3) {
    streamLoop(X, core, reach, pred, ordering, maxEps);
  } else {
    indexLoop(X, core, reach, pred, ordering, maxEps);
  }
  return { ordering, coreDistances: core, reachability: reach, predecessor: pred };
}

/**
 * Each step scans the unprocessed samples in index order: updates their
 * reachability from the current point (when it is core and they lie within
 * maxEps) and finds the next point, the first of smallest reachability.
 */
function streamLoop(
  X: Matrix,
  core: Float64Array,
  reach: Float64Array,
  pred: Int32Array,
  ordering: Int32Array,
  maxEps: number,
): void {
  const n = X.rows, d = X.cols, x = X.data;
  const r2 = maxEps * maxEps;
  const bounded = maxEps !== Infinity;
  // Unprocessed samples, ascending; compacted as points are taken.
  const open = new Int32Array(n);
  for (let i = 0; i < n; i++) open[i] = i;
  let m = n;
  let point = 0; // argmin of an all-∞ reachability: the first index
  for (let step = 0; step < n; step++) {
    ordering[step] = point;
    const c = core[point];
    // r = round15(max(dist, c)) ≥ round15(c) (round15 is monotone): a
    // reachability already ≤ round15(c) cannot improve.
    const floor = round15(c);
    let next = -1, best = Infinity;
    let w = 0;
    if (c === Infinity) {
      for (let t = 0; t < m; t++) {
        const j = open[t];
        if (j === point) continue;
        open[w++] = j;
        if (next < 0 || reach[j] < best) {
          next = j;
          best = reach[j];
        }
      }
    } else if (d === 2 && !bounded) {
      const px = x[2 * point], py = x[2 * point + 1];
      for (let t = 0; t < m; t++) {
        const j = open[t];
        if (j === point) continue;
        open[w++] = j;
        let rj = reach[j];
        if (rj > floor) {
          const dx = px - x[2 * j], dy = py - x[2 * j + 1];
          const s = dx * dx + dy * dy;
          const lim = rj + SLACK * (1 + rj);
          if (!(s > lim * lim)) {
            const dist = Math.sqrt(s);
            const r = round15(dist > c ? dist : c);
            if (r < rj) {
              reach[j] = rj = r;
              pred[j] = point;
            }
          }
        }
        if (next < 0 || rj < best) {
          next = j;
          best = rj;
        }
      }
    } else {
      for (let t = 0; t < m; t++) {
        const j = open[t];
        if (j === point) continue;
        open[w++] = j;
        let rj = reach[j];
        if (rj > floor) {
          const s = sqDistSeq(x, d, point, j);
          const lim = rj + SLACK * (1 + rj);
          if ((!bounded || s <= r2) && !(s > lim * lim)) {
            const dist = Math.sqrt(s);
            const r = round15(dist > c ? dist : c);
            if (r < rj) {
              reach[j] = rj = r;
              pred[j] = point;
            }
          }
        }
        if (next < 0 || rj < best) {
          next = j;
          best = rj;
        }
      }
    }
    m = w;
    point = next;
  }
}

/**
 * Finite maxEps, few features: neighbours from a grid index; the next point
 * from an indexed min-heap on (reachability, index), or, when no unprocessed
 * point has a finite reachability, the lowest unprocessed index.
 */
function indexLoop(
  X: Matrix,
  core: Float64Array,
  reach: Float64Array,
  pred: Int32Array,
  ordering: Int32Array,
  maxEps: number,
): void {
  const n = X.rows, d = X.cols, x = X.data;
  const index = new RadiusIndex(X, maxEps);
  const processed = new Uint8Array(n);
  const heap = new Int32Array(n); // sample ids
  const pos = new Int32Array(n).fill(-1); // heap position of each sample, −1 if absent
  let size = 0;
  const less = (a: number, b: number) => reach[a] < reach[b] || (reach[a] === reach[b] && a < b);
  const up = (p: number) => {
    const v = heap[p];
    while (p > 0) {
      const q = (p - 1) >> 1;
      if (!less(v, heap[q])) break;
      heap[p] = heap[q];
      pos[heap[p]] = p;
      p = q;
    }
    heap[p] = v;
    pos[v] = p;
  };
  const popMin = (): number => {
    const top = heap[0];
    pos[top] = -1;
    const v = heap[--size];
    if (size > 0) {
      let p = 0;
      for (;;) {
        const l = 2 * p + 1;
        if (l >= size) break;
        const c = l + 1 < size && less(heap[l + 1], heap[l]) ? l + 1 : l;
        if (!less(heap[c], v)) break;
        heap[p] = heap[c];
        pos[heap[p]] = p;
        p = c;
      }
      heap[p] = v;
      pos[v] = p;
    }
    return top;
  };
  let lowest = 0; // every index below it is processed
  for (let step = 0; step < n; step++) {
    let point: number;
    if (size > 0) point = popMin();
    else {
      while (processed[lowest]) lowest++;
      point = lowest;
    }
    processed[point] = 1;
    ordering[step] = point;
    const c = core[point];
    if (c === Infinity) continue;
    const floor = round15(c);
    index.query(X, point, (j) => {
      if (processed[j]) return;
      const rj = reach[j];
      if (!(rj > floor)) return;
      const s = sqDistSeq(x, d, point, j);
      const lim = rj + SLACK * (1 + rj);
      if (s > lim * lim) return;
      const dist = Math.sqrt(s);
      const r = round15(dist > c ? dist : c);
      if (r < rj) {
        reach[j] = r;
        pred[j] = point;
        if (pos[j] < 0) {
          heap[size] = j;
          up(size++);
        } else up(pos[j]);
      }
    });
  }
}
