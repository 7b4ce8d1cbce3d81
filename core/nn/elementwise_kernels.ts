/**
 * The comparisons, `LogicalAnd`, `Select` (`tf.where`) and `Log` on the
 * WASM backend's heap, in our WebAssembly module (`compareLt` … `selectBits`
 * and `logF32` in `core/wasm/gemm.wat`). They are the stock kernels bit for
 * bit: the first three are exact (booleans, or a choice between two inputs
 * copied as bits), and `Log` runs the stock kernel's own logf (musl's, from
 * ARM's optimized-routines) with its table and operations, inlined instead
 * of called through a function pointer per element. They take float32
 * operands of one shape, or (comparisons) one of them a scalar, and `Log`
 * positive normal values; other inputs go to the stock kernels.
 *
 * Why: tfjs-backend-wasm 4.22 runs these through a generic broadcasting
 * loop. On 256 × 784 floats `Less` took 0.78–0.87 ms, `LogicalAnd` 0.77 ms
 * and `Select` 0.66 ms, where `Add` takes 0.04–0.05 ms; the gradients of
 * Keras' binary cross-entropy (its clipping) and of our sigmoid (its flush
 * of tiny values) call five of them on every batch, and its loss two `Log`s
 * of 1.0–1.3 ms (0.4–0.6 ms here). Ours take 0.05–0.07 ms for a
 * comparison, 0.03–0.04 ms for `LogicalAnd` and 0.06–0.17 ms for `Select`
 * (the same batch, in separate runs). (The same loops in
 * JavaScript were fast once compiled for a loop in flight, then 17 times
 * slower after V8 compiled the whole function: 2.4 ms for `Less`.)
 *
 * @module
 */
import { tf } from "./tf.ts";
import type { Gemm } from "../wasm/gemm.ts";
import { type HeapBackend, heapGemm } from "./matmul_kernels.ts";

/** The comparison kernels: our export, and the kernel for swapped operands. */
const COMPARISONS = {
  Less: ["compareLt", "Greater"],
  LessEqual: ["compareLe", "GreaterEqual"],
  Greater: ["compareGt", "Less"],
  GreaterEqual: ["compareGe", "LessEqual"],
  Equal: ["compareEq", "Equal"],
  NotEqual: ["compareNe", "NotEqual"],
} as const;

type Comparison = keyof typeof COMPARISONS;

const size = (t: tf.TensorInfo) => tf.util.sizeFromShape(t.shape);

/**
 * The output shape of an elementwise op on these inputs, if each input is
 * either of the output's size (then its elements are the output's, in
 * order) or, where `scalars`, of one element; else undefined (a real
 * broadcast, left to tfjs).
 */
function simpleShape(inputs: tf.TensorInfo[], scalars: boolean): number[] | undefined {
  let shape = inputs[0].shape;
  try {
    for (const t of inputs.slice(1)) {
      shape = tf.backend_util.assertAndGetBroadcastShape(shape, t.shape);
    }
  } catch {
    return undefined;
  }
  const n = tf.util.sizeFromShape(shape);
  return inputs.every((t) => size(t) === n || (scalars && size(t) === 1)) ? shape : undefined;
}

/** The stock kernels replaced, by name (for tests that compare against them). */
const stockKernels = new Map<string, tf.KernelFunc>();

/**
 * The wasm backend's own kernel `name` that {@linkcode registerElementwiseKernels}
 * replaced, or undefined.
 *
 * @example
 * ```ts ignore
 * const log = stockKernel("Log")!;
 * log({ inputs: { x }, backend: tf.backend(), attrs: {} }); // tfjs' Log
 * ```
 */
export function stockKernel(name: string): tf.KernelFunc | undefined {
  return stockKernels.get(name);
}

/** Replaces the wasm backend's kernel `name` by `fast`, or the stock one where `fast` declines. */
function override(
  name: string,
  fast: (
    g: Gemm,
    backend: HeapBackend,
    inputs: Record<string, tf.TensorInfo>,
  ) => tf.TensorInfo | undefined,
): void {
  const stock = tf.getKernel(name, "wasm");
  if (!stock) return;
  stockKernels.set(name, stock.kernelFunc);
  tf.unregisterKernel(name, "wasm");
  tf.registerKernel({
    kernelName: name,
    backendName: "wasm",
    kernelFunc: (args) => {
      const backend = args.backend as HeapBackend;
      const own = heapGemm(backend);
      const out = own &&
        fast(own.gemm, backend, args.inputs as Record<string, tf.TensorInfo>);
      return out ?? stock.kernelFunc(args) as tf.TensorInfo;
    },
  });
}

