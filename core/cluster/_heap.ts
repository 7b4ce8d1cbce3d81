/**
 * A binary min-heap of merge candidates (weight, a, b) that moves its
 * entries exactly as Python's `heapq` does (`heappush`, `heappop`,
 * `heapify`), so that entries which compare equal come out in `heapq`'s
 * order too. Two orders, as scikit-learn's two heaps:
 * - `"tuple"`: by weight, then a, then b (`heapq` on `(weight, a, b)`
 *   tuples: `ward_tree`);
 * - `"weight"`: by weight alone (its `WeightedEdge`, whose `<` compares
 *   weights: `linkage_tree`'s complete and average linkage), where the
 *   order of equal weights is `heapq`'s alone.
 *
 * @example Equal weights leave as Python's heapq lets them
 * ```ts
 * import { EdgeHeap } from "./_heap.ts";
 * import assert from "node:assert/strict";
 * // Python: h = [E(1, 0, 0), E(1, 1, 0), E(1, 2, 0), E(0, 3, 0)]; heapify(h); pops 3, 2, 1, 0
 * const h = new EdgeHeap("weight");
 * for (const [w, a] of [[1, 0], [1, 1], [1, 2], [0, 3]]) h.append(w, a, 0);
 * h.heapify();
 * const order = [0, 1, 2, 3].map(() => (h.pop(), h.poppedA));
 * assert.deepEqual(order, [3, 2, 1, 0]);
 * ```
 */
export class EdgeHeap {
  // Parallel typed arrays that double when full: no per-operation garbage.
  #w = new Float64Array(64);
  #a = new Int32Array(64);
  #b = new Int32Array(64);
  #n = 0;
  readonly #byWeight: boolean;

  /** @param order `"tuple"` (weight, a, b) or `"weight"` alone. */
  constructor(order: "tuple" | "weight" = "tuple") {
    this.#byWeight = order === "weight";
  }

  get size(): number {
    return this.#n;
  }

  /** Whether (w, a, b) < entry j, in the heap's order. */
  #less(w: number, a: number, b: number, j: number): boolean {
    const wj = this.#w[j];
    if (w !== wj || this.#byWeight) return w < wj;
    const aj = this.#a[j];
    if (a !== aj) return a < aj;
    return b < this.#b[j];
  }

  #move(to: number, from: number): void {
    this.#w[to] = this.#w[from];
    this.#a[to] = this.#a[from];
    this.#b[to] = this.#b[from];
  }

  #put(i: number, w: number, a: number, b: number): void {
    this.#w[i] = w;
    this.#a[i] = a;
    this.#b[i] = b;
  }

  /** heapq's `_siftdown`: the entry at `pos` rises while it is less than its parent. */
  #siftDown(start: number, pos: number): void {
    const w = this.#w[pos], a = this.#a[pos], b = this.#b[pos];
    while (pos > start) {
      const parent = (pos - 1) >> 1;
      if (!this.#less(w, a, b, parent)) break;
      this.#move(pos, parent);
      pos = parent;
    }
    this.#put(pos, w, a, b);
  }

  /** heapq's `_siftup`: the smaller child rises until a leaf is empty, then the entry sifts down from there. */
  #siftUp(pos: number): void {
    const end = this.#n, start = pos;
    const w = this.#w[pos], a = this.#a[pos], b = this.#b[pos];
    for (let child = 2 * pos + 1; child < end; child = 2 * pos + 1) {
      const right = child + 1;
      if (right < end && !this.#less(this.#w[child], this.#a[child], this.#b[child], right)) {
        child = right;
      }
      this.#move(pos, child);
      pos = child;
    }
    this.#put(pos, w, a, b);
    this.#siftDown(start, pos);
  }

  /** Adds an entry at the end without ordering it: call {@linkcode heapify} before popping. */
  append(w: number, a: number, b: number): void {
    if (this.#n === this.#w.length) {
      const grow = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T) => {
        const next = make(old.length * 2);
        next.set(old);
        return next;
      };
      this.#w = grow(this.#w, (n) => new Float64Array(n));
      this.#a = grow(this.#a, (n) => new Int32Array(n));
      this.#b = grow(this.#b, (n) => new Int32Array(n));
    }
    this.#put(this.#n++, w, a, b);
  }

  /** heapq's `heapify` of the entries appended so far. */
  heapify(): void {
    for (let i = (this.#n >> 1) - 1; i >= 0; i--) this.#siftUp(i);
  }

  /** heapq's `heappush`. */
  push(w: number, a: number, b: number): void {
    this.append(w, a, b);
    this.#siftDown(0, this.#n - 1);
  }

  /** The endpoints of the edge the last {@linkcode pop} removed. */
  poppedA = -1;
  poppedB = -1;

  /** heapq's `heappop`: returns the weight (the endpoints in `poppedA`, `poppedB`). */
  pop(): number {
    const top = this.#w[0];
    this.poppedA = this.#a[0];
    this.poppedB = this.#b[0];
    const last = --this.#n;
    if (last === 0) return top;
    this.#move(0, last);
    this.#siftUp(0);
    return top;
  }
}
