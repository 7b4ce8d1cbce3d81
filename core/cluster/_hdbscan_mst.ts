/**
 * HDBSCAN's first half: core distances and the minimum spanning tree of the
 * mutual-reachability graph, edge for edge as scikit-learn 1.9's
 * `mst_from_data_matrix` (Prim's algorithm from row 0) builds it.
 *
 * Mutual reachability (Campello, Moulavi & Sander 2013; scikit-learn's
 * `alpha` from Chaudhuri & Dasgupta's robust single linkage):
 *
 *     mrd(a, b) = max(core(a), core(b), ‖a − b‖ / alpha)
 *
 * where core(a) is the distance to a's `minSamples`-th nearest row, itself
 * included. Prim's algorithm keeps, for every row outside the tree, the
 * smallest mrd to the tree (`reach`) and the tree row that first gave it
 * (`source`); each step adds the row of least reach, the lowest index among
 * ties, exactly as scikit-learn's scan does.
 *
 * scikit-learn measures every outside row at every step (O(n²) time, O(n)
 * memory). Here the outside rows sit in a k-d tree whose boxes carry the
 * largest reach and the least core distance inside them; a box is skipped
 * when max(core(t), least core, box distance / alpha) ≥ its largest reach,
 * because no row in it could then get a strictly smaller reach from the new
 * tree row t. That bound never exceeds the mrd of any row in the box (the
 * box distance is summed in the same order, and rounding is monotone), so
 * the skipped rows are exactly rows whose reach would not have changed.
 * Boxes far from the last edge weight keep the new tree row as a pending
 * offer instead of measuring their rows at once (rows far from a growing
 * tree would otherwise be brought a little closer at many steps); a box's
 * pending offers are applied, nearest first, only when the box might hold
 * the next row. Offers applied out of order give the same reach and source,
 * because the source kept among equal mrd is the tree row that joined first.
 * The tree, its edge order and its ties are scikit-learn's; memory is O(n)
 * plus the pending offers. Above {@linkcode KD_PRIM_MAX_DIMS} columns boxes
 * prune little, and the full scan ({@linkcode primMstDense}) runs instead.
 * References: R. Campello, D. Moulavi, J. Sander, "Density-based clustering
 * based on hierarchical density estimates" (PAKDD 2013); scikit-learn
 * `sklearn/cluster/_hdbscan/_linkage.pyx` (1.9.1).
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { kneighbors } from "../neighbors/knn.ts";

/** Above this many columns, {@linkcode primMst} scans every row (scikit-learn's way). */
export const KD_PRIM_MAX_DIMS = 4;

/** Rows per k-d tree leaf. */
const LEAF_SIZE = 16;

/** The minimum spanning tree in Prim's order: edge i joins `from[i]` (in the tree) to `to[i]`. */
export interface PrimMst {
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly distance: Float64Array;
}

/** ‖a − b‖² summed left to right, as scikit-learn's `EuclideanDistance` does. */
function sqDistSeq(x: Float64Array, oa: number, y: Float64Array, ob: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) {
    const t = x[oa + c] - y[ob + c];
    s += t * t;
  }
  return s;
}

/**
 * Distance from each row to its `k`-th nearest row (itself included), as
 * scikit-learn's `KDTree` query measures it: the square root of a left-to-right
 * sum. The neighbours come from {@linkcode kneighbors}; their distances are
 * measured again here so that every column count gives scikit-learn's bits.
 */
export function coreDistances(X: Matrix, k: number): Float64Array {
  const n = X.rows, d = X.cols, x = X.data;
  const out = new Float64Array(n);
  if (k === 1) return out; // the row itself, at distance 0
  const nn = kneighbors(X, k, { includeSelf: true });
  for (let i = 0; i < n; i++) {
    let worst = 0;
    for (let t = 0; t < k; t++) {
      const j = nn.indices[i * k + t];
      const s = sqDistSeq(x, i * d, x, j * d, d);
      if (s > worst) worst = s;
    }
    out[i] = Math.sqrt(worst);
  }
  return out;
}

