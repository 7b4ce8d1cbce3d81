/**
 * The second core's share of UMAP's SGD epochs (see `_umap_sgd.ts`):
 * instantiates the kernel's shared-memory module on the layout's memory
 * and serves planned blocks (the .wat's `serve`) until told to stop, or,
 * in few dimensions, plans every epoch's blocks for the calling thread
 * (`plan`) from the epoch it names.
 * Started as a module Worker by `../workers.ts` for one layout; not
 * imported by anything.
 *
 * @module
 */
import { compiled, Ctl, kernelImports } from "./_umap_sgd.ts";
import { onFirstMessage } from "../workers.ts";

onFirstMessage(
  (
    msg: { memory: WebAssembly.Memory; ctl: number; plan: boolean; args: number[]; fault: boolean },
  ) => {
    const mod = compiled(true);
    if (!mod) return;
    const { exports } = new WebAssembly.Instance(mod, kernelImports(msg.memory));
    const ctl = new Int32Array(msg.memory.buffer, msg.ctl, 80);
    Atomics.store(ctl, Ctl.Ready, 1);
    Atomics.notify(ctl, Ctl.Ready);
    try {
      if (msg.plan) {
        // Plans from the epoch the calling thread names, once it does.
        while (Atomics.load(ctl, Ctl.Go) === 0) {
          if (Atomics.load(ctl, Ctl.Stop) !== 0) return;
          Atomics.wait(ctl, Ctl.Go, 0, 50);
        }
        if (msg.fault) throw new Error("injected fault");
        const args = msg.args.slice();
        args[1] = Atomics.load(ctl, Ctl.Go) - 1;
        try {
          (exports.plan as (...args: number[]) => void)(...args);
        } finally {
          // (planned to the last epoch, or stopped: nothing more will come)
          Atomics.store(ctl, Ctl.Ended, 1);
        }
      } else {
        if (msg.fault) takeOneBlockAndThrow(ctl);
        (exports.serve as (...args: number[]) => void)(...msg.args);
      }
    } catch (e) {
      // The blocks it took (or was to plan) will never end: the calling
      // thread, spinning on them, reads this and throws instead of waiting
      // forever.
      Atomics.store(ctl, Ctl.Failed, 1);
      throw e;
    }
  },
);

/**
 * The tests' fault (`injectUmapSgdHelperFault`): the .wat's `take` of one
 * block, then a throw. It spins without sleeping, so that it takes one of
 * the first blocks planned (the calling thread takes them too).
 */
function takeOneBlockAndThrow(ctl: Int32Array): never {
  while (Atomics.load(ctl, Ctl.Stop) === 0) {
    const x = Atomics.load(ctl, Ctl.Next), p = Atomics.load(ctl, Ctl.Planned);
    if (x >= p) {
      Atomics.store(ctl, Ctl.Cur1, 0x7fffffff);
      continue;
    }
    Atomics.store(ctl, Ctl.Cur1, x);
    if (Atomics.compareExchange(ctl, Ctl.Next, x, x + 1) === x) {
      Atomics.store(ctl, Ctl.Cur1 + 1, x + 1);
      break;
    }
  }
  throw new Error("injected fault");
}
