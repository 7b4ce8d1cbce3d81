/**
 * Convolution gradients for the WASM backend: `Conv2DBackpropFilter` (not
 * registered by tfjs-backend-wasm 4.22, so conv nets cannot train) and
 * `Conv2DBackpropInput` (registered but slow; it is also the forward pass
 * of a transposed convolution). Both become one matrix product on the WASM
 * backend plus an im2col / col2im rearrangement:
 *   patches P (N·OH·OW × KH·KW·C), dy as D (N·OH·OW × F), W as (KH·KW·C × F):
 *   dW = Pᵀ·D,   dx = col2im(D·Wᵀ).
 * NHWC, any kernel size, stride and padding; dilation 1 (else the stock path).
 *
 * @module
 */
import { tf } from "./backend.ts";

/** The wasm backend's own allocator (not on tfjs' KernelBackend type). */
type WasmBackend = tf.KernelBackend & {
  makeOutput(
    shape: number[],
    dtype: "float32",
    memoryOffset?: number,
    values?: Float32Array,
  ): tf.TensorInfo;
};

/**
 * Reusable scratch arrays, one per role: a training step calls these kernels
 * hundreds of times with the same sizes, and allocating fresh multi-megabyte
 * arrays each time made later epochs markedly slower (garbage collection).
 */
const pools = new Map<string, Float32Array>();
function scratch(role: string, size: number): Float32Array {
  let buf = pools.get(role);
  if (!buf || buf.length < size) pools.set(role, buf = new Float32Array(size));
  return buf.subarray(0, size);
}

/** A copy of a tensor's values in a scratch array (views into WASM memory die when it grows). */
function read(b: tf.KernelBackend, t: tf.TensorInfo, role: string): Float32Array {
  const view = b.readSync(t.dataId) as Float32Array;
  const out = scratch(role, view.length);
  out.set(view);
  return out;
}

interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  f: number;
  oh: number;
  ow: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
}

function geometry(
  xShape: number[],
  filterShape: number[],
  attrs: Record<string, unknown>,
): ConvGeometry | undefined {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as "valid" | "same" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    false,
    "channelsLast",
  );
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return undefined;
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    c: info.inChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    f: info.outChannels,
    oh: info.outHeight,
    ow: info.outWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/**
 * Patches of x (NHWC) as rows: (n, oh, ow) × (kh, kw, c), zeros outside the
 * image. Each in-bounds run of kernel columns is one contiguous copy.
 */
function im2col(x: Float32Array, g: ConvGeometry): Float32Array {
  const K = g.kh * g.kw * g.c;
  const out = scratch("patches", g.n * g.oh * g.ow * K);
  out.fill(0);
  let row = 0;
  for (let n = 0; n < g.n; n++) {
    for (let oh = 0; oh < g.oh; oh++) {
      for (let ow = 0; ow < g.ow; ow++, row++) {
        const iw0 = ow * g.sw - g.left;
        const lo = Math.max(0, -iw0), hi = Math.min(g.kw, g.w - iw0); // kernel columns inside
        if (lo >= hi) continue;
        for (let kh = 0; kh < g.kh; kh++) {
          const ih = oh * g.sh + kh - g.top;
          if (ih < 0 || ih >= g.h) continue;
          const src = ((n * g.h + ih) * g.w + iw0 + lo) * g.c;
          out.set(x.subarray(src, src + (hi - lo) * g.c), row * K + (kh * g.kw + lo) * g.c);
        }
      }
    }
  }
  return out;
}

