/**
 * Faster matrix products and `Sum` for tfjs-backend-wasm 4.22:
 * - `BatchMatMul` and `_FusedMatMul` (bias and relu or linear) run our
 *   product (`gemm.ts`) on the backend's heap, transposed operands
 *   included, with large products split between two cores
 *   (`parallel_matmul.ts`). Measured here on one core: 256×784·784×500
 *   4.7 ms against 5.9 ms for the stock XNNPACK product; with a transposed
 *   operand, as in every Dense backward pass, 11.9 ms against 208 ms
 *   (500×256ᵀ·256×2000). The stock `_FusedMatMul` (every Dense forward
 *   pass) also ran on one core only. Where our module cannot compile (no
 *   relaxed SIMD), transposed operands are transposed explicitly and the
 *   stock product runs untransposed, on one core.
 * - `Sum` over the leading axes (every bias gradient) took 7.9 ms for
 *   256×14×14×32 values; a plain loop over the heap takes 2.7–3.0 ms.
 * - `GatherV2` along the first axis (a training batch drawn from the data
 *   set) took 4.2 ms for 256 rows of 784 values in the stock kernel, 1.1 s
 *   of a DEC pretraining epoch; here the rows are copied whole.
 * - `Identity` (which tfjs runs to keep every op's inputs and outputs for
 *   the gradient) copied the tensor; here it shares the memory under a
 *   second reference, as tfjs' CPU and WebGL backends do: 0.6 s of a DEC
 *   pretraining epoch's 31 s.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { type Gemm, instantiateGemm } from "../wasm/gemm.ts";
import { parallelGemm } from "./parallel_matmul.ts";
import { heapView, transposeLastTwo, type WasmBackend } from "./wasm_heap.ts";

type Kernel = ReturnType<typeof tf.getKernel> & object;
let stock: Kernel | undefined;

/** The wasm backend's heap and allocator internals that our product needs. */
export type HeapBackend = WasmBackend & {
  getMemoryOffset(dataId: object): number;
  wasm: { asm: { memory: WebAssembly.Memory } };
};

let ours: { gemm: Gemm; memory: WebAssembly.Memory } | null | undefined;

/** Our product (and the optimisers' updates) on the backend's heap, or `null` where it cannot run. */
export function heapGemm(backend: WasmBackend): { gemm: Gemm; memory: WebAssembly.Memory } | null {
  if (ours === undefined) {
    const memory = (backend as HeapBackend).wasm?.asm?.memory;
    const gemm = memory instanceof WebAssembly.Memory ? instantiateGemm(memory) : undefined;
    ours = gemm && memory ? { gemm, memory } : null;
  }
  return ours;
}

const size = (shape: number[]) => shape.reduce((p, q) => p * q, 1);

/** What to do to the product's rows after it: add a bias vector, apply relu. */
interface Epilogue {
  bias?: tf.TensorInfo | null;
  relu?: boolean;
}

/**
 * `op(a) · op(b)` with our product (op transposes the last two axes when
 * asked), batched over the leading axes (equal, or 1 on one side), then the
 * epilogue. `undefined` when our product cannot take it (another dtype,
 * other broadcasting, an empty side, no module): the caller uses the stock
 * kernel.
 */
