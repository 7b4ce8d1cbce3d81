/**
 * The shared memory of the two-core k-means steps (`_kmeans_pool.ts`, its
 * worker `_kmeans_worker.ts`, and the chunk jobs both run,
 * `_kmeans_jobs.ts`): a header of Int32 slots and float64 values, then the
 * data of one fit. Both sides compute the same offsets from the sizes in
 * the header.
 *
 * @module
 */

/** Header slots (Int32 indices). */
export const Slot = {
  /** Bumped by the main thread for each job; the worker waits on it. */
  Gen: 0,
  /** The next row to take; both threads add the chunk size to it. */
  Next: 1,
  /** Threads inside a job: the main thread waits for 0. */
  Active: 2,
  /** Set to 1 to stop the worker. */
  Stop: 3,
  /** Chunks the worker has computed so far (for tests and reports). */
  WorkerChunks: 4,
  /** Which job: a {@linkcode Job}. */
  Job: 5,
  /** Samples n. */
  N: 6,
  /** Features d. */
  D: 7,
  /** Centres (or candidates) of this job, at most `KMax`. */
  K: 8,
  /** Capacity of the centre arrays. */
  KMax: 9,
  /** 1 when samples are weighted. */
  Weighted: 10,
  /** Rows per chunk. */
  Chunk: 11,
  /** Bytes of gemm scratch per thread. */
  WorkBytes: 12,
  /** 1 when the jobs run in exact float64 (low dimension), without the float32 screen. */
  Exact: 13,
  /** Exact fallbacks taken by the current job (summed over both threads); rows computed by a bounded assignment. */
  Fallbacks: 14,
  /**
   * Assignment jobs: 0 without bounds, 1 with bounds set afresh (every row
   * computed), 2 with the bounds of the last assignment moved by the shifts.
   */
  Bounds: 15,
  /**
   * Candidate sample indices of a `Candidates` job, from this slot on:
   * k-means++'s 2 + ⌊ln k⌋ (room for 32, up to the float64 values).
   */
  Ids: 16,
} as const;

/** The jobs, each over all n rows in chunks. */
export const Job = {
  /** closest[i] = wᵢ‖xᵢ − x_{ids[0]}‖², exactly. */
  First: 0,
  /** cand[t·n + i] = min(closest[i], wᵢ‖xᵢ − x_{ids[t]}‖²), exactly. */
  Candidates: 1,
  /** labels[i] = the nearest centre, exactly; per-chunk sums and weights of each cluster. */
  Assign: 2,
} as const;

/** Bytes of the header (slots, then `Ids`, then the float64 values). */
export const HEADER_BYTES = 256;
/** Float64 index in the header of max_j ‖c_j‖ for the current job. */
export const F64_CMAX = 24;
/** Float64 index of max_j ‖c_j‖². */
export const F64_C2MAX = 25;
/** Float64 index of max_j of the centres' last shifts (bounded assignments). */
export const F64_MAXSHIFT = 26;

/** Rows per chunk (scikit-learn's chunk size too). */
export const CHUNK = 256;

/** Rows of a packed tile of the product's A (`TILE_ROWS` of `core/wasm/gemm.ts`). */
const MR = 6;
/** Floats of one chunk of samples packed for `gemmPacked` (the last chunk holds fewer). */
export const packedChunkFloats = (d: number) => Math.ceil(CHUNK / MR) * MR * d;

/** Bytes of a cache line: each array starts on one, so the two threads never share a line across arrays. */
const LINE = 64;
const upLine = (bytes: number) => LINE * Math.ceil(bytes / LINE);

/**
 * Float64 stride of one chunk's centre sums (`kMax·d`, rounded up to whole
 * cache lines), so that chunks computed by different threads at the same
 * time never write the same cache line (false sharing doubled the
 * two-thread time of the 2-d assignment).
 */
export const psumStride = (kMax: number, d: number) => 8 * Math.ceil((kMax * d) / 8);
/** Float64 stride of one chunk's cluster weights (`kMax`, in whole cache lines). */
export const pcountStride = (kMax: number) => 8 * Math.ceil(kMax / 8);

/**
 * Byte offsets of the arrays for n samples of d features, at most `kMax`
 * centres, and `workBytes` of gemm scratch per thread; `end` is the bytes
 * needed.
 */
