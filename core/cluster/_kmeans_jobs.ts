/**
 * The chunk jobs of the two-core k-means steps, run by the main thread and
 * the worker alike on the shared memory (`_kmeans_protocol.ts`). Each chunk
 * of rows is computed alone, so the results do not depend on which thread
 * took it.
 *
 * The float32 matrix product (`core/wasm/gemm.ts`) screens the candidates:
 * x·c in float32 is off from the exact value by at most
 * β‖x‖‖c‖, β = γ_{d+2} = (d + 2)u / (1 − (d + 2)u), u = 2⁻²⁴ (rounding x and
 * c to float32, then a d-term dot product in any order). Wherever that
 * bound leaves the answer in doubt, the row falls back on the exact float64
 * arithmetic of the one-core code, so the answers are the one-core
 * answers: the same labels, the same k-means++ distances, bit for bit.
 *
 * Without the screen (`Slot.Exact`) each chunk runs the one-core float64
 * arithmetic itself (`nearestCenter`, `sqDist`) on WebAssembly kernels, two
 * centres per vector, with the assignment and the chunk's centre sums in
 * one pass over the rows, and the k-means++ candidates all scored in one
 * pass. From 32 features the assignment runs behind Hamerly's bounds
 * (`Slot.Bounds`, `assignBounded`): rows whose bounds prove their label
 * unchanged are not computed, with a margin for rounding that keeps the
 * labels those of the full computation ({@linkcode boundsMargin}).
 *
 * @module
 */
import type { Gemm } from "../wasm/gemm.ts";
import { sqDist } from "../distance.ts";
import type { Matrix } from "../matrix.ts";
import {
  CHUNK,
  F64_C2MAX,
  F64_CMAX,
  F64_MAXSHIFT,
  Job,
  packedChunkFloats,
  pcountStride,
  psumStride,
  Slot,
  type Views,
} from "./_kmeans_protocol.ts";

const U32 = 2 ** -24;
const U64 = 2 ** -53;

/** β of the module's bound, for d features, with a 1% margin for the rounding of the bound itself. */
export function productBound(d: number): number {
  const m = d + 2;
  return 1.01 * (m * U32 / (1 - m * U32) + m * U64 / (1 - m * U64));
}

/**
 * Takes chunks of the current job from the shared counter until none are
 * left; `thread` 0 is the main thread, 1 the worker.
 */
export function runChunks(v: Views, gemm: Gemm, thread: 0 | 1): void {
  const h = v.header;
  const n = h[Slot.N];
  for (;;) {
    const from = Atomics.add(h, Slot.Next, CHUNK);
    if (from >= n) break;
    const fallbacks = runChunk(v, gemm, thread, from, Math.min(n, from + CHUNK));
    if (fallbacks > 0) Atomics.add(h, Slot.Fallbacks, fallbacks);
    if (thread === 1) Atomics.add(h, Slot.WorkerChunks, 1);
  }
}

