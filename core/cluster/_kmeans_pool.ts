/**
 * k-means steps on two cores, as scikit-learn
 * computes them: distances as ‖x‖² − 2x·c + ‖c‖² over chunks of 256
 * samples, with the product on our float32 WebAssembly kernel
 * (`core/wasm/gemm.ts`), and the chunks shared between the main thread and
 * a worker thread through a shared WebAssembly memory. The float32 product
 * only screens: rows it leaves in doubt are redone in float64 exactly as the
 * one-core code does (`_kmeans_jobs.ts`), so labels and k-means++ distances
 * are the one-core ones. The centre sums are accumulated per chunk and
 * added in chunk order, so results never depend on how the chunks were
 * shared. Where the screen does not pay ({@linkcode screenPays}: k-means++'s
 * candidates always, and the assignment wherever Hamerly's bounds run) the
 * chunks run the one-core float64 arithmetic directly, on WebAssembly
 * kernels; from 32 features the assignment skips the rows whose bounds
 * prove their label ({@linkcode boundsPay}), with the same results.
 *
 * The worker starts with the pool and takes chunks once it is up; until
 * then the main thread takes them all. One pool serves one fit and is
 * closed after it, which frees its memory.
 *
 * @module
 */
import { type Gemm, instantiateGemm } from "../wasm/gemm.ts";
import type { Matrix } from "../matrix.ts";
import { runChunks } from "./_kmeans_jobs.ts";
import { sqDist } from "../distance.ts";
import { awaitWorkers, startWorker, type WorkerHandle } from "../workers.ts";
import {
  CHUNK,
  F64_C2MAX,
  F64_CMAX,
  F64_MAXSHIFT,
  Job,
  layout,
  packedChunkFloats,
  pcountStride,
  psumStride,
  Slot,
  type Views,
  views,
} from "./_kmeans_protocol.ts";

/** The shared memory's limit: 32768 pages of 64 KiB, 2 GiB. */
const MAX_PAGES = 32768;
/**
 * Whether the float32 screen pays for a job over d features and k centres
 * (or candidates); otherwise the job runs the exact float64 kernels
 * (`Slot.Exact`, two centres per vector, up to twelve centres and two rows
 * at a time), behind Hamerly's bounds where {@linkcode boundsPay}. The
 * screen's product pads k to whole 8-column panels, needs the samples
 * packed in float32 first, and redoes doubtful rows exactly, so it never
 * pays for k-means++'s few candidates (2 + ⌊ln k⌋). For the assignment it
 * paid in high dimension only, and no longer pays against the bounds, which
 * skip most rows once the centres settle. Whole fits, in turn (ms):
 * - MNIST 20000 × 784, k = 10, nInit = 2: screen 2340 2694 2660, 2771 2729
 *   3105; exact with bounds 1718 1455 1465, 1526 1393 1300 (28% of rows
 *   computed). k = 40, nInit = 1: screen 3460–3500, bounds 2643–2719.
 * - blobs 20000 × 256 (std 10), k = 10, nInit = 10: screen 1309–1996,
 *   bounds 796–1087.
 * - Before the bounds (whole fits, assignment / candidates path): MNIST
 *   20000 × 784, k = 10, nInit = 2: exact/exact 3064 2704 2860,
 *   screen/exact 2781 2379 2554, screen/screen 2451 2722 2605; blobs
 *   60000 × d, k = 8, nInit = 4, d = 12: exact/exact 247 240, screen/exact
 *   384 410.
 */
export function screenPays(d: number, k: number, job: "assign" | "candidates"): boolean {
  return job === "assign" && !boundsPay(d) && d >= 200 && d * k >= 2000;
}

/**
 * Whether the exact assignment runs behind Hamerly's bounds
 * (`assignBounded` in `core/wasm/gemm.ts`): the same labels and sums, with
 * rows skipped once the centres settle, at the price of tracking each
 * row's second-nearest centre where it is computed (an assignment that
 * computes every row costs 1.1–1.25× the plain one), so `kmeans` turns
 * them on once at most 2% of a run's labels change. Whole fits, k = 10,
 * nInit = 10, blobs (std 10), warm, in turn (ms), without bounds / bounds
 * from each run's first step / the default: 60000 × 32 562–601 / 579–689
 * / 520–578; 60000 × 64 1337–1518 / 931–1063 / 894–1024; 20000 × 192
 * 1029–1052 / 624–777 / 601–651. With bounds from the first step, 60000 ×
 * 16 (std 6) took 444–600 against 473–615 without, and 60000 × 48 667–878
 * against 941–1209.
 */
export function boundsPay(d: number): boolean {
  return boundsAllowed !== "off" && d >= BOUNDS_MIN_D;
}