function ourProduct(
  backend: WasmBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  epilogue: Epilogue = {},
): tf.TensorInfo | undefined {
  const own = heapGemm(backend);
  const ra = a.shape.length, rb = b.shape.length;
  if (!own || a.dtype !== "float32" || b.dtype !== "float32" || ra < 2 || rb < 2) return undefined;
  const [M, K] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : a.shape.slice(ra - 2);
  const [K2, N] = transposeB ? [b.shape[rb - 1], b.shape[rb - 2]] : b.shape.slice(rb - 2);
  const { bias, relu = false } = epilogue;
  if (K !== K2 || M * N * K === 0) return undefined;
  if (bias && (bias.dtype !== "float32" || size(bias.shape) !== N || bias.shape.at(-1) !== N)) {
    return undefined;
  }
  const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
  const outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
  const batch = size(outer), batchA = size(outerA), batchB = size(outerB);
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return undefined;

  const be = backend as HeapBackend;
  const out = be.makeOutput([...outer, M, N], "float32");
  const work = be.makeOutput([Math.ceil(own.gemm.workBytes(M, N, K) / 4)], "float32");
  const at = (t: tf.TensorInfo) => be.getMemoryOffset(t.dataId);
  const [ars, acs] = transposeA ? [1, M] : [K, 1];
  const [brs, bcs] = transposeB ? [1, K] : [N, 1];
  for (let p = 0; p < batch; p++) {
    parallelGemm(own.gemm, own.memory, {
      M,
      N,
      K,
      a: at(a) + (batchA > 1 ? 4 * p * M * K : 0),
      ars,
      acs,
      b: at(b) + (batchB > 1 ? 4 * p * K * N : 0),
      brs,
      bcs,
      c: at(out) + 4 * p * M * N,
      ldc: N,
    }, at(work));
  }
  be.disposeData(work.dataId);
  if (bias || relu) own.gemm.biasRelu(at(out), batch * M, N, bias ? at(bias) : 0, relu ? 1 : 0);
  return out;
}

const UNTRANSPOSED = {
  transposeA: false,
  transposeB: false,
  bias: null,
  activation: "linear",
  preluActivationWeights: null,
} as never;

/** The stock wasm product, untransposed, on one core. */
function stockProduct(backend: WasmBackend, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  if (!stock) throw new Error("matMulOnHeap: the wasm kernels are not registered");
  return stock.kernelFunc({ inputs: { a, b }, backend, attrs: UNTRANSPOSED }) as tf.TensorInfo;
}

/**
 * `op(a) · op(b)` (rank ≥ 2; op transposes the last two axes when asked)
 * on the heap: our product where it can run, else the stock one on
 * explicitly transposed operands. Inputs stay on the heap; the caller
 * disposes.
 */
export function matMulOnHeap(
  backend: WasmBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA = false,
  transposeB = false,
): tf.TensorInfo {
  const fast = ourProduct(backend, a, b, transposeA, transposeB);
  if (fast) return fast;
  const x = transposeA ? transposeLastTwo(backend, a) : a;
  const y = transposeB ? transposeLastTwo(backend, b) : b;
  const out = stockProduct(backend, x, y);
  if (transposeA) backend.disposeData(x.dataId);
  if (transposeB) backend.disposeData(y.dataId);
  return out;
}

/**
 * Column sums of the row-major `rows × cols` matrix `x` into `out`, with
 * float64 accumulators.
 */
export function sumRows(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const acc = new Float64Array(cols);
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    for (let c = 0; c < cols; c++) acc[c] += x[o + c];
  }
  out.set(acc);
}

/**
 * `tf.gather(x, indices)` along the first axis, as whole rows copied on the
 * heap (a training batch drawn from the data set); `undefined` for other
 * cases (another axis, batch dimensions, a non-float32 tensor, an index out
 * of range: the stock kernel then runs, or raises).
 */
function gatherRows(
  backend: WasmBackend,
  x: tf.TensorInfo,
  indices: tf.TensorInfo,
  attrs: { axis: number; batchDims: number },
): tf.TensorInfo | undefined {
  const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
  if (axis !== 0 || attrs.batchDims !== 0 || x.dtype !== "float32" || indices.dtype !== "int32") {
    return undefined;
  }
  const rows = x.shape[0], row = size(x.shape.slice(1)), count = size(indices.shape);
  const index = backend.typedArrayFromHeap(indices) as unknown as Int32Array;
  for (let i = 0; i < count; i++) if (!(index[i] >= 0 && index[i] < rows)) return undefined;
  const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], "float32");
  // Views after the allocation (it may grow the heap).
  const from = heapView(backend, x), to = heapView(backend, out);
  const at = backend.typedArrayFromHeap(indices) as unknown as Int32Array;
  for (let i = 0; i < count; i++) to.set(from.subarray(at[i] * row, (at[i] + 1) * row), i * row);
  return out;
}

