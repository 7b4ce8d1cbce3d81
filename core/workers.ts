/**
 * The one place that starts the library's helper threads: the k-means pool
 * (`cluster/_kmeans_pool.ts`), the t-SNE repulsion (`manifold/_gradients.ts`),
 * UMAP's spectral start of a disconnected graph (`manifold/_umap_spectral_jobs.ts`)
 * and SGD epochs (`manifold/_umap_sgd.ts`),
 * the neighbour searches (`neighbors/_kd_parallel.ts`, `neighbors/_knn_gemm.ts`)
 * and the matrix product of the networks (`nn/parallel_matmul.ts`).
 *
 * They are web-standard module Workers (`new Worker(url, { type: "module" })`)
 * sharing a `WebAssembly.Memory` with the calling thread, which stays
 * synchronous: it takes chunks of the work itself and blocks on
 * `Atomics.wait` until the worker's chunks are done. So a second core is
 * used only where all of this exists and blocking is allowed:
 *
 * - Deno: yes.
 * - A browser's main thread: no (`Atomics.wait` is forbidden there), so one
 *   core; inside a browser Worker of a cross-origin-isolated page: yes.
 * - Node 20: no global `Worker`, so one core.
 *
 * Results never depend on it: every caller splits its work into fixed
 * chunks and sums them in a fixed order, whoever computed them (UMAP's
 * epochs run any two blocks of steps that share a written row in the
 * one-thread order).
 *
 * A web Worker keeps a Deno process alive while it runs, and cannot be
 * unref'd; so each worker is stopped when its fit ends, or a short idle
 * time after its last use ({@linkcode WorkerHandle.stopWhenIdle}). A
 * worker blocked in `Atomics.wait` is not ended by `terminate()` in Deno,
 * so stopping first wakes it with the caller's `wake` (which raises the
 * protocol's stop flag).
 *
 * @module
 */

let enabled = true;
let capable: boolean | undefined;
const live = new Set<WorkerHandle>();

/**
 * Allows helper threads (the default) or not; results are the same either
 * way. Workers already running finish their current use.
 *
 * @example
 * ```ts
 * import { twoCores, useWorkers } from "./workers.ts";
 * import assert from "node:assert/strict";
 * useWorkers(false);
 * assert.equal(twoCores(), false);
 * useWorkers(true);
 * ```
 */
export function useWorkers(on: boolean): void {
  enabled = on;
}

/**
 * True when this thread may hand work to a helper thread: workers, shared
 * memory and blocking waits exist here, and the machine has two cores.
 *
 * @example
 * ```ts
 * import { twoCores } from "./workers.ts";
 * import assert from "node:assert/strict";
 * // In Deno on a machine with two cores or more: true.
 * assert.equal(twoCores(), (navigator.hardwareConcurrency ?? 1) >= 2);
 * ```
 */
export function twoCores(): boolean {
  if (!enabled) return false;
  capable ??= detect();
  return capable;
}

