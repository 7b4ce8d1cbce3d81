/**
 * The second core's share of the screened neighbour search (see
 * `_knn_gemm.ts`): takes query blocks from the shared counter until none
 * are left, then signals back. Started as a module Worker by
 * `../workers.ts` for one search; not imported by anything.
 *
 * @module
 */
import { runBlocks } from "./_knn_gemm.ts";
import { instantiateGemm } from "../wasm/gemm.ts";
import { onFirstMessage, workerShare } from "../workers.ts";

onFirstMessage((msg: { memory: WebAssembly.Memory }) => {
  const memory = msg.memory;
  const header = new Int32Array(memory.buffer, 0, 16);
  workerShare(header, () => {
    const gemm = instantiateGemm(memory, true);
    if (gemm) runBlocks({ gemm, memory, header }, true, 1);
  });
});
