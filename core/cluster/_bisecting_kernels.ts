/**
 * Bisecting k-means' loops over its samples, on a WebAssembly kernel
 * (`core/wasm/bisecting.wat`) where the engine has WebAssembly and the
 * samples fit a small memory, else in JavaScript: the same float64
 * operations in the same order either way, so the same bits (tests compare
 * them). Private helper of `bisecting_kmeans.ts`.
 *
 * Why WebAssembly here: a fit is a few passes over every sample, so in a
 * fresh process the JavaScript loops run mostly before the engine has
 * optimised them, in its interpreter and baseline tiers, which box every
 * float64 result (a collection each 2 MB). On the bench row (10⁵ × 2,
 * k = 8) the first fit took 80–105 ms against 45–55 ms once warm, 20 ms
 * of it in the garbage collector; WebAssembly is compiled before its first
 * call.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { sqDist } from "../distance.ts";
import { compileBase64 } from "../wasm/module.ts";
import { BISECTING_WASM } from "../wasm/bisecting_wasm.ts";
import { CHUNK } from "./_kmeans_protocol.ts";

/**
 * The arrays of one fit and the loops over them. In the WebAssembly
 * version every array lives in the module's memory (the kernels take their
 * addresses); in the JavaScript one they are ordinary typed arrays.
 */
export interface Workspace {
  /** The n × d samples (X's own values, or their copy in the module's memory). */
  x: Float64Array;
  /** The sample weights (n), or undefined. */
  w: Float64Array | undefined;
  /** The column means (d). */
  mean: Float64Array;
  /** The samples in leaf order: a node's samples are order[lo..hi). */
  order: Int32Array;
  /** A leaf's centred samples, gathered (up to n × d), and their weights (up to n, when weighted). */
  gathered: Float64Array;
  gatheredW: Float64Array | undefined;
  /** Two label buffers (n each): a run's and the best run's. */
  labels: [Int32Array, Int32Array];
  /** Scratch for the stable split (n). */
  spare: Int32Array;
  /** A 2-means run's centres and next centres (2 × d each), its chunk sums (2 × d) and weights. */
  centers: Float64Array;
  next: Float64Array;
  psum: Float64Array;
  pcount: Float64Array;
  counts: Float64Array;
  /** Up to k × d centres for {@linkcode Workspace.sqdist}, and its k sums. */
  cbuf: Float64Array;
  sums: Float64Array;
  /** Whether the loops run in WebAssembly (for tests and reports). */
  readonly wasm: boolean;
  /** out[j] += x[r][j] − mean[j] for the first n rows of x, row after row. */
  colsum(x: Float64Array, mean: Float64Array, n: number, out: Float64Array): void;
  /** Rows idx[r] of x minus mean into out, r < idx.length. */
  gather(x: Float64Array, mean: Float64Array, idx: Int32Array, out: Float64Array): void;
  /**
   * The inner 2-means' assignment pass over m rows of xs against the
   * centres c (‖c₀‖² = n0, ‖c₁‖² = n1): labels, and with `sums` the chunked
   * (weighted) sums into `tot` (2 × d) and weights into `counts`. Whether a
   * label changed. c and tot are `centers` and `next`, in either role.
   */
  pass(
    xs: Float64Array,
    m: number,
    c: Float64Array,
    n0: number,
    n1: number,
    labels: Int32Array,
    sums: boolean,
    tot: Float64Array,
    w: Float64Array | undefined,
  ): boolean;
  /**
   * Σ w_r‖x_r − c_{labels[r]}‖² over m rows (c in cbuf), into sums[0], or
   * into sums[label] with `byLabel`; sums must be zeroed first.
   */
  sqdist(
    x: Float64Array,
    m: number,
    labels: Int32Array,
    w: Float64Array | undefined,
    byLabel: boolean,
  ): void;
  /** A stable split of idx by labels (0 first, through spare); the count of 0s. */
  split(idx: Int32Array, labels: Int32Array): number;
  /** labels[order[p]] = c for p in [lo, hi). */
  scatter(lo: number, hi: number, c: number, labels: Int32Array): void;
}

/** Largest memory (bytes) the WebAssembly version takes; beyond, JavaScript runs (it needs no copy of X). */
const MAX_BYTES = 256 * 2 ** 20;
let module: WebAssembly.Module | null | undefined;
let wasmAllowed = true;

/** Lets the fits use the WebAssembly kernel (the default) or not (tests: the same bits either way). */
export function useBisectingWasm(on: boolean): void {
  wasmAllowed = on;
}

