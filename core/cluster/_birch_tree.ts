/**
 * BIRCH's clustering-feature (CF) tree, as scikit-learn's `_CFNode`,
 * `_CFSubcluster` and `_split_node` (`sklearn/cluster/_birch.py`, 1.2), with
 * the same floating-point expressions, so that every threshold test and
 * every split decides as scikit-learn's.
 *
 * A subcluster keeps its clustering feature: the count n, the linear sum
 * LS = Σx and the squared sum SS = Σ‖x‖²; its centroid is LS/n and its
 * squared radius SS/n − ‖LS/n‖². A leaf subcluster absorbs a new sample only
 * if the merged radius stays ≤ threshold; a node with more than
 * `branchingFactor` subclusters splits in two around its farthest pair.
 *
 * @module
 */

/** A subcluster: clustering feature, centroid, and the child node below it. */
export class Subcluster {
  n = 0;
  ls: Float64Array;
  ss = 0;
  centroid: Float64Array;
  sqNorm = 0;
  child: CFNode | null = null;

  /** An empty subcluster (`sample` absent) or one holding `sample`. */
  constructor(d: number, sample?: Float64Array) {
    if (sample === undefined) {
      this.ls = new Float64Array(d);
      this.centroid = this.ls;
    } else {
      this.n = 1;
      this.ls = this.centroid = sample;
      this.ss = this.sqNorm = dot(sample, sample);
    }
  }

  /** Adds another subcluster's feature (scikit-learn's `update`). */
  update(other: Subcluster): void {
    this.n += other.n;
    const ls = this.ls === this.centroid ? this.ls.slice() : this.ls;
    for (let j = 0; j < ls.length; j++) ls[j] += other.ls[j];
    this.ls = ls;
    this.ss += other.ss;
    const c = new Float64Array(ls.length);
    for (let j = 0; j < ls.length; j++) c[j] = ls[j] / this.n;
    this.centroid = c;
    this.sqNorm = dot(c, c);
  }

  /** Absorbs `nominee` if the merged radius stays ≤ threshold (`merge_subcluster`). */
  merge(nominee: Subcluster, sqThreshold: number): boolean {
    const d = this.ls.length;
    const ss = this.ss + nominee.ss;
    const n = this.n + nominee.n;
    const ls = new Float64Array(d);
    const c = new Float64Array(d);
    const inv = 1 / n;
    for (let j = 0; j < d; j++) {
      ls[j] = this.ls[j] + nominee.ls[j];
      c[j] = inv * ls[j];
    }
    const sqNorm = dot(c, c);
    if (ss / n - sqNorm <= sqThreshold) {
      this.n = n;
      this.ls = ls;
      this.ss = ss;
      this.centroid = c;
      this.sqNorm = sqNorm;
      return true;
    }
    return false;
  }
}

/** A node: up to `branchingFactor` (+1 before a split) subclusters. */
export class CFNode {
  readonly subs: Subcluster[] = [];
  /** Row i: centroid of subs[i]. */
  readonly centroids: Float64Array;
  /** ‖centroid‖² of each subcluster. */
  readonly sqNorms: Float64Array;
  prev: CFNode | null = null;
  next: CFNode | null = null;

  constructor(
    readonly d: number,
    readonly threshold: number,
    readonly branchingFactor: number,
    readonly isLeaf: boolean,
  ) {
    this.centroids = new Float64Array((branchingFactor + 1) * d);
    this.sqNorms = new Float64Array(branchingFactor + 1);
  }

  /** Appends a subcluster (`append_subcluster`). */
  append(sub: Subcluster): void {
    const i = this.subs.length;
    this.subs.push(sub);
    this.centroids.set(sub.centroid, i * this.d);
    this.sqNorms[i] = sub.sqNorm;
  }

  private store(i: number): void {
    this.centroids.set(this.subs[i].centroid, i * this.d);
    this.sqNorms[i] = this.subs[i].sqNorm;
  }

  /**
   * Inserts `sub` below this node (`insert_cf_subcluster`); true when this
   * node now holds more than `branchingFactor` subclusters and must split.
   */
  insert(sub: Subcluster): boolean {
    const m = this.subs.length, d = this.d;
    if (m === 0) {
      this.append(sub);
      return false;
    }
    // Closest subcluster by −2·c·x + ‖c‖².
    const x = sub.centroid, cs = this.centroids;
    let best = 0, bestV = Infinity;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0, o = i * d; j < d; j++) s += cs[o + j] * x[j];
      let v = s * -2.0;
      v += this.sqNorms[i];
      if (v < bestV) (bestV = v), (best = i);
    }
    const closest = this.subs[best];
    if (closest.child !== null) {
      if (!closest.child.insert(sub)) {
        closest.update(sub);
        this.store(best);
        return false;
      }
      const [s1, s2] = splitNode(closest.child);
      this.subs[best] = s1;
      this.store(best);
      this.append(s2);
      return this.subs.length > this.branchingFactor;
    }
    if (closest.merge(sub, this.threshold ** 2)) {
      this.store(best);
      return false;
    }
    this.append(sub);
    return this.subs.length > this.branchingFactor;
  }
}

