/**
 * Agglomerative (hierarchical) clustering with scikit-learn's
 * `AgglomerativeClustering` semantics: ward, complete, average and single
 * linkage, optionally restricted to a connectivity graph.
 *
 * Every sample starts as its own cluster; the two closest clusters merge
 * until one is left, giving a merge tree. Closeness between clusters A, B:
 * - ward: the rise in within-cluster variance, reported as
 *   √(2·|A||B|/(|A|+|B|))·‖μ_A − μ_B‖;
 * - complete: max ‖a − b‖; average: mean ‖a − b‖; single: min ‖a − b‖.
 * With a connectivity graph only clusters joined by an edge may merge; the
 * graph is symmetrised, and when it has several components an edge is added
 * between the closest samples of every pair of components (scikit-learn's
 * completion). With connectivity, complete/average distances are updated
 * over graph edges only, as scikit-learn's `max_merge`/`average_merge`.
 * The `nClusters` labels undo the last nClusters − 1 merges.
 *
 * Without connectivity, ward, complete and average follow SciPy's
 * nearest-neighbour chain (as scikit-learn calls it) with its conventions,
 * so that the tree is SciPy's where distances tie (lattice data).
 * Memory: single O(n·d) without connectivity (Prim's spanning tree); ward
 * O(n·d) above 4,096 samples (the chain on centroids, whose rounding may
 * break an exact tie otherwise than SciPy's), and up to 4,096, like
 * complete and average, the condensed distance matrix, O(n²). With
 * connectivity, complete and average pop their heap of edges exactly as
 * Python's heapq, which compares weights alone there.
 * References: F. Murtagh and P. Contreras, "Algorithms for hierarchical
 * clustering: an overview" (2012); D. Müllner, "Modern hierarchical,
 * agglomerative clustering algorithms" (arXiv:1109.2378); scikit-learn
 * `sklearn/cluster/_agglomerative.py`.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { sqDist } from "../distance.ts";
import { checkOptions, optionNames, validate, validateData } from "../validate.ts";
import { connectedComponents, type SparseGraph, symmetrize } from "../neighbors/graph.ts";
import { EdgeHeap } from "./_heap.ts";

/** Linkage criteria. */
export const LINKAGES = ["ward", "complete", "average", "single"] as const;
/** A linkage criterion. */
export type Linkage = typeof LINKAGES[number];

/** Distances between samples for complete, average and single linkage (scikit-learn's names; ward needs "euclidean"). */
export const AGGLOMERATIVE_METRICS = ["euclidean", "l2", "manhattan", "cityblock", "l1"] as const;
/** A metric of {@linkcode AGGLOMERATIVE_METRICS}. */
export type AgglomerativeMetric = typeof AGGLOMERATIVE_METRICS[number];

/** Options of {@linkcode agglomerative}. */
export interface AgglomerativeOptions {
  /** Number of clusters to cut the tree into. @default 2 */
  nClusters?: number;
  /** Linkage criterion. @default "ward" */
  linkage?: Linkage;
  /** Only clusters joined by an edge of this graph may merge. @default none */
  connectivity?: SparseGraph;
  /**
   * Distance between samples: Euclidean, or Manhattan (`"manhattan"`,
   * `"cityblock"`, `"l1"`: Σ|aⱼ − bⱼ|). Ward accepts only Euclidean, as
   * scikit-learn. @default "euclidean"
   */
  metric?: AgglomerativeMetric;
}

/** {@linkcode AgglomerativeOptions}'s names, for {@linkcode checkOptions}. */
const AGGLOMERATIVE_OPTIONS = optionNames<AgglomerativeOptions>({
  nClusters: true,
  linkage: true,
  connectivity: true,
  metric: true,
});

/** A fitted hierarchy. */
export interface AgglomerativeResult {
  /** Cluster of each sample, numbered in order of first appearance. */
  readonly labels: Int32Array;
  /** n − 1 merges as node pairs (leaves 0..n−1; merge t creates node n + t). */
  readonly children: Int32Array;
  /** Linkage distance of each merge. */
  readonly distances: Float64Array;
  /** Components of the (symmetrised) connectivity graph before completion; 1 without one. */
  readonly nComponents: number;
}

