/**
 * Ctrl-C (SIGINT) for long synchronous loops. A signal listener on the main
 * thread only runs when the event loop gets control, which a training loop
 * never gives it; so a small worker thread (`_interrupt_worker.ts`) listens
 * instead and raises a flag in shared memory, and the loops poll it at
 * their safe points (every progress update, every k-means iteration) with
 * {@linkcode checkInterrupt}, which throws {@linkcode Interrupted}. The
 * recipe then saves what it can (a neural recipe: the model of its last
 * finished epoch) and `runMain` prints one line and exits with 130. The
 * worker stops listening after the first Ctrl-C, so a second one ends the
 * process at once, as without any of this.
 *
 * A poll is a single atomic load; without a watcher it is always false.
 *
 * @module
 */

/** Thrown at a safe point after Ctrl-C. */
export class Interrupted extends Error {
  override name = "Interrupted";
  /** What the recipe kept, in words (e.g. "the model of epoch 3 in out/x/model/"). */
  readonly saved: string[] = [];
  /** Epochs finished before the interruption, when a training loop was running. */
  completedEpochs?: number;
  constructor() {
    super("interrupted (Ctrl-C)");
  }
}

let flag: Int32Array | undefined;
let worker: Worker | undefined;

/**
 * Starts listening for Ctrl-C (once per process). Permissions: none beyond
 * reading this module's folder (the worker's source).
 *
 * @example
 * ```ts ignore
 * watchInterrupts();
 * try { longLoop(); } finally { stopWatchingInterrupts(); }
 * ```
 */
export function watchInterrupts(): void {
  if (worker) return;
  const shared = new SharedArrayBuffer(4);
  try {
    worker = new Worker(new URL("./_interrupt_worker.ts", import.meta.url), { type: "module" });
  } catch {
    return; // no worker: Ctrl-C keeps its default (the process ends at once)
  }
  flag = new Int32Array(shared);
  worker.postMessage(shared);
}

/** Stops the listener (a finished program must not be kept alive by it). */
export function stopWatchingInterrupts(): void {
  worker?.terminate();
  worker = flag = undefined;
}

/** True once Ctrl-C was pressed while {@linkcode watchInterrupts} listened. */
export function interrupted(): boolean {
  return flag !== undefined && Atomics.load(flag, 0) === 1;
}

/**
 * Throws {@linkcode Interrupted} after Ctrl-C; call it where stopping is
 * safe (between batches, between iterations; never inside a file write).
 *
 * @example
 * ```ts
 * import { checkInterrupt } from "./interrupt.ts";
 * checkInterrupt(); // nothing happens: no Ctrl-C (and no watcher)
 * ```
 */
export function checkInterrupt(): void {
  if (interrupted()) throw new Interrupted();
}
