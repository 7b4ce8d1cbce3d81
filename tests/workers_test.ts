/**
 * core/workers.ts: a job shared with a worker whose share throws fails with
 * one line, instead of returning with that worker's chunks unfinished.
 */
import assert from "node:assert/strict";
import { awaitWorkers, JobSlot, leaveJob, shareJob, twoCores } from "../core/workers.ts";

Deno.test("shareJob throws when the worker's share fails, rather than use its unfinished chunk", () => {
  if (!twoCores()) return; // one core: nothing is shared
  const buffer = new SharedArrayBuffer(8);
  const header = new Int32Array(buffer);
  const n = 1000;
  let mine = 0;
  const work = () => {
    while (Atomics.add(header, JobSlot.Next, 10) < n) mine++;
  };
  const url = new URL("./fixtures/failing_share_worker.ts", import.meta.url);
  // workerOnly: the calling thread waits for the worker, which takes its chunk first.
  assert.throws(
    () => shareJob(url, { buffer }, header, n, work, true),
    (e: Error) => /worker thread failed/.test(e.message) && !e.message.includes("\n"),
  );
  assert.equal(mine, 99); // the calling thread took every other chunk
  assert.equal(Atomics.load(header, JobSlot.Active), 0); // the count is left clean
});

Deno.test("awaitWorkers waits for every worker to leave, and a clean leave does not throw", () => {
  const header = new Int32Array(new SharedArrayBuffer(8));
  Atomics.add(header, JobSlot.Active, 2);
  leaveJob(header, JobSlot.Active, false);
  leaveJob(header, JobSlot.Active, false);
  awaitWorkers(header);
  Atomics.add(header, JobSlot.Active, 2);
  leaveJob(header, JobSlot.Active, true);
  leaveJob(header, JobSlot.Active, false);
  assert.throws(() => awaitWorkers(header), /worker thread failed/);
});