/**
 * Prim's minimum spanning tree of the mutual-reachability graph, started at
 * row 0, with scikit-learn's choice among ties (see the module comment).
 */
export function primMst(X: Matrix, core: Float64Array, alpha: number): PrimMst {
  if (X.cols > KD_PRIM_MAX_DIMS) return primMstDense(X, core, alpha);
  const n = X.rows, d = X.cols, x = X.data;
  const from = new Int32Array(Math.max(n - 1, 0));
  const to = new Int32Array(Math.max(n - 1, 0));
  const distance = new Float64Array(Math.max(n - 1, 0));
  if (n < 2) return { from, to, distance };

  // Step 1. A k-d tree over the rows (median split of the widest side);
  // rows are copied in tree order so that a leaf is contiguous.
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const maxNodes = 2 * n + 1;
  const start = new Int32Array(maxNodes), end = new Int32Array(maxNodes);
  const left = new Int32Array(maxNodes).fill(-1), right = new Int32Array(maxNodes).fill(-1);
  const parent = new Int32Array(maxNodes).fill(-1);
  const lower: number[] = [], upper: number[] = [];
  let nNodes = 0;
  const build = (lo: number, hi: number, up: number): number => {
    const t = nNodes++;
    start[t] = lo;
    end[t] = hi;
    parent[t] = up;
    let widest = 0, spread = -1;
    for (let c = 0; c < d; c++) {
      let mn = Infinity, mx = -Infinity;
      for (let p = lo; p < hi; p++) {
        const v = x[order[p] * d + c];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      lower[t * d + c] = mn;
      upper[t * d + c] = mx;
      if (mx - mn > spread) {
        spread = mx - mn;
        widest = c;
      }
    }
    if (hi - lo <= LEAF_SIZE || spread <= 0) return t;
    const mid = (lo + hi) >> 1;
    selectRows(order, x, d, widest, lo, hi - 1, mid);
    left[t] = build(lo, mid, t);
    right[t] = build(mid, hi, t);
    return t;
  };
  build(0, n, -1);
  const lowB = Float64Array.from(lower), upB = Float64Array.from(upper);
  const P = new Float64Array(n * d);
  const coreP = new Float64Array(n);
  const leafOf = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const i = order[p];
    for (let c = 0; c < d; c++) P[p * d + c] = x[i * d + c];
    coreP[p] = core[i];
  }
  const minCore = new Float64Array(nNodes);
  for (let t = nNodes - 1; t >= 0; t--) {
    if (left[t] < 0) {
      let m = Infinity;
      for (let p = start[t]; p < end[t]; p++) {
        if (coreP[p] < m) m = coreP[p];
        leafOf[p] = t;
      }
      minCore[t] = m;
    } else {
      minCore[t] = Math.min(minCore[left[t]], minCore[right[t]]);
    }
  }
  const position = new Int32Array(n);
  for (let p = 0; p < n; p++) position[order[p]] = p;

  // Step 2. Prim's state, per row in tree order: reach, source and when the
  // row joined the tree. Per box: the largest stored reach (an upper bound),
  // the least (reach, row) among the rows still outside, and tree rows not
  // yet offered to the box's rows ("pending", with the least lower bound).
  // The reach of a row is the least mrd to the tree and its source the
  // earliest tree row giving it, so offers may be applied in any order: an
  // equal mrd wins when its tree row joined earlier. A pending box reports
  // its pending bound as its best with row −1, which wins ties, so that the
  // choice of the next row resolves every box that could hold it.
  const reach = new Float64Array(n).fill(Infinity);
  const source = new Int32Array(n).fill(1); // scikit-learn's initial value
  const joined = new Int32Array(n).fill(0x7fffffff); // by row
  const inTree = new Uint8Array(n);
  const maxReach = new Float64Array(nNodes).fill(Infinity);
  const bestReach = new Float64Array(nNodes).fill(Infinity);
  const bestRow = new Int32Array(nNodes).fill(0x7fffffff);
  const pending: (number[] | null)[] = new Array(nNodes).fill(null);
  const pendingBound = new Float64Array(nNodes).fill(Infinity);

  const refresh = (t: number) => {
    let mx = -Infinity, bv = Infinity, bi = 0x7fffffff;
    if (left[t] < 0) {
      for (let p = start[t]; p < end[t]; p++) {
        if (inTree[p]) continue;
        const r = reach[p], i = order[p];
        if (r > mx) mx = r;
        if (r < bv || (r === bv && i < bi)) {
          bv = r;
          bi = i;
        }
      }
    } else {
      const a = left[t], b = right[t];
      mx = Math.max(maxReach[a], maxReach[b]);
      const va = bestReach[a], vb = bestReach[b];
      if (vb < va || (vb === va && bestRow[b] < bestRow[a])) {
        bv = vb;
        bi = bestRow[b];
      } else {
        bv = va;
        bi = bestRow[a];
      }
    }
    maxReach[t] = mx;
    if (pending[t] !== null && pendingBound[t] <= bv) {
      bv = pendingBound[t];
      bi = -1;
    }
    bestReach[t] = bv;
    bestRow[t] = bi;
  };
  const refreshUp = (t: number) => {
    for (; t >= 0; t = parent[t]) refresh(t);
  };

  // Lower bound of mrd(tree row at position tp, any row in box t).
  const bound = (tp: number, t: number): number => {
    const o = t * d, oq = tp * d;
    let s = 0;
    for (let c = 0; c < d; c++) {
      const q = P[oq + c];
      const lo = lowB[o + c];
      if (q < lo) {
        const g = lo - q;
        s += g * g;
      } else {
        const hi = upB[o + c];
        if (q > hi) {
          const g = q - hi;
          s += g * g;
        }
      }
    }
    const ct = coreP[tp];
    let lb = ct > minCore[t] ? ct : minCore[t];
    const dist = Math.sqrt(s) / alpha;
    if (dist > lb) lb = dist;
    return lb;
  };

  // Step 3. Offer tree row tp to box t. `newest`: tp joined last, so an
  // equal mrd changes nothing; `lazyAbove`: boxes whose bound exceeds it
  // keep the offer pending instead of measuring their rows now.
  const offer = (tp: number, t: number, newest: boolean, lazyAbove: number) => {
    const lb = bound(tp, t);
    if (newest ? lb >= maxReach[t] : lb > maxReach[t]) return;
    if (lb > lazyAbove) {
      let list = pending[t];
      if (list === null) list = pending[t] = [];
      list.push(tp);
      if (lb < pendingBound[t]) pendingBound[t] = lb;
      refresh(t);
      return;
    }
    if (left[t] >= 0) {
      offer(tp, left[t], newest, lazyAbove);
      offer(tp, right[t], newest, lazyAbove);
      refresh(t);
      return;
    }
    const ti = order[tp], coreT = coreP[tp], oq = tp * d, when = joined[ti];
    for (let p = start[t]; p < end[t]; p++) {
      if (inTree[p]) continue;
      const cp = coreP[p];
      const r = reach[p];
      if (coreT > r || cp > r || (newest && (coreT === r || cp === r))) continue;
      const dist = Math.sqrt(sqDistSeq(P, oq, P, p * d, d)) / alpha;
      let mrd = coreT > cp ? coreT : cp;
      if (dist > mrd) mrd = dist;
      if (mrd < r || (mrd === r && when < joined[source[p]])) {
        reach[p] = mrd;
        source[p] = ti;
      }
    }
    refresh(t);
  };
  // Applies a box's pending offers, nearest first, so that the later ones
  // mostly stop at the box bound.
  const resolve = (t: number) => {
    const list = pending[t]!;
    pending[t] = null;
    pendingBound[t] = Infinity;
    const lbs = list.map((tp) => bound(tp, t));
    const byBound = list.map((_, i) => i).sort((a, b) => lbs[a] - lbs[b] || a - b);
    for (const i of byBound) offer(list[i], t, false, Infinity);
    refreshUp(t);
  };

  let current = 0, level = Infinity;
  for (let e = 0; e < n - 1; e++) {
    const tp = position[current];
    inTree[tp] = 1;
    joined[current] = e;
    offer(tp, 0, true, level);
    // The new tree row leaves its boxes.
    refreshUp(leafOf[tp]);
    // Resolve pending boxes until the least (reach, row) is a row.
    while (bestRow[0] < 0) {
      let t = 0;
      for (;;) {
        if (pending[t] !== null && pendingBound[t] === bestReach[t]) break;
        const a = left[t], b = right[t];
        t =
          bestReach[b] < bestReach[a] || (bestReach[b] === bestReach[a] && bestRow[b] < bestRow[a])
            ? b
            : a;
      }
      resolve(t);
    }
    const next = bestRow[0];
    const np = position[next];
    from[e] = source[np];
    to[e] = next;
    distance[e] = reach[np];
    level = 2 * reach[np];
    current = next;
  }
  return { from, to, distance };
}

