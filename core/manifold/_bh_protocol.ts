/**
 * The shared memory between the main thread and the Barnes–Hut worker
 * (`_bh_worker.ts`): a header of Int32 slots, then, for one iteration, the
 * positions, the point order, the tree (copied by the main thread) and the
 * per-point outputs. Both sides compute the same offsets from n and the
 * cell capacity in the header.
 *
 * @module
 */

/** Header slots (Int32 indices). */
export const Slot = {
  /** Bumped by the main thread for each iteration; the worker waits on it. */
  Gen: 0,
  /** The next point (in `order`) to take; both threads add CHUNK to it. */
  Next: 1,
  /** Threads inside an iteration: the main thread waits for 0. */
  Active: 2,
  /** Number of points. */
  N: 3,
  /** Cell capacity of the copied tree. */
  Cap: 4,
  /** Set to 1 to stop the worker. */
  Stop: 5,
  /** Chunks the worker has computed so far (for tests and reports). */
  WorkerChunks: 6,
  /** θ² as a float64 at this Int32 index (byte 32). */
  Theta2: 8,
} as const;

/** Bytes before the arrays. */
export const HEADER_BYTES = 64;

/** Points taken at a time. */
export const CHUNK = 64;

/** Byte offsets of the arrays for n points and `cap` cells, and the bytes needed. */
export function layout(n: number, cap: number) {
  const f64 = (count: number) => 8 * count;
  const y = HEADER_BYTES;
  const neg = y + f64(2 * n);
  const z = neg + f64(2 * n);
  const barycenter = z + f64(n);
  const size = barycenter + f64(2 * cap);
  const squaredWidth = size + f64(cap);
  const children = squaredWidth + f64(cap);
  const order = children + 4 * 4 * cap;
  const leaf = order + 4 * n;
  const end = leaf + cap;
  return { y, neg, z, barycenter, size, squaredWidth, children, order, leaf, end };
}

/** Typed views of every array of the layout on `buffer`. */
export function views(buffer: ArrayBufferLike, n: number, cap: number) {
  const o = layout(n, cap);
  return {
    Y: new Float64Array(buffer, o.y, 2 * n),
    neg: new Float64Array(buffer, o.neg, 2 * n),
    z: new Float64Array(buffer, o.z, n),
    order: new Int32Array(buffer, o.order, n),
    tree: {
      barycenter: new Float64Array(buffer, o.barycenter, 2 * cap),
      size: new Float64Array(buffer, o.size, cap),
      squaredWidth: new Float64Array(buffer, o.squaredWidth, cap),
      children: new Int32Array(buffer, o.children, 4 * cap),
      leaf: new Uint8Array(buffer, o.leaf, cap),
    },
  };
}