function detect(): boolean {
  const g = globalThis as {
    Worker?: unknown;
    SharedArrayBuffer?: unknown;
    navigator?: { hardwareConcurrency?: number };
  };
  if (typeof g.Worker !== "function" || typeof g.SharedArrayBuffer !== "function") return false;
  if ((g.navigator?.hardwareConcurrency ?? 1) < 2) return false;
  try {
    // Throws on a browser's main thread, where blocking is not allowed.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** A started helper thread. */
export interface WorkerHandle {
  /** The worker. */
  readonly worker: Worker;
  /** Stops it now (idempotent). */
  stop(): void;
  /** Stops it `ms` after the last call of this, unless called again. */
  stopWhenIdle(ms: number): void;
  /** False once stopped, or after the worker failed. */
  readonly running: boolean;
}

/** How a worker is told to end, and what happens when it fails. */
export interface WorkerHooks {
  /** Makes the worker leave its waiting loop (raise its stop flag, notify). */
  wake: () => void;
  /** Runs if the worker fails to load or throws; the caller then goes on alone. */
  onFail?: () => void;
}

/**
 * Starts the module worker at `url` and posts `first` to it, or returns
 * undefined where {@linkcode twoCores} is false or the worker cannot be
 * created. If the worker later fails to load or throws, `hooks.onFail`
 * runs and the handle is stopped.
 *
 * @example
 * ```ts ignore
 * const h = startWorker(new URL("./_bh_worker.ts", import.meta.url), { memory }, {
 *   wake: () => { Atomics.store(ctrl, STOP, 1); Atomics.notify(ctrl, GEN); },
 * });
 * // … share chunks through `memory` …
 * h?.stop();
 * ```
 */
export function startWorker(
  url: URL,
  first: unknown,
  hooks: WorkerHooks,
): WorkerHandle | undefined {
  if (!twoCores()) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(url, { type: "module" });
  } catch {
    return undefined;
  }
  let running = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const handle: WorkerHandle = {
    worker,
    get running() {
      return running;
    },
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (!running) return;
      running = false;
      live.delete(handle);
      hooks.wake();
      worker.terminate();
    },
    stopWhenIdle(ms: number) {
      if (!running) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => handle.stop(), ms);
    },
  };
  worker.onerror = (e: Event) => {
    e.preventDefault();
    const was = running;
    handle.stop();
    if (was) hooks.onFail?.();
  };
  live.add(handle);
  worker.postMessage(first);
  return handle;
}

/**
 * Stops every helper thread now (e.g. before a program exits, so that no
 * idle worker delays it). Later work starts new ones as needed.
 *
 * @example
 * ```ts
 * import { stopAllWorkers } from "./workers.ts";
 * stopAllWorkers(); // nothing running: a no-op
 * ```
 */
export function stopAllWorkers(): void {
  for (const h of [...live]) h.stop();
}

/**
 * The two header slots (Int32 indices) of {@linkcode shareJob}'s protocol;
 * callers put their own slots after them.
 *
 * @example
 * ```ts
 * import { JobSlot } from "./workers.ts";
 * import assert from "node:assert/strict";
 * const Slot = { ...JobSlot, N: 2 } as const;
 * assert.equal(Slot.Active, 1);
 * ```
 */
export const JobSlot = {
  /** The next chunk's first index: both threads add their chunk size to it. */
  Next: 0,
  /** Threads inside the job: the calling thread waits for 0. */
  Active: 1,
} as const;

/** How long `shareJob`'s `workerOnly` waits for the worker to take the chunks. */
const WORKER_ONLY_DEADLINE_MS = 60_000;

/**
 * Added to a job's count of active threads by a worker whose share threw
 * ({@linkcode workerShare}): the chunks it had taken are unfinished, and
 * {@linkcode awaitWorkers} throws instead of letting them be used.
 */
const FAILED = 1 << 24;

/**
 * The calling thread's end of a job shared through an active-threads count
 * (`header[slot]`, {@linkcode JobSlot}`.Active` by default): blocks until no
 * worker is inside the job, and throws if one failed in it — its chunks
 * would otherwise be used unfinished. (A worker's error event cannot reach
 * this blocked thread, so the failure comes through the count.)
 *
 * @example
 * ```ts
 * import { awaitWorkers, JobSlot } from "./workers.ts";
 * const header = new Int32Array(new SharedArrayBuffer(8));
 * awaitWorkers(header, JobSlot.Active); // no worker inside: returns at once
 * ```
 * @throws {Error} when a worker's share threw.
 */
export function awaitWorkers(header: Int32Array, slot: number = JobSlot.Active): void {
  let a = Atomics.load(header, slot);
  for (; (a & (FAILED - 1)) !== 0; a = Atomics.load(header, slot)) {
    Atomics.wait(header, slot, a, 50);
  }
  if (a !== 0) {
    Atomics.store(header, slot, 0);
    throw new Error("a worker thread failed in its share of the job, which is left unfinished");
  }
}

/**
 * The worker's end of {@linkcode awaitWorkers}: leaves the job (lowers
 * `header[slot]` by one), marking it failed when `threw`, and wakes the
 * calling thread.
 *
 * @example
 * ```ts
 * import { awaitWorkers, leaveJob } from "./workers.ts";
 * import assert from "node:assert/strict";
 * const header = new Int32Array(new SharedArrayBuffer(8));
 * Atomics.add(header, 1, 1);
 * leaveJob(header, 1, true);
 * assert.throws(() => awaitWorkers(header, 1), /worker thread failed/);
 * ```
 */