/**
 * Squared norm of row `c[o .. o + d)` summed as NumPy's
 * `einsum("ij,ij->i")` (its two-lane SIMD loop, checked against NumPy 1.24
 * for d = 2..100): lane l ∈ {0, 1} sums the squares of the entries ≡ l
 * (mod 2), eight entries per block as x₀² + (x₂² + (x₄² + (x₆² + acc))),
 * then pairs; the result is lane 0 + lane 1.
 */
function einsumSqNorm(c: Float64Array, o: number, d: number): number {
  let acc0 = 0, acc1 = 0, i = 0;
  for (; d - i >= 8; i += 8) {
    const p = o + i;
    acc0 = c[p] * c[p] +
      (c[p + 2] * c[p + 2] + (c[p + 4] * c[p + 4] + (c[p + 6] * c[p + 6] + acc0)));
    acc1 = c[p + 1] * c[p + 1] +
      (c[p + 3] * c[p + 3] + (c[p + 5] * c[p + 5] + (c[p + 7] * c[p + 7] + acc1)));
  }
  for (; i < d; i += 2) {
    acc0 += c[o + i] * c[o + i];
    if (i + 1 < d) acc1 += c[o + i + 1] * c[o + i + 1];
  }
  return acc0 + acc1;
}

const SPLITTER = 134217729; // 2²⁷ + 1, Veltkamp's constant

/**
 * a·b + c with one rounding (a fused multiply-add), from Dekker's exact
 * product and Knuth's two-sum; correctly rounded but in rare half-way cases.
 * Reference: J.-M. Muller et al., "Handbook of Floating-Point Arithmetic"
 * (2018), §4.3–4.4.
 */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b), bl = b - bh;
  const e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  const s = p + c;
  const bb = s - p;
  const r = (p - (s - bb)) + (c - bb);
  return s + (r + e);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

/**
 * Splits `node` in two around its farthest pair of subclusters (`_split_node`):
 * a subcluster goes with the first of the pair when strictly nearer to it
 * (the first itself always does), else with the second; the leaves' linked
 * list keeps its order.
 */
export function splitNode(node: CFNode): [Subcluster, Subcluster] {
  const d = node.d;
  const s1 = new Subcluster(d), s2 = new Subcluster(d);
  const n1 = new CFNode(d, node.threshold, node.branchingFactor, node.isLeaf);
  const n2 = new CFNode(d, node.threshold, node.branchingFactor, node.isLeaf);
  s1.child = n1;
  s2.child = n2;
  if (node.isLeaf) {
    if (node.prev !== null) node.prev.next = n1;
    n1.prev = node.prev;
    n1.next = n2;
    n2.prev = n1;
    n2.next = node.next;
    if (node.next !== null) node.next.prev = n2;
  }
  // Squared distances as euclidean_distances(C, squared=True):
  // max((−2·cᵢ·cⱼ + ‖cᵢ‖²) + ‖cⱼ‖², 0), zero diagonal. Its rounding decides
  // which of (i, j) and (j, i) is the farthest pair, so it is reproduced:
  // the Gram matrix as the BLAS kernel forms it (one fused multiply-add per
  // feature, in order) and the row norms as NumPy's einsum sums them.
  const m = node.subs.length, c = node.centroids;
  const norms = new Float64Array(m);
  for (let i = 0; i < m; i++) norms[i] = einsumSqNorm(c, i * d, d);
  const dist = new Float64Array(m * m);
  let far = 0, farV = -Infinity;
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      let v = 0;
      if (i !== k) {
        let s = 0;
        for (let j = 0; j < d; j++) s = fma(c[i * d + j], c[k * d + j], s);
        v = -2 * s;
        v += norms[i];
        v += norms[k];
        if (!(v > 0)) v = 0;
      }
      dist[i * m + k] = v;
      if (v > farV) (farV = v), (far = i * m + k);
    }
  }
  const p = Math.floor(far / m), q = far % m;
  for (let i = 0; i < m; i++) {
    const sub = node.subs[i];
    if (i === p || dist[p * m + i] < dist[q * m + i]) {
      n1.append(sub);
      s1.update(sub);
    } else {
      n2.append(sub);
      s2.update(sub);
    }
  }
  return [s1, s2];
}