interface Exports {
  colsum(x: number, mean: number, n: number, d: number, out: number): void;
  gather(x: number, mean: number, idx: number, m: number, d: number, out: number): void;
  pass(
    xs: number,
    m: number,
    d: number,
    c: number,
    n0: number,
    n1: number,
    labels: number,
    sums: number,
    tot: number,
    counts: number,
    psum: number,
    pcount: number,
    w: number,
  ): number;
  sqdist(
    x: number,
    m: number,
    d: number,
    c: number,
    labels: number,
    w: number,
    byLabel: number,
    out: number,
  ): void;
  split(idx: number, labels: number, m: number, spare: number): number;
  scatter(order: number, lo: number, hi: number, c: number, labels: number): void;
}

/** Makes the workspace's typed arrays (in a module's memory, or ordinary ones). */
interface Alloc {
  f64(length: number): Float64Array;
  i32(length: number): Int32Array;
}

/**
 * The workspace's arrays for n × d samples and k clusters; with `copyX` a
 * copy of the samples (the kernel's), else an empty `x`. The copy comes
 * first, at offset 0, so that no other array (the weights) is ever at 0,
 * the kernels' "none".
 */
function arrays(al: Alloc, n: number, d: number, k: number, weighted: boolean, copyX: boolean) {
  return {
    x: al.f64(copyX ? n * d : 0),
    w: weighted ? al.f64(n) : undefined,
    mean: al.f64(d),
    order: al.i32(n),
    gathered: al.f64(n * d),
    gatheredW: weighted ? al.f64(n) : undefined,
    labels: [al.i32(n), al.i32(n)] as [Int32Array, Int32Array],
    spare: al.i32(n),
    centers: al.f64(2 * d),
    next: al.f64(2 * d),
    psum: al.f64(2 * d),
    pcount: al.f64(2),
    counts: al.f64(2),
    cbuf: al.f64(Math.max(2, k) * d),
    sums: al.f64(Math.max(2, k)),
  };
}
type Arrays = ReturnType<typeof arrays>;

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * The workspace of a fit on X (k clusters, weights or not): WebAssembly
 * where it can, with X copied into its memory; else JavaScript on X itself.
 */
export function workspace(X: Matrix, k: number, w: Float64Array | undefined): Workspace {
  const n = X.rows, d = X.cols;
  let bytes = 0;
  arrays(
    {
      f64: (len) => (bytes += align(8 * len), new Float64Array(0)),
      i32: (len) => (bytes += align(4 * len), new Int32Array(0)),
    },
    n,
    d,
    k,
    w !== undefined,
    true,
  );
  if (wasmAllowed && bytes <= MAX_BYTES) {
    if (module === undefined) module = compileBase64(BISECTING_WASM);
    let memory: WebAssembly.Memory | undefined;
    try {
      // Never grown: growing would detach every view.
      if (module) {
        memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
      }
    } catch {
      // out of memory: JavaScript below
    }
    if (memory) return wasmWorkspace(module!, memory, X, k, w);
  }
  const a = arrays(
    { f64: (len) => new Float64Array(len), i32: (len) => new Int32Array(len) },
    n,
    d,
    k,
    w !== undefined,
    false,
  );
  return jsWorkspace(X, w, a);
}

function wasmWorkspace(
  mod: WebAssembly.Module,
  memory: WebAssembly.Memory,
  X: Matrix,
  k: number,
  w: Float64Array | undefined,
): Workspace {
  const n = X.rows, d = X.cols;
  const e = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as Exports;
  let at = 0;
  const take = (size: number, len: number) => {
    const from = at;
    at += align(size * len);
    return from;
  };
  const a = arrays(
    {
      f64: (len) => new Float64Array(memory.buffer, take(8, len), len),
      i32: (len) => new Int32Array(memory.buffer, take(4, len), len),
    },
    n,
    d,
    k,
    w !== undefined,
    true,
  );
  a.x.set(X.data.subarray(0, n * d));
  if (w) a.w!.set(w);
  const ptr = (v: Float64Array | Int32Array | undefined) => {
    if (v === undefined) return 0;
    if (v.buffer !== memory.buffer) {
      throw new Error("bisecting k-means: an array outside the kernel's memory");
    }
    return v.byteOffset;
  };
  return {
    ...a,
    wasm: true,
    colsum: (x, mean, n, out) => e.colsum(ptr(x), ptr(mean), n, d, ptr(out)),
    gather: (x, mean, idx, out) => e.gather(ptr(x), ptr(mean), ptr(idx), idx.length, d, ptr(out)),
    pass: (xs, m, c, n0, n1, labels, sums, tot, wr) =>
      e.pass(
        ptr(xs),
        m,
        d,
        ptr(c),
        n0,
        n1,
        ptr(labels),
        sums ? 1 : 0,
        ptr(tot),
        ptr(a.counts),
        ptr(a.psum),
        ptr(a.pcount),
        ptr(wr),
      ) !== 0,
    sqdist: (x, m, labels, wr, byLabel) =>
      e.sqdist(ptr(x), m, d, ptr(a.cbuf), ptr(labels), ptr(wr), byLabel ? 1 : 0, ptr(a.sums)),
    split: (idx, labels) => e.split(ptr(idx), ptr(labels), idx.length, ptr(a.spare)),
    scatter: (lo, hi, c, labels) => e.scatter(ptr(a.order), lo, hi, c, ptr(labels)),
  };
}