/**
 * Clusters the rows of `X` hierarchically.
 *
 * @example Two groups, single linkage
 * ```ts
 * import { agglomerative } from "./agglomerative.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0, 0], [0, 1], [5, 5], [5, 6], [5, 7]]);
 * const r = agglomerative(X, { nClusters: 2, linkage: "single" });
 * assert.deepEqual(Array.from(r.labels), [0, 0, 1, 1, 1]);
 * assert.deepEqual(Array.from(r.distances), [1, 1, 1, Math.hypot(5, 4)]);
 * ```
 * @throws {RangeError} when nClusters ∉ [1, n], the linkage is unknown, the graph has the wrong
 *   size, or (ward, complete and average without connectivity, as SciPy) a distance overflows.
 */
export function agglomerative(X: Matrix, options: AgglomerativeOptions = {}): AgglomerativeResult {
  checkOptions("fit agglomerative clustering", options, AGGLOMERATIVE_OPTIONS);
  const nClusters = options.nClusters ?? 2;
  const linkage = options.linkage ?? "ward";
  const metric = options.metric ?? "euclidean";
  validate("fit agglomerative clustering", { nClusters, linkage, metric }, {
    nClusters: { kind: "int", min: 1 },
    linkage: { kind: "oneOf", values: LINKAGES },
    metric: { kind: "oneOf", values: AGGLOMERATIVE_METRICS },
  });
  const manhattan = metric === "manhattan" || metric === "cityblock" || metric === "l1";
  if (linkage === "ward" && manhattan) {
    throw new RangeError(
      `Cannot fit agglomerative clustering as ward linkage only accepts Euclidean distances: metric=${metric}`,
    );
  }
  const dist = manhattan ? l1Dist : l2Dist;
  validateData("fit agglomerative clustering", X, 2);
  const n = X.rows;
  if (nClusters > n) {
    throw new RangeError(
      `Cannot fit agglomerative clustering as n_samples=${n} should be >= n_clusters=${nClusters}`,
    );
  }
  let tree: { children: Int32Array; distances: Float64Array };
  let nComponents = 1;
  if (options.connectivity) {
    if (options.connectivity.n !== n) {
      throw new RangeError(
        `Cannot fit agglomerative clustering as the connectivity must have ${n} nodes: n=${options.connectivity.n}`,
      );
    }
    const fixed = completeGraph(X, symmetrize(options.connectivity), dist);
    nComponents = fixed.nComponents;
    tree = linkage === "ward"
      ? wardConnected(X, fixed.graph)
      : linkage === "single"
      ? singleConnected(X, fixed.graph, dist)
      : mergeConnected(X, fixed.graph, linkage, dist);
  } else {
    tree = sortedTree(
      n,
      linkage === "ward"
        ? n <= WARD_CONDENSED_MAX ? lanceWilliamsChain(X, "ward", dist) : wardChain(X)
        : linkage === "single"
        ? primMst(X, manhattan ? l1Dist : sqDist, manhattan ? (d) => d : Math.sqrt)
        : lanceWilliamsChain(X, linkage, dist),
      linkage !== "single",
    );
  }
  return { labels: cut(n, tree.children, nClusters), ...tree, nComponents };
}

/** A distance between rows i of a and j of b. */
type RowDistance = (a: Matrix, i: number, b: Matrix, j: number) => number;

/** Euclidean distance between two rows. */
function l2Dist(a: Matrix, i: number, b: Matrix, j: number): number {
  return Math.sqrt(sqDist(a, i, b, j));
}

/** Manhattan distance between two rows. */
function l1Dist(a: Matrix, i: number, b: Matrix, j: number): number {
  const d = a.cols, x = a.data, y = b.data;
  let s = 0;
  for (let t = 0; t < d; t++) s += Math.abs(x[i * d + t] - y[j * d + t]);
  return s;
}

/** The root of p's tree in a parent array, compressing the path (later lookups take one step). */
function rootOf(parent: Int32Array, p: number): number {
  let r = p;
  while (parent[r] !== r) r = parent[r];
  while (parent[p] !== r) {
    const next = parent[p];
    parent[p] = r;
    p = next;
  }
  return r;
}

