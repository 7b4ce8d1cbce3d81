/**
 * Exact k nearest neighbours for many dimensions, screened by our float32
 * WebAssembly matrix product (`core/wasm/gemm.ts`): for blocks of queries
 * against blocks of rows, ‖q‖² + ‖x‖² − 2·q·x on the centred data in
 * float32 says which rows could be among a query's k nearest, and only
 * those are measured exactly, in float64, summed as the brute force in
 * `knn.ts` sums them. So the answers are the brute force's, bit for bit,
 * ties included (the lower index first). The screened values are formed
 * and compared in WebAssembly too (`screenBelow`, four per step), which
 * hands over only those within the query's current threshold: 20,000 × 50,
 * k = 15 on two cores took 0.81–0.98 s against 1.10–1.30 s when every
 * value went through the JavaScript loop (the same answers).
 *
 * Why no row is missed: let m bound the screen's error on one distance.
 * The k rows of smallest screened distance (the k-th is T) are within
 * T + m exactly, so the k-th exact distance is at most T + m, and any row
 * that close was screened at most T + 2m: every row screened within
 * T + 2m is measured. m = (d + 16)·2⁻²²·(‖q‖² + max‖x‖²) bounds the float32
 * rounding of the centred data (2⁻²⁴ relative per value) and of a d-term
 * dot product (d·2⁻²⁴ of ‖q‖·‖x‖), with room to spare.
 *
 * Blocks of queries are independent: where a worker can start
 * (`../workers.ts`) and the work pays for it, the main thread and a worker
 * (`_knn_gemm_worker.ts`) take blocks from a shared counter, on a shared
 * memory holding the float32 rows, a float64 copy for the exact step and
 * the answers. Each block is computed alone, so the answers are the same
 * whoever computed it.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { type Gemm, instantiateGemm, TILE_ROWS } from "../wasm/gemm.ts";
import { sqDistBrute } from "./_kd_tree.ts";
import { JobSlot, shareJob, twoCores } from "../workers.ts";

/** Queries per block (a multiple of the product's tile rows) and rows per block. */
const QUERY_BLOCK = 240, ROW_BLOCK = 1024;
/** From this n²·d the worker's start (about 0.1 s) pays: about a second of screening. */
const MIN_PARALLEL_WORK = 2e9;
/** The float64 copy the worker reads is made up to this size (bytes); beyond, one core. */
const MAX_SHARED_COPY = 2 ** 28;

/**
 * Header slots (Int32 indices) after {@linkcode JobSlot}'s (both threads add
 * QUERY_BLOCK to `Next`); the largest squared norm is a float64 at byte 32.
 */
export const Slot = {
  ...JobSlot,
  N: 2,
  D: 3,
  K: 4,
  IncludeSelf: 5,
  /** Blocks the worker computed (for tests and reports). */
  WorkerBlocks: 6,
  WorkBytes: 7,
} as const;
const HEADER_BYTES = 64;

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** Byte offsets for n × d rows and k neighbours, with two threads' scratch. */
function layout(n: number, d: number, k: number, workBytes: number, copy: boolean) {
  const B = QUERY_BLOCK, C = Math.min(ROW_BLOCK, n);
  const xf = HEADER_BYTES;
  const x64 = align(xf + 4 * n * d);
  const norms = x64 + (copy ? 8 * n * d : 0);
  const sq = norms + 8 * n;
  const idx = sq + 8 * n * k;
  const scratch = align(idx + 4 * n * k);
  const q = 0, c = align(4 * Math.ceil(B / TILE_ROWS) * TILE_ROWS * d);
  const work = c + align(4 * B * C), found = work + align(workBytes), per = found + align(4 * C);
  return { B, C, xf, x64, norms, sq, idx, scratch, q, c, work, found, per, end: scratch + 2 * per };
}

/** What both threads read: the header, the views and the product. */
export interface Shared {
  gemm: Gemm;
  memory: WebAssembly.Memory;
  header: Int32Array;
}

function views(s: Shared, copy: boolean, x?: Float64Array) {
  const h = s.header, buf = s.memory.buffer;
  const n = h[Slot.N], d = h[Slot.D], k = h[Slot.K];
  const o = layout(n, d, k, h[Slot.WorkBytes], copy);
  return {
    o,
    n,
    d,
    k,
    includeSelf: h[Slot.IncludeSelf] === 1,
    maxNorm: new Float64Array(buf, 32, 1)[0],
    f32: new Float32Array(buf),
    x: x ?? new Float64Array(buf, o.x64, n * d),
    norms: new Float64Array(buf, o.norms, n),
    sq: new Float64Array(buf, o.sq, n * k),
    idx: new Int32Array(buf, o.idx, n * k),
  };
}