/** Registers our kernels (products, GatherV2, Identity, Sum) on the wasm backend, once it is initialised. */
export function registerMatMulKernels(): void {
  const matMul = tf.getKernel("BatchMatMul", "wasm");
  if (!matMul) return;
  stock = matMul;
  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({
    kernelName: "BatchMatMul",
    backendName: "wasm",
    kernelFunc: (args) => {
      const { transposeA, transposeB } = args.attrs as unknown as {
        transposeA: boolean;
        transposeB: boolean;
      };
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      return matMulOnHeap(args.backend as WasmBackend, a, b, transposeA, transposeB);
    },
  });

  const fused = tf.getKernel("_FusedMatMul", "wasm");
  if (fused && heapGemm(tf.backend() as WasmBackend)) {
    tf.unregisterKernel("_FusedMatMul", "wasm");
    tf.registerKernel({
      kernelName: "_FusedMatMul",
      backendName: "wasm",
      kernelFunc: (args) => {
        const { transposeA, transposeB, activation } = args.attrs as unknown as {
          transposeA: boolean;
          transposeB: boolean;
          activation: string;
        };
        const { a, b, bias, preluActivationWeights } = args.inputs as Record<
          string,
          tf.TensorInfo | undefined
        >;
        const simple = (activation === "linear" || activation === "relu") &&
          !preluActivationWeights;
        const out = simple
          ? ourProduct(args.backend as WasmBackend, a!, b!, transposeA, transposeB, {
            bias,
            relu: activation === "relu",
          })
          : undefined;
        return out ?? fused.kernelFunc(args);
      },
    });
  }

  const identity = tf.getKernel("Identity", "wasm");
  if (identity) {
    tf.unregisterKernel("Identity", "wasm");
    tf.registerKernel({
      kernelName: "Identity",
      backendName: "wasm",
      kernelFunc: (args) => {
        const x = args.inputs.x as tf.TensorInfo;
        if (x.dtype === "string") return identity.kernelFunc(args);
        // The same memory under a second reference, as the CPU and WebGL backends do (no
        // kernel writes into its inputs, and our optimisers write new weight tensors).
        (args.backend as WasmBackend).incRef(x.dataId);
        return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
      },
    });
  }

  const gather = tf.getKernel("GatherV2", "wasm");
  if (gather) {
    tf.unregisterKernel("GatherV2", "wasm");
    tf.registerKernel({
      kernelName: "GatherV2",
      backendName: "wasm",
      kernelFunc: (args) =>
        gatherRows(
          args.backend as WasmBackend,
          args.inputs.x as tf.TensorInfo,
          args.inputs.indices as tf.TensorInfo,
          args.attrs as unknown as { axis: number; batchDims: number },
        ) ?? gather.kernelFunc(args),
    });
  }

  const sum = tf.getKernel("Sum", "wasm");
  if (!sum) return;
  tf.unregisterKernel("Sum", "wasm");
  tf.registerKernel({
    kernelName: "Sum",
    backendName: "wasm",
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const { axis, keepDims } = args.attrs as unknown as {
        axis: number | number[] | null;
        keepDims: boolean;
      };
      const r = x.shape.length;
      const axes = [...new Set(tf.util.parseAxisParam(axis ?? x.shape.map((_, i) => i), x.shape))]
        .sort((p, q) => p - q);
      const leading = axes.length < r && axes.every((a, i) => a === i);
      if (x.dtype !== "float32" || !leading) return sum.kernelFunc(args);
      const rows = x.shape.slice(0, axes.length).reduce((p, q) => p * q, 1);
      const rest = x.shape.slice(axes.length);
      const cols = rest.reduce((p, q) => p * q, 1);
      if (rows === 0 || cols === 0) return sum.kernelFunc(args);
      const b = args.backend as WasmBackend;
      const out = b.makeOutput(keepDims ? [...axes.map(() => 1), ...rest] : rest, "float32");
      const own = heapGemm(b);
      if (own) {
        // The same additions in WebAssembly, two columns per vector (256×2000: 0.17–0.23 ms
        // against 0.42–0.68 ms).
        const acc = b.makeOutput([2 * cols], "float32");
        const at = (t: tf.TensorInfo) => (b as HeapBackend).getMemoryOffset(t.dataId);
        own.gemm.colSums(rows, cols, at(x), at(acc), at(out));
        b.disposeData(acc.dataId);
      } else {
        sumRows(heapView(b, x), rows, cols, heapView(b, out));
      }
      return out;
    },
  });
}
