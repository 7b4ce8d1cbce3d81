/**
 * Sparse neighbourhood graphs (adjacency lists), as scikit-learn's
 * `kneighbors_graph` in connectivity mode.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { kneighbors } from "./knn.ts";

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
  const includeSelf = options.includeSelf ?? false;
  const nn = kneighbors(X, k, { includeSelf });
  const neighbors = Array.from({ length: X.rows }, (_, i) => nn.indices.slice(i * k, (i + 1) * k));
  return { n: X.rows, neighbors };
}

/** The undirected version of `g` (an edge either way becomes both), lists sorted, no self-loops. */
export function symmetrize(g: SparseGraph): SparseGraph {
  const sets = Array.from({ length: g.n }, () => new Set<number>());
  g.neighbors.forEach((row, i) => {
    for (const j of row) {
      if (j === i) continue;
      sets[i].add(j);
      sets[j].add(i);
    }
  });
  return { n: g.n, neighbors: sets.map((s) => Int32Array.from(s).sort()) };
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
