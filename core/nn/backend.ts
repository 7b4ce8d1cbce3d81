/**
 * TensorFlow.js on its WebAssembly backend (SIMD), set up for Deno: the
 * `.wasm` binaries are loaded from the npm package, kernels that the WASM
 * backend runs slowly are replaced, and the pure-JS `cpu` backend is only a
 * fallback (with a warning) when WASM cannot load. On a machine with two or
 * more cores, large matrix products use a second core (`parallel_matmul.ts`).
 *
 * Permissions: `--allow-read` on Deno's npm cache (where the `.wasm` files
 * are). In a browser bundle (the site), the `.wasm` files are looked for
 * beside the bundle, where `scripts/site.ts` copies them.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerConvKernels } from "./conv_kernels.ts";
import { registerMatMulKernels } from "./matmul_kernels.ts";
import { matMulThreads, startMatMulWorker } from "./parallel_matmul.ts";
import { registerSubnormalSafeGradients } from "./subnormals.ts";

/** The backend in use after {@linkcode initBackend}. */
export type BackendName = "wasm" | "cpu";

let active: BackendName | undefined;

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
  setWasmPaths(wasmDirectory());
  // One binary everywhere: tfjs picks its threaded build where shared memory exists (a
  // cross-origin-isolated page, not Deno), whose kernels split sums over threads and so
  // change the last bits. Its single-thread SIMD build gives a page Deno's numbers; our
  // product worker is the second core.
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  let ok = false;
  try {
    ok = await tf.setBackend("wasm");
  } catch {
    ok = false;
  }
  registerSubnormalSafeGradients();
  if (ok) {
    await tf.ready();
    registerMatMulKernels();
    registerConvKernels();
    await startMatMulWorker();
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

/**
 * Where the backend's `.wasm` files are: the npm package's folder where the
 * package resolves (Deno), else the folder of this code (a browser bundle).
 */
function wasmDirectory(): string {
  try {
    const dist = new URL("./", import.meta.resolve("@tensorflow/tfjs-backend-wasm"));
    if (dist.protocol === "file:") return decodeURIComponent(dist.pathname);
  } catch {
    // A bundle has no import map: the bare name does not resolve.
  }
  return new URL("./", import.meta.url).href;
}

/**
 * The active backend in words for reports, e.g. `wasm, 2 threads` (the
 * second thread multiplies large matrices), `cpu`, or `none`.
 */
export function describeBackend(): string {
  if (active !== "wasm") return active ?? "none";
  const n = matMulThreads();
  return `wasm, ${n} thread${n === 1 ? "" : "s"}`;
}

export { tf };