/**
 * The `k` nearest rows of `X` to each row (squared distances), as
 * `kneighbors`' brute force finds them; `undefined` when this engine has no
 * relaxed SIMD (then use the brute force).
 */
export function gemmKneighbors(
  X: Matrix,
  k: number,
  includeSelf: boolean,
  test: { force?: boolean; workerOnly?: boolean } = {},
): { indices: Int32Array; sqDistances: Float64Array } | undefined {
  const n = X.rows, d = X.cols, x = X.data;
  const probe = new WebAssembly.Memory({ initial: 1 });
  const g0 = instantiateGemm(probe);
  if (!g0) return undefined;
  const workBytes = g0.workBytes(QUERY_BLOCK, Math.min(ROW_BLOCK, n), d);
  const two = (test.force || n * n * d >= MIN_PARALLEL_WORK) && 8 * n * d <= MAX_SHARED_COPY &&
    twoCores();
  let memory: WebAssembly.Memory | undefined, shared = false;
  if (two) {
    try {
      const pages = Math.ceil(layout(n, d, k, workBytes, true).end / 65536);
      memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
      shared = true;
    } catch {
      memory = undefined; // no shared memory here, or too large: one core
    }
  }
  memory ??= new WebAssembly.Memory({
    initial: Math.ceil(layout(n, d, k, workBytes, false).end / 65536),
  });
  const s: Shared = {
    gemm: instantiateGemm(memory, shared)!,
    memory,
    header: new Int32Array(memory.buffer, 0, HEADER_BYTES / 4),
  };
  const h = s.header;
  h[Slot.N] = n;
  h[Slot.D] = d;
  h[Slot.K] = k;
  h[Slot.IncludeSelf] = includeSelf ? 1 : 0;
  h[Slot.WorkBytes] = workBytes;
  const v = views(s, shared, shared ? undefined : x);
  if (shared) v.x.set(x);

  // Centre (the distances do not change; the float32 values get smaller).
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) mean[a] += x[i * d + a];
  for (let a = 0; a < d; a++) mean[a] /= n;
  let maxNorm = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let a = 0; a < d; a++) {
      const value = Math.fround(x[i * d + a] - mean[a]);
      v.f32[v.o.xf / 4 + i * d + a] = value;
      sum += value * value;
    }
    v.norms[i] = sum;
    if (sum > maxNorm) maxNorm = sum;
  }
  new Float64Array(memory.buffer, 32, 1)[0] = maxNorm;

  const url = new URL("./_knn_gemm_worker.ts", import.meta.url);
  const take = () => runBlocks(s, shared, 0, x);
  if (!shared || !shareJob(url, { memory }, h, n, take, test.workerOnly)) {
    take();
  }
  lastWorkerBlocks = Atomics.load(h, Slot.WorkerBlocks);
  return { indices: v.idx.slice(), sqDistances: v.sq.slice() };
}

/** Blocks the worker computed in the last search (for tests). */
export let lastWorkerBlocks = 0;

/**
 * Takes query blocks from the shared counter until none are left, screening
 * each with this thread's scratch (`thread` 0: the main thread, 1: the
 * worker); `x` is the original rows where there is no float64 copy.
 */
