/**
 * Large matrix products on two cores. tfjs-backend-wasm's own threads do
 * not start in Deno (its pthread workers come from blob URLs), so the WASM
 * backend computes on one core. Here a worker thread (`matmul_worker.ts`)
 * runs our product (`gemm.ts`) on a shared WebAssembly memory and takes the
 * lower half of the rows of `C = A·B`, while the main thread computes the
 * upper half in place on tfjs' heap; the worker's part of A, all of B and
 * its rows of C travel through the shared memory. Each row of C is computed
 * by the same code in the same order as without the split, so results do
 * not depend on it (a test checks equality with the one-core product).
 *
 * The worker starts with the WASM backend where `../workers.ts` allows a
 * second core; without it (or if it cannot start) everything runs on one
 * core. It stops after a second without products (a web Worker would keep
 * a finished program alive), and starts again with the next product, which
 * runs on one core until the worker is back.
 *
 * @module
 */
import type { Gemm } from "../wasm/gemm.ts";
import { HEADER_BYTES, Slot } from "./matmul_protocol.ts";
import { startWorker, twoCores, type WorkerHandle } from "../workers.ts";

/** The arguments of one product (see {@linkcode Gemm.gemm}), `work` aside. */
export interface GemmArgs {
  M: number;
  N: number;
  K: number;
  a: number;
  ars: number;
  acs: number;
  b: number;
  brs: number;
  bcs: number;
  c: number;
  ldc: number;
}

/** Products below this many floating-point operations stay on one core. */
const MIN_FLOPS = 4e6;
/** Products with fewer rows than this stay on one core. */
const MIN_ROWS = 16;
/** WebAssembly pages (64 KiB) of the shared memory: at most 1 GiB. */
const MAX_PAGES = 16384;
/** How long the main thread waits for the worker's rows. */
const TIMEOUT_MS = 120_000;
/** The worker stops after this long without a product. */
const IDLE_MS = 1000;

/** The running worker and the memory it shares (it is ready once it sets `Slot.Ready`). */
let worker:
  | { handle: WorkerHandle; shared: WebAssembly.Memory; ctrl: Int32Array; generation: number }
  | undefined;
/** The worker's share of the rows of each product shape (see `parallelGemm`). */
const shares = new Map<string, number>();
/** Whether products should use a worker (after {@linkcode startMatMulWorker}). */
let wanted = false;

/** Whether a running worker has set its ready flag. */
function ready(): boolean {
  return worker !== undefined && worker.handle.running &&
    Atomics.load(worker.ctrl, Slot.Ready) === 1;
}

/** Starts a worker; resolves to whether it answered ready within `timeoutMs`. */
function launch(timeoutMs: number): Promise<boolean> {
  let memory: WebAssembly.Memory;
  try {
    if (!twoCores()) throw new Error("one core");
    memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
  } catch {
    wanted = false; // one core from now on
    return Promise.resolve(false);
  }
  let settle: (ok: boolean) => void = () => {};
  const answered = new Promise<boolean>((resolve) => settle = resolve);
  const ctrl = new Int32Array(memory.buffer, 0, HEADER_BYTES / 4);
  const handle = startWorker(new URL("./matmul_worker.ts", import.meta.url), { memory }, {
    wake: () => {
      Atomics.store(ctrl, Slot.Stop, 1);
      Atomics.store(ctrl, Slot.Request, -1);
      Atomics.notify(ctrl, Slot.Request);
    },
    onFail: () => {
      if (worker?.handle === handle) worker = undefined;
      settle(false);
    },
  });
  if (!handle) return Promise.resolve(false);
  worker = { handle, shared: memory, ctrl, generation: 0 };
  // A long synchronous loop can delay both the answer and this timer: the
  // shared flag decides.
  const timer = setTimeout(() => settle(Atomics.load(ctrl, Slot.Ready) === 1), timeoutMs);
  handle.worker.onmessage = (e: MessageEvent) => settle(e.data?.ok === true);
  return answered.then((ok) => {
    clearTimeout(timer);
    if (ok && worker?.handle === handle) {
      handle.stopWhenIdle(IDLE_MS);
      return true;
    }
    handle.stop();
    if (worker?.handle === handle) worker = undefined;
    return false;
  });
}

/**
 * Starts the product worker (once) and resolves to whether it runs. It does
 * not start where `../workers.ts` allows no second core, and a worker that
 * fails to load within `timeoutMs` is dropped; either way products still
 * work, on one core.
 *
 * @example
 * ```ts ignore
 * await startMatMulWorker(); // true on two cores in Deno
 * ```
 */
export async function startMatMulWorker(timeoutMs = 30_000): Promise<boolean> {
  wanted = true;
  if (ready()) return true;
  return await launch(timeoutMs);
}

/**
 * Stops the worker; later products run on one core.
 *
 * @example
 * ```ts
 * import { matMulThreads, stopMatMulWorker } from "./parallel_matmul.ts";
 * import assert from "node:assert/strict";
 * stopMatMulWorker();
 * assert.equal(matMulThreads(), 1);
 * ```
 */
export function stopMatMulWorker(): void {
  wanted = false;
  worker?.handle.stop();
  worker = undefined;
}

/**
 * How many threads large products use now: 2 with the worker, else 1.
 *
 * @example
 * ```ts
 * import { matMulThreads } from "./parallel_matmul.ts";
 * import assert from "node:assert/strict";
 * assert.ok([1, 2].includes(matMulThreads()));
 * ```
 */
export function matMulThreads(): number {
  return wanted && ready() ? 2 : 1;
}