/**
 * scikit-learn's own scan: every outside row is measured at every step
 * (O(n²) time, O(n) memory); {@linkcode primMst} uses it above
 * {@linkcode KD_PRIM_MAX_DIMS} columns, where boxes prune little.
 */
export function primMstDense(X: Matrix, core: Float64Array, alpha: number): PrimMst {
  const n = X.rows, d = X.cols;
  const m = Math.max(n - 1, 0);
  const from = new Int32Array(m), to = new Int32Array(m), distance = new Float64Array(m);
  // The outside rows, compacted: slot k holds row idx[k]; the chosen row's
  // slot takes the last one, so ties are broken by comparing row indices.
  const x = X.data.slice();
  const idx = new Int32Array(n), cores = core.slice();
  const reach = new Float64Array(n).fill(Infinity);
  const source = new Int32Array(n).fill(1);
  for (let i = 0; i < n; i++) idx[i] = i;
  let nRest = n;
  let cur = 0; // slot of the row joining the tree
  for (let e = 0; e < m; e++) {
    const row = idx[cur], coreT = cores[cur];
    const point = x.slice(cur * d, cur * d + d);
    // Remove the new tree row: the last slot moves into its place.
    nRest--;
    if (cur !== nRest) {
      idx[cur] = idx[nRest];
      cores[cur] = cores[nRest];
      reach[cur] = reach[nRest];
      source[cur] = source[nRest];
      x.copyWithin(cur * d, nRest * d, nRest * d + d);
    }
    let best = Infinity, bestRow = 0x7fffffff, bestK = 0;
    for (let k = 0; k < nRest; k++) {
      let r = reach[k];
      const cj = cores[k];
      if (coreT < r && cj < r) {
        const o = k * d;
        let s = 0;
        for (let c = 0; c < d; c++) {
          const t = point[c] - x[o + c];
          s += t * t;
        }
        let mrd = coreT > cj ? coreT : cj;
        const dist = Math.sqrt(s) / alpha;
        if (dist > mrd) mrd = dist;
        if (mrd < r) {
          reach[k] = r = mrd;
          source[k] = row;
        }
      }
      if (r <= best) {
        const j = idx[k];
        if (r < best || j < bestRow) {
          best = r;
          bestRow = j;
          bestK = k;
        }
      }
    }
    from[e] = source[bestK];
    to[e] = bestRow;
    distance[e] = best;
    cur = bestK;
  }
  return { from, to, distance };
}

/** Reorders `order[lo..hi]` so that position `k` holds the row of rank k on column `c` (quickselect). */
function selectRows(
  order: Int32Array,
  x: Float64Array,
  d: number,
  c: number,
  lo: number,
  hi: number,
  k: number,
): void {
  while (hi > lo) {
    const pivot = x[order[(lo + hi) >> 1] * d + c];
    let i = lo, j = hi;
    while (i <= j) {
      while (x[order[i] * d + c] < pivot) i++;
      while (x[order[j] * d + c] > pivot) j--;
      if (i <= j) {
        const s = order[i];
        order[i] = order[j];
        order[j] = s;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