export function runBlocks(s: Shared, copy: boolean, thread: 0 | 1, x?: Float64Array): void {
  const v = views(s, copy, x);
  const { o, n, d, k, includeSelf, f32, norms } = v;
  const { B, C } = o;
  const qAt = o.scratch + thread * o.per + o.q;
  const cAt = o.scratch + thread * o.per + o.c;
  const workAt = o.scratch + thread * o.per + o.work;
  const foundAt = o.scratch + thread * o.per + o.found;
  const found = new Int32Array(s.memory.buffer, foundAt, C);
  const gemm = s.gemm, h = s.header;
  const slack = (d + 16) * 2 ** -22;
  // Per query of a block: a max-heap of its k smallest screened distances,
  // and the candidates screened within heap top + 2m.
  const heap = new Float64Array(B * k);
  const CAP = 8 * k + 64;
  const candJ = Array.from({ length: B }, () => new Int32Array(CAP));
  const candV = Array.from({ length: B }, () => new Float64Array(CAP));
  const count = new Int32Array(B), filled = new Int32Array(B);
  const band = new Float64Array(B), accept = new Float64Array(B);
  let exactJ = new Int32Array(CAP), exactD = new Float64Array(CAP);
  for (;;) {
    const q0 = Atomics.add(h, Slot.Next, B);
    if (q0 >= n) break;
    const rows = Math.min(B, n - q0);
    gemm.packA(rows, d, o.xf + 4 * q0 * d, d, 1, qAt);
    heap.fill(Infinity);
    count.fill(0);
    filled.fill(0);
    accept.fill(Infinity);
    for (let r = 0; r < rows; r++) band[r] = 2 * slack * (norms[q0 + r] + v.maxNorm);
    for (let c0 = 0; c0 < n; c0 += C) {
      const cols = Math.min(C, n - c0);
      gemm.gemmPacked(rows, cols, d, qAt, o.xf + 4 * c0 * d, 1, d, cAt, C, workAt);
      for (let r = 0; r < rows; r++) {
        const i = q0 + r, ni = norms[i], hp = r * k, oc = cAt / 4 + r * C;
        let thr = accept[r];
        // The kernel passes the values not above thr; thr only falls, so
        // what it drops this loop would drop too.
        const passed = gemm.screenBelow(cols, cAt + 4 * r * C, o.norms + 8 * c0, ni, thr, foundAt);
        for (let u = 0; u < passed; u++) {
          const t = found[u], j = c0 + t;
          const value = ni + norms[j] - 2 * f32[oc + t];
          if (value > thr || (j === i && !includeSelf)) continue;
          // A candidate: keep it, and let it into the heap if it is below the top.
          let cnt = count[r];
          if (cnt === candJ[r].length) {
            cnt = compact(candJ[r], candV[r], cnt, thr);
            if (2 * cnt > candJ[r].length) {
              candJ[r] = grow(candJ[r]);
              candV[r] = growF(candV[r]);
            }
          }
          candJ[r][cnt] = j;
          candV[r][cnt] = value;
          count[r] = cnt + 1;
          if (filled[r] < k) {
            // Sift up into the heap (not yet full).
            let p = filled[r]++;
            while (p > 0) {
              const up = (p - 1) >> 1;
              if (heap[hp + up] >= value) break;
              heap[hp + p] = heap[hp + up];
              p = up;
            }
            heap[hp + p] = value;
            if (filled[r] === k) thr = heap[hp] + band[r];
          } else if (value < heap[hp]) {
            let p = 0;
            for (;;) {
              const l = 2 * p + 1;
              if (l >= k) break;
              const m = l + 1 < k && heap[hp + l + 1] > heap[hp + l] ? l + 1 : l;
              if (heap[hp + m] <= value) break;
              heap[hp + p] = heap[hp + m];
              p = m;
            }
            heap[hp + p] = value;
            thr = heap[hp] + band[r];
          }
        }
        accept[r] = thr;
      }
    }
    // Measure the candidates exactly and keep the k nearest by (distance, index).
    for (let r = 0; r < rows; r++) {
      const i = q0 + r, thr = accept[r], J = candJ[r], V = candV[r];
      if (exactJ.length < count[r]) {
        exactJ = new Int32Array(J.length);
        exactD = new Float64Array(J.length);
      }
      let m = 0;
      for (let c = 0; c < count[r]; c++) {
        if (V[c] > thr) continue;
        const j = J[c];
        exactJ[m] = j;
        exactD[m++] = sqDistBrute(v.x, i * d, v.x, j * d, d);
      }
      const order = Array.from({ length: m }, (_, t) => t)
        .sort((a, b) => exactD[a] - exactD[b] || exactJ[a] - exactJ[b]);
      for (let t = 0; t < k; t++) {
        v.idx[i * k + t] = exactJ[order[t]];
        v.sq[i * k + t] = exactD[order[t]];
      }
    }
    if (thread === 1) Atomics.add(h, Slot.WorkerBlocks, 1);
  }
}

/** Drops the candidates of one query screened above `thr`; returns how many remain. */
function compact(J: Int32Array, V: Float64Array, cnt: number, thr: number): number {
  let m = 0;
  for (let c = 0; c < cnt; c++) {
    if (V[c] > thr) continue;
    J[m] = J[c];
    V[m++] = V[c];
  }
  return m;
}

const grow = (a: Int32Array) => {
  const b = new Int32Array(2 * a.length);
  b.set(a);
  return b;
};
const growF = (a: Float64Array) => {
  const b = new Float64Array(2 * a.length);
  b.set(a);
  return b;
};
