/**
 * Exact k-nearest-neighbour queries with a k-d tree (Bentley, 1975), for
 * data of few dimensions: the rows are split at the median of their widest
 * coordinate until at most {@linkcode KD_LEAF_SIZE} remain, and each query
 * visits the nearer half first and skips every box farther than its current
 * k-th neighbour.
 *
 * The answers are exactly the brute-force ones of `kneighbors` (`knn.ts`):
 * the same float64 squared distances, summed in the same order, and the same
 * order between equal distances (the lower index first), because candidates
 * are compared on (distance, index) and no box that could hold a tie is
 * skipped. Memory O(n·d) for the tree and O(n·k) for the answers.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";

/**
 * Rows per leaf: the tree stops splitting below this many. Larger leaves
 * mean fewer boxes to measure and more rows to scan; every query is
 * exact either way. Self-queries on two cores, 32 against 16 rows (ms,
 * two rounds): 100000 × 2, k = 5: 176, 250 against 194, 249; 20000 × 10,
 * k = 10: 404, 594 against 575, 655; 70000 × 10, k = 20: 3357, 3888
 * against 5105, 5730; 20000 × 15, k = 15: 842, 1034 against 1335, 1428
 * (64 rows: mixed against 32).
 */
export const KD_LEAF_SIZE = 32;

/**
 * A k-d tree over the rows of a matrix: rows permuted into tree order
 * (`points`, `order`), and per node its range of that order, its children
 * and its bounding box.
 */
export interface KdTree {
  readonly n: number;
  readonly d: number;
  /** `order[p]` is the original row at tree position p. */
  readonly order: Int32Array;
  /** The rows in tree order (n × d, row-major). */
  readonly points: Float64Array;
  /** Node t covers tree positions `start[t] .. end[t] - 1`. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Children of node t (−1 for a leaf). */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Bounding boxes: node t's lower and upper corners at `t·d`. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/**
 * Builds a k-d tree over the rows of `X`.
 *
 * @example
 * ```ts
 * import { buildKdTree } from "./_kd_tree.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const tree = buildKdTree(fromRows([[0, 0], [5, 1], [2, 9]]));
 * assert.deepEqual(Array.from(tree.lower.subarray(0, 2)), [0, 0]);
 * assert.deepEqual(Array.from(tree.upper.subarray(0, 2)), [5, 9]);
 * ```
 */
export function buildKdTree(X: Matrix, leafSize = KD_LEAF_SIZE): KdTree {
  const n = X.rows, d = X.cols, x = X.data;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const maxNodes = 2 * Math.ceil(n / Math.max(1, leafSize >> 1)) + 1;
  const start = new Int32Array(maxNodes), end = new Int32Array(maxNodes);
  const left = new Int32Array(maxNodes).fill(-1), right = new Int32Array(maxNodes).fill(-1);
  const lower = new Float64Array(maxNodes * d), upper = new Float64Array(maxNodes * d);
  const key = new Float64Array(n);
  let nodes = 0;
  const stack: number[] = [];
  const newNode = (s: number, e: number): number => {
    const t = nodes++;
    start[t] = s;
    end[t] = e;
    const o = t * d;
    for (let a = 0; a < d; a++) {
      lower[o + a] = Infinity;
      upper[o + a] = -Infinity;
    }
    for (let p = s; p < e; p++) {
      const r = order[p] * d;
      for (let a = 0; a < d; a++) {
        const v = x[r + a];
        if (v < lower[o + a]) lower[o + a] = v;
        if (v > upper[o + a]) upper[o + a] = v;
      }
    }
    return t;
  };
  stack.push(newNode(0, n));
  while (stack.length > 0) {
    const t = stack.pop()!;
    const s = start[t], e = end[t];
    if (e - s <= leafSize) continue;
    const o = t * d;
    let axis = 0, widest = -1;
    for (let a = 0; a < d; a++) {
      const w = upper[o + a] - lower[o + a];
      if (w > widest) {
        widest = w;
        axis = a;
      }
    }
    if (!(widest > 0)) continue; // all rows equal: keep them in one leaf
    for (let p = s; p < e; p++) key[p] = x[order[p] * d + axis];
    const mid = (s + e) >>> 1;
    selectOrder(order, key, s, e - 1, mid);
    left[t] = newNode(s, mid);
    right[t] = newNode(mid, e);
    stack.push(left[t], right[t]);
  }
  const points = new Float64Array(n * d);
  for (let p = 0; p < n; p++) points.set(x.subarray(order[p] * d, order[p] * d + d), p * d);
  return {
    n,
    d,
    order,
    points,
    start: start.slice(0, nodes),
    end: end.slice(0, nodes),
    left: left.slice(0, nodes),
    right: right.slice(0, nodes),
    lower: lower.slice(0, nodes * d),
    upper: upper.slice(0, nodes * d),
  };
}

/** Reorders `order[lo..hi]` (with `key`) so that position r holds its rank-r key. */
function selectOrder(order: Int32Array, key: Float64Array, lo: number, hi: number, r: number) {
  while (lo < hi) {
    const pivot = key[(lo + hi) >>> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (key[i] < pivot) i++;
      while (key[j] > pivot) j--;
      if (i <= j) {
        const tk = key[i], to = order[i];
        key[i] = key[j];
        order[i] = order[j];
        key[j] = tk;
        order[j] = to;
        i++;
        j--;
      }
    }
    if (r <= j) hi = j;
    else if (r >= i) lo = i;
    else return;
  }
}

/**
 * Squared Euclidean distance between `a[oa..oa+d)` and `b[ob..ob+d)`, summed
 * as `kneighbors`' brute force sums it (four partial sums, the remainder
 * into the first); `Infinity` once a partial sum exceeds `bound`.
 */
function sqDistBounded(
  a: Float64Array,
  oa: number,
  b: Float64Array,
  ob: number,
  d: number,
  bound: number,
): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, c = 0;
  for (; c + 4 <= d; c += 4) {
    const t0 = a[oa + c] - b[ob + c], t1 = a[oa + c + 1] - b[ob + c + 1];
    const t2 = a[oa + c + 2] - b[ob + c + 2], t3 = a[oa + c + 3] - b[ob + c + 3];
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
    if ((c & 15) === 12 && (s0 + s1) + (s2 + s3) > bound) return Infinity;
  }
  for (; c < d; c++) {
    const t = a[oa + c] - b[ob + c];
    s0 += t * t;
  }
  return (s0 + s1) + (s2 + s3);
}

