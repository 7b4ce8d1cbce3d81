/**
 * Convolution gradients for the WASM backend: `Conv2DBackpropFilter` (not
 * registered by tfjs-backend-wasm 4.22, so conv nets cannot train) and
 * `Conv2DBackpropInput` (registered but slow; it is also the forward pass
 * of a transposed convolution). Both become one matrix product (ours, on two
 * cores when large; `matmul_kernels.ts`) plus an im2col / col2im
 * rearrangement:
 *   patches P (N·OH·OW × KH·KW·C), dy as D (N·OH·OW × F), W as (KH·KW·C × F):
 *   dW = Pᵀ·D,   dx = col2im(D·Wᵀ).
 * NHWC, any kernel size, stride and padding; dilation 1 (else the stock path).
 *
 * The forward `Conv2D` stays stock (XNNPACK, one core): im2col plus our
 * product on two cores measured the same here (256×14×14×32 ⊛ 2×2×32×64:
 * 7.5–8.0 ms against 8.0–8.3 ms), and slower for one input channel.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { matMulOnHeap } from "./matmul_kernels.ts";
import { heapView, reshaped, type WasmBackend } from "./wasm_heap.ts";

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
 * Copies `len` values from `src[from…]` to `dst[to…]`: a plain loop for short
 * runs (a 1-channel 2×2 kernel copies 2 values at a time, where creating a
 * subarray per run cost more than the copy), `set` for long ones.
 */
function copyRun(src: Float32Array, from: number, dst: Float32Array, to: number, len: number) {
  if (len > 16) dst.set(src.subarray(from, from + len), to);
  else for (let t = 0; t < len; t++) dst[to + t] = src[from + t];
}

/**
 * Writes the patches of x (NHWC) as rows of `out`: (n, oh, ow) × (kh, kw, c),
 * zeros outside the image. Each in-bounds run of kernel columns is one
 * contiguous copy.
 */
function im2col(x: Float32Array, g: ConvGeometry, out: Float32Array): void {
  const K = g.kh * g.kw * g.c;
  const inside = g.top === 0 && g.left === 0 && (g.oh - 1) * g.sh + g.kh <= g.h &&
    (g.ow - 1) * g.sw + g.kw <= g.w;
  if (!inside) out.fill(0); // some windows reach into the padding
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
          const dst = row * K + (kh * g.kw + lo) * g.c, len = (hi - lo) * g.c;
          copyRun(x, src, out, dst, len);
        }
      }
    }
  }
}

/** Adds the patch rows back into the NHWC image `dx` (the adjoint of im2col). */
function col2im(cols: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  const K = g.kh * g.kw * g.c;
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
          else copyRun(cols, src, dx, dst, len); // windows never share a pixel
        }
      }
    }
  }
}

/** Registers the two kernels on the wasm backend (after the matrix-product kernels). */
export function registerConvKernels(): void {
  const stockInput = tf.getKernel("Conv2DBackpropInput", "wasm");
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
      // dW = Pᵀ·D, the transpose taken by the product's strides.
      const p = b.makeOutput([1, P, K], "float32");
      im2col(heapView(b, x), g, heapView(b, p));
      const dW = matMulOnHeap(b, p, reshaped(dy, [1, P, g.f]), true, false);
      b.disposeData(p.dataId);
      return reshaped(dW, filterShape);
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
      // cols = D·Wᵀ (P × K), then scattered back into the image.
      const w = reshaped(filter, [1, K, g.f]);
      const cols = matMulOnHeap(b, reshaped(dy, [1, P, g.f]), w, false, true);
      const dx = b.makeOutput(inputShape, "float32");
      col2im(heapView(b, cols), g, heapView(b, dx));
      b.disposeData(cols.dataId);
      return dx;
    },
  });
}
