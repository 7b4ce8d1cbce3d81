/**
 * The fuzzer's worker: generates and checks inputs, posting outcomes in
 * batches, and a heartbeat (job, index) in shared memory so that the main
 * thread can stop it when one input hangs.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { RandomState } from "../../core/random.ts";
import { generate } from "./mutate.ts";
import { check, type Outcome } from "./check.ts";
import { targets } from "./targets.ts";

/** One run of inputs [from, to) of a target. */
export interface Job {
  target: string;
  from: number;
  to: number;
  /** Indices to leave out (inputs that hung before). */
  skip: number[];
}

/** Main → worker. */
export interface Start {
  seed: number;
  jobs: Job[];
  /** Int32Array [job, index]: what the worker is running now. */
  heartbeat: SharedArrayBuffer;
}

/** Worker → main: outcomes of a job's inputs, in order, and whether the job is done. */
export interface Batch {
  job: number;
  results: { index: number; outcome: Outcome; input?: Uint8Array; recipe?: string }[];
  done: boolean;
}

self.onmessage = async (e: MessageEvent<Start>) => {
  const { seed, jobs } = e.data;
  const beat = new Int32Array(e.data.heartbeat);
  const all = await targets(new RandomState(seed));
  for (let j = 0; j < jobs.length; j++) {
    const job = jobs[j];
    const target = all.find((t) => t.name === job.target)!;
    let results: Batch["results"] = [];
    for (let i = job.from; i < job.to; i++) {
      if (job.skip.includes(i)) continue;
      Atomics.store(beat, 0, j);
      Atomics.store(beat, 1, i);
      const { bytes, recipe } = generate(target, seed, target.name, i);
      const outcome = await check(target, bytes);
      results.push(
        outcome.failure ? { index: i, outcome, input: bytes, recipe } : { index: i, outcome },
      );
      if (results.length >= 100) {
        self.postMessage({ job: j, results, done: false } satisfies Batch);
        results = [];
      }
    }
    self.postMessage({ job: j, results, done: true } satisfies Batch);
  }
};