export function leaveJob(header: Int32Array, slot: number, threw: boolean): void {
  Atomics.sub(header, slot, threw ? 1 - FAILED : 1);
  Atomics.notify(header, slot);
}

/**
 * One job on two threads, for callers whose threads take chunks from a
 * shared counter (`header[JobSlot.Next]`, up to `n`): starts the module
 * worker at `url` with `first`, runs `work` (the calling thread's share),
 * then waits until no worker is inside the job (`header[JobSlot.Active]`
 * is 0) and stops it. The worker raises that count before its first chunk
 * and lowers it when done ({@linkcode workerShare}), so no chunk it takes
 * goes unseen; if its share threw, this throws ({@linkcode awaitWorkers}).
 * With `workerOnly` (for tests) the calling thread waits until the worker
 * has taken every chunk, and throws if it has not within a minute (a worker
 * that failed to load). Returns false where no worker could start; then
 * nothing has run.
 *
 * @example
 * ```ts ignore
 * if (!shareJob(new URL("./_kd_worker.ts", import.meta.url), { buffer }, h, n, () => take(0))) {
 *   take(0); // alone
 * }
 * ```
 * @throws {Error} when the worker's share threw, or with `workerOnly` after a minute.
 */
export function shareJob(
  url: URL,
  first: unknown,
  header: Int32Array,
  n: number,
  work: () => void,
  workerOnly = false,
): boolean {
  const { Next: next, Active: active } = JobSlot;
  let failed = false;
  // The worker only takes chunks and leaves: nothing to wake.
  const worker = startWorker(url, first, { wake: () => {}, onFail: () => failed = true });
  if (!worker) return false;
  try {
    // The worker's failure is reported by an event this blocked thread cannot
    // receive, so the wait has a deadline: a test hangs on no broken worker.
    const deadline = performance.now() + WORKER_ONLY_DEADLINE_MS;
    const alive = () => !failed && Atomics.load(header, active) < FAILED;
    while (workerOnly && alive() && Atomics.load(header, next) < n) {
      if (performance.now() > deadline) {
        throw new Error(`the worker took no chunk in ${WORKER_ONLY_DEADLINE_MS / 1000} s`);
      }
      Atomics.wait(header, active, 0, 5);
    }
    work();
    awaitWorkers(header, active);
  } finally {
    worker.stop();
  }
  return true;
}

/**
 * The worker side of {@linkcode shareJob}: runs `work` (its share of the
 * chunks) inside the job's `header[JobSlot.Active]` count, and wakes the
 * calling thread when done.
 *
 * @example
 * ```ts ignore
 * onFirstMessage((msg: { buffer: SharedArrayBuffer }) => workerShare(header(msg), () => take(1)));
 * ```
 */
export function workerShare(header: Int32Array, work: () => void): void {
  Atomics.add(header, JobSlot.Active, 1);
  let threw = true;
  try {
    work();
    threw = false;
  } finally {
    leaveJob(header, JobSlot.Active, threw);
  }
}

/**
 * The worker side: calls `onStart` with the first message's data once, in
 * a module Worker (web-standard `self`).
 *
 * @example
 * ```ts ignore
 * onFirstMessage((msg: { memory: WebAssembly.Memory }) => loop(msg.memory));
 * ```
 */
export function onFirstMessage<T>(onStart: (data: T) => void): void {
  const scope = globalThis as unknown as {
    addEventListener(type: "message", f: (e: MessageEvent) => void, o: { once: true }): void;
  };
  scope.addEventListener("message", (e: MessageEvent) => onStart(e.data as T), { once: true });
}

/**
 * The worker side: posts `data` back to the thread that started it.
 *
 * @example
 * ```ts ignore
 * postToParent({ ok: true });
 * ```
 */
export function postToParent(data: unknown): void {
  (globalThis as unknown as { postMessage(d: unknown): void }).postMessage(data);
}
