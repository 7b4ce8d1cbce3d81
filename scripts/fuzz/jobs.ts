/**
 * The fuzzer's driver side: jobs run in a worker that reports a heartbeat;
 * an input that hangs or kills the worker is reported and skipped, and the
 * run goes on in a fresh worker.
 *
 * @module
 */
import type { Batch, Job, Start } from "./worker.ts";

/**
 * Runs the jobs in a worker (module URL `worker`, protocol of `worker.ts`),
 * restarting it past an input that hangs (no result for `hangMs`) or kills
 * it; `onLost` is told of each such input.
 */
export function runJobs(
  worker: URL,
  seed: number,
  jobs: Job[],
  hangMs: number,
  onBatch: (job: Job, b: Batch) => void,
  onLost: (job: Job, index: number, why: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = (pending: Job[]) => {
      if (pending.length === 0) return resolve();
      const heartbeat = new SharedArrayBuffer(8);
      const beat = new Int32Array(heartbeat);
      beat[0] = -1;
      const w = new Worker(worker, { type: "module" });
      const next = pending.map((j) => j.from); // first index not yet reported, per job
      let last = "", since = performance.now();
      const restart = (why: string) => {
        clearInterval(timer);
        w.terminate();
        const j = Math.max(0, beat[0]), i = beat[1];
        onLost(pending[j], i, why);
        const rest = pending.slice(j).map((job, k) =>
          k === 0 ? { ...job, from: next[j], skip: [...job.skip, i] } : job
        );
        start(rest);
      };
      const timer = setInterval(() => {
        const now = `${beat[0]}/${beat[1]}`;
        if (now !== last) last = now, since = performance.now();
        else if (beat[0] >= 0 && performance.now() - since > hangMs) {
          restart(`hang: no result after ${hangMs / 1000} s`);
        }
      }, 100);
      w.onmessage = (e: MessageEvent<Batch>) => {
        const b = e.data;
        onBatch(pending[b.job], b);
        if (b.results.length) next[b.job] = b.results[b.results.length - 1].index + 1;
        if (b.done && b.job === pending.length - 1) {
          clearInterval(timer);
          w.terminate();
          resolve();
        }
      };
      w.onerror = (e) => {
        e.preventDefault();
        if (beat[0] < 0) { // before any input: the worker itself is broken
          clearInterval(timer);
          w.terminate();
          reject(new Error(`Cannot fuzz as the worker failed to start (${e.message})`));
        } else restart(`crash: the worker died (${e.message})`);
      };
      w.postMessage({ seed, jobs: pending, heartbeat } satisfies Start);
    };
    start(jobs);
  });
}