/** Labels after the first n − k merges, numbered in order of first appearance. */
function cut(n: number, children: Int32Array, k: number): Int32Array {
  const parent = Int32Array.from({ length: 2 * n - 1 }, (_, i) => i);
  for (let t = 0; t < n - k; t++) parent[children[2 * t]] = parent[children[2 * t + 1]] = n + t;
  const root = (p: number) => rootOf(parent, p);
  const labels = new Int32Array(n);
  const number = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = root(i);
    if (!number.has(r)) number.set(r, number.size);
    labels[i] = number.get(r)!;
  }
  return labels;
}

/** One merge of two current clusters (identified by any member sample). */
interface Merge {
  a: number;
  b: number;
  d: number;
}

/**
 * Sorts candidate merges by distance (stably), applies them in that order,
 * skipping any whose ends are already one cluster (so a list of graph edges
 * gives Kruskal's spanning tree), and names the nodes as SciPy does: merge t
 * creates node n + t. Each merge's children are in ascending order (SciPy's
 * `label`), or, with `ordered` false, the clusters of its a and b ends
 * (scikit-learn's single linkage, `_single_linkage_label`).
 */
function sortedTree(
  n: number,
  merges: Merge[],
  ordered = true,
): { children: Int32Array; distances: Float64Array } {
  const order = merges.map((_, i) => i).sort((i, j) => merges[i].d - merges[j].d || i - j);
  const uf = Int32Array.from({ length: n }, (_, i) => i);
  const node = Int32Array.from({ length: n }, (_, i) => i); // node id of each union-find root
  const find = (p: number) => {
    while (uf[p] !== p) p = uf[p] = uf[uf[p]];
    return p;
  };
  const children = new Int32Array(2 * (n - 1));
  const distances = new Float64Array(n - 1);
  let t = 0;
  for (const m of order) {
    const ra = find(merges[m].a), rb = find(merges[m].b);
    if (ra === rb) continue;
    const [x, y] = !ordered || node[ra] < node[rb] ? [node[ra], node[rb]] : [node[rb], node[ra]];
    children[2 * t] = x;
    children[2 * t + 1] = y;
    distances[t] = merges[m].d;
    uf[rb] = ra;
    node[ra] = n + t++;
  }
  return { children, distances };
}

/** Ward by the nearest-neighbour chain on cluster centroids: O(n²) time, O(n·d) memory. */
function wardChain(X: Matrix): Merge[] {
  const n = X.rows, d = X.cols;
  const mu = X.data.slice(); // centroid of the cluster whose representative is i
  const size = new Float64Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  // Ward cost |A||B|/(|A|+|B|)·‖μ_A − μ_B‖² (half the squared reported distance).
  const cost = (a: number, b: number) => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = mu[a * d + j] - mu[b * d + j];
      s += t * t;
    }
    return (size[a] * size[b]) / (size[a] + size[b]) * s;
  };
  return nnChain(n, active, cost, (a, b) => {
    const sa = size[a], sb = size[b];
    for (let j = 0; j < d; j++) {
      mu[b * d + j] = (sa * mu[a * d + j] + sb * mu[b * d + j]) / (sa + sb);
    }
    size[b] = sa + sb;
  }, (c) => Math.sqrt(2 * c));
}

/**
 * Up to this many samples, ward linkage without connectivity runs on the
 * condensed distance matrix (67 MB at 4,096) with SciPy's update formula,
 * as scikit-learn does (`scipy.cluster.hierarchy.ward`): its rounding, so
 * its tree where distances tie (lattice data). Beyond, on the centroids in
 * O(n·d) memory: the same tree except where rounding decides a tie.
 */
const WARD_CONDENSED_MAX = 4096;

/**
 * Complete, average or ward linkage by the chain on a condensed distance
 * matrix (O(n²) memory), updated by SciPy's Lance–Williams formulas.
 */
