/**
 * Sparse neighbourhood graphs (adjacency lists), as scikit-learn's
 * `kneighbors_graph` in connectivity mode.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { kneighbors } from "./knn.ts";
import { checkOptions } from "../validate.ts";

/** A directed sparse graph on n nodes: `neighbors[i]` lists i's out-edges. */
export interface SparseGraph {
  readonly n: number;
  readonly neighbors: readonly Int32Array[];
}

/**
 * Graph linking each row to its `k` nearest rows (without itself unless
 * `includeSelf`), like `kneighbors_graph(X, k, include_self=…)`: directed,
 * so symmetrise before use as a connectivity.
 *
 * @example
 * ```ts
 * import { kneighborsGraph } from "./graph.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const g = kneighborsGraph(fromRows([[0], [1], [5]]), 1);
 * assert.deepEqual(g.neighbors.map((r) => Array.from(r)), [[1], [0], [1]]);
 * ```
 */
export function kneighborsGraph(
  X: Matrix,
  k: number,
  options: { includeSelf?: boolean } = {},
): SparseGraph {
  checkOptions("build the k-NN graph", options, ["includeSelf"]);
  const includeSelf = options.includeSelf ?? false;
  const nn = kneighbors(X, k, { includeSelf });
  const neighbors = Array.from({ length: X.rows }, (_, i) => nn.indices.slice(i * k, (i + 1) * k));
  return { n: X.rows, neighbors };
}

/** The undirected version of `g` (an edge either way becomes both), lists sorted, no self-loops. */
export function symmetrize(g: SparseGraph): SparseGraph {
  // Every edge both ways into one flat array by counting, then each row sorted and deduplicated.
  const n = g.n;
  const start = new Int32Array(n + 1);
  g.neighbors.forEach((row, i) => {
    for (const j of row) if (j !== i) start[i + 1]++, start[j + 1]++;
  });
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const all = new Int32Array(start[n]);
  const fill = start.slice(0, n);
  g.neighbors.forEach((row, i) => {
    for (const j of row) if (j !== i) all[fill[i]++] = j, all[fill[j]++] = i;
  });
  const neighbors = new Array<Int32Array>(n);
  for (let i = 0; i < n; i++) {
    const row = all.subarray(start[i], start[i + 1]).sort();
    let m = 0;
    for (let t = 0; t < row.length; t++) if (t === 0 || row[t] !== row[t - 1]) row[m++] = row[t];
    neighbors[i] = row.slice(0, m);
  }
  return { n, neighbors };
}

/** Connected component of every node, numbered in order of their lowest node. */
export function connectedComponents(g: SparseGraph): { count: number; labels: Int32Array } {
  const labels = new Int32Array(g.n).fill(-1);
  let count = 0;
  const stack: number[] = [];
  for (let s = 0; s < g.n; s++) {
    if (labels[s] !== -1) continue;
    labels[s] = count;
    stack.push(s);
    while (stack.length) {
      for (const j of g.neighbors[stack.pop()!]) {
        if (labels[j] === -1) (labels[j] = count), stack.push(j);
      }
    }
    count++;
  }
  return { count, labels };
}
