/**
 * The second core's half of large matrix products (see
 * `parallel_matmul.ts`): a worker that waits on a shared memory, runs our
 * product (`gemm.ts`) on the rows it is handed, and signals back. Not
 * imported by anything; started as a `node:worker_threads` worker (which,
 * unlike a web Worker, can be unref'd so that it never keeps a finished
 * program alive).
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import { instantiateGemm } from "../wasm/gemm.ts";
import { HEADER_BYTES, Slot } from "./matmul_protocol.ts";

const port = parentPort;
if (!port) throw new Error("matmul_worker.ts runs as a worker thread only");

port.once("message", (msg: { memory: WebAssembly.Memory }) => {
  const gemm = instantiateGemm(msg.memory, true);
  port.postMessage({ ok: gemm !== undefined });
  if (!gemm) return;
  const ctrl = new Int32Array(msg.memory.buffer, 0, HEADER_BYTES / 4);
  for (;;) {
    Atomics.wait(ctrl, Slot.Request, 0);
    Atomics.store(ctrl, Slot.Request, 0);
    let status = 0;
    try {
      const [M, N, K, a, ars, acs, b, brs, bcs, c, ldc, work] = ctrl.slice(
        Slot.Args,
        Slot.Args + 12,
      );
      gemm.gemm(M, N, K, a, ars, acs, b, brs, bcs, c, ldc, work);
    } catch {
      status = 1;
    }
    Atomics.store(ctrl, Slot.Status, status);
    Atomics.store(ctrl, Slot.Done, 1);
    Atomics.notify(ctrl, Slot.Done);
  }
});
