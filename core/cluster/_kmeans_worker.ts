/**
 * The second core's share of the k-means steps (see `_kmeans_pool.ts`):
 * waits on the shared memory for each job, takes chunks of rows from the
 * shared counter until none are left (`_kmeans_jobs.ts`), and signals
 * back. Started as a module Worker by `../workers.ts` (and stopped when
 * the fit ends); not imported by anything.
 *
 * @module
 */
import { instantiateGemm } from "../wasm/gemm.ts";
import { runChunks } from "./_kmeans_jobs.ts";
import { HEADER_BYTES, Slot, type Views, views } from "./_kmeans_protocol.ts";
import { leaveJob, onFirstMessage } from "../workers.ts";

onFirstMessage((msg: { memory: WebAssembly.Memory }) => {
  const memory = msg.memory;
  const gemm = instantiateGemm(memory, true);
  if (!gemm) return;
  let header = new Int32Array(memory.buffer, 0, HEADER_BYTES / 4);
  let gen = 0, key = "", v: Views | undefined;
  for (;;) {
    Atomics.wait(header, Slot.Gen, gen);
    gen = Atomics.load(header, Slot.Gen);
    if (Atomics.load(header, Slot.Stop) === 1) return;
    Atomics.add(header, Slot.Active, 1);
    let threw = true;
    try {
      const buffer = memory.buffer;
      const n = header[Slot.N], d = header[Slot.D], kMax = header[Slot.KMax];
      const workBytes = header[Slot.WorkBytes];
      const now = `${n} ${d} ${kMax} ${workBytes} ${buffer.byteLength}`;
      if (now !== key) {
        v = views(buffer, n, d, kMax, workBytes);
        key = now;
      }
      if (buffer.byteLength >= v!.offsets.end) runChunks(v!, gemm, 1);
      threw = false;
    } finally {
      header = new Int32Array(memory.buffer, 0, HEADER_BYTES / 4);
      leaveJob(header, Slot.Active, threw);
    }
  }
});
