/**
 * The Gaussian mixture's E- and M-step loops in our WebAssembly module
 * (`mahalanobis`, `covAccumulate` in `core/wasm/gemm.wat`): the operations
 * of the JavaScript loops of `gaussian_mixture.ts`, two samples or two
 * partial sums per vector, so the same bits. Private helpers of
 * `gaussian_mixture.ts`; {@linkcode allowWasmKernels} lets the tests run
 * both ways.
 *
 * @module
 */
import { type Gemm, instantiateGemm } from "../wasm/gemm.ts";

/** Whether the E- and M-steps may use our module (tests compare both ways). */
let wasmAllowed = true;

/**
 * Lets (or stops) the Gaussian mixture use our WebAssembly kernels; returns
 * the previous setting. Both ways give the same bits.
 *
 * @example
 * ```ts
 * import { allowWasmKernels } from "./_wasm_steps.ts";
 * const was = allowWasmKernels(false); // the JavaScript loops
 * allowWasmKernels(was);
 * ```
 */
export function allowWasmKernels(allowed: boolean): boolean {
  const was = wasmAllowed;
  wasmAllowed = allowed;
  return was;
}

/** The kernels' memory and module (null: no module in this engine). */
let scratch: { memory: WebAssembly.Memory; gemm: Gemm } | null | undefined;

/**
 * Our module on a memory of at least `bytes` bytes, grown as needed, or
 * undefined (not allowed, no module, or too large). Its contents do not
 * outlive one kernel's use: the E- and M-step kernels share it in turn.
 */
function scratchOf(bytes: number): { memory: WebAssembly.Memory; gemm: Gemm } | undefined {
  if (!wasmAllowed || bytes > 2 ** 30) return undefined;
  if (scratch === undefined) {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const gemm = instantiateGemm(memory);
    scratch = gemm ? { memory, gemm } : null;
  }
  if (!scratch) return undefined;
  const pages = Math.ceil(bytes / 65536) - scratch.memory.buffer.byteLength / 65536;
  try {
    if (pages > 0) scratch.memory.grow(pages);
  } catch {
    return undefined; // no memory for it: the JavaScript loops
  }
  return scratch;
}

/** Byte offsets of float64 arrays of these lengths, one after another. */
function offsets(sizes: number[]): number[] {
  const at: number[] = [];
  let o = 0;
  for (const n of sizes) (at.push(o), o += 8 * n);
  return at;
}

/** Samples per block of the full covariances in our module (a multiple of 4). */
const COV_BLOCK = 256;

/**
 * The sums Σᵢ rᵢₖ (xᵢ − μₖ)(xᵢ − μₖ)ᵀ of the M-step's full covariances
 * (lower triangles, into `out`, k × d × d) in our module, or false where it
 * cannot run (then nothing was written): for each component the samples
 * with rᵢₖ ≠ 0, in blocks of {@linkcode COV_BLOCK}, their (xᵢ − μₖ) and
 * rᵢₖ(xᵢ − μₖ) transposed, and the dot products of the JavaScript code
 * (`dot`'s four partial sums in `gaussian_mixture.ts`, continued from block
 * to block: `covAccumulate`), so the same bits.
 */
export function fullCovarianceSums(
  x: Float64Array,
  n: number,
  d: number,
  k: number,
  resp: Float64Array,
  means: Float64Array,
  out: Float64Array,
): boolean {
  const B = COV_BLOCK;
  const sizes = [d * B, d * B, 4 * d * d]; // T, R, the partial sums
  const own = scratchOf(8 * sizes.reduce((a, b) => a + b, 0));
  if (!own) return false;
  const { memory, gemm } = own;
  const at = offsets(sizes);
  const T = new Float64Array(memory.buffer, at[0], sizes[0]);
  const R = new Float64Array(memory.buffer, at[1], sizes[1]);
  const acc = new Float64Array(memory.buffer, at[2], sizes[2]);
  for (let c = 0; c < k; c++) {
    acc.fill(0);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const r = resp[i * k + c];
      if (r === 0) continue;
      gatherSample(x, i * d, means, c * d, d, r, T, R, m, B);
      if (++m === B) {
        gemm.covAccumulate(d, B, at[0], at[1], B, at[2], 0);
        m = 0;
      }
    }
    gemm.covAccumulate(d, m, at[0], at[1], B, at[2], 1);
    const C = out.subarray(c * d * d, (c + 1) * d * d);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        const o = 4 * (a * d + b);
        C[a * d + b] = (acc[o] + acc[o + 1]) + (acc[o + 2] + acc[o + 3]);
      }
    }
  }
  return true;
}

/** Column m of T and R (row stride B) ← xᵢ − μ and r·(xᵢ − μ). */
function gatherSample(
  x: Float64Array,
  xo: number,
  means: Float64Array,
  mo: number,
  d: number,
  r: number,
  T: Float64Array,
  R: Float64Array,
  m: number,
  B: number,
): void {
  for (let j = 0; j < d; j++) {
    const v = x[xo + j] - means[mo + j];
    T[j * B + m] = v;
    R[j * B + m] = r * v;
  }
}

/**
 * The E-step's `mahalanobisBlock` (`gaussian_mixture.ts`) in our module
 * (`mahalanobis` in `core/wasm/gemm.wat`, the same operations two samples
 * at a time): `x` takes a block's rows, `run(m, P, μ)` fills `q`.
 * Undefined where the module cannot run.
 */
export function mahalanobisKernel(d: number, B: number): {
  x: Float64Array;
  q: Float64Array;
  run(m: number, P: Float64Array, mu: Float64Array): void;
} | undefined {
  const sizes = [B * d, d * B, B, B, d * d, d]; // x, T, y, q, P, μ
  const own = scratchOf(8 * sizes.reduce((a, b) => a + b, 0));
  if (!own) return undefined;
  const { memory, gemm } = own;
  const at = offsets(sizes);
  const view = (t: number) => new Float64Array(memory.buffer, at[t], sizes[t]);
  const [x, , , q, P, mu] = [0, 1, 2, 3, 4, 5].map(view);
  return {
    x,
    q,
    run(m, Pc, muc) {
      P.set(Pc);
      mu.set(muc);
      gemm.mahalanobis(m, d, at[0], at[5], at[4], at[1], at[2], at[3], B);
    },
  };
}