/** Features from which the assignment runs behind bounds (where they began to pay). */
const BOUNDS_MIN_D = 32;
/** `"always"` (tests): bounds from a run's first assignment, not once few labels change. */
let boundsAllowed: "auto" | "always" | "off" = "auto";

/** Below this n·d·k the one-core code is as fast. */
const MIN_WORK = 1e6;
/**
 * Below this n·d·k·runs the exact (low-dimension) steps do not pay for
 * starting the worker, and the pool runs them on the calling thread alone:
 * a Gaussian mixture's one k-means start on 10,000 × 10 (k = 10, 1e6) took
 * 0.30–0.35 s with the worker against 0.23 s without it (fresh processes);
 * warm, 26–31 ms with the worker, 11 ms on this thread's WebAssembly
 * kernels, 25 ms in the one-core JavaScript.
 */
const MIN_EXACT_WORK = 1.5e6;

let allowed = true;
let workerAllowed = true;
type Path = "auto" | "exact" | "screen";
let forced: { assign: Path; candidates: Path } = { assign: "auto", candidates: "auto" };

/**
 * Lets k-means use the two-core steps (the default) or not, and with them
 * the worker thread or not, and the float32 screen where it pays
 * (`"auto"`, {@linkcode screenPays}) or always or never, for both jobs or
 * separately for the assignment and k-means++'s candidates, and Hamerly's
 * bounds in the exact assignment where they pay ({@linkcode boundsPay}) or
 * never. Results are the same either way (tests check it).
 */
export function useKMeansPool(
  on: boolean,
  worker = true,
  path: Path | { assign: Path; candidates: Path } = "auto",
  bounds: "auto" | "always" | "off" = "auto",
): void {
  boundsAllowed = bounds;
  allowed = on;
  workerAllowed = worker;
  forced = typeof path === "string" ? { assign: path, candidates: path } : path;
}

/** Statistics of the last closed pool, for tests and reports. */
export const lastPoolStats = {
  jobs: 0,
  workerChunks: 0,
  /** Rows redone exactly by k-means++ candidate jobs and by assignment jobs. */
  fallbacks: { candidates: 0, assign: 0 },
  /** Rows screened by k-means++ candidate jobs (rows × candidates) and by assignment jobs. */
  rows: { candidates: 0, assign: 0 },
  /** Rows of the bounded assignments (`boundsPay`), and those their bounds left to compute. */
  bounded: { rows: 0, computed: 0 },
};

