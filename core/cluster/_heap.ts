/**
 * A binary min-heap of merge candidates (weight, a, b), ordered by weight,
 * then a, then b — the order of Python's heapq on (weight, a, b) tuples.
 */
export class EdgeHeap {
  #w: number[] = [];
  #a: number[] = [];
  #b: number[] = [];

  get size(): number {
    return this.#w.length;
  }

  #less(i: number, j: number): boolean {
    const w = this.#w, a = this.#a;
    if (w[i] !== w[j]) return w[i] < w[j];
    if (a[i] !== a[j]) return a[i] < a[j];
    return this.#b[i] < this.#b[j];
  }

  #swap(i: number, j: number): void {
    for (const arr of [this.#w, this.#a, this.#b]) [arr[i], arr[j]] = [arr[j], arr[i]];
  }

  push(w: number, a: number, b: number): void {
    this.#w.push(w);
    this.#a.push(a);
    this.#b.push(b);
    let i = this.#w.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(i, p)) break;
      this.#swap(i, p);
      i = p;
    }
  }

  /** Removes the smallest edge and returns it as [weight, a, b]. */
  pop(): [number, number, number] {
    const top: [number, number, number] = [this.#w[0], this.#a[0], this.#b[0]];
    const last = this.#w.length - 1;
    this.#swap(0, last);
    this.#w.pop();
    this.#a.pop();
    this.#b.pop();
    let i = 0;
    const n = this.#w.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && this.#less(l, m)) m = l;
      if (r < n && this.#less(r, m)) m = r;
      if (m === i) break;
      this.#swap(i, m);
      i = m;
    }
    return top;
  }
}
