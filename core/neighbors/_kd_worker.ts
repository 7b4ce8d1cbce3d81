/**
 * The second core's share of a k-d tree search (see `_kd_parallel.ts`):
 * takes chunks of queries from the shared counter until none are left,
 * then signals back. Started as a module Worker by `../workers.ts` for one
 * search; not imported by anything.
 *
 * @module
 */
import { runQueries, sharedViews, Slot } from "./_kd_parallel.ts";
import { onFirstMessage } from "../workers.ts";

onFirstMessage((msg: { buffer: SharedArrayBuffer }) => {
  const v = sharedViews(msg.buffer);
  const h = v.header;
  // Active first: a chunk is never taken unseen by the main thread's wait.
  Atomics.add(h, Slot.Active, 1);
  try {
    runQueries(v, true);
  } finally {
    Atomics.sub(h, Slot.Active, 1);
    Atomics.notify(h, Slot.Active);
  }
});
