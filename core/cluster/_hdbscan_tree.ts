/**
 * HDBSCAN's second half, as scikit-learn 1.9's `_tree.pyx` and
 * `make_single_linkage` do it: the single-linkage tree from the sorted
 * minimum spanning tree, the condensed tree (clusters of at least
 * `minClusterSize` rows; λ = 1 / distance), cluster stabilities
 * S(C) = Σ_{x ∈ C} (λ_x − λ_birth(C)), excess-of-mass or leaf selection, the
 * `clusterSelectionEpsilon` merge, labels and membership probabilities.
 *
 * Row orders are kept exactly as scikit-learn's (breadth-first over the
 * single-linkage tree), because its results depend on them: stabilities are
 * summed in that order, and a cluster's "death" λ used by the probabilities
 * is the largest λ of the *last* contiguous run of its rows in the condensed
 * tree (`max_lambdas`).
 * References: R. Campello, D. Moulavi, J. Sander, "Density-based clustering
 * based on hierarchical density estimates" (PAKDD 2013); L. McInnes,
 * J. Healy, "Accelerated hierarchical density based clustering" (ICDMW 2017);
 * C. Malzer, M. Baum, "A hybrid approach to hierarchical density-based
 * cluster selection" (2020, for the epsilon); scikit-learn
 * `sklearn/cluster/_hdbscan/_tree.pyx` (1.9.1).
 *
 * @module
 */

/** A single-linkage tree in SciPy's format: merge i creates node n + i. */
export interface SingleLinkage {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly distance: Float64Array;
  readonly size: Int32Array;
}

/**
 * The single-linkage tree of `n` rows from MST edges: the edges sorted by
 * distance, ties kept in the order given (a stable sort), then merged with
 * scikit-learn's union-find (`make_single_linkage`).
 */
export function singleLinkage(
  n: number,
  from: Int32Array,
  to: Int32Array,
  distance: Float64Array,
): SingleLinkage {
  const m = n - 1;
  const idx = new Int32Array(m);
  for (let i = 0; i < m; i++) idx[i] = i;
  idx.sort((a, b) => distance[a] - distance[b] || a - b);
  const parentOf = new Int32Array(2 * n - 1).fill(-1);
  const sizeOf = new Int32Array(2 * n - 1);
  for (let i = 0; i < n; i++) sizeOf[i] = 1;
  const find = (v: number): number => {
    let r = v;
    while (parentOf[r] !== -1) r = parentOf[r];
    while (v !== r && parentOf[v] !== r) {
      const up = parentOf[v];
      parentOf[v] = r;
      v = up;
    }
    return r;
  };
  const left = new Int32Array(m), right = new Int32Array(m);
  const dist = new Float64Array(m), size = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const e = idx[i];
    const a = find(from[e]), b = find(to[e]);
    left[i] = a;
    right[i] = b;
    dist[i] = distance[e];
    const label = n + i;
    size[i] = sizeOf[a] + sizeOf[b];
    sizeOf[label] = size[i];
    parentOf[a] = label;
    parentOf[b] = label;
  }
  return { left, right, distance: dist, size };
}

/** The condensed tree, row for row as scikit-learn's `_condense_tree` emits it. */
export interface CondensedTree {
  readonly parent: Int32Array;
  readonly child: Int32Array;
  readonly lambda: Float64Array;
  readonly size: Int32Array;
  readonly length: number;
}

/** Condenses a single-linkage tree of `n` rows to clusters of at least `minClusterSize`. */
export function condenseTree(
  tree: SingleLinkage,
  n: number,
  minClusterSize: number,
): CondensedTree {
  const root = 2 * (n - 1);
  const total = root + 1;
  const cap = 2 * n + 2;
  const parent = new Int32Array(cap), child = new Int32Array(cap);
  const lambda = new Float64Array(cap), size = new Int32Array(cap);
  let length = 0;
  const push = (p: number, c: number, l: number, s: number) => {
    parent[length] = p;
    child[length] = c;
    lambda[length] = l;
    size[length] = s;
    length++;
  };
  // Breadth-first order of the whole hierarchy, left before right.
  const bfs = new Int32Array(total);
  let head = 0, tail = 0;
  bfs[tail++] = root;
  while (head < tail) {
    const v = bfs[head++];
    if (v >= n) {
      bfs[tail++] = tree.left[v - n];
      bfs[tail++] = tree.right[v - n];
    }
  }
  const relabel = new Int32Array(total);
  relabel[root] = n;
  const ignore = new Uint8Array(total);
  const queue = new Int32Array(total);
  // Every row under `top` falls out of cluster `p` at λ (breadth-first).
  const fallOut = (top: number, p: number, l: number) => {
    let h = 0, t = 0;
    queue[t++] = top;
    while (h < t) {
      const v = queue[h++];
      if (v < n) push(p, v, l, 1);
      else {
        queue[t++] = tree.left[v - n];
        queue[t++] = tree.right[v - n];
      }
      ignore[v] = 1;
    }
  };
  const count = (v: number) => (v >= n ? tree.size[v - n] : 1);
  let nextLabel = n + 1;
  for (let q = 0; q < total; q++) {
    const node = bfs[q];
    if (ignore[node] || node < n) continue;
    const a = tree.left[node - n], b = tree.right[node - n];
    const dist = tree.distance[node - n];
    const l = dist > 0 ? 1 / dist : Infinity;
    const na = count(a), nb = count(b);
    const p = relabel[node];
    if (na >= minClusterSize && nb >= minClusterSize) {
      relabel[a] = nextLabel++;
      push(p, relabel[a], l, na);
      relabel[b] = nextLabel++;
      push(p, relabel[b], l, nb);
    } else if (na < minClusterSize && nb < minClusterSize) {
      fallOut(a, p, l);
      fallOut(b, p, l);
    } else if (na < minClusterSize) {
      relabel[b] = p;
      fallOut(a, p, l);
    } else {
      relabel[a] = p;
      fallOut(b, p, l);
    }
  }
  return { parent, child, lambda, size, length };
}

