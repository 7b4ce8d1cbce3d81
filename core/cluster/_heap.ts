/**
 * A binary min-heap of merge candidates (weight, a, b), ordered by weight,
 * then a, then b — the order of Python's heapq on (weight, a, b) tuples.
 */
export class EdgeHeap {
  // Parallel typed arrays that double when full: no per-operation garbage.
  #w = new Float64Array(64);
  #a = new Int32Array(64);
  #b = new Int32Array(64);
  #n = 0;

  get size(): number {
    return this.#n;
  }

  /** Whether (w, a, b) comes before entry j. */
  #before(w: number, a: number, b: number, j: number): boolean {
    const wj = this.#w[j];
    if (w !== wj) return w < wj;
    const aj = this.#a[j];
    if (a !== aj) return a < aj;
    return b < this.#b[j];
  }

  push(w: number, a: number, b: number): void {
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
    // Sift up: move parents down into the hole until (w, a, b) fits.
    let i = this.#n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#before(w, a, b, p)) break;
      this.#w[i] = this.#w[p];
      this.#a[i] = this.#a[p];
      this.#b[i] = this.#b[p];
      i = p;
    }
    this.#w[i] = w;
    this.#a[i] = a;
    this.#b[i] = b;
  }

  /** The endpoints of the edge the last {@linkcode pop} removed. */
  poppedA = -1;
  poppedB = -1;

  /** Removes the smallest edge and returns its weight (its endpoints in `poppedA`, `poppedB`). */
  pop(): number {
    const top = this.#w[0];
    this.poppedA = this.#a[0];
    this.poppedB = this.#b[0];
    const n = --this.#n;
    if (n === 0) return top;
    // Sift the last entry down from the root.
    const w = this.#w[n], a = this.#a[n], b = this.#b[n];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      if (l >= n) break;
      let m = l;
      if (r < n && !this.#before(this.#w[l], this.#a[l], this.#b[l], r)) m = r;
      if (this.#before(w, a, b, m)) break; // (equal entries are interchangeable)
      this.#w[i] = this.#w[m];
      this.#a[i] = this.#a[m];
      this.#b[i] = this.#b[m];
      i = m;
    }
    this.#w[i] = w;
    this.#a[i] = a;
    this.#b[i] = b;
    return top;
  }
}