/**
 * The table of logf in musl and ARM's optimized-routines, as tfjs-backend-wasm
 * 4.22's binary holds it: (1/c, log c) for 16 subintervals of [0.69, 1.38].
 */
const LOGF_TABLE = [
  1.398907162146528,
  -0.33569133332882284,
  1.3403141896637998,
  -0.2929040563774074,
  1.286432210124115,
  -0.2518726580937369,
  1.2367150214269895,
  -0.21245868807117255,
  1.1906977166711752,
  -0.17453945183745634,
  1.1479821020556429,
  -0.1380057072319758,
  1.1082251448272158,
  -0.10275976698545139,
  1.0711297413057381,
  -0.06871392447020525,
  1.036437278977283,
  -0.0357891387398228,
  1,
  0,
  0.9492859795739057,
  0.05204517742929496,
  0.8951049428609004,
  0.11081431298787942,
  0.8476821620351103,
  0.1652495223695143,
  0.8050314851692001,
  0.21687389031699977,
  0.7664671008843108,
  0.2659635028121397,
  0.731428603316328,
  0.3127556664073557,
];

/** The heap address of {@linkcode LOGF_TABLE} per backend, written there once (never freed). */
const logTables = new WeakMap<object, number>();

function logTableAt(backend: HeapBackend): number {
  let at = logTables.get(backend);
  if (at === undefined) {
    const info = backend.makeOutput([2 * LOGF_TABLE.length], "float32");
    const f = backend.typedArrayFromHeap(info);
    new Float64Array(f.buffer, f.byteOffset, LOGF_TABLE.length).set(LOGF_TABLE);
    at = backend.getMemoryOffset(info.dataId);
    logTables.set(backend, at);
  }
  return at;
}

/**
 * Registers the comparisons, `LogicalAnd`, `Select` and `Log` on the wasm
 * backend, once it is initialised (`initBackend` calls it).
 *
 * @example
 * ```ts ignore
 * await initBackend(); // registers them
 * tf.less(tf.tensor1d([1, 3]), 2).arraySync(); // [1, 0]
 * ```
 */
export function registerElementwiseKernels(): void {
  for (const name of Object.keys(COMPARISONS) as Comparison[]) {
    override(name, (g, backend, { a, b }) => {
      if (a.dtype !== "float32" || b.dtype !== "float32") return undefined;
      const shape = simpleShape([a, b], true);
      if (!shape) return undefined;
      const out = backend.makeOutput(shape, "bool");
      const n = tf.util.sizeFromShape(shape);
      const at = (t: tf.TensorInfo) => backend.getMemoryOffset(t.dataId);
      // A scalar first operand: the mirrored comparison with the operands swapped.
      const [x, y, op] = size(a) === n ? [a, b, name] : [b, a, COMPARISONS[name][1]];
      g[COMPARISONS[op][0]](n, at(x), at(y), size(y) === n ? 0 : 1, at(out));
      return out;
    });
  }
  override("LogicalAnd", (g, backend, { a, b }) => {
    if (a.dtype !== "bool" || b.dtype !== "bool") return undefined;
    const shape = simpleShape([a, b], false);
    if (!shape) return undefined;
    const out = backend.makeOutput(shape, "bool");
    const at = (t: tf.TensorInfo) => backend.getMemoryOffset(t.dataId);
    g.logicalAnd(size(out), at(a), at(b), at(out));
    return out;
  });
  override("Select", (g, backend, { condition, t, e }) => {
    if (condition.dtype !== "bool" || t.dtype !== "float32" || e.dtype !== "float32") {
      return undefined;
    }
    const shape = simpleShape([condition, t, e], false);
    if (!shape) return undefined;
    const out = backend.makeOutput(shape, "float32");
    const at = (x: tf.TensorInfo) => backend.getMemoryOffset(x.dataId);
    g.selectBits(size(out), at(condition), at(t), at(e), at(out));
    return out;
  });
  // Log: tfjs' own logf, inlined (positive normal inputs; others go to the stock kernel).
  override("Log", (g, backend, { x }) => {
    if (x.dtype !== "float32") return undefined;
    const table = logTableAt(backend);
    const out = backend.makeOutput(x.shape, "float32");
    const at = (t: tf.TensorInfo) => backend.getMemoryOffset(t.dataId);
    if (g.logF32(size(x), at(x), at(out), table)) return out;
    backend.disposeData(out.dataId);
    return undefined;
  });
}
