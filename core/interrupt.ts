/**
 * Ctrl-C (SIGINT) for long synchronous loops. A signal listener on the main
 * thread only runs when the event loop gets control, which a training loop
 * never gives it; so a small worker thread listens instead and raises a
 * flag in shared memory, and the loops poll it at
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

/**
 * The worker: on the first SIGINT it raises the flag and stops listening,
 * so a second SIGINT has its default effect. Given as source (a blob URL)
 * so that starting it needs no read permission.
 */
const WORKER_SOURCE = `
self.onmessage = (e) => {
  const flag = new Int32Array(e.data);
  const onSigint = () => {
    Atomics.store(flag, 0, 1);
    Deno.removeSignalListener("SIGINT", onSigint);
  };
  Deno.addSignalListener("SIGINT", onSigint);
};
`;

let flag: Int32Array | undefined;
let worker: Worker | undefined;
let workerUrl: string | undefined;

/**
 * Starts listening for Ctrl-C (once per process). Permissions: none.
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
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
    worker = new Worker(url, { type: "module" });
    workerUrl = url;
  } catch {
    return; // no worker: Ctrl-C keeps its default (the process ends at once)
  }
  // A worker that cannot start leaves Ctrl-C's default, silently.
  worker.onerror = (e) => e.preventDefault();
  flag = new Int32Array(shared);
  worker.postMessage(shared);
}

/** Stops the listener (a finished program must not be kept alive by it). */
export function stopWatchingInterrupts(): void {
  worker?.terminate();
  if (workerUrl) URL.revokeObjectURL(workerUrl);
  worker = flag = workerUrl = undefined;
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
