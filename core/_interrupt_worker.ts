/**
 * The Ctrl-C listener of `interrupt.ts`: on the first SIGINT it raises the
 * shared flag and stops listening, so that a second SIGINT has its default
 * effect (the process ends at once).
 *
 * @module
 */
const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null };
scope.onmessage = (e: MessageEvent) => {
  const flag = new Int32Array(e.data as SharedArrayBuffer);
  const onSigint = () => {
    Atomics.store(flag, 0, 1);
    Deno.removeSignalListener("SIGINT", onSigint);
  };
  Deno.addSignalListener("SIGINT", onSigint);
};
