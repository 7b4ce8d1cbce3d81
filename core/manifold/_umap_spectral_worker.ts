/**
 * The second core's share of UMAP's spectral start of a disconnected
 * graph (see `_umap_spectral_jobs.ts`): takes components from the shared
 * counter until none are left, then signals back. Started as a module
 * Worker by `../workers.ts` for one start; not imported by anything.
 *
 * @module
 */
import { runJobs, sharedViews } from "./_umap_spectral_jobs.ts";
import { onFirstMessage, workerShare } from "../workers.ts";

onFirstMessage((msg: { buffer: SharedArrayBuffer }) => {
  const v = sharedViews(msg.buffer);
  workerShare(v.header, () => runJobs(v, true));
});
