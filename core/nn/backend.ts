/**
 * TensorFlow.js on its WebAssembly backend (SIMD), set up for Deno: the
 * `.wasm` binaries are loaded from the npm package, kernels that the WASM
 * backend runs slowly are replaced, and the pure-JS `cpu` backend is only a
 * fallback (with a warning) when WASM cannot load.
 *
 * Permissions: `--allow-read` on Deno's npm cache (where the `.wasm` files
 * are).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerConvKernels } from "./conv_kernels.ts";

/** The backend in use after {@linkcode initBackend}. */
export type BackendName = "wasm" | "cpu";

let active: BackendName | undefined;

/**
 * `BatchMatMul` with a transposed operand runs ~5× slower than without on
 * tfjs-backend-wasm 4.22 (1.4 against 6.7 GFLOP/s measured for 256×784·784×32);
 * every Dense backward pass needs one. This wraps the stock kernel:
 * transpose explicitly (a cheap copy), then multiply untransposed.
 */
function registerFastBatchMatMul(): void {
  const stock = tf.getKernel("BatchMatMul", "wasm");
  const transpose = tf.getKernel("Transpose", "wasm");
  if (!stock || !transpose) return;
  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({
    kernelName: "BatchMatMul",
    backendName: "wasm",
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const { transposeA, transposeB } = attrs as unknown as {
        transposeA: boolean;
        transposeB: boolean;
      };
      if (!transposeA && !transposeB) return stock.kernelFunc(args);
      const b = backend as tf.KernelBackend;
      // Swap the last two axes (inputs may be rank 2 or 3).
      const flip = (x: tf.TensorInfo) => {
        const perm = x.shape.map((_, i) => i);
        const r = perm.length;
        [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
        return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
      };
      const a = transposeA ? flip(inputs.a as tf.TensorInfo) : (inputs.a as tf.TensorInfo);
      const c = transposeB ? flip(inputs.b as tf.TensorInfo) : (inputs.b as tf.TensorInfo);
      const out = stock.kernelFunc({
        inputs: { a, b: c },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
      if (transposeA) b.disposeData(a.dataId);
      if (transposeB) b.disposeData(c.dataId);
      return out;
    },
  });
}

/**
 * Selects the WASM backend (once per process) and returns its name; falls
 * back to `cpu` with a warning on stderr when WASM cannot load.
 *
 * @example
 * ```ts ignore
 * const backend = await initBackend();
 * console.log(backend); // "wasm"
 * ```
 */
export async function initBackend(): Promise<BackendName> {
  if (active) return active;
  const dist = decodeURIComponent(
    new URL("./", import.meta.resolve("@tensorflow/tfjs-backend-wasm")).pathname,
  );
  setWasmPaths(dist);
  let ok = false;
  try {
    ok = await tf.setBackend("wasm");
  } catch {
    ok = false;
  }
  if (ok) {
    await tf.ready();
    registerFastBatchMatMul();
    registerConvKernels();
    active = "wasm";
  } else {
    console.error(
      "warning: the WASM backend did not load; training on the (much slower) cpu backend",
    );
    await tf.setBackend("cpu");
    active = "cpu";
  }
  return active;
}

export { tf };
