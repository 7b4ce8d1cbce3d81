/**
 * The second core's half of large matrix products (see
 * `parallel_matmul.ts`): a worker that waits on a shared memory, runs our
 * product (`gemm.ts`) on the rows it is handed, and signals back. Not
 * imported by anything; started as a module Worker by `../workers.ts`.
 *
 * @module
 */
import { instantiateGemm } from "../wasm/gemm.ts";
import { HEADER_BYTES, Slot } from "./matmul_protocol.ts";
import { onFirstMessage, postToParent } from "../workers.ts";

onFirstMessage((msg: { memory: WebAssembly.Memory }) => {
  const gemm = instantiateGemm(msg.memory, true);
  postToParent({ ok: gemm !== undefined });
  if (!gemm) return;
  const ctrl = new Int32Array(msg.memory.buffer, 0, HEADER_BYTES / 4);
  Atomics.store(ctrl, Slot.Ready, 1);
  let seen = 0;
  for (;;) {
    // Wait for a new generation; a stale wake-up finds the old one and waits again.
    let request: number;
    while ((request = Atomics.load(ctrl, Slot.Request)) === seen) {
      Atomics.wait(ctrl, Slot.Request, seen);
    }
    if (Atomics.load(ctrl, Slot.Stop) === 1) return;
    seen = request;
    let status = 0;
    try {
      const [M, N, K, a, ars, acs, b, brs, bcs, c, ldc, work] = ctrl.slice(
        Slot.Args,
        Slot.Args + 12,
      );
      const t = performance.now();
      gemm.gemm(M, N, K, a, ars, acs, b, brs, bcs, c, ldc, work);
      Atomics.store(ctrl, Slot.Micros, Math.round(1000 * (performance.now() - t)));
    } catch {
      status = 1;
    }
    Atomics.store(ctrl, Slot.Status, status);
    Atomics.store(ctrl, Slot.Done, request);
    Atomics.notify(ctrl, Slot.Done);
  }
});
