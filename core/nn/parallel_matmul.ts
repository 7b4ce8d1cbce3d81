/**
 * Large matrix products on two cores. tfjs-backend-wasm's own threads do
 * not start in Deno (its pthread workers come from blob URLs, which Deno's
 * `node:worker_threads` rejects), so the WASM backend multiplies on one
 * core. Here a worker thread with a second WASM instance
 * (`matmul_worker.ts`) takes the lower half of the rows of `C = A·B` while
 * the main thread computes the upper half; A's rows and B travel through a
 * shared buffer. Each row of C is computed by the same XNNPACK product as
 * without the split, so the results do not depend on it (a test checks
 * equality with the one-core product).
 *
 * The worker starts with the WASM backend when the machine has two or more
 * cores; without it (or if it cannot start) everything runs on one core.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import type { tf } from "./backend.ts";
import { HEADER_BYTES, Slot } from "./matmul_protocol.ts";
import { heapView, type WasmBackend } from "./wasm_heap.ts";

/** The wasm backend's bookkeeping used to alias heap memory. */
type AliasingBackend = WasmBackend & {
  getMemoryOffset(dataId: object): number;
  dataIdMap: { get(dataId: object): { id: number }; delete(dataId: object): boolean };
  wasm: { tfjs: { disposeData(id: number): void } };
};

/** Products below this many floating-point operations stay on one core. */
const MIN_FLOPS = 4e6;
/** Products with fewer rows than this stay on one core. */
const MIN_ROWS = 16;
/** The largest shared buffer (bytes); bigger products stay on one core. */
const MAX_BYTES = 1 << 30;
/** How long the main thread waits for the worker's rows. */
const TIMEOUT_MS = 120_000;

let worker: Worker | undefined;
let lastWasmDir: string | undefined;
let sab: SharedArrayBuffer | undefined;
let ctrl: Int32Array | undefined;

/**
 * Starts the product worker (once) and resolves to whether it runs. It does
 * not start on a one-core machine, and a worker that fails to load within
 * `timeoutMs` is dropped; either way products still work, on one core.
 * `wasmDir` is the folder of tfjs-backend-wasm's `.wasm` files (by default
 * the one of the previous call).
 */
export async function startMatMulWorker(
  wasmDir = lastWasmDir,
  timeoutMs = 30_000,
): Promise<boolean> {
  if (worker) return true;
  if (!wasmDir || (navigator.hardwareConcurrency ?? 1) < 2) return false;
  lastWasmDir = wasmDir;
  let w: Worker;
  try {
    w = new Worker(new URL("./matmul_worker.ts", import.meta.url));
  } catch {
    return false;
  }
  const buffer = new SharedArrayBuffer(HEADER_BYTES + (1 << 20), { maxByteLength: MAX_BYTES });
  const ok = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    w.once("message", (m: { ok?: boolean }) => {
      clearTimeout(timer);
      resolve(m?.ok === true);
    });
    w.once("error", () => {
      clearTimeout(timer);
      resolve(false);
    });
    w.postMessage({ sab: buffer, wasmDir });
  });
  if (!ok) {
    await w.terminate();
    return false;
  }
  w.on("error", () => stopMatMulWorker());
  w.unref();
  worker = w;
  sab = buffer;
  ctrl = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  return true;
}

/** Stops the worker; later products run on one core. */
export function stopMatMulWorker(): void {
  const w = worker;
  worker = sab = ctrl = undefined;
  if (w) void w.terminate();
}

/** How many threads large products use now: 2 with the worker, else 1. */
export function matMulThreads(): number {
  return worker ? 2 : 1;
}

/** A tensor over `shape` at `offset` floats into `base`'s heap memory. */
function alias(
  backend: AliasingBackend,
  base: tf.TensorInfo,
  offset: number,
  shape: number[],
): tf.TensorInfo {
  return backend.makeOutput(shape, "float32", backend.getMemoryOffset(base.dataId) + 4 * offset);
}

/** Forgets an alias without freeing the memory it borrows. */
function release(backend: AliasingBackend, t: tf.TensorInfo): void {
  backend.wasm.tfjs.disposeData(backend.dataIdMap.get(t.dataId).id);
  backend.dataIdMap.delete(t.dataId);
}

/**
 * `a · b` for `a` of shape [1, M, K] and `b` of shape [1, K, N], split by
 * rows between this thread and the worker; `product` is the one-core
 * product (untransposed, rank 3). Returns `undefined` when the product is
 * not worth splitting (small, batched) or no worker runs: the caller then
 * multiplies on one core.
 */
export function splitMatMul(
  backend: WasmBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  product: (a: tf.TensorInfo, b: tf.TensorInfo) => tf.TensorInfo,
): tf.TensorInfo | undefined {
  if (!worker || !sab || !ctrl) return undefined;
  if (a.shape.length !== 3 || b.shape.length !== 3 || a.shape[0] !== 1 || b.shape[0] !== 1) {
    return undefined;
  }
  const [, M, K] = a.shape, N = b.shape[2];
  if (M < MIN_ROWS || 2 * M * K * N < MIN_FLOPS) return undefined;
  const mw = M >> 1, mm = M - mw;
  const floats = mw * K + K * N + mw * N;
  const bytes = HEADER_BYTES + 4 * floats;
  if (bytes > MAX_BYTES) return undefined;
  if (sab.byteLength < bytes) sab.grow(bytes);
  const be = backend as AliasingBackend;

  const data = new Float32Array(sab, HEADER_BYTES, floats);
  data.set(heapView(be, a).subarray(mm * K), 0);
  data.set(heapView(be, b), mw * K);
  ctrl[Slot.M] = mw;
  ctrl[Slot.K] = K;
  ctrl[Slot.N] = N;
  Atomics.store(ctrl, Slot.Done, 0);
  Atomics.store(ctrl, Slot.Request, 1);
  Atomics.notify(ctrl, Slot.Request);

  const head = alias(be, a, 0, [1, mm, K]);
  const cHead = product(head, b);
  release(be, head);

  if (Atomics.wait(ctrl, Slot.Done, 0, TIMEOUT_MS) === "timed-out") {
    stopMatMulWorker();
    throw new Error(`the matrix product worker did not answer within ${TIMEOUT_MS / 1000} s`);
  }
  let cTail: tf.TensorInfo | undefined;
  if (ctrl[Slot.Status] !== 0) {
    // The worker failed (e.g. out of memory): its rows here, then one core.
    stopMatMulWorker();
    const tail = alias(be, a, mm * K, [1, mw, K]);
    cTail = product(tail, b);
    release(be, tail);
  }
  const out = be.makeOutput([1, M, N], "float32");
  const c = heapView(be, out);
  c.set(heapView(be, cHead));
  c.set(cTail ? heapView(be, cTail) : data.subarray(mw * K + K * N), mm * N);
  be.disposeData(cHead.dataId);
  if (cTail) be.disposeData(cTail.dataId);
  return out;
}
