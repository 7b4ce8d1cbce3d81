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
 *
 * Where a second core can be used (`../workers.ts`) and the layout is
 * large and has 8 dimensions or more, the blocks run on two threads: this
 * one plans them (gathers their steps, and finds for each the latest
 * earlier block that writes a row it touches or reads a row it writes),
 * and both run them, a block only once every block up to that one has
 * ended. So blocks whose order matters keep the sequential order, and the
 * bits are the one-thread kernel's whichever thread ran what. A thread
 * touches a block's rows before its steps, so that their cache misses
 * overlap. In 10-D the epochs took 0.78–0.80× the one-thread time on
 * 20,000 rows and 0.56× on 70,000 (epoch by epoch in turn); in 2-D they
 * were slower (1.08–1.28×), the rows being shared between the cores for
 * steps that short.
 *
 * So below 8 dimensions (from 2,000 rows) the helper only plans: it
 * gathers every epoch's blocks ahead into the ring, with their deps, and
 * this thread runs them in order, two side by side as the one-thread
 * kernel does, a block beside the other only when its dep is below that
 * one's id (the one-thread kernel's test, so its bits). Planning, which
 * never reads the embedding, was a fifth to a third of the one-thread
 * epochs: 20,000 × 50 to 2-D took 5.8–6.2 s of SGD against 7.2 s on one
 * thread, and 5.2–5.4 s once this thread stopped touching a block's rows
 * first (its rows fit in the cache; on 70,000 rows the touches changed
 * nothing either: 15.4–15.5 s against 15.8–15.9 s, one thread 24.7 s).
 *
 * Private helper of `_umap_layout.ts`; the JavaScript epochs remain for
 * engines without WebAssembly (and as the tests' reference).
 *
 * @module
 */
import { exp, log, powTables } from "../math.ts";
import { UMAP_SGD_WASM, UMAP_SGD_WASM_SHARED } from "../wasm/umap_sgd_wasm.ts";
import { compileBase64 } from "../wasm/module.ts";
import { startWorker, twoCores, type WorkerHandle } from "../workers.ts";

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

/** The helper thread's module (one `new URL` for both kinds of helper: the bundler rewrites it). */
const helperUrl = () => new URL("./_umap_sgd_worker.ts", import.meta.url);

const TABLES = 20480; // bytes of powTables, rounded up (the .wat's layout)
const modules = new Map<boolean, WebAssembly.Module | null>();
let enabled = true;

/**
 * The two-thread epochs' control slots (int32 indices at `ctl`, see the
 * .wat): the next block to take, the next to plan, each thread's current
 * block (INF when it holds none), the helper's count of blocks, the stop
 * flag, whether the helper is up, and whether it threw (both set by
 * `_umap_sgd_worker.ts`; a thread waiting on the other traps on the last).
 */
export const Ctl = {
  Next: 0,
  Planned: 16,
  Cur0: 32,
  Cur1: 48,
  Helper: 50,
  Stop: 64,
  Ready: 68,
  Failed: 69,
  /** Planning on the helper (`plan`/`epochRun`): the calling thread's watermark and next id. */
  RunLow: 32,
  RunNext: 33,
  /** …the ring's next free byte (the helper's), the first epoch to plan plus one, and whether `plan` returned. */
  PlanSp: 51,
  Go: 70,
  Ended: 71,
} as const;
/** Block headers in the ring (a power of two). */
const HEADERS = 1024;
/** Below this many edge-epochs the helper's start (about 0.1 s) does not pay. */
const MIN_THREAD_WORK = 2_000_000;
/**
 * Two threads pay from this many dimensions and rows (measured, in turn
 * epoch by epoch: 0.78–0.80× the one-thread kernel's time on 20,000 rows
 * in 10-d, 0.56× on 70,000; in 2-D 1.08–1.28×, the rows being shared too
 * often between the cores for steps that short).
 */
const MIN_THREAD_DIM = 8, MIN_THREAD_ROWS = 15_000;
/** Below 8 dimensions, the helper plans the blocks from this many rows (measured, see the module's text). */
const MIN_PLAN_ROWS = 2_000;
let threadMode: "auto" | "always" | "never" = "auto";

/**
 * Whether the kernel's epochs use a second thread: by size (`"auto"`, the
 * default), whenever a second core can be used (`"always"`, for the tests,
 * which then also wait for the helper to be up before the first epoch), or
 * never. From 8 dimensions both threads run blocks; below, the helper plans
 * them and the calling thread runs them. The same bits in every case.
 */
export function useUmapSgdThreads(mode: "auto" | "always" | "never"): void {
  threadMode = mode;
}
/** Blocks the helper thread ran (or, planning, planned) in the last two-thread layout (for tests and reports). */
export let lastHelperBlocks = 0;

let helperFault = false;
/**
 * For the tests: the next two-thread layouts' helper takes one block and
 * throws instead of running it, as a trap in its kernel would, so that
 * the calling thread's way out of waiting for that block is exercised.
 */
export function injectUmapSgdHelperFault(on: boolean): void {
  helperFault = on;
}

/** Lets the layout use the kernel (the default) or the JavaScript epochs; the same bits either way. */
export function useUmapSgdWasm(on: boolean): void {
  enabled = on;
}

/** The kernel's module on an ordinary memory, or (`shared`) on a shared one; null where it cannot compile. */
export function compiled(shared = false): WebAssembly.Module | null {
  if (!modules.has(shared)) {
    modules.set(shared, compileBase64(shared ? UMAP_SGD_WASM_SHARED : UMAP_SGD_WASM));
  }
  return modules.get(shared)!;
}

/** The kernel's imports on `memory`. */
export function kernelImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return { env: { memory, powSlow: (x: number, y: number) => exp(y * log(x)) } };
}

