/**
 * UMAP's SGD epochs on a WebAssembly kernel (`core/wasm/umap_sgd.wat`): the
 * float64 arithmetic of `_umap_layout.ts`'s `epochAny`, operation for
 * operation and with core/math.ts's `powPositive` and tables, so the same
 * bits in every engine. On N2D's 10-d layout of 70,000 rows, 59 epochs
 * took 15.8–17.1 s against 26.7–29.4 s for the JavaScript loop (in turn,
 * one process); in 2-D they are level (2.8–3.7 s against 2.8–4.1 s).
 * Each negative sample waits on the previous one (both move the same
 * row), so one head's steps are a chain of dependent operations (about
 * 100 ns a sample in 10-d on 70,000 rows). The kernel runs two heads'
 * blocks of steps interleaved whenever neither writes a row the other
 * touches, which keeps the sequential order's bits and overlaps the two
 * chains: the SGD of 20,000 × 50 to 2-D took 6.7–6.9 s against 8.75 s
 * one block at a time, 70,000 × 10 to 10-D 50–52 s against 56 s.
 * Private helper of `_umap_layout.ts`; the JavaScript epochs remain for
 * engines without WebAssembly (and as the tests' reference).
 *
 * @module
 */
import { exp, log, powTables } from "../math.ts";
import { UMAP_SGD_WASM } from "../wasm/umap_sgd_wasm.ts";

/** The arrays of one layout, copied into the kernel's memory. */
export interface SgdArrays {
  headEmb: Float64Array;
  tailEmb: Float64Array;
  head: Int32Array;
  tail: Int32Array;
  epochsPerSample: Float64Array;
  states: Int32Array;
}

/**
 * The per-edge schedules of umap-learn's SGD: epochs per negative sample
 * (`epns`), and the next epoch of each edge's sample (`eons`) and of its
 * negatives (`eonns`).
 */
export function fillSchedules(
  epochsPerSample: Float64Array,
  negativeSampleRate: number,
  epns: Float64Array,
  eons: Float64Array,
  eonns: Float64Array,
): void {
  for (let i = 0; i < epochsPerSample.length; i++) {
    epns[i] = epochsPerSample[i] / negativeSampleRate;
    eonns[i] = epns[i];
    eons[i] = epochsPerSample[i];
  }
}

/** The scalars of one layout. */
export interface SgdScalars {
  nVertices: number;
  dim: number;
  a: number;
  b: number;
  twoAB: number;
  twoGB: number;
  moveOther: boolean;
}

/** A layout loaded into the kernel: run epochs, then read the embedding back. */
export interface SgdKernel {
  epoch(n: number, alpha: number): void;
  /** Copies the (head) embedding back into `headEmb` (and `tailEmb` when moved) and frees the memory. */
  finish(): void;
}

const TABLES = 20480; // bytes of powTables, rounded up (the .wat's layout)
let module: WebAssembly.Module | null | undefined;
let enabled = true;

/** Lets the layout use the kernel (the default) or the JavaScript epochs; the same bits either way. */
export function useUmapSgdWasm(on: boolean): void {
  enabled = on;
}

function compiled(): WebAssembly.Module | null {
  if (module === undefined) {
    try {
      const bytes = Uint8Array.from(atob(UMAP_SGD_WASM), (c) => c.charCodeAt(0));
      module = new WebAssembly.Module(bytes);
    } catch {
      module = null;
    }
  }
  return module;
}

/** The kernel's copy of `powPositive` on a fresh instance (for the tests' bit comparison), or undefined. */
export function kernelPow(): ((x: number, y: number) => number) | undefined {
  const mod = compiled();
  if (!mod) return undefined;
  const memory = new WebAssembly.Memory({ initial: 1 });
  new Float64Array(memory.buffer, 0, TABLES / 8).set(powTables());
  const instance = new WebAssembly.Instance(mod, {
    env: { memory, powSlow: (x: number, y: number) => exp(y * log(x)) },
  });
  return instance.exports.pow as (x: number, y: number) => number;
}

