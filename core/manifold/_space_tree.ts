/**
 * The space-partitioning tree of Barnes–Hut t-SNE: a quadtree in 2-D, an
 * octree in 3-D (2ᵈ children per cell), built as scikit-learn's `_QuadTree`
 * builds it: the root box spans the points (its upper bounds pushed out a
 * little so every point lies strictly inside), a leaf holds one point or
 * several within 1e-6 of each other (duplicates), and every cell keeps its
 * number of points and their barycentre.
 *
 * Cells live in flat typed arrays (no objects), grown by doubling, and the
 * tree is rebuilt in place every iteration without new allocations.
 *
 * @module
 */

/** Two points closer than this in every coordinate are duplicates. */
export const DUPLICATE_EPSILON = 1e-6;

/** A quadtree/octree over the rows of an n × dim position array. */
export class SpaceTree {
  readonly dim: number;
  readonly nChildren: number;
  /** Number of cells in use. */
  count = 0;
  /** Per cell: first child's cell index or −1 for a leaf; children are `nChildren` slots. */
  children: Int32Array = new Int32Array(0);
  /** Per cell: points below it. */
  size: Float64Array = new Float64Array(0);
  /** Per cell: barycentre of its points, `dim` values. */
  barycenter: Float64Array = new Float64Array(0);
  /** Per cell: centre of its box, `dim` values. */
  center: Float64Array = new Float64Array(0);
  /** Per cell: half the side of its box along each axis, `dim` values. */
  half: Float64Array = new Float64Array(0);
  /** Per cell: the squared widest side of its box. */
  squaredWidth: Float64Array = new Float64Array(0);
  /** Per cell: 1 for a leaf. */
  leaf: Uint8Array = new Uint8Array(0);
  /** Per leaf: the first of its points (−1 for inner cells). */
  point: Int32Array = new Int32Array(0);
  /** Per point: the next point of the same leaf (duplicates), or −1. */
  next: Int32Array = new Int32Array(0);

  constructor(dim: number) {
    this.dim = dim;
    this.nChildren = 1 << dim;
    this.#reserve(64);
  }

  #reserve(cells: number): void {
    if (cells <= this.leaf.length) return;
    const cap = Math.max(cells, this.leaf.length * 2);
    const d = this.dim, c = this.nChildren;
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T, per: number): T => {
      const b = new (a.constructor as { new (n: number): T })(cap * per);
      b.set(a);
      return b;
    };
    this.children = grow(this.children, c);
    this.size = grow(this.size, 1);
    this.barycenter = grow(this.barycenter, d);
    this.center = grow(this.center, d);
    this.half = grow(this.half, d);
    this.squaredWidth = grow(this.squaredWidth, 1);
    this.leaf = grow(this.leaf, 1);
    this.point = grow(this.point, 1);
  }

  /** A new empty leaf cell for the box `center ± half`. */
  #newCell(): number {
    this.#reserve(this.count + 1);
    const id = this.count++;
    this.children.fill(-1, id * this.nChildren, (id + 1) * this.nChildren);
    this.size[id] = 0;
    this.leaf[id] = 1;
    this.point[id] = -1;
    return id;
  }

  /** Rebuilds the tree over the rows of `pos` (n × dim, row-major). */
  build(pos: Float64Array, n: number): void {
    const d = this.dim;
    this.count = 0;
    this.#reserve(2 * n + 1);
    if (this.next.length < n) this.next = new Int32Array(n);
    const root = this.#newCell();
    let width2 = 0;
    for (let a = 0; a < d; a++) {
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = pos[i * d + a];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        // (a NaN would fall in no box and split its leaf forever)
        if (!Number.isFinite(v)) {
          throw new RangeError(
            `Cannot fit t-SNE as its embedding is no longer finite: row ${i}, column ${a} = ${v}`,
          );
        }
      }
      // As scikit-learn: M = max(M·(1 + 1e-3·sign M), M + 1e-3), so every point is inside.
      hi = Math.max(hi * (1 + 1e-3 * Math.sign(hi)), hi + 1e-3);
      this.center[root * d + a] = (lo + hi) / 2;
      this.half[root * d + a] = (hi - lo) / 2;
      width2 = Math.max(width2, (hi - lo) * (hi - lo));
    }
    this.squaredWidth[root] = width2;
    for (let i = 0; i < n; i++) this.#insert(pos, i);
  }

  /** The child slot of `cell` whose box holds the point at `pos[o..]`. */
  #slot(cell: number, pos: Float64Array, o: number): number {
    let s = 0;
    const d = this.dim;
    for (let a = 0; a < d; a++) s = s * 2 + (pos[o + a] >= this.center[cell * d + a] ? 1 : 0);
    return s;
  }

  /** A child of `cell` in `slot`, holding `size` points at barycentre `pos[o..]`. */
  #addChild(cell: number, slot: number, pos: Float64Array, o: number, size: number): number {
    const d = this.dim;
    const child = this.#newCell();
    let width2 = 0;
    for (let a = d - 1, s = slot; a >= 0; a--, s >>= 1) {
      const h = this.half[cell * d + a] / 2;
      this.half[child * d + a] = h;
      this.center[child * d + a] = this.center[cell * d + a] + ((s & 1) ? h : -h);
      width2 = Math.max(width2, 4 * h * h);
      this.barycenter[child * d + a] = pos[o + a];
    }
    this.squaredWidth[child] = width2;
    this.size[child] = size;
    this.children[cell * this.nChildren + slot] = child;
    this.leaf[cell] = 0;
    return child;
  }

  #insert(pos: Float64Array, index: number): void {
    const d = this.dim, o = index * d;
    let cell = 0;
    for (;;) {
      const m = this.size[cell];
      const bc = this.barycenter; // re-read: adding a cell may reallocate it
      if (m === 0) {
        this.size[cell] = 1;
        for (let a = 0; a < d; a++) bc[cell * d + a] = pos[o + a];
        this.point[cell] = index;
        this.next[index] = -1;
        return;
      }
      if (!this.leaf[cell]) {
        for (let a = 0; a < d; a++) {
          bc[cell * d + a] = (m * bc[cell * d + a] + pos[o + a]) / (m + 1);
        }
        this.size[cell] = m + 1;
        const slot = this.#slot(cell, pos, o);
        const child = this.children[cell * this.nChildren + slot];
        if (child < 0) {
          const c = this.#addChild(cell, slot, pos, o, 1);
          this.point[c] = index;
          this.next[index] = -1;
          return;
        }
        cell = child;
        continue;
      }
      // A leaf that holds a point already: a duplicate joins it, anything else splits it.
      let duplicate = true;
      for (let a = 0; a < d; a++) {
        duplicate &&= Math.abs(pos[o + a] - bc[cell * d + a]) <= DUPLICATE_EPSILON;
      }
      if (duplicate) {
        this.size[cell] = m + 1;
        this.next[index] = this.point[cell];
        this.point[cell] = index;
        return;
      }
      const moved = this.#addChild(cell, this.#slot(cell, bc, cell * d), bc, cell * d, m);
      this.point[moved] = this.point[cell];
      this.point[cell] = -1;
      // The cell is inner now; insert again from it.
    }
  }
}
