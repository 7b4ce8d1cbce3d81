/**
 * k-d tree queries on two cores (see `../workers.ts`): the tree and the
 * answers live in one SharedArrayBuffer; the main thread and a worker
 * (`_kd_worker.ts`) take chunks of queries from a shared counter. Each
 * query is computed alone by `kdTreeQuery`, so the answers are the
 * one-core answers, bit for bit, whoever computed them. The worker serves
 * one search and is stopped after it; until it is up, the main thread
 * takes every chunk.
 *
 * @module
 */
import { type KdTree, kdTreeQuery } from "./_kd_tree.ts";
import { JobSlot, shareJob } from "../workers.ts";

/** Header slots (Int32 indices) after {@linkcode JobSlot}'s (both threads add CHUNK to `Next`). */
export const Slot = {
  ...JobSlot,
  N: 2,
  D: 3,
  K: 4,
  Nodes: 5,
  /** 1 when each query must not return its own row. */
  Exclude: 6,
  /** Chunks the worker computed (for tests and reports). */
  WorkerChunks: 7,
} as const;

/** Bytes before the arrays. */
const HEADER_BYTES = 64;
/** Queries taken at a time. */
export const CHUNK = 256;
/** Below this n·k the worker's start (about 0.1 s) does not pay. */
const MIN_WORK = 200_000;

/** Byte offsets of the arrays (float64 ones first, so all aligned), and the bytes needed. */
function layout(n: number, d: number, k: number, nodes: number) {
  const points = HEADER_BYTES;
  const lower = points + 8 * n * d;
  const upper = lower + 8 * nodes * d;
  const sq = upper + 8 * nodes * d;
  const order = sq + 8 * n * k;
  const start = order + 4 * n;
  const end = start + 4 * nodes;
  const left = end + 4 * nodes;
  const right = left + 4 * nodes;
  const idx = right + 4 * nodes;
  return { points, lower, upper, sq, order, start, end, left, right, idx, bytes: idx + 4 * n * k };
}

/** The tree and the answer arrays as views of `buffer` (both threads). */
export function sharedViews(buffer: SharedArrayBuffer) {
  const h = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  const n = h[Slot.N], d = h[Slot.D], k = h[Slot.K], nodes = h[Slot.Nodes];
  const o = layout(n, d, k, nodes);
  const tree: KdTree = {
    n,
    d,
    order: new Int32Array(buffer, o.order, n),
    points: new Float64Array(buffer, o.points, n * d),
    start: new Int32Array(buffer, o.start, nodes),
    end: new Int32Array(buffer, o.end, nodes),
    left: new Int32Array(buffer, o.left, nodes),
    right: new Int32Array(buffer, o.right, nodes),
    lower: new Float64Array(buffer, o.lower, nodes * d),
    upper: new Float64Array(buffer, o.upper, nodes * d),
  };
  return {
    header: h,
    tree,
    idx: new Int32Array(buffer, o.idx, n * k),
    sq: new Float64Array(buffer, o.sq, n * k),
  };
}

/** Takes chunks of the search until none are left; `worker` counts its chunks. */
export function runQueries(v: ReturnType<typeof sharedViews>, worker: boolean): void {
  const h = v.header, n = h[Slot.N], k = h[Slot.K];
  const exclude = h[Slot.Exclude] ? v.tree.order : undefined;
  for (;;) {
    const from = Atomics.add(h, Slot.Next, CHUNK);
    if (from >= n) break;
    kdTreeQuery(v.tree, v.tree.points, k, v.idx, v.sq, from, Math.min(n, from + CHUNK), exclude);
    if (worker) Atomics.add(h, Slot.WorkerChunks, 1);
  }
}

/** Chunks the worker computed in the last two-core search (for tests). */
export let lastWorkerChunks = 0;

/**
 * Every tree point's k nearest tree points (tree order, as `kdTreeQuery`
 * with queries `tree.points`), on two cores; undefined where a second core
 * cannot be used or the search is too small to pay for it. For the tests:
 * `force` uses the worker whatever the size, and `workerOnly` leaves it
 * every chunk.
 */
export function parallelTreeQuery(
  tree: KdTree,
  k: number,
  exclude: boolean,
  test: { force?: boolean; workerOnly?: boolean } = {},
): { idx: Int32Array; sq: Float64Array } | undefined {
  const { n, d } = tree, nodes = tree.start.length;
  if (!test.force && n * k < MIN_WORK) return undefined;
  if (typeof SharedArrayBuffer !== "function") return undefined;
  let buffer: SharedArrayBuffer;
  try {
    buffer = new SharedArrayBuffer(layout(n, d, k, nodes).bytes);
  } catch {
    return undefined; // out of memory: one core
  }
  const h = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  h[Slot.N] = n;
  h[Slot.D] = d;
  h[Slot.K] = k;
  h[Slot.Nodes] = nodes;
  h[Slot.Exclude] = exclude ? 1 : 0;
  const v = sharedViews(buffer);
  v.tree.order.set(tree.order);
  v.tree.points.set(tree.points);
  v.tree.start.set(tree.start);
  v.tree.end.set(tree.end);
  v.tree.left.set(tree.left);
  v.tree.right.set(tree.right);
  v.tree.lower.set(tree.lower);
  v.tree.upper.set(tree.upper);
  const url = new URL("./_kd_worker.ts", import.meta.url);
  const take = () => runQueries(v, false);
  if (!shareJob(url, { buffer }, h, n, take, test.workerOnly)) {
    return undefined;
  }
  lastWorkerChunks = Atomics.load(h, Slot.WorkerChunks);
  return { idx: v.idx, sq: v.sq };
}