/** The two-core steps of one fit. */
export class KMeansPool {
  readonly #gemm: Gemm;
  readonly #worker: WorkerHandle | undefined;
  /** Which jobs run the exact kernels rather than the float32 screen. */
  readonly #exact: { assign: boolean; candidates: boolean };
  readonly v: Views;
  /** The centred samples, in the shared memory (fill them in). */
  readonly X: Matrix;
  /** Whether a run's assignments use the bounds from its first (tests), not once few labels change. */
  readonly boundsFromStart = boundsAllowed === "always";
  /** Whether the assignments may run behind bounds: fixed for the pool's fit, as `prepare` computed the norms for it. */
  readonly #bounds: boolean;
  readonly #stats = {
    jobs: 0,
    fallbacks: { candidates: 0, assign: 0 },
    rows: { candidates: 0, assign: 0 },
    bounded: { rows: 0, computed: 0 },
  };

  private constructor(
    gemm: Gemm,
    v: Views,
    exact: { assign: boolean; candidates: boolean },
    worker?: WorkerHandle,
  ) {
    this.#gemm = gemm;
    this.#exact = exact;
    this.#bounds = exact.assign && boundsPay(v.header[Slot.D]);
    this.v = v;
    this.#worker = worker;
    this.X = { rows: v.header[Slot.N], cols: v.header[Slot.D], data: v.xc };
  }

  /**
   * A pool for n × d samples and at most `kMax` centres (over `runs`
   * starts), or undefined when the problem is small, too large for the memory, or the
   * engine lacks relaxed SIMD.
   */
  static create(
    n: number,
    d: number,
    kMax: number,
    weights?: Float64Array,
    runs = 1,
  ): KMeansPool | undefined {
    if (!allowed || n * d * kMax < MIN_WORK || n < 2 * CHUNK) return undefined;
    const exactFor = (job: "assign" | "candidates") =>
      forced[job] === "auto" ? !screenPays(d, kMax, job) : forced[job] === "exact";
    const exact = { assign: exactFor("assign"), candidates: exactFor("candidates") };
    // Small exact fits run on this thread alone: the worker's start costs
    // more than it saves there, the WebAssembly kernels still pay.
    const alone = exact.assign && n * d * kMax * runs < MIN_EXACT_WORK;
    let memory: WebAssembly.Memory;
    try {
      const probe = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
      const gemm = instantiateGemm(probe, true);
      if (!gemm) return undefined;
      const workBytes = gemm.workBytes(CHUNK, kMax, d);
      const end = layout(n, d, kMax, workBytes).end;
      if (end > MAX_PAGES * 65536) return undefined;
      memory = new WebAssembly.Memory({
        initial: Math.ceil(end / 65536),
        maximum: MAX_PAGES,
        shared: true,
      });
      const v = views(memory.buffer, n, d, kMax, workBytes);
      const h = v.header;
      h[Slot.N] = n;
      h[Slot.D] = d;
      h[Slot.KMax] = kMax;
      h[Slot.WorkBytes] = workBytes;
      h[Slot.Weighted] = weights ? 1 : 0;
      h[Slot.Chunk] = CHUNK;
      if (weights) v.w.set(weights);
      // Where no worker can start (a browser's main thread, Node), the
      // calling thread takes every chunk: the same results on one core.
      const worker = workerAllowed && !alone
        ? startWorker(new URL("./_kmeans_worker.ts", import.meta.url), { memory }, {
          wake: () => {
            Atomics.store(h, Slot.Stop, 1);
            Atomics.add(h, Slot.Gen, 1);
            Atomics.notify(h, Slot.Gen);
          },
        })
        : undefined;
      return new KMeansPool(instantiateGemm(memory, true)!, v, exact, worker);
    } catch {
      return undefined; // out of memory: the one-core code runs
    }
  }

  /** After the samples are filled in: their norms and float32 copy, packed per chunk, where a job needs them. */
  prepare(): void {
    const { xc, xsq, xnorm, stage, offsets } = this.v;
    const n = this.X.rows, d = this.X.cols;
    const screens = !this.#exact.assign || !this.#exact.candidates;
    if (!screens && !this.#bounds) return; // only the bounds and the screen use them
    for (let i = 0; i < this.X.rows; i++) {
      let s = 0;
      for (let k = i * d, e = k + d; k < e; k++) s += xc[k] * xc[k];
      xsq[i] = s;
      xnorm[i] = Math.sqrt(s);
    }
    if (!screens) return;
    for (let from = 0, c = 0; from < n; from += CHUNK, c++) {
      const m = Math.min(CHUNK, n - from);
      stage.set(xc.subarray(from * d, (from + m) * d));
      this.#gemm.packA(m, d, offsets.stage, d, 1, offsets.xp + 4 * c * packedChunkFloats(d));
    }
  }

  /** Makes the rows of `C` (at most kMax) the centres of the next job. */
  #setCenters(C: Float64Array, k: number): void {
    const v = this.v, d = this.X.cols;
    v.c.set(C.subarray(0, k * d));
    v.cf.set(C.subarray(0, k * d));
    let cmax = 0, c2max = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = j * d, e = t + d; t < e; t++) s += C[t] * C[t];
      v.csq[j] = s;
      v.cnorm[j] = Math.sqrt(s);
      cmax = Math.max(cmax, v.cnorm[j]);
      c2max = Math.max(c2max, s);
    }
    if (this.#exact.assign || this.#exact.candidates) {
      // The exact jobs' layouts: feature t of centres 2p and 2p + 1 side by
      // side, pair by pair (ct) and feature by feature (cta).
      const { ct, cta, csqp } = v, pairs = Math.ceil(k / 2);
      for (let p = 0; p < pairs; p++) {
        for (let lane = 0; lane < 2; lane++) {
          const j = 2 * p + lane;
          for (let t = 0; t < d; t++) {
            const c = j < k ? C[j * d + t] : 0;
            ct[2 * (p * d + t) + lane] = c;
            cta[2 * (t * pairs + p) + lane] = c;
          }
          csqp[2 * p + lane] = j < k ? v.csq[j] : Infinity;
        }
      }
    }
    v.f64[F64_CMAX] = cmax;
    v.f64[F64_C2MAX] = c2max;
    v.header[Slot.K] = k;
  }

  /** Runs a job over all rows on both threads and returns when every chunk is done. */
  #run(job: number): void {
    const h = this.v.header;
    h[Slot.Job] = job;
    h[Slot.Exact] = (job === Job.Assign ? this.#exact.assign : this.#exact.candidates) ? 1 : 0;
    Atomics.store(h, Slot.Fallbacks, 0);
    Atomics.store(h, Slot.Next, 0);
    if (this.#worker?.running) {
      Atomics.add(h, Slot.Gen, 1);
      Atomics.notify(h, Slot.Gen);
    }
    runChunks(this.v, this.#gemm, 0);
    awaitWorkers(h, Slot.Active);
    this.#stats.jobs++;
    const kind = job === Job.Assign ? "assign" : job === Job.Candidates ? "candidates" : undefined;
    if (kind === "assign" && h[Slot.Exact] && h[Slot.Bounds] > 0) {
      this.#stats.bounded.rows += h[Slot.N];
      this.#stats.bounded.computed += Atomics.load(h, Slot.Fallbacks);
    } else if (kind) {
      this.#stats.rows[kind] += h[Slot.N] * (kind === "candidates" ? h[Slot.K] : 1);
      this.#stats.fallbacks[kind] += Atomics.load(h, Slot.Fallbacks);
    }
  }

  /** closest[i] = wᵢ‖xᵢ − x_first‖², exactly as the one-core k-means++. */
  first(first: number, closest: Float64Array): void {
    if (this.#exact.candidates) {
      // The candidates job with no chosen centre yet: min(∞, wᵢ‖xᵢ − x_first‖²).
      this.v.closest.fill(Infinity);
      closest.set(this.candidateViews(Int32Array.of(first))[0]);
      return;
    }
    this.v.header[Slot.Ids] = first;
    this.#run(Job.First);
    closest.set(this.v.closest);
  }

  /**
   * For each candidate sample `ids[t]`: out[t][i] = min(closest[i],
   * wᵢ‖xᵢ − x_{ids[t]}‖²), exactly as the one-core k-means++.
   */
  candidates(ids: Int32Array, closest: Float64Array, out: Float64Array[]): void {
    const views = this.candidateViews(ids, closest);
    for (let t = 0; t < ids.length; t++) out[t].set(views[t]);
  }

  /**
   * {@linkcode KMeansPool.candidates} into the pool's own memory (views valid
   * until the next job); without `closest`, the pool's current one.
   */
  candidateViews(ids: Int32Array, closest?: Float64Array): Float64Array<ArrayBufferLike>[] {
    const v = this.v, d = this.X.cols, n = this.X.rows, k = ids.length;
    const rows = new Float64Array(k * d);
    for (let t = 0; t < k; t++) {
      rows.set(v.xc.subarray(ids[t] * d, (ids[t] + 1) * d), t * d);
      v.header[Slot.Ids + t] = ids[t];
    }
    this.#setCenters(rows, k);
    if (closest) v.closest.set(closest);
    this.#run(Job.Candidates);
    return Array.from({ length: k }, (_, t) => v.cand.subarray(t * n, (t + 1) * n));
  }

  /**
   * Assigns every sample to its nearest centre of `centers` (labels in
   * `labels`, exactly as the one-core step) and writes each cluster's
   * (weighted) sum of samples into `sums` and its weight into `counts`.
   * With `bounds` (where {@linkcode boundsPay}), behind Hamerly's bounds:
   * `"fresh"` sets them from every row, and the centres' shifts since the
   * last assignment (which had bounds) move them; the results are the same.
   */
  assign(
    centers: Matrix,
    labels: Int32Array,
    sums: Float64Array,
    counts: Float64Array,
    bounds: "off" | "fresh" | Float64Array = "off",
  ): void {
    const v = this.v, k = centers.rows, d = this.X.cols, kMax = v.header[Slot.KMax];
    this.#setCenters(centers.data, k);
    const bounded = bounds !== "off" && this.#bounds;
    const shift = typeof bounds === "string" ? undefined : bounds;
    v.header[Slot.Bounds] = bounded ? (shift ? 2 : 1) : 0;
    if (bounded) {
      let most = 0;
      for (let j = 0; j < k; j++) {
        const s = shift ? shift[j] : 0;
        v.shift[j] = s;
        if (s > most) most = s;
        let near = Infinity;
        for (let b = 0; b < k; b++) {
          if (b !== j) near = Math.min(near, sqDist(centers, j, centers, b));
        }
        v.half[j] = Math.sqrt(near) / 2;
      }
      v.f64[F64_MAXSHIFT] = most;
    }
    this.#run(Job.Assign);
    labels.set(v.labels);
    sums.fill(0);
    counts.fill(0);
    for (let c = 0; c < v.offsets.chunks; c++) {
      const po = c * psumStride(kMax, d), co = c * pcountStride(kMax);
      for (let t = 0; t < k * d; t++) sums[t] += v.psum[po + t];
      for (let j = 0; j < k; j++) counts[j] += v.pcount[co + j];
    }
  }

  /** Stops the worker and lets the memory go. */
  close(): void {
    const h = this.v.header;
    lastPoolStats.jobs = this.#stats.jobs;
    lastPoolStats.fallbacks = { ...this.#stats.fallbacks };
    lastPoolStats.rows = { ...this.#stats.rows };
    lastPoolStats.bounded = { ...this.#stats.bounded };
    lastPoolStats.workerChunks = Atomics.load(h, Slot.WorkerChunks);
    this.#worker?.stop();
  }
}