/**
 * The running worker's shared memory (its header holds the protocol's
 * slots), for tests that disturb the protocol; `undefined` without one.
 *
 * @example
 * ```ts
 * import { matMulSharedMemory, stopMatMulWorker } from "./parallel_matmul.ts";
 * import assert from "node:assert/strict";
 * stopMatMulWorker();
 * assert.equal(matMulSharedMemory(), undefined);
 * ```
 */
export function matMulSharedMemory(): WebAssembly.Memory | undefined {
  return ready() ? worker!.shared : undefined;
}

/** Floats from the first to one past the last element of a strided matrix. */
const span = (rows: number, cols: number, rs: number, cs: number) =>
  (rows - 1) * rs + (cols - 1) * cs + 1;

/** `n` floats rounded up to whole 16-byte vectors, in bytes. */
const aligned = (n: number) => 16 * Math.ceil(n / 4);

/** Grows `memory` to at least `bytes`; false when it cannot (the product then runs on one core). */
function reserve(memory: WebAssembly.Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (have >= bytes) return true;
  if (bytes > MAX_PAGES * 65536) return false;
  try {
    memory.grow(Math.ceil((bytes - have) / 65536));
    return true;
  } catch {
    return false; // out of memory
  }
}

/**
 * Runs the product `p` with `local` (whose memory is `memory`; `work` is
 * scratch there of `local.workBytes(M, N, K)` bytes), handing the lower
 * half of the rows to the worker when the product is large enough and the
 * worker runs.
 */
export function parallelGemm(
  local: Gemm,
  memory: WebAssembly.Memory,
  p: GemmArgs,
  work: number,
): void {
  const { M, N, K, a, ars, acs, b, brs, bcs, c, ldc } = p;
  if (M < MIN_ROWS || 2 * M * N * K < MIN_FLOPS || !wanted) {
    local.gemm(M, N, K, a, ars, acs, b, brs, bcs, c, ldc, work);
    return;
  }
  if (!worker?.handle.running) {
    // Stopped when idle: start it again; this product runs on one core.
    worker = undefined;
    void launch(30_000);
  }
  if (!ready()) {
    local.gemm(M, N, K, a, ars, acs, b, brs, bcs, c, ldc, work);
    return;
  }
  const w = worker!;
  const { handle, shared, ctrl } = w;
  // The worker's share of the rows, balanced per product shape from both
  // threads' measured times: the two are not equally fast per row (on the
  // DEC autoencoder's products the worker's share settles at 0.6–0.64), so
  // an even split left one thread waiting for the other.
  const shape = `${N} ${K} ${ars} ${acs} ${brs} ${bcs}`;
  const share = shares.get(shape) ?? 0.5;
  const mw = Math.min(M - 1, Math.max(1, Math.round(M * share))), mm = M - mw;
  // The worker's operands: the span of A holding rows mm.., all of B.
  const aStart = mm * ars, aLen = span(mw, K, ars, acs), bLen = span(K, N, brs, bcs);
  const aS = HEADER_BYTES, bS = aS + aligned(aLen), cS = bS + aligned(bLen);
  const workS = cS + aligned(mw * N);
  const need = workS + local.workBytes(mw, N, K);
  if (!reserve(shared, need)) {
    local.gemm(M, N, K, a, ars, acs, b, brs, bcs, c, ldc, work);
    return;
  }
  const sh = new Float32Array(shared.buffer), heap = new Float32Array(memory.buffer);
  sh.set(heap.subarray(a / 4 + aStart, a / 4 + aStart + aLen), aS / 4);
  sh.set(heap.subarray(b / 4, b / 4 + bLen), bS / 4);
  ctrl.set([mw, N, K, aS, ars, acs, bS, brs, bcs, cS, N, workS], Slot.Args);
  const generation = w.generation = (w.generation % 0x3fffffff) + 1;
  Atomics.store(ctrl, Slot.Request, generation);
  Atomics.notify(ctrl, Slot.Request);

  const start = performance.now();
  local.gemm(mm, N, K, a, ars, acs, b, brs, bcs, c, ldc, work);
  const mainMs = performance.now() - start;

  // Until the worker has answered this generation: a wake-up may be stale.
  const deadline = performance.now() + TIMEOUT_MS;
  for (let done; (done = Atomics.load(ctrl, Slot.Done)) !== generation;) {
    const left = deadline - performance.now();
    if (left <= 0) {
      stopMatMulWorker();
      throw new Error(`the matrix product worker did not answer within ${TIMEOUT_MS / 1000} s`);
    }
    Atomics.wait(ctrl, Slot.Done, done, left);
  }
  handle.stopWhenIdle(IDLE_MS);
  const cTail = c + 4 * mm * ldc;
  if (ctrl[Slot.Status] !== 0) {
    // The worker failed: its rows here, then one core from now on.
    stopMatMulWorker();
    local.gemm(mw, N, K, a + 4 * aStart, ars, acs, b, brs, bcs, cTail, ldc, work);
    return;
  }
  const workerMs = Atomics.load(ctrl, Slot.Micros) / 1000;
  if (mainMs > 0.2 && workerMs > 0.2) {
    // Rows in proportion to each thread's measured speed, smoothed.
    const target = (mw / workerMs) / (mw / workerMs + mm / mainMs);
    shares.set(shape, Math.min(0.8, Math.max(0.2, 0.75 * share + 0.25 * target)));
  }
  const rows = new Float32Array(shared.buffer, cS, mw * N);
  const out = new Float32Array(memory.buffer);
  for (let i = 0; i < mw; i++) out.set(rows.subarray(i * N, (i + 1) * N), cTail / 4 + i * ldc);
}
