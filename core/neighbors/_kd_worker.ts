/**
 * The second core's share of a k-d tree search (see `_kd_parallel.ts`):
 * takes chunks of queries from the shared counter until none are left,
 * then signals back. Started as a module Worker by `../workers.ts` for one
 * search; not imported by anything.
 *
 * @module
 */
import { runQueries, sharedViews } from "./_kd_parallel.ts";
import { onFirstMessage, workerShare } from "../workers.ts";

onFirstMessage((msg: { buffer: SharedArrayBuffer }) => {
  const v = sharedViews(msg.buffer);
  workerShare(v.header, () => runQueries(v, true));
});