function jsWorkspace(X: Matrix, w: Float64Array | undefined, a: Arrays): Workspace {
  const d = X.cols;
  if (w) a.w!.set(w);
  const f = a;
  return {
    ...a,
    x: X.data,
    wasm: false,
    colsum: (x, mean, n, out) => {
      for (let i = 0, o = 0; i < n; i++, o += d) {
        for (let j = 0; j < d; j++) out[j] += x[o + j] - mean[j];
      }
    },
    gather: (x, mean, idx, out) => {
      for (let r = 0; r < idx.length; r++) {
        for (let j = 0, o = idx[r] * d; j < d; j++) out[r * d + j] = x[o + j] - mean[j];
      }
    },
    pass: (...args) => passJs(args, d, f),
    sqdist: (x, m, labels, wr, byLabel) => {
      const Xm: Matrix = { rows: m, cols: d, data: x };
      const C: Matrix = { rows: f.cbuf.length / d, cols: d, data: f.cbuf };
      const s = f.sums;
      for (let i = 0; i < m; i++) {
        s[byLabel ? labels[i] : 0] += (wr ? wr[i] : 1) * sqDist(Xm, i, C, labels[i]);
      }
    },
    split: (idx, labels) => {
      let n0 = 0, n1 = 0;
      for (let i = 0; i < idx.length; i++) {
        if (labels[i] === 0) idx[n0++] = idx[i];
        else f.spare[n1++] = idx[i];
      }
      idx.set(f.spare.subarray(0, n1), n0);
      return n0;
    },
    scatter: (lo, hi, c, labels) => {
      for (let p = lo; p < hi; p++) labels[f.order[p]] = c;
    },
  };
}

/** The JavaScript assignment pass (see {@linkcode Workspace.pass}). */
function passJs(
  [x, n, c, n0, n1, labels, sums, tot, w]: Parameters<Workspace["pass"]>,
  d: number,
  { counts, psum, pcount }: Arrays,
): boolean {
  if (sums) {
    tot.fill(0);
    counts.fill(0);
  }
  const one = n <= CHUNK;
  const acc = one ? tot : psum, cnt = one ? counts : pcount;
  let changed = false;
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK);
    if (sums && !one) {
      psum.fill(0);
      pcount.fill(0);
    }
    if (d === 2 && sums && !w) {
      if (planeChunk(x, labels, from, to, acc, cnt, c, n0, n1)) changed = true;
    } else {
      for (let i = from; i < to; i++) {
        const o = i * d;
        let s0 = 0, s1 = 0;
        for (let j = 0; j < d; j++) {
          s0 += x[o + j] * c[j];
          s1 += x[o + j] * c[d + j];
        }
        const label = n1 - 2 * s1 < n0 - 2 * s0 ? 1 : 0;
        if (labels[i] !== label) {
          labels[i] = label;
          changed = true;
        }
        if (!sums) continue;
        const wi = w ? w[i] : 1;
        cnt[label] += wi;
        for (let j = 0, t = label * d; j < d; j++) acc[t + j] += wi * x[o + j];
      }
    }
    if (!sums || one) continue;
    for (let k = 0; k < 2; k++) {
      if (pcount[k] === 0) continue;
      counts[k] += pcount[k];
      for (let t = k * d, e = t + d; t < e; t++) tot[t] += psum[t];
    }
  }
  return changed;
}

/**
 * One chunk of the pass in the plane without weights: the generic loop's
 * operations unrolled (1·x is x), two to three times faster in JavaScript.
 */
function planeChunk(
  x: Float64Array,
  labels: Int32Array,
  from: number,
  to: number,
  acc: Float64Array,
  cnt: Float64Array,
  c: Float64Array,
  n0: number,
  n1: number,
): boolean {
  const c00 = c[0], c01 = c[1], c10 = c[2], c11 = c[3];
  let changed = false;
  for (let i = from; i < to; i++) {
    const a = x[2 * i], b = x[2 * i + 1];
    const label = n1 - 2 * (a * c10 + b * c11) < n0 - 2 * (a * c00 + b * c01) ? 1 : 0;
    if (labels[i] !== label) {
      labels[i] = label;
      changed = true;
    }
    cnt[label] += 1;
    acc[2 * label] += a;
    acc[2 * label + 1] += b;
  }
  return changed;
}