/** {@linkcode sqDistBounded} without a bound: the brute force's squared distance. */
export function sqDistBrute(
  a: Float64Array,
  oa: number,
  b: Float64Array,
  ob: number,
  d: number,
): number {
  return sqDistBounded(a, oa, b, ob, d, Infinity);
}

/**
 * The `k` nearest rows of the tree to each query row `Q` (squared
 * distances), nearest first, ties by the lower index; `exclude[i]` (if
 * given and ≥ 0) is a row that query i must not return (itself).
 * Queries `from .. to − 1` only, into `indices`/`sqDistances` (m × k).
 */
export function kdTreeQuery(
  tree: KdTree,
  Q: Float64Array,
  k: number,
  indices: Int32Array,
  sqDistances: Float64Array,
  from = 0,
  to = Q.length / tree.d,
  exclude?: Int32Array,
): void {
  const { d, points, order, start, end, left, right, lower, upper } = tree;
  // The candidates of one query: a max-heap on (distance, index).
  const hd = new Float64Array(k), hi = new Int32Array(k);
  const stack = new Int32Array(128), bounds = new Float64Array(128);
  const worse = (da: number, ia: number, db: number, ib: number) =>
    da > db || (da === db && ia > ib);
  const boxDist = (t: number, oq: number): number => {
    const o = t * d;
    let s = 0;
    for (let a = 0; a < d; a++) {
      const q = Q[oq + a];
      const lo = lower[o + a];
      if (q < lo) {
        s += (lo - q) * (lo - q);
      } else {
        const up = upper[o + a];
        if (q > up) s += (q - up) * (q - up);
      }
    }
    return s;
  };
  // A box is skipped only when clearly farther than the k-th candidate, so
  // that rounding in its lower bound never hides a tie.
  const SLACK = 1 + 1e-9;
  for (let i = from; i < to; i++) {
    const oq = i * d;
    hd.fill(Infinity);
    hi.fill(0x7fffffff);
    const skip = exclude ? exclude[i] : -1;
    let top = 0;
    stack[top] = 0;
    bounds[top++] = 0;
    while (top > 0) {
      const t = stack[--top];
      if (bounds[top] > hd[0] * SLACK) continue;
      const l = left[t];
      if (l < 0) {
        for (let p = start[t]; p < end[t]; p++) {
          const dist = sqDistBounded(Q, oq, points, p * d, d, hd[0]);
          if (dist > hd[0]) continue;
          const j = order[p];
          if (j === skip || !worse(hd[0], hi[0], dist, j)) continue;
          // Replace the root and sift down.
          let c = 0;
          for (;;) {
            const l2 = 2 * c + 1;
            if (l2 >= k) break;
            let m = l2;
            if (l2 + 1 < k && worse(hd[l2 + 1], hi[l2 + 1], hd[l2], hi[l2])) m = l2 + 1;
            if (!worse(hd[m], hi[m], dist, j)) break;
            hd[c] = hd[m];
            hi[c] = hi[m];
            c = m;
          }
          hd[c] = dist;
          hi[c] = j;
        }
        continue;
      }
      const r = right[t];
      const dl = boxDist(l, oq), dr = boxDist(r, oq);
      // Push the farther child first so that the nearer is visited first.
      if (dl <= dr) {
        stack[top] = r;
        bounds[top++] = dr;
        stack[top] = l;
        bounds[top++] = dl;
      } else {
        stack[top] = l;
        bounds[top++] = dl;
        stack[top] = r;
        bounds[top++] = dr;
      }
    }
    // Sort the heap's k entries by (distance, index).
    const o = i * k;
    for (let s = 0; s < k; s++) {
      let p = s;
      while (p > 0 && worse(sqDistances[o + p - 1], indices[o + p - 1], hd[s], hi[s])) {
        sqDistances[o + p] = sqDistances[o + p - 1];
        indices[o + p] = indices[o + p - 1];
        p--;
      }
      sqDistances[o + p] = hd[s];
      indices[o + p] = hi[s];
    }
  }
}