/** One chunk of rows [from, to) of the current job; returns the exact fallbacks taken. */
function runChunk(v: Views, gemm: Gemm, thread: 0 | 1, from: number, to: number): number {
  const h = v.header;
  const n = h[Slot.N], d = h[Slot.D], k = h[Slot.K];
  const X: Matrix = { rows: n, cols: d, data: v.xc };
  const w = h[Slot.Weighted] ? v.w : undefined;
  const job = h[Slot.Job];
  if (job === Job.First) {
    const id = h[Slot.Ids];
    for (let i = from; i < to; i++) v.closest[i] = (w ? w[i] : 1) * sqDist(X, i, X, id);
    return 0;
  }
  if (h[Slot.Exact]) return runExact(v, gemm, thread, job, from, to);
  // S = X[from..to)·Cᵀ in float32.
  const m = to - from, s = v.s[thread], o = v.offsets;
  gemm.gemmPacked(
    m,
    k,
    d,
    o.xp + 4 * Math.floor(from / CHUNK) * packedChunkFloats(d),
    o.cf,
    1,
    d,
    thread === 0 ? o.s0 : o.s1,
    k,
    thread === 0 ? o.work0 : o.work1,
  );
  const beta = productBound(d);
  const slack = 8 * 2 ** -52;
  let fallbacks = 0;
  if (job === Job.Candidates) {
    const cand = v.cand, closest = v.closest;
    for (let t = 0; t < k; t++) {
      const id = h[Slot.Ids + t], csq = v.csq[t], cn = v.cnorm[t], co = t * n;
      for (let i = from; i < to; i++) {
        const xn = v.xnorm[i], xsq = v.xsq[i];
        const approx = xsq + csq - 2 * s[(i - from) * k + t];
        const err = 2 * beta * xn * cn + slack * (xsq + csq + 2 * xn * cn);
        const wi = w ? w[i] : 1;
        // Screened out: the exact distance is surely no smaller than closest[i].
        if (wi * (approx - err) * (1 - 1e-12) > closest[i]) {
          cand[co + i] = closest[i];
        } else {
          fallbacks++;
          cand[co + i] = Math.min(closest[i], wi * sqDist(X, i, X, id));
        }
      }
    }
    return fallbacks;
  }
  // Assign: the nearest centre, then this chunk's sums and weights per cluster.
  const cmax = v.f64[F64_CMAX], c2max = v.f64[F64_C2MAX];
  const kMax = h[Slot.KMax];
  const chunk = Math.floor(from / CHUNK);
  const po = chunk * psumStride(kMax, d), co = chunk * pcountStride(kMax);
  const psum = v.psum.subarray(po, po + k * d);
  const pcount = v.pcount.subarray(co, co + k);
  psum.fill(0);
  pcount.fill(0);
  const x = v.xc, csq = v.csq;
  for (let i = from; i < to; i++) {
    const row = (i - from) * k;
    let best = 0, bestV = Infinity, second = Infinity;
    for (let j = 0; j < k; j++) {
      const val = csq[j] - 2 * s[row + j];
      if (val < bestV) {
        second = bestV;
        bestV = val;
        best = j;
      } else if (val < second) second = val;
    }
    const xn = v.xnorm[i];
    const margin = 4 * beta * xn * cmax + slack * 4 * (c2max + 2 * xn * cmax);
    if (!(second - bestV > margin)) {
      // In doubt: the exact scores of the centres within the margin, in
      // index order, as nearestCenter computes them (each x·c summed in
      // feature order), so the first lowest is nearestCenter's answer.
      fallbacks++;
      let exact = Infinity;
      for (let j = 0; j < k; j++) {
        if (csq[j] - 2 * s[row + j] - bestV > margin) continue;
        let dot = 0;
        for (let t = 0, xo = i * d, co = j * d; t < d; t++) dot += x[xo + t] * v.c[co + t];
        const score = csq[j] - 2 * dot;
        if (score < exact) {
          exact = score;
          best = j;
        }
      }
    }
    v.labels[i] = best;
    pcount[best] += w ? w[i] : 1;
  }
  if (w) {
    for (let i = from; i < to; i++) {
      const po = v.labels[i] * d, xo = i * d, wi = w[i];
      for (let j = 0; j < d; j++) psum[po + j] += wi * x[xo + j];
    }
  } else {
    gemm.sumRows(m, d, o.xc + 8 * from * d, o.labels + 4 * from, o.psum + 8 * po);
  }
  return fallbacks;
}

/**
 * A chunk [from, to) of a `Candidates` or `Assign` job in exact float64, on
 * the WebAssembly kernels `candidatesExact` and `assignExact`: the one-core
 * code's arithmetic operation for operation (`sqDist`, `nearestCenter` and
 * the row-order centre sums), two centres per vector.
 */
function runExact(
  v: Views,
  gemm: Gemm,
  thread: 0 | 1,
  job: number,
  from: number,
  to: number,
): number {
  const h = v.header, o = v.offsets;
  const n = h[Slot.N], d = h[Slot.D], k = h[Slot.K];
  const w = h[Slot.Weighted] ? o.w : 0;
  if (job === Job.Candidates) {
    gemm.candidatesExact(from, to, d, k, o.xc, o.ct, o.closest, w, o.cand, n);
    return 0;
  }
  const kMax = h[Slot.KMax], chunk = Math.floor(from / CHUNK);
  const psum = o.psum + 8 * chunk * psumStride(kMax, d);
  const pcount = o.pcount + 8 * chunk * pcountStride(kMax);
  const bounds = h[Slot.Bounds];
  if (bounds === 0) {
    gemm.assignExact(from, to, d, k, o.xc, o.cta, o.csqp, w, o.labels, psum, pcount);
    return 0;
  }
  return gemm.assignBounded(
    from,
    to,
    d,
    k,
    o.xc,
    o.cta,
    o.csqp,
    w,
    o.labels,
    psum,
    pcount,
    o.bnd,
    o.xsq,
    o.xnorm,
    o.shift,
    o.half,
    thread === 0 ? o.list0 : o.list1,
    bounds === 1 ? 1 : 0,
    v.f64[F64_MAXSHIFT],
    boundsMargin(d),
    v.f64[F64_CMAX],
  );
}

/**
 * κ of the bounded assignment's margin e = κ·(‖x‖ + max‖c‖): the computed
 * squared distance s̃ + ‖x‖² (s̃ = ‖c‖² − 2x·c, each sum in order) is off by
 * at most δ = 1.01·(d + 5)·u·(‖x‖ + ‖c‖)², u = 2⁻⁵³, so a distance by at
 * most √δ. A bound set from computed distances is widened by e ≥ √δ, and a
 * row is skipped only when its bounds separate the true distances by more
 * than e ≥ √(2δ), where the computed scores keep the true order: so a
 * skipped row keeps exactly the label the full computation gives. κ is
 * twice what that needs.
 */
export function boundsMargin(d: number): number {
  return 2 * Math.SQRT2 * Math.sqrt(1.01 * (d + 5) * U64);
}
