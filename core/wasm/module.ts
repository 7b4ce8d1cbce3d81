/**
 * Our WebAssembly modules ship as base64 text (`gemm_wasm.ts`,
 * `umap_sgd_wasm.ts`, the mini-batch dots); this compiles one.
 *
 * The decoding matters on a first call: `Uint8Array.from(atob(text), (c) =>
 * c.charCodeAt(0))`, what the library did before, took 15–18 ms for the
 * 31 KB product module in a fresh Deno process (a callback per byte, run by
 * the interpreter), against 0.25–0.30 ms with `Uint8Array.fromBase64` (a
 * plain loop over `atob`'s string, the fallback, took 1–2 ms); a fit that
 * used two modules paid it twice.
 *
 * @module
 */

/** The bytes of base64 `text`: `Uint8Array.fromBase64` where the engine has it, else a loop over `atob`. */
export function decodeBase64(text: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (typeof native === "function") return native(text);
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * The module whose binary is the base64 `text`, or null where this engine
 * cannot compile it (no relaxed SIMD, threads, or WebAssembly at all).
 *
 * @example
 * ```ts
 * import { compileBase64 } from "./module.ts";
 * import assert from "node:assert/strict";
 * // The smallest module: the magic number and version 1.
 * assert.ok(compileBase64("AGFzbQEAAAA=") instanceof WebAssembly.Module);
 * assert.equal(compileBase64("AAAA"), null);
 * ```
 */
export function compileBase64(text: string): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(decodeBase64(text) as Uint8Array<ArrayBuffer>);
  } catch {
    return null;
  }
}
