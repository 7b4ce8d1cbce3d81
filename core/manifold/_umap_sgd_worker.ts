/**
 * The second core's share of UMAP's SGD epochs (see `_umap_sgd.ts`):
 * instantiates the kernel's shared-memory module on the layout's memory
 * and serves planned blocks (the .wat's `serve`) until told to stop.
 * Started as a module Worker by `../workers.ts` for one layout; not
 * imported by anything.
 *
 * @module
 */
import { compiled, Ctl, kernelImports } from "./_umap_sgd.ts";
import { onFirstMessage } from "../workers.ts";

onFirstMessage((msg: { memory: WebAssembly.Memory; args: number[] }) => {
  const mod = compiled(true);
  if (!mod) return;
  const serve = new WebAssembly.Instance(mod, kernelImports(msg.memory)).exports.serve as (
    ...args: number[]
  ) => void;
  const ctl = new Int32Array(msg.memory.buffer, msg.args[0], 80);
  Atomics.store(ctl, Ctl.Ready, 1);
  Atomics.notify(ctl, Ctl.Ready);
  serve(...msg.args);
});
