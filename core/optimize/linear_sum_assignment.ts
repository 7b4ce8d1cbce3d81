/**
 * The linear assignment problem on a rectangular cost matrix, as SciPy's
 * `scipy.optimize.linear_sum_assignment`: choose one column for each row (or
 * one row for each column, whichever is fewer) with no column used twice, so
 * that the total cost is smallest (or largest with `maximize`).
 *
 * Method: shortest augmenting paths with dual potentials (the Hungarian
 * method in the form of Jonker and Volgenant, "A shortest augmenting path
 * algorithm for dense and sparse linear assignment problems", Computing 38,
 * 1987): one Dijkstra-like search per row, O(r²·c) for r ≤ c. Exact for any
 * finite costs.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";

/** An optimal assignment: row `rowInd[t]` goes to column `colInd[t]`. */
export interface Assignment {
  /** Assigned rows, ascending. */
  readonly rowInd: Int32Array;
  /** The column of each assigned row. */
  readonly colInd: Int32Array;
  /** Total cost of the assignment. */
  readonly cost: number;
}

/**
 * Solves the rectangular linear assignment problem exactly. With r rows and
 * c columns, min(r, c) pairs are returned, rows ascending, as SciPy does.
 *
 * @example
 * ```ts
 * import { linearSumAssignment } from "./linear_sum_assignment.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * // SciPy's documented example: rows 0, 1, 2 → columns 1, 0, 2, cost 5.
 * const a = linearSumAssignment(fromRows([[4, 1, 3], [2, 0, 5], [3, 2, 2]]));
 * assert.deepEqual(Array.from(a.colInd), [1, 0, 2]);
 * assert.equal(a.cost, 5);
 * assert.equal(linearSumAssignment(fromRows([[4, 1, 3], [2, 0, 5]]), { maximize: true }).cost, 9);
 * ```
 * @param cost the r × c cost matrix.
 * @param options `maximize`: find the largest total instead. @default false
 * @returns the assigned pairs and their total cost.
 * @throws {RangeError} when a cost is NaN or infinite.
 */
export function linearSumAssignment(
  cost: Matrix,
  options: { maximize?: boolean } = {},
): Assignment {
  for (let k = 0; k < cost.data.length; k++) {
    if (!Number.isFinite(cost.data[k])) {
      const i = Math.floor(k / cost.cols), j = k % cost.cols;
      throw new RangeError(
        `Cannot solve the assignment as the cost matrix holds a non-finite value: cost[${i}][${j}]=${
          cost.data[k]
        }`,
      );
    }
  }
  const sign = options.maximize ? -1 : 1;
  // Work on r ≤ c: transpose a tall matrix.
  const tall = cost.rows > cost.cols;
  const r = tall ? cost.cols : cost.rows, c = tall ? cost.rows : cost.cols;
  const at = (i: number, j: number) =>
    sign * (tall ? cost.data[j * cost.cols + i] : cost.data[i * cost.cols + j]);
  const rowOf = shortestAugmentingPaths(r, c, at);
  const pairs: [number, number][] = [];
  for (let j = 0; j < c; j++) {
    if (rowOf[j] >= 0) pairs.push(tall ? [j, rowOf[j]] : [rowOf[j], j]);
  }
  pairs.sort((p, q) => p[0] - q[0]);
  const rowInd = Int32Array.from(pairs, (p) => p[0]);
  const colInd = Int32Array.from(pairs, (p) => p[1]);
  let total = 0;
  for (const [i, j] of pairs) total += cost.data[i * cost.cols + j];
  return { rowInd, colInd, cost: total };
}

/**
 * For r ≤ c: the row assigned to each column (−1 if none) minimising
 * Σ cost(i, col(i)). Potentials u (rows) and v (columns) keep every reduced
 * cost cost(i, j) − u(i) − v(j) ≥ 0, with equality on assigned pairs; each
 * new row is added by the shortest path, in reduced costs, from it to a free
 * column, and the path's edges are flipped.
 */
function shortestAugmentingPaths(
  r: number,
  c: number,
  at: (i: number, j: number) => number,
): Int32Array {
  // Column 0 is a virtual start column; real columns are 1..c, rows 1..r.
  const u = new Float64Array(r + 1), v = new Float64Array(c + 1);
  const p = new Int32Array(c + 1); // p[j]: row (1-based) on column j, 0 = free
  const way = new Int32Array(c + 1);
  const minv = new Float64Array(c + 1);
  const used = new Uint8Array(c + 1);
  for (let i = 1; i <= r; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity, j1 = -1;
      for (let j = 1; j <= c; j++) {
        if (used[j]) continue;
        const cur = at(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= c; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowOf = new Int32Array(c).fill(-1);
  for (let j = 1; j <= c; j++) if (p[j] > 0) rowOf[j - 1] = p[j] - 1;
  return rowOf;
}
