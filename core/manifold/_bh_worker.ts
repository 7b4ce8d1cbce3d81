/**
 * The second core's share of the Barnes–Hut repulsion (see
 * `_gradients.ts`): waits on the shared memory for each iteration, takes
 * chunks of points from the shared counter until none are left, and
 * signals back. Started as a module Worker by `../workers.ts` (stopped
 * once t-SNE has been idle a moment); not imported by anything.
 *
 * @module
 */
import { CHUNK, layout, Slot, views } from "./_bh_protocol.ts";
import { repulsion2d } from "./_repulsion.ts";
import { leaveJob, onFirstMessage } from "../workers.ts";

onFirstMessage((msg: { memory: WebAssembly.Memory }) => {
  const memory = msg.memory;
  let ctrl = new Int32Array(memory.buffer, 0, 16);
  let gen = 0;
  let stack = new Int32Array(1024);
  for (;;) {
    Atomics.wait(ctrl, Slot.Gen, gen);
    gen = Atomics.load(ctrl, Slot.Gen);
    if (Atomics.load(ctrl, Slot.Stop) === 1) return;
    Atomics.add(ctrl, Slot.Active, 1);
    let threw = true;
    try {
      let key = "", v: ReturnType<typeof views> | undefined;
      for (;;) {
        const from = Atomics.add(ctrl, Slot.Next, CHUNK);
        // The layout is read after the claim: a worker that woke late for one
        // iteration can claim a chunk of the next, whose layout (tree
        // capacity) the calling thread wrote before resetting Next.
        const n = ctrl[Slot.N], cap = ctrl[Slot.Cap];
        if (from >= n) break;
        const buffer = memory.buffer;
        if (`${n} ${cap} ${buffer.byteLength}` !== key) {
          if (buffer.byteLength < layout(n, cap).end) {
            throw new Error(`the shared memory is smaller than the layout: cap=${cap}`);
          }
          v = views(buffer, n, cap);
          if (stack.length < cap) stack = new Int32Array(cap);
          key = `${n} ${cap} ${buffer.byteLength}`;
        }
        const theta2 = new Float64Array(buffer, 0, 8)[Slot.Theta2 / 2];
        repulsion2d(
          v!.Y,
          v!.order,
          from,
          Math.min(n, from + CHUNK),
          v!.tree,
          theta2,
          stack,
          v!.neg,
          v!.z,
        );
        Atomics.add(ctrl, Slot.WorkerChunks, 1);
      }
      threw = false;
    } finally {
      ctrl = new Int32Array(memory.buffer, 0, 16);
      leaveJob(ctrl, Slot.Active, threw);
    }
  }
});