/** Adds the patch rows back into an NHWC image (the adjoint of im2col). */
function col2im(cols: Float32Array, g: ConvGeometry): Float32Array {
  const K = g.kh * g.kw * g.c;
  const dx = scratch("image", g.n * g.h * g.w * g.c);
  dx.fill(0);
  const overlap = g.kh > g.sh || g.kw > g.sw;
  let row = 0;
  for (let n = 0; n < g.n; n++) {
    for (let oh = 0; oh < g.oh; oh++) {
      for (let ow = 0; ow < g.ow; ow++, row++) {
        const iw0 = ow * g.sw - g.left;
        const lo = Math.max(0, -iw0), hi = Math.min(g.kw, g.w - iw0);
        if (lo >= hi) continue;
        const len = (hi - lo) * g.c;
        for (let kh = 0; kh < g.kh; kh++) {
          const ih = oh * g.sh + kh - g.top;
          if (ih < 0 || ih >= g.h) continue;
          const dst = ((n * g.h + ih) * g.w + iw0 + lo) * g.c;
          const src = row * K + (kh * g.kw + lo) * g.c;
          if (overlap) { for (let t = 0; t < len; t++) dx[dst + t] += cols[src + t]; }
          else dx.set(cols.subarray(src, src + len), dst); // windows never share a pixel
        }
      }
    }
  }
  return dx;
}

/** Registers the two kernels on the wasm backend (after it is initialised). */
export function registerConvKernels(): void {
  const matMul = tf.getKernel("BatchMatMul", "wasm");
  const stockInput = tf.getKernel("Conv2DBackpropInput", "wasm");
  if (!matMul) return;
  // a (rows × k) · b (k × cols) or with transposes, on the wasm backend.
  const product = (
    backend: WasmBackend,
    a: Float32Array,
    aShape: [number, number],
    b: Float32Array,
    bShape: [number, number],
    transposeA: boolean,
    transposeB: boolean,
  ): Float32Array => {
    const ai = backend.makeOutput([1, ...aShape], "float32", undefined, a);
    const bi = backend.makeOutput([1, ...bShape], "float32", undefined, b);
    const out = matMul.kernelFunc({
      inputs: { a: ai, b: bi },
      backend,
      attrs: {
        transposeA,
        transposeB,
        bias: null,
        activation: "linear",
        preluActivationWeights: null,
      } as never,
    }) as tf.TensorInfo;
    const values = read(backend, out, "product");
    for (const t of [ai, bi, out]) backend.disposeData(t.dataId);
    return values;
  };
  if (tf.getKernel("Conv2DBackpropFilter", "wasm")) {
    tf.unregisterKernel("Conv2DBackpropFilter", "wasm");
  }
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as WasmBackend;
      const x = inputs.x as tf.TensorInfo, dy = inputs.dy as tf.TensorInfo;
      const filterShape = (attrs as Record<string, unknown>).filterShape as number[];
      const g = geometry(x.shape, filterShape, attrs as Record<string, unknown>);
      if (!g || (attrs as Record<string, unknown>).dataFormat === "NCHW") {
        throw new Error("Conv2DBackpropFilter on wasm supports NHWC without dilation only");
      }
      const P = g.n * g.oh * g.ow, K = g.kh * g.kw * g.c;
      const patches = im2col(read(b, x, "x"), g);
      const dW = product(b, patches, [P, K], read(b, dy, "dy"), [P, g.f], true, false);
      return b.makeOutput(filterShape, "float32", undefined, dW);
    },
  });
  if (stockInput) tf.unregisterKernel("Conv2DBackpropInput", "wasm");
  tf.registerKernel({
    kernelName: "Conv2DBackpropInput",
    backendName: "wasm",
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const b = backend as WasmBackend;
      const dy = inputs.dy as tf.TensorInfo, filter = inputs.filter as tf.TensorInfo;
      const inputShape = (attrs as Record<string, unknown>).inputShape as number[];
      const g = geometry(inputShape, filter.shape, attrs as Record<string, unknown>);
      if (!g || (attrs as Record<string, unknown>).dataFormat === "NCHW") {
        if (stockInput) return stockInput.kernelFunc(args);
        throw new Error("Conv2DBackpropInput on wasm supports NHWC without dilation only");
      }
      const P = g.n * g.oh * g.ow, K = g.kh * g.kw * g.c;
      const cols = product(
        b,
        read(b, dy, "dy"),
        [P, g.f],
        read(b, filter, "filter"),
        [K, g.f],
        false,
        true,
      );
      return b.makeOutput(inputShape, "float32", undefined, col2im(cols, g));
    },
  });
}