/** The kernel's copy of `powPositive` on a fresh instance (for the tests' bit comparison), or undefined. */
export function kernelPow(): ((x: number, y: number) => number) | undefined {
  const mod = compiled();
  if (!mod) return undefined;
  const memory = new WebAssembly.Memory({ initial: 1 });
  new Float64Array(memory.buffer, 0, TABLES / 8).set(powTables());
  const instance = new WebAssembly.Instance(mod, kernelImports(memory));
  return instance.exports.pow as (x: number, y: number) => number;
}

/**
 * The layout in the kernel's memory, or undefined without WebAssembly (or
 * memory). Where {@linkcode useUmapSgdThreads} and {@linkcode twoCores}
 * allow it and the layout is large enough (`work`: the edges times the
 * epochs), the epochs run on the calling thread and a helper
 * (`_umap_sgd_worker.ts`) sharing the memory; the same bits either way.
 */
export function sgdKernel(
  A: SgdArrays,
  S: SgdScalars,
  negativeSampleRate: number,
  nEpochs: number,
): SgdKernel | undefined {
  const nEdges = A.head.length, work = nEdges * nEpochs;
  const wide = S.dim >= MIN_THREAD_DIM;
  const big = work >= MIN_THREAD_WORK &&
    (wide ? S.nVertices >= MIN_THREAD_ROWS : S.nVertices >= MIN_PLAN_ROWS);
  // (the gather's room for a sample's steps, and a block's capacity; see below)
  const room = 2 * Math.ceil(negativeSampleRate) + 4;
  const cap = Math.max(4096, 2 * room);
  // Planning ahead numbers every block of the layout, and ids must stay
  // below 2^30. An epoch's blocks are at most its end's header, one per run
  // of edges that share a head, and one per cap − room steps beyond (a
  // sampled edge makes at most `room` steps).
  const fewBlocks = () => {
    let runs = nEdges > 0 ? 1 : 0;
    for (let i = 1; i < nEdges; i++) if (A.head[i] !== A.head[i - 1]) runs++;
    return nEpochs * (1 + runs + Math.ceil((nEdges * room) / (cap - room))) < 2 ** 30;
  };
  const wantThreads = enabled && (threadMode === "always" || (threadMode === "auto" && big)) &&
    twoCores() && compiled(true) !== null && (wide || fewBlocks());
  const planAhead = wantThreads && !wide;
  const mod = enabled ? compiled(wantThreads) : null;
  if (!mod) return undefined;
  const sameEmb = A.headEmb === A.tailEmb;
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
  const oSc = place(48 + 16 * S.dim + 16 * cap);
  // Two threads: the control slots, the block headers, the ring of planned
  // steps, and the helper's difference row.
  const ringBytes = Math.max(1 << 18, 32 * cap);
  const oCtl = wantThreads ? (place(320 + 48) + 48) & ~63 : 0; // cache-line aligned
  const oHdr = wantThreads ? place(16 * HEADERS) : 0;
  const oRing = wantThreads ? place(ringBytes) : 0;
  const oDiff1 = wantThreads ? place(8 * S.dim) : 0;
  const oPlanSc = planAhead ? place(48 + 4 * cap) : 0; // the planning helper's scratch and rows
  let memory: WebAssembly.Memory;
  let exports: WebAssembly.Exports;
  try {
    const pages = Math.ceil(at / 65536);
    memory = new WebAssembly.Memory(
      wantThreads ? { initial: pages, maximum: pages, shared: true } : { initial: pages },
    );
    exports = new WebAssembly.Instance(mod, kernelImports(memory)).exports;
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
  const args = (n: number, alpha: number) => [
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
  ];
  const finish = () => {
    A.headEmb.set(H);
    if (!sameEmb && S.moveOther) A.tailEmb.set(T);
  };
  const epochOne = exports.epoch as (...args: number[]) => void;
  const last = new Int32Array(buf, oSc + 8, 1); // the last block's number
  const oneEpoch = (n: number, alpha: number) => {
    if (last[0] > 2 ** 30) {
      stamps.fill(0);
      last[0] = 0;
    }
    epochOne(...args(n, alpha));
  };
  if (!wantThreads) return { epoch: oneEpoch, finish };
  const ctl = new Int32Array(buf, oCtl, 80);
  const failed = (e: unknown) => {
    // (the kernel traps when the helper failed or was stopped: blocks that
    // it took, or was to plan, never end)
    if (Atomics.load(ctl, Ctl.Failed) !== 0) {
      return new Error(
        "Cannot lay out UMAP's embedding as its second thread failed in an epoch, which is left unfinished",
      );
    }
    if (Atomics.load(ctl, Ctl.Stop) !== 0 || Atomics.load(ctl, Ctl.Ended) !== 0) {
      return new Error(
        "Cannot lay out UMAP's embedding as its second thread was stopped (stopAllWorkers) before the layout ended, which leaves an epoch unfinished",
      );
    }
    return e;
  };
  const wake = () => {
    // (each slot a helper may sleep on: `serve` on planned; the planner on
    // go before it starts, then on the watermark while the ring is full)
    Atomics.store(ctl, Ctl.Stop, 1);
    Atomics.notify(ctl, Ctl.Planned);
    Atomics.notify(ctl, Ctl.Go);
    Atomics.notify(ctl, Ctl.RunLow);
  };
  const awaitHelper = () => {
    // The tests' layouts end before a worker is up: wait for it (at most 5 s).
    for (let t = 0; t < 100 && Atomics.load(ctl, Ctl.Ready) === 0; t++) {
      Atomics.wait(ctl, Ctl.Ready, 0, 50);
    }
  };
  if (planAhead) {
    // The helper plans every epoch's blocks from the first epoch after it is
    // up; until then this thread runs whole epochs alone.
    const helper = startWorker(
      helperUrl(),
      {
        memory,
        ctl: oCtl,
        plan: true,
        args: [
          nEdges,
          0, // the first epoch, from `Go`
          nEpochs,
          S.dim,
          S.nVertices,
          S.moveOther ? 1 : 0,
          ...args(0, 0).slice(10, 21),
          oPlanSc,
          cap,
          room,
          oCtl,
          oHdr,
          HEADERS - 1,
          oRing,
          ringBytes,
          oPlanSc + 48,
        ],
        fault: helperFault,
      },
      { wake },
    );
    if (helper && threadMode === "always") awaitHelper();
    const epochRun = exports.epochRun as (...args: number[]) => void;
    let planned = false, from = 0, next = 0;
    return {
      epoch(n, alpha) {
        // (the helper plans the epochs from the first it is given, in order)
        if (n !== next++ || n >= nEpochs) {
          throw new Error(
            `Cannot run UMAP's epoch ${n} out of order: epoch ${next - 1} of ${nEpochs} was next`,
          );
        }
        if (!planned && helper?.running && Atomics.load(ctl, Ctl.Ready) === 1) {
          stamps.fill(0); // block ids from 1: a stamp of 0 is no block
          ctl[Ctl.Planned] = ctl[Ctl.RunNext] = 1;
          ctl[Ctl.PlanSp] = 0;
          Atomics.store(ctl, Ctl.RunLow, 1);
          Atomics.store(ctl, Ctl.Go, n + 1);
          Atomics.notify(ctl, Ctl.Go);
          planned = true;
          from = n;
        }
        if (!planned) return oneEpoch(n, alpha);
        try {
          epochRun(
            S.dim,
            alpha,
            S.a,
            S.b,
            S.twoAB,
            S.twoGB,
            S.moveOther ? 1 : 0,
            oSc,
            oCtl,
            oHdr,
            HEADERS - 1,
          );
        } catch (e) {
          throw failed(e);
        }
      },
      finish() {
        // (the blocks it planned, less each epoch's end header)
        lastHelperBlocks = planned ? Atomics.load(ctl, Ctl.Planned) - 1 - (nEpochs - from) : 0;
        helper?.stop();
        finish();
      },
    };
  }
  const epochPar = exports.epochPar as (...args: number[]) => void;
  const restart = () => {
    stamps.fill(0);
    ctl[Ctl.Next] = ctl[Ctl.Planned] = 1; // ids from 1: a stamp of 0 is no block
  };
  restart();
  ctl[Ctl.Cur0] = ctl[Ctl.Cur1] = 0x7fffffff;
  const helper: WorkerHandle | undefined = startWorker(
    helperUrl(),
    {
      memory,
      ctl: oCtl,
      plan: false,
      args: [
        oCtl,
        oHdr,
        HEADERS - 1,
        oDiff1,
        S.dim,
        S.a,
        S.b,
        S.twoAB,
        S.twoGB,
        S.moveOther ? 1 : 0,
      ],
      fault: helperFault,
    },
    { wake },
  );
  if (helper && threadMode === "always") awaitHelper();
  return {
    epoch(n, alpha) {
      if (Atomics.load(ctl, Ctl.Planned) > 2 ** 30) restart(); // every block has ended
      try {
        epochPar(
          ...args(n, alpha),
          oCtl,
          oHdr,
          HEADERS - 1,
          oRing,
          ringBytes,
          oSc + 48 + 16 * S.dim,
        );
      } catch (e) {
        throw failed(e);
      }
    },
    finish() {
      lastHelperBlocks = Atomics.load(ctl, Ctl.Helper);
      helper?.stop();
      finish();
    },
  };
}
