/**
 * The second core's half of large matrix products (see
 * `parallel_matmul.ts`): a worker with its own tfjs WASM instance that
 * waits on a shared buffer, multiplies the rows it is handed with the stock
 * XNNPACK product and writes them back. Not imported by anything; started
 * as a `node:worker_threads` worker (which, unlike a web Worker, can be
 * unref'd so that it never keeps a finished program alive).
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { HEADER_BYTES, Slot } from "./matmul_protocol.ts";
import type { WasmBackend } from "./wasm_heap.ts";

const port = parentPort;
if (!port) throw new Error("matmul_worker.ts runs as a worker thread only");

port.once("message", async (msg: { sab: SharedArrayBuffer; wasmDir: string }) => {
  try {
    setWasmPaths(msg.wasmDir);
    if (!(await tf.setBackend("wasm"))) throw new Error("wasm backend did not load");
    await tf.ready();
  } catch (e) {
    port.postMessage({ ok: false, error: String(e) });
    return;
  }
  port.postMessage({ ok: true });
  serve(msg.sab);
});

/** Blocks on the request slot forever: one product per request. */
function serve(sab: SharedArrayBuffer): never {
  const ctrl = new Int32Array(sab, 0, HEADER_BYTES / 4);
  const backend = tf.backend() as WasmBackend;
  const kernel = tf.getKernel("BatchMatMul", "wasm")!;
  for (;;) {
    Atomics.wait(ctrl, Slot.Request, 0);
    Atomics.store(ctrl, Slot.Request, 0);
    let status = 0;
    try {
      const m = ctrl[Slot.M], k = ctrl[Slot.K], n = ctrl[Slot.N];
      const data = new Float32Array(sab, HEADER_BYTES, m * k + k * n + m * n);
      const a = backend.makeOutput([1, m, k], "float32");
      const b = backend.makeOutput([1, k, n], "float32");
      backend.typedArrayFromHeap(a).set(data.subarray(0, m * k));
      backend.typedArrayFromHeap(b).set(data.subarray(m * k, m * k + k * n));
      const c = kernel.kernelFunc({
        inputs: { a, b },
        backend,
        attrs: { transposeA: false, transposeB: false } as never,
      }) as tf.TensorInfo;
      data.subarray(m * k + k * n).set(backend.typedArrayFromHeap(c));
      for (const t of [a, b, c]) backend.disposeData(t.dataId);
    } catch {
      status = 1;
    }
    Atomics.store(ctrl, Slot.Status, status);
    Atomics.store(ctrl, Slot.Done, 1);
    Atomics.notify(ctrl, Slot.Done);
  }
}