export function layout(n: number, d: number, kMax: number, workBytes: number) {
  const chunks = Math.ceil(n / CHUNK);
  const pairs = Math.ceil(kMax / 2);
  let at = HEADER_BYTES;
  const take = (bytes: number) => {
    const o = at;
    at += upLine(bytes);
    return o;
  };
  const o = {
    xc: take(8 * n * d), // centred samples, float64
    xp: take(4 * chunks * packedChunkFloats(d)), // the same in float32, packed per chunk
    stage: take(4 * CHUNK * d), // one chunk in float32 before packing
    xsq: take(8 * n), // ‖xᵢ‖²
    xnorm: take(8 * n), // ‖xᵢ‖
    w: take(8 * n), // weights
    c: take(8 * kMax * d), // centres, float64
    cf: take(4 * kMax * d), // the same in float32
    ct: take(16 * pairs * d), // centres transposed in pairs, pair by pair (exact candidates)
    cta: take(16 * pairs * d), // the same feature by feature (exact assignments)
    csqp: take(16 * pairs), // ‖c_j‖² in pairs (+∞ pads an odd k)
    csq: take(8 * kMax), // ‖c_j‖²
    cnorm: take(8 * kMax), // ‖c_j‖
    labels: take(4 * n),
    bnd: take(16 * n), // each row's bounds U and L (bounded assignments)
    shift: take(8 * kMax), // each centre's last shift
    half: take(8 * kMax), // half the distance from each centre to the nearest other
    psum: take(8 * chunks * psumStride(kMax, d)), // per-chunk sums of each cluster's samples
    pcount: take(8 * chunks * pcountStride(kMax)), // per-chunk weights of each cluster
    closest: take(8 * n),
    cand: take(8 * kMax * n),
    s0: take(4 * CHUNK * kMax), // each thread's products of a chunk
    s1: take(4 * CHUNK * kMax),
    list0: take(4 * CHUNK), // each thread's rows left in doubt by the bounds
    list1: take(4 * CHUNK),
    work0: take(workBytes),
    work1: take(workBytes),
    chunks,
    end: 0,
  };
  o.end = at;
  return o;
}

/** Typed views of the arrays of {@linkcode layout}. */
export function views(
  buffer: ArrayBufferLike,
  n: number,
  d: number,
  kMax: number,
  workBytes: number,
) {
  const o = layout(n, d, kMax, workBytes);
  return {
    offsets: o,
    header: new Int32Array(buffer, 0, HEADER_BYTES / 4),
    f64: new Float64Array(buffer, 0, HEADER_BYTES / 8),
    xc: new Float64Array(buffer, o.xc, n * d),
    stage: new Float32Array(buffer, o.stage, CHUNK * d),
    xsq: new Float64Array(buffer, o.xsq, n),
    xnorm: new Float64Array(buffer, o.xnorm, n),
    w: new Float64Array(buffer, o.w, n),
    c: new Float64Array(buffer, o.c, kMax * d),
    cf: new Float32Array(buffer, o.cf, kMax * d),
    ct: new Float64Array(buffer, o.ct, 2 * Math.ceil(kMax / 2) * d),
    cta: new Float64Array(buffer, o.cta, 2 * Math.ceil(kMax / 2) * d),
    csqp: new Float64Array(buffer, o.csqp, 2 * Math.ceil(kMax / 2)),
    csq: new Float64Array(buffer, o.csq, kMax),
    cnorm: new Float64Array(buffer, o.cnorm, kMax),
    labels: new Int32Array(buffer, o.labels, n),
    shift: new Float64Array(buffer, o.shift, kMax),
    half: new Float64Array(buffer, o.half, kMax),
    psum: new Float64Array(buffer, o.psum, o.chunks * psumStride(kMax, d)),
    pcount: new Float64Array(buffer, o.pcount, o.chunks * pcountStride(kMax)),
    closest: new Float64Array(buffer, o.closest, n),
    cand: new Float64Array(buffer, o.cand, kMax * n),
    s: [new Float32Array(buffer, o.s0, CHUNK * kMax), new Float32Array(buffer, o.s1, CHUNK * kMax)],
  };
}

/** The views of one fit. */
export type Views = ReturnType<typeof views>;