function lanceWilliamsChain(
  X: Matrix,
  linkage: "complete" | "average" | "ward",
  dist: RowDistance,
): Merge[] {
  const n = X.rows;
  const D = new Float64Array((n * (n - 1)) / 2);
  // D[row[i] + j] is the distance of i < j (SciPy's condensed index).
  const row = Float64Array.from({ length: n }, (_, i) => n * i - (i * (i + 1)) / 2 - i - 1);
  const at = (i: number, j: number) => i < j ? row[i] + j : row[j] + i;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = dist(X, i, X, j);
      if (!Number.isFinite(v)) overflow(i, j, v);
      D[row[i] + j] = v;
    }
  }
  const size = new Float64Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const ward = linkage === "ward", complete = linkage === "complete";
  // The nearest active cluster to a, as nnChain's scan, reading a's column
  // (c < a) and row (c > a) of the condensed matrix with running indices.
  const nearest = (a: number, prev: number) => {
    let best = prev, bestC = prev >= 0 ? D[at(a, prev)] : Infinity;
    for (let c = 0, k = a - 1; c < a; k += n - c - 2, c++) {
      if (active[c] && c !== prev && D[k] < bestC) (bestC = D[k]), (best = c);
    }
    for (let c = a + 1, k = row[a] + c; c < n; c++, k++) {
      if (active[c] && c !== prev && D[k] < bestC) (bestC = D[k]), (best = c);
    }
    return best;
  };
  return nnChain(
    n,
    active,
    (a, b) => D[at(a, b)],
    (a, b) => {
      const sa = size[a], sb = size[b], dab = D[at(a, b)];
      for (let c = 0; c < n; c++) {
        if (!active[c] || c === a || c === b) continue;
        const ka = at(a, c), kb = at(b, c), da = D[ka], db = D[kb];
        if (ward) {
          const sc = size[c], t = 1 / (sa + sb + sc);
          D[kb] = Math.sqrt((sc + sa) * t * da * da + (sc + sb) * t * db * db - sc * t * dab * dab);
        } else D[kb] = complete ? Math.max(da, db) : (sa * da + sb * db) / (sa + sb);
      }
      size[b] = sa + sb;
    },
    (c) => c,
    nearest,
  );
}

/**
 * The nearest-neighbour chain for reducible linkages, as SciPy's `nn_chain`
 * (which scikit-learn's unstructured ward, complete and average linkage
 * call): from the lowest active cluster, follow nearest neighbours (the
 * lowest index on ties, the previous chain element first) until two
 * clusters are each other's nearest, merge them into the larger index
 * (`merge(a, b)`, a < b, keeps b), repeat. Where distances tie, those
 * conventions decide the tree, so they are SciPy's. `cost` must be
 * symmetric; `report` maps it to the distance.
 */
function nnChain(
  n: number,
  active: Uint8Array,
  cost: (a: number, b: number) => number,
  merge: (a: number, b: number) => void,
  report: (c: number) => number,
  nearest: (a: number, prev: number) => number = (a, prev) => {
    let best = prev, bestC = prev >= 0 ? cost(a, prev) : Infinity;
    for (let c = 0; c < n; c++) {
      if (!active[c] || c === a || c === prev) continue;
      const v = cost(a, c);
      if (v < bestC) (bestC = v), (best = c);
    }
    return best;
  },
): Merge[] {
  const merges: Merge[] = [];
  const chain: number[] = [];
  let next = 0; // lowest index that may still be active
  while (merges.length < n - 1) {
    if (chain.length === 0) {
      while (!active[next]) next++;
      chain.push(next);
    }
    const a = chain[chain.length - 1];
    const prev = chain.length > 1 ? chain[chain.length - 2] : -1;
    // Nearest active cluster to a; prefer the previous chain element on ties.
    const best = nearest(a, prev);
    if (best < 0) overflow(a, -1, Infinity); // every distance from a overflowed
    if (best === prev) {
      const bestC = cost(a, prev);
      chain.length -= 2;
      const [x, y] = a < prev ? [a, prev] : [prev, a];
      merge(x, y);
      active[x] = 0;
      merges.push({ a: x, b: y, d: report(bestC) });
    } else {
      chain.push(best);
    }
  }
  return merges;
}

/** Throws where SciPy's linkage refuses a distance that overflowed to ∞ (finite data far apart). */
function overflow(i: number, j: number, v: number): never {
  throw new RangeError(
    `Cannot fit agglomerative clustering as the condensed distance matrix must contain only finite values: distance(${i}, ${
      j < 0 ? "any" : j
    })=${v}`,
  );
}

