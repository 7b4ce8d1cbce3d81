/**
 * Nearest neighbours by brute force without an n × n matrix (O(n·k) memory):
 * the k nearest rows (for k-NN graphs) and the distance to the k-th nearest
 * (for bandwidth estimates), without an n × n matrix.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { sqDist } from "../distance.ts";
import { buildKdTree, kdTreeQuery } from "./_kd_tree.ts";
import { gemmKneighbors } from "./_knn_gemm.ts";
import { parallelTreeQuery } from "./_kd_parallel.ts";
import { checkOptions } from "../validate.ts";

/** Up to this many columns, `"auto"` picks the k-d tree (for enough rows). */
export const KD_TREE_MAX_DIMS = 15;
/** From this many rows, `"auto"` picks the k-d tree (few columns) or the screened product (many). */
export const KD_TREE_MIN_ROWS = 512;

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
 * `algorithm` (scikit-learn's word) chooses how, never what: `"brute"`
 * measures every pair once; `"kd_tree"` (`_kd_tree.ts`) skips boxes farther
 * than the k-th candidate; `"gemm"` (`_knn_gemm.ts`) screens pairs with the
 * float32 matrix product and measures only the possible ones. All give the
 * same bits. `"auto"` (the default): the tree up to 15 columns, the product
 * beyond, from 512 rows; the brute force below. The tree's queries run on
 * two cores where a worker can start (`_kd_parallel.ts`), from n·k = 200,000,
 * and so does the product's screen (`_knn_gemm.ts`), from n²·d = 2·10⁹.
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
  options: { includeSelf?: boolean; algorithm?: "auto" | "brute" | "kd_tree" | "gemm" } = {},
): KNeighbors {
  checkOptions("find neighbours", options, ["includeSelf", "algorithm"]);
  const n = X.rows;
  const self = options.includeSelf ?? false;
  const most = self ? n : n - 1;
  if (!Number.isInteger(k) || k < 1 || k > most) {
    throw new RangeError(
      `Cannot find neighbours as k must be an integer in [1, ${most}]: k=${k}`,
    );
  }
  const algorithm = options.algorithm ?? "auto";
  if (
    algorithm === "kd_tree" ||
    (algorithm === "auto" && X.cols <= KD_TREE_MAX_DIMS && n >= KD_TREE_MIN_ROWS)
  ) {
    return treeKneighbors(X, k, self);
  }
  if (algorithm === "gemm" || (algorithm === "auto" && n >= KD_TREE_MIN_ROWS)) {
    const r = gemmKneighbors(X, k, self);
    if (r) return { k, indices: r.indices, distances: r.sqDistances.map(Math.sqrt) };
  }
  // Every row keeps its k best in a sorted buffer. Each pair i < j is
  // measured once and offered to both rows; a row receives its candidates in
  // ascending index order (lower rows while they are scanned, then its own
  // scan), and a candidate displaces only strictly farther ones, so ties keep
  // the lower index.
  const bestD = new Float64Array(n * k).fill(Infinity);
  const bestI = new Int32Array(n * k).fill(-1);
  const offer = (r: number, j: number, dist: number) => {
    const base = r * k;
    let p = k - 1;
    while (p > 0 && bestD[base + p - 1] > dist) {
      bestD[base + p] = bestD[base + p - 1];
      bestI[base + p] = bestI[base + p - 1];
      p--;
    }
    bestD[base + p] = dist;
    bestI[base + p] = j;
  };
  const d = X.cols, x = X.data;
  for (let i = 0; i < n; i++) {
    const lastI = i * k + k - 1;
    if (self && bestD[lastI] > 0) offer(i, i, 0);
    const oi = i * d;
    for (let j = i + 1; j < n; j++) {
      // sqDist's sum (four partial sums), abandoned as soon as the partial
      // sum reaches both rows' current k-th distance: neither would take it.
      const bound = Math.max(bestD[lastI], bestD[j * k + k - 1]);
      const oj = j * d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, a = 0, far = false;
      for (; a + 4 <= d; a += 4) {
        const t0 = x[oi + a] - x[oj + a], t1 = x[oi + a + 1] - x[oj + a + 1];
        const t2 = x[oi + a + 2] - x[oj + a + 2], t3 = x[oi + a + 3] - x[oj + a + 3];
        s0 += t0 * t0;
        s1 += t1 * t1;
        s2 += t2 * t2;
        s3 += t3 * t3;
        if ((a & 15) === 12 && (s0 + s1) + (s2 + s3) >= bound) {
          far = true;
          break;
        }
      }
      if (far) continue;
      for (; a < d; a++) {
        const t = x[oi + a] - x[oj + a];
        s0 += t * t;
      }
      const dist = (s0 + s1) + (s2 + s3);
      if (dist < bestD[lastI]) offer(i, j, dist);
      if (dist < bestD[j * k + k - 1]) offer(j, i, dist);
    }
  }
  const indices = bestI;
  const distances = bestD.map(Math.sqrt);
  return { k, indices, distances };
}

/** `kneighbors` through a k-d tree: the same answers (see `_kd_tree.ts`). */
function treeKneighbors(X: Matrix, k: number, self: boolean): KNeighbors {
  const n = X.rows;
  const tree = buildKdTree(X);
  // Queries in tree order (neighbouring queries visit the same leaves),
  // then the answers moved back to the rows' order.
  // On two cores where possible (`_kd_parallel.ts`): the same answers.
  let idx: Int32Array, sq: Float64Array;
  const shared = parallelTreeQuery(tree, k, !self);
  if (shared) {
    ({ idx, sq } = shared);
  } else {
    idx = new Int32Array(n * k);
    sq = new Float64Array(n * k);
    kdTreeQuery(tree, tree.points, k, idx, sq, 0, n, self ? undefined : tree.order);
  }
  const indices = new Int32Array(n * k), distances = new Float64Array(n * k);
  for (let p = 0; p < n; p++) {
    const r = tree.order[p] * k;
    indices.set(idx.subarray(p * k, p * k + k), r);
    for (let t = 0; t < k; t++) distances[r + t] = Math.sqrt(sq[p * k + t]);
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

/**
 * The `r`-th smallest value (0-based) of `a`, reordering `a` (Hoare's quickselect).
 *
 * @example
 * ```ts
 * import { select } from "./knn.ts";
 * import assert from "node:assert/strict";
 * assert.equal(select(Float64Array.of(5, 1, 4, 2, 3), 1), 2);
 * ```
 */
export function select(a: Float64Array, r: number): number {
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
