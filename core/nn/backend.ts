/**
 * TensorFlow.js on its WebAssembly backend (SIMD), or on WebGPU where asked
 * and a GPU exists, set up for Deno: the
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
import { registerElementwiseKernels } from "./elementwise_kernels.ts";
import { registerMatMulKernels } from "./matmul_kernels.ts";
import { matMulThreads, startMatMulWorker } from "./parallel_matmul.ts";
import { registerSubnormalSafeGradients } from "./subnormals.ts";

/** The backend in use after {@linkcode initBackend}. */
export type BackendName = "wasm" | "webgpu" | "cpu";

/** Options of {@linkcode initBackend}. */
export interface BackendOptions {
  /**
   * Use a software WebGPU adapter (e.g. llvmpipe, which Deno offers on a
   * machine without a GPU). It is slower than WebAssembly, so by default it
   * is passed over like a missing one; tests allow it to run the WebGPU path.
   * @default false
   */
  allowSoftwareGpu?: boolean;
  /** Where the one line saying why WebGPU is not used goes. @default console.error */
  onNote?: (line: string) => void;
}

let active: BackendName | undefined;
let gpuName = "";

/**
 * Selects the backend (once per process; later calls return the first
 * one's) and returns its name.
 *
 * - `wasm` (the default): tfjs's WebAssembly backend with our kernels; the
 *   `cpu` backend only when WebAssembly cannot load, with a warning.
 * - `webgpu`: tfjs's WebGPU backend on `navigator.gpu` (Deno's, or a
 *   browser's). Where there is no WebGPU, no adapter, or only a software
 *   one, it says why in one line and selects `wasm` instead.
 *
 * @example
 * ```ts ignore
 * const backend = await initBackend("webgpu");
 * console.log(backend); // "webgpu" on a GPU; else "wasm", after one line on stderr
 * ```
 */
export async function initBackend(
  want: "wasm" | "webgpu" = "wasm",
  options: BackendOptions = {},
): Promise<BackendName> {
  if (active) return active;
  if (want === "webgpu") {
    const note = options.onNote ?? ((line: string) => console.error(line));
    const why = await useWebGpu(options.allowSoftwareGpu ?? false);
    if (why === undefined) {
      registerSubnormalSafeGradients();
      return active = "webgpu";
    }
    note(`webgpu: ${why}; using WebAssembly instead`);
  }
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
    registerElementwiseKernels();
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
 * Switches tfjs to its WebGPU backend and returns undefined, or returns why
 * it cannot (then nothing changed).
 */
async function useWebGpu(allowSoftware: boolean): Promise<string | undefined> {
  const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
  if (!gpu) return "this runtime has no WebGPU (navigator.gpu)";
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (e) {
    return `no adapter (${(e as Error).message.split("\n")[0]})`;
  }
  if (!adapter) return "no WebGPU adapter was found";
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const description = info.description || info.vendor || "unnamed adapter";
  if (info.isFallbackAdapter && !allowSoftware) {
    return `the only adapter is a software one (${description}), slower than WebAssembly`;
  }
  try {
    await import("@tensorflow/tfjs-backend-webgpu");
    if (!await tf.setBackend("webgpu")) return "tfjs's WebGPU backend did not start";
    await tf.ready();
  } catch (e) {
    return `tfjs's WebGPU backend failed (${(e as Error).message.split("\n")[0]})`;
  }
  gpuName = description;
  return undefined;
}

/**
 * The active backend in words for reports, e.g. `wasm, 2 threads` (the
 * second thread multiplies large matrices), `webgpu (NVIDIA H100)`, `cpu`,
 * or `none`.
 */
export function describeBackend(): string {
  if (active === "webgpu") return `webgpu (${gpuName})`;
  if (active !== "wasm") return active ?? "none";
  const n = matMulThreads();
  return `wasm, ${n} thread${n === 1 ? "" : "s"}`;
}

export { tf };