/** The layout in the kernel's memory, or undefined without WebAssembly (or memory). */
export function sgdKernel(
  A: SgdArrays,
  S: SgdScalars,
  negativeSampleRate: number,
): SgdKernel | undefined {
  const mod = enabled ? compiled() : null;
  if (!mod) return undefined;
  const sameEmb = A.headEmb === A.tailEmb;
  const nEdges = A.head.length;
  let at = TABLES;
  const place = (bytes: number) => {
    const o = at;
    at += Math.ceil(bytes / 16) * 16;
    return o;
  };
  const oH = place(8 * A.headEmb.length);
  const oT = sameEmb ? oH : place(8 * A.tailEmb.length);
  const oEps = place(8 * nEdges), oEpns = place(8 * nEdges);
  const oEons = place(8 * nEdges), oEonns = place(8 * nEdges);
  const oHead = place(4 * nEdges), oTail = place(4 * nEdges);
  const oStates = place(4 * A.states.length);
  // Two stamps per row (the head rows, then the tail rows when they are
  // another array), and the scratch: two difference rows and two block
  // buffers (steps, then their rows) with room for a sample's steps to spare
  // (a sample has at most 2·rate + 1 negatives, see the .wat).
  const nHead = A.headEmb.length / S.dim;
  const nRows = sameEmb ? nHead : nHead + A.tailEmb.length / S.dim;
  const oStamps = place(8 * nRows);
  const room = 2 * Math.ceil(negativeSampleRate) + 4;
  const cap = Math.max(4096, 2 * room);
  const oSc = place(48 + 16 * S.dim + 16 * cap);
  let memory: WebAssembly.Memory;
  let epoch: (...args: number[]) => void;
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil(at / 65536) });
    const instance = new WebAssembly.Instance(mod, {
      env: { memory, powSlow: (x: number, y: number) => exp(y * log(x)) },
    });
    epoch = instance.exports.epoch as typeof epoch;
  } catch {
    return undefined; // out of memory: the JavaScript epochs run
  }
  const buf = memory.buffer;
  new Float64Array(buf, 0, TABLES / 8).set(powTables());
  const f64 = (o: number, a: Float64Array) => {
    const v = new Float64Array(buf, o, a.length);
    v.set(a);
    return v;
  };
  const H = f64(oH, A.headEmb);
  const T = sameEmb ? H : f64(oT, A.tailEmb);
  fillSchedules(
    f64(oEps, A.epochsPerSample),
    negativeSampleRate,
    new Float64Array(buf, oEpns, nEdges),
    new Float64Array(buf, oEons, nEdges),
    new Float64Array(buf, oEonns, nEdges),
  );
  new Int32Array(buf, oHead, nEdges).set(A.head);
  new Int32Array(buf, oTail, nEdges).set(A.tail);
  new Int32Array(buf, oStates, A.states.length).set(A.states);
  const stamps = new Int32Array(buf, oStamps, 2 * nRows);
  const last = new Int32Array(buf, oSc + 8, 1); // the last block's number
  return {
    epoch(n, alpha) {
      if (last[0] > 2 ** 30) {
        stamps.fill(0);
        last[0] = 0;
      }
      epoch(
        nEdges,
        n,
        alpha,
        S.dim,
        S.nVertices,
        S.a,
        S.b,
        S.twoAB,
        S.twoGB,
        S.moveOther ? 1 : 0,
        oH,
        oT,
        oHead,
        oTail,
        oEps,
        oEpns,
        oEons,
        oEonns,
        oStates,
        oStamps,
        sameEmb ? 0 : nHead,
        oSc,
        cap,
        room,
      );
    },
    finish() {
      A.headEmb.set(H);
      if (!sameEmb && S.moveOther) A.tailEmb.set(T);
    },
  };
}