/** Single linkage without connectivity: Prim's minimum spanning tree, O(n²) time, O(n) memory. */
function primMst(X: Matrix, cost: RowDistance, report: (c: number) => number): Merge[] {
  const n = X.rows;
  const inTree = new Uint8Array(n);
  const dist = new Float64Array(n).fill(Infinity);
  const merges: Merge[] = [];
  let cur = 0;
  inTree[0] = 1;
  for (let step = 1; step < n; step++) {
    let best = -1;
    for (let j = 0; j < n; j++) {
      if (inTree[j]) continue;
      const d = cost(X, cur, X, j);
      if (d < dist[j]) dist[j] = d;
      if (best < 0 || dist[j] < dist[best]) best = j;
    }
    inTree[best] = 1;
    // scikit-learn's mst_linkage_core records the last node added, not
    // best's nearest one: the same cluster, and its children's order.
    merges.push({ a: cur, b: best, d: report(dist[best]) });
    cur = best;
  }
  return merges;
}

/** Symmetric graph completed to one component (edges between the closest samples of every pair). */
function completeGraph(
  X: Matrix,
  g: SparseGraph,
  dist: RowDistance,
): { graph: SparseGraph; nComponents: number } {
  const { count, labels } = connectedComponents(g);
  if (count === 1) return { graph: g, nComponents: 1 };
  const sizes = new Int32Array(count);
  for (const c of labels) sizes[c]++;
  const members = Array.from(sizes, (m) => new Int32Array(m));
  sizes.fill(0);
  labels.forEach((c, i) => members[c][sizes[c]++] = i);
  const extra = g.neighbors.map((r) => Array.from(r));
  for (let ci = 0; ci < count; ci++) {
    for (let cj = 0; cj < ci; cj++) {
      let bi = -1, bj = -1, bd = Infinity;
      const a = members[ci], b = members[cj];
      for (let s = 0; s < a.length; s++) {
        const i = a[s];
        if (dist === l2Dist) {
          // The same distances, with sqDist called directly (inlined) in the O(|a|·|b|) loop.
          for (let t = 0; t < b.length; t++) {
            const d = Math.sqrt(sqDist(X, i, X, b[t]));
            if (d < bd) (bd = d), (bi = i), (bj = b[t]);
          }
        } else {
          for (let t = 0; t < b.length; t++) {
            const d = dist(X, i, X, b[t]);
            if (d < bd) (bd = d), (bi = i), (bj = b[t]);
          }
        }
      }
      extra[bi].push(bj);
      extra[bj].push(bi);
    }
  }
  return {
    graph: symmetrize({ n: g.n, neighbors: extra.map((r) => Int32Array.from(r)) }),
    nComponents: count,
  };
}

/** Ward restricted to a graph: scikit-learn's greedy merge of the cheapest joined pair. */
function wardConnected(X: Matrix, g: SparseGraph) {
  const n = X.rows, d = X.cols, nodes = 2 * n - 1;
  const m1 = new Float64Array(nodes);
  const m2 = new Float64Array(nodes * d);
  m1.fill(1, 0, n);
  m2.set(X.data);
  const cost = (r: number, c: number) => {
    const k = (m1[r] * m1[c]) / (m1[r] + m1[c]);
    let pa = 0;
    for (let j = 0; j < d; j++) pa += (m2[r * d + j] / m1[r] - m2[c * d + j] / m1[c]) ** 2;
    return pa * k;
  };
  const A: number[][] = g.neighbors.map((r) => Array.from(r));
  const heap = new EdgeHeap();
  for (let i = 0; i < n; i++) for (const j of A[i]) if (j < i) heap.push(cost(i, j), i, j);
  return greedyMerge(
    n,
    A,
    heap,
    (k, i, j) => {
      m1[k] = m1[i] + m1[j];
      for (let t = 0; t < d; t++) m2[k * d + t] = m2[i * d + t] + m2[j * d + t];
    },
    cost,
    (w) => Math.sqrt(2 * w),
  );
}