/** Options of {@linkcode selectClusters} (scikit-learn's `_get_clusters`). */
export interface SelectOptions {
  readonly method: "eom" | "leaf";
  readonly allowSingleCluster: boolean;
  readonly epsilon: number;
  readonly maxClusterSize: number;
}

/** Flat labels (−1 noise) and membership probabilities of the `n` rows. */
export interface FlatClustering {
  readonly labels: Int32Array;
  readonly probabilities: Float64Array;
  readonly nClusters: number;
}

/** Stabilities, selection, labelling and probabilities from a condensed tree of `n` rows. */
export function selectClusters(ct: CondensedTree, n: number, o: SelectOptions): FlatClustering {
  const { parent, child, lambda, size, length } = ct;
  // Step 1. Stabilities, summed in row order (_compute_stability).
  let maxParent = n, maxChild = n;
  for (let r = 0; r < length; r++) {
    if (parent[r] > maxParent) maxParent = parent[r];
    if (child[r] > maxChild) maxChild = child[r];
  }
  const births = new Float64Array(maxChild + 1).fill(NaN);
  for (let r = 0; r < length; r++) births[child[r]] = lambda[r];
  births[n] = 0;
  const stability = new Float64Array(maxParent + 1);
  for (let r = 0; r < length; r++) {
    stability[parent[r]] += (lambda[r] - births[parent[r]]) * size[r];
  }

  // The cluster tree: rows whose child is a cluster, grouped by parent.
  const kids: number[][] = [];
  for (let c = 0; c <= maxParent; c++) kids.push([]);
  const clusterSize = new Float64Array(maxParent + 1);
  const birthRow = new Int32Array(maxParent + 1).fill(-1);
  let nClusterRows = 0;
  for (let r = 0; r < length; r++) {
    if (size[r] <= 1) continue;
    nClusterRows++;
    kids[parent[r]].push(child[r]);
    clusterSize[child[r]] = size[r];
    birthRow[child[r]] = r;
  }
  const descendants = (c: number, visit: (v: number) => void) => {
    const stack = [...kids[c]];
    while (stack.length > 0) {
      const v = stack.pop()!;
      visit(v);
      for (const w of kids[v]) stack.push(w);
    }
  };
  // Cluster ids, largest first; the root (n) only with allowSingleCluster.
  const lowest = o.allowSingleCluster ? n : n + 1;
  const isCluster = new Uint8Array(maxParent + 1);
  for (let c = lowest; c <= maxParent; c++) isCluster[c] = 1;
  let rootKey = o.allowSingleCluster;
  if (o.allowSingleCluster) {
    let s = 0;
    for (const c of kids[n]) s += clusterSize[c];
    clusterSize[n] = s;
  }

  // Step 2. Selection.
  let selected: Set<number> | null = null;
  if (o.method === "eom") {
    for (let c = maxParent; c >= lowest; c--) {
      let sub = 0;
      for (const k of kids[c]) sub += stability[k];
      if (sub > stability[c] || clusterSize[c] > o.maxClusterSize) {
        isCluster[c] = 0;
        stability[c] = sub;
      } else {
        descendants(c, (v) => isCluster[v] = 0);
      }
    }
    if (o.epsilon !== 0 && nClusterRows > 0) {
      const eom: number[] = [];
      for (let c = maxParent; c >= lowest; c--) if (isCluster[c]) eom.push(c);
      if (eom.length === 1 && eom[0] === n) {
        selected = new Set(o.allowSingleCluster ? eom : []);
      } else {
        selected = epsilonSearch(eom);
      }
    }
  } else {
    const leaves: number[] = [];
    if (nClusterRows > 0) {
      const stack = [n];
      while (stack.length > 0) {
        const v = stack.pop()!;
        if (kids[v].length === 0) leaves.push(v);
        else for (const w of kids[v]) stack.push(w);
      }
    }
    if (leaves.length === 0) rootKey = true; // then nothing is selected below
    selected = o.epsilon !== 0 ? epsilonSearch(leaves) : new Set(leaves);
  }
  if (selected !== null) {
    for (let c = n; c <= maxParent; c++) {
      if (c === n && !rootKey) continue;
      isCluster[c] = selected.has(c) ? 1 : 0;
    }
  }

  function epsilonSearch(leaves: number[]): Set<number> {
    // Order of the leaves does not change the result (a leaf skipped as
    // "processed" would climb to the same cluster), so any order will do.
    const out = new Set<number>();
    const processed = new Set<number>();
    for (const leaf of leaves) {
      const eps = 1 / lambda[birthRow[leaf]];
      if (eps < o.epsilon) {
        if (processed.has(leaf)) continue;
        const e = climb(leaf);
        out.add(e);
        descendants(e, (v) => processed.add(v));
      } else {
        out.add(leaf);
      }
    }
    return out;
  }
  function climb(leaf: number): number {
    for (;;) {
      const up = parent[birthRow[leaf]];
      if (up === n) return o.allowSingleCluster ? up : leaf;
      if (1 / lambda[birthRow[up]] > o.epsilon) return up;
      leaf = up;
    }
  }

  // Step 3. Labels (_do_labelling): union-find by rank over the rows whose
  // child is not a selected cluster.
  const clusters: number[] = [];
  for (let c = n; c <= maxParent; c++) if (isCluster[c]) clusters.push(c);
  const labelOf = new Int32Array(maxParent + 1).fill(-1);
  clusters.forEach((c, i) => labelOf[c] = i);
  const ufParent = new Int32Array(maxParent + 1);
  const ufRank = new Int32Array(maxParent + 1);
  for (let i = 0; i <= maxParent; i++) ufParent[i] = i;
  const find = (v: number): number => {
    let r = v;
    while (ufParent[r] !== r) r = ufParent[r];
    while (ufParent[v] !== r) {
      const up = ufParent[v];
      ufParent[v] = r;
      v = up;
    }
    return r;
  };
  for (let r = 0; r < length; r++) {
    const c = child[r];
    if (c >= n && isCluster[c]) continue;
    const xr = find(parent[r]), yr = find(c);
    if (ufRank[xr] < ufRank[yr]) ufParent[xr] = yr;
    else if (ufRank[xr] > ufRank[yr]) ufParent[yr] = xr;
    else {
      ufParent[yr] = xr;
      ufRank[xr]++;
    }
  }
  const pointRow = new Int32Array(n);
  for (let r = 0; r < length; r++) if (child[r] < n) pointRow[child[r]] = r;
  const labels = new Int32Array(n).fill(-1);
  let rootThreshold = NaN;
  if (clusters.length === 1 && o.allowSingleCluster) {
    if (o.epsilon !== 0) rootThreshold = 1 / o.epsilon;
    else {
      rootThreshold = -Infinity;
      for (let r = 0; r < length; r++) {
        if (parent[r] === n && lambda[r] > rootThreshold) rootThreshold = lambda[r];
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const c = find(i);
    if (c !== n) labels[i] = labelOf[c];
    else if (clusters.length === 1 && o.allowSingleCluster) {
      if (lambda[pointRow[i]] >= rootThreshold) labels[i] = labelOf[n];
    }
  }

  // Step 4. Probabilities: λ of the row over the cluster's "death" λ, the
  // largest λ of the last contiguous run of its rows (max_lambdas).
  const deaths = new Float64Array(maxParent + 1);
  if (length > 0) {
    let cur = parent[0], best = lambda[0];
    for (let r = 1; r < length; r++) {
      if (parent[r] === cur) best = Math.max(best, lambda[r]);
      else {
        deaths[cur] = best;
        cur = parent[r];
        best = lambda[r];
      }
    }
    deaths[cur] = best;
  }
  const probabilities = new Float64Array(n);
  for (let r = 0; r < length; r++) {
    const pnt = child[r];
    if (pnt >= n) continue;
    const lab = labels[pnt];
    if (lab === -1) continue;
    const death = deaths[clusters[lab]];
    const l = lambda[r];
    probabilities[pnt] = death === 0 || l === Infinity ? 1 : Math.min(l, death) / death;
  }
  return { labels, probabilities, nClusters: clusters.length };
}
