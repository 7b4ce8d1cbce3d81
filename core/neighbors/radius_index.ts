/**
 * Fixed-radius neighbour search: all rows within distance r of a query.
 *
 * For up to three features the rows are bucketed in a grid of cells of side
 * r, so a query only looks at the 3^d cells around it: about O(1) work per
 * neighbour on spread-out data, O(n) memory. With more features it scans all
 * rows (still O(n) memory). "Within" means ‖x − q‖² ≤ r², as scikit-learn's
 * `radius_neighbors` (distance ≤ radius, the query point included).
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { sqDist } from "../distance.ts";

/** Most features the grid handles; beyond it the index scans. */
const GRID_MAX_DIMS = 3;

/**
 * Index of the rows of `X` for queries of a fixed radius.
 *
 * @example
 * ```ts
 * import { RadiusIndex } from "./radius_index.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0, 0], [0.5, 0], [3, 3]]);
 * const index = new RadiusIndex(X, 0.5);
 * const found: number[] = [];
 * index.query(X, 0, (j) => found.push(j));
 * assert.deepEqual(found.sort(), [0, 1]); // distance exactly 0.5 counts
 * assert.equal(index.count(X, 2), 1);
 * ```
 */
export class RadiusIndex {
  readonly #X: Matrix;
  readonly #r2: number;
  readonly #r: number;
  readonly #grid: boolean;
  #min = new Float64Array(0);
  #size = new Float64Array(0); // cells per dimension
  #cellOf = new Map<number, number>(); // linear cell id → bucket
  #start = new Int32Array(0); // bucket b holds #order[#start[b] .. #start[b+1])
  #order = new Int32Array(0);

  /** Builds the index of `X` for queries of radius `radius` (> 0). */
  constructor(X: Matrix, radius: number) {
    this.#X = X;
    this.#r = radius;
    this.#r2 = radius * radius;
    this.#grid = X.cols <= GRID_MAX_DIMS && X.rows > 32 && this.#build();
  }

  #build(): boolean {
    const X = this.#X, n = X.rows, d = X.cols;
    this.#min = new Float64Array(d).fill(Infinity);
    const max = new Float64Array(d).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) {
        const v = X.data[i * d + k];
        if (v < this.#min[k]) this.#min[k] = v;
        if (v > max[k]) max[k] = v;
      }
    }
    this.#size = new Float64Array(d);
    let total = 1;
    for (let k = 0; k < d; k++) {
      this.#size[k] = Math.floor((max[k] - this.#min[k]) / this.#r) + 1;
      total *= this.#size[k];
    }
    if (!(total < 2 ** 52)) return false; // cell ids would not be exact: scan instead
    const ids = new Float64Array(n);
    const cellOf = this.#cellOf;
    const counts: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = this.#linear(X.data, i * d);
      ids[i] = id;
      let b = cellOf.get(id);
      if (b === undefined) cellOf.set(id, b = counts.push(0) - 1);
      counts[b]++;
    }
    this.#start = new Int32Array(counts.length + 1);
    for (let b = 0; b < counts.length; b++) this.#start[b + 1] = this.#start[b] + counts[b];
    const fill = this.#start.slice(0, counts.length);
    this.#order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.#order[fill[cellOf.get(ids[i])!]++] = i;
    return true;
  }

  #cell(v: number, k: number): number {
    return Math.floor((v - this.#min[k]) / this.#r);
  }

  #linear(data: Float64Array, o: number): number {
    let id = 0;
    for (let k = this.#X.cols - 1; k >= 0; k--) {
      id = id * this.#size[k] + this.#cell(data[o + k], k);
    }
    return id;
  }

  /**
   * Calls `visit(j)` for every row j of the indexed matrix within the radius
   * of row `i` of `Q` (same number of columns), stopping early once `visit`
   * returns exactly `true`. Order is unspecified.
   */
  query(Q: Matrix, i: number, visit: (j: number) => unknown): void {
    const X = this.#X, r2 = this.#r2;
    if (!this.#grid) {
      for (let j = 0; j < X.rows; j++) if (sqDist(X, j, Q, i) <= r2 && visit(j) === true) return;
      return;
    }
    const d = X.cols, o = i * d;
    const c0 = this.#cell(Q.data[o], 0);
    const c1 = d > 1 ? this.#cell(Q.data[o + 1], 1) : 0;
    const c2 = d > 2 ? this.#cell(Q.data[o + 2], 2) : 0;
    const s0 = this.#size[0], s1 = d > 1 ? this.#size[1] : 1, s2 = d > 2 ? this.#size[2] : 1;
    const start = this.#start, order = this.#order;
    for (let a = Math.max(c2 - 1, 0); a <= Math.min(c2 + 1, s2 - 1); a++) {
      for (let b = Math.max(c1 - 1, 0); b <= Math.min(c1 + 1, s1 - 1); b++) {
        for (let c = Math.max(c0 - 1, 0); c <= Math.min(c0 + 1, s0 - 1); c++) {
          const bucket = this.#cellOf.get((a * s1 + b) * s0 + c);
          if (bucket === undefined) continue;
          for (let p = start[bucket], e = start[bucket + 1]; p < e; p++) {
            const j = order[p];
            if (sqDist(X, j, Q, i) <= r2 && visit(j) === true) return;
          }
        }
      }
    }
  }

  /**
   * Writes the indices of the rows within the radius of row `i` of `Q` into
   * `out` (length ≥ n) and returns how many there are.
   */
  within(Q: Matrix, i: number, out: Int32Array): number {
    let m = 0;
    this.query(Q, i, (j) => {
      out[m++] = j;
    });
    return m;
  }

  /** Whether at least `m` indexed rows lie within the radius of row `i` of `Q`. */
  hasAtLeast(Q: Matrix, i: number, m: number): boolean {
    let c = 0;
    let enough = false;
    this.query(Q, i, () => (enough = ++c >= m));
    return enough;
  }

  /** Number of indexed rows within the radius of row `i` of `Q`. */
  count(Q: Matrix, i: number): number {
    let c = 0;
    this.query(Q, i, () => {
      c++;
    });
    return c;
  }
}