/** Complete/average restricted to a graph, with scikit-learn's max_merge/average_merge. */
function mergeConnected(
  X: Matrix,
  g: SparseGraph,
  linkage: "complete" | "average",
  rowDist: RowDistance,
) {
  const n = X.rows;
  const dist: Map<number, number>[] = g.neighbors.map((row, i) =>
    new Map(Array.from(row, (j) => [j, rowDist(X, i, X, j)]))
  );
  const size = new Float64Array(2 * n - 1);
  size.fill(1, 0, n);
  // scikit-learn's heap compares the weights alone: equal ones leave in
  // heapq's order, which this heap follows from the same list.
  const heap = new EdgeHeap("weight");
  for (let i = 0; i < n; i++) for (const [j, w] of dist[i]) if (j < i) heap.append(w, i, j);
  heap.heapify();
  const A: number[][] = g.neighbors.map((r) => Array.from(r));
  let merged: Map<number, number> | undefined;
  return greedyMerge(
    n,
    A,
    heap,
    (k, i, j) => {
      // Distances of the new cluster k to the live clusters next to i or j, in key order.
      const ni = size[i], nj = size[j];
      size[k] = ni + nj;
      size[i] = size[j] = 0;
      const out = new Map<number, number>();
      for (const [c, w] of dist[i]) if (size[c] > 0) out.set(c, w);
      for (const [c, w] of dist[j]) {
        if (size[c] === 0) continue;
        const v = out.get(c);
        out.set(
          c,
          v === undefined
            ? w
            : linkage === "complete"
            ? Math.max(v, w)
            : (ni * v + nj * w) / (ni + nj),
        );
      }
      merged = new Map([...out].sort((p, q) => p[0] - q[0]));
      for (const [c, w] of merged) dist[c].set(k, w);
      dist[k] = merged;
    },
    (_k, c) => merged!.get(c)!,
    (w) => w,
    (_k, _i, _j) => [...merged!.keys()],
  );
}

/**
 * The greedy loop shared by the graph-restricted linkages: pop the cheapest
 * edge between two live clusters, merge them into node k, and push the new
 * node's edges to the live clusters next to either part.
 */
function greedyMerge(
  n: number,
  A: number[][],
  heap: EdgeHeap,
  onMerge: (k: number, i: number, j: number) => void,
  weight: (k: number, c: number) => number,
  report: (w: number) => number,
  neighborsOf?: (k: number, i: number, j: number) => number[],
) {
  const nodes = 2 * n - 1;
  const parent = Int32Array.from({ length: nodes }, (_, i) => i);
  const used = new Uint8Array(nodes).fill(1);
  const children = new Int32Array(2 * (n - 1));
  const distances = new Float64Array(n - 1);
  const seen = new Int32Array(nodes).fill(-1);
  const root = (p: number) => rootOf(parent, p);
  for (let k = n; k < nodes; k++) {
    let w: number, i: number, j: number;
    do (w = heap.pop()), (i = heap.poppedA), (j = heap.poppedB); while (!(used[i] && used[j]));
    parent[i] = parent[j] = k;
    used[i] = used[j] = 0;
    children[2 * (k - n)] = j;
    children[2 * (k - n) + 1] = i;
    distances[k - n] = report(w);
    onMerge(k, i, j);
    let cols: number[];
    if (neighborsOf) cols = neighborsOf(k, i, j);
    else {
      // Live roots next to i, then next to j, each once (seen[r] === k marks them).
      seen[k] = k;
      cols = [];
      for (const list of [A[i], A[j]]) {
        for (let t = 0; t < list.length; t++) {
          const r = root(list[t]);
          if (seen[r] !== k) (seen[r] = k, cols.push(r));
        }
      }
      for (const c of cols) A[c].push(k);
      A[k] = cols;
    }
    for (const c of cols) heap.push(weight(k, c), k, c);
  }
  return { children, distances };
}

/** Single linkage restricted to a graph: Kruskal on its edges by length (see sortedTree). */
function singleConnected(
  X: Matrix,
  g: SparseGraph,
  dist: RowDistance,
): { children: Int32Array; distances: Float64Array } {
  const edges: Merge[] = [];
  g.neighbors.forEach((row, i) => {
    for (const j of row) if (j > i) edges.push({ a: i, b: j, d: dist(X, i, X, j) });
  });
  return sortedTree(g.n, edges, false);
}
