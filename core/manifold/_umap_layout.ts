/**
 * UMAP's low-dimensional layout: umap-learn's `find_ab_params`,
 * `make_epochs_per_sample`, `tau_rand_int` and
 * `optimize_layout_euclidean` (single-threaded). Private helpers of
 * `umap.ts`.
 *
 * Powers: the fit of a and b writes x^y as exp(y·log x) with
 * `core/math.ts`'s `exp`/`log`. The SGD computes d²ᵇ for every sample,
 * where those took 58 % of the time; it calls `powPositive` (tables and
 * short series, about 1e-15 relative here), as fast as `Math.pow` within 8 % and, unlike
 * it, with the same bits in every engine (Node 20's and Deno 2.9's V8
 * round `Math.pow` differently), so a seed gives the same layout in Deno,
 * Node and browsers.
 *
 * The epochs run on a WebAssembly kernel where the engine has WebAssembly
 * (`_umap_sgd.ts`, `core/wasm/umap_sgd.wat`): `epochAny`'s operations in
 * the same order, so the same bits (tests compare them in 2, 3 and 10
 * dimensions). The JavaScript epochs below are the reference and the
 * fallback.
 *
 * @module
 */
import { exp, log, powPositive } from "../math.ts";
import { fillSchedules, type SgdArrays, sgdKernel, type SgdScalars } from "./_umap_sgd.ts";

/**
 * a and b of the curve 1/(1 + a·x^(2b)) fitted by least squares to
 * 1 for x < minDist and exp(−(x − minDist)/spread) beyond, on 300 points of
 * [0, 3·spread] (umap-learn's `find_ab_params`, which calls SciPy's
 * `curve_fit`, Levenberg–Marquardt from a = b = 1). Our Levenberg–Marquardt
 * uses the analytic Jacobian and runs to convergence.
 */
export function findAbParams(spread: number, minDist: number): { a: number; b: number } {
  const m = 300;
  const xs = new Float64Array(m), ys = new Float64Array(m), lx = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    // np.linspace: start + i·step, the last point exactly the stop.
    const x = i === m - 1 ? spread * 3 : i * ((spread * 3) / (m - 1));
    xs[i] = x;
    lx[i] = x > 0 ? log(x) : -Infinity;
    ys[i] = x < minDist ? 1 : exp(-(x - minDist) / spread);
  }
  const cost = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < m; i++) {
      const p = xs[i] > 0 ? exp(2 * b * lx[i]) : 0;
      const r = 1 / (1 + a * p) - ys[i];
      s += r * r;
    }
    return s;
  };
  let a = 1, b = 1, lambda = 1e-3, c = cost(a, b);
  for (let it = 0; it < 500; it++) {
    let jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
    for (let i = 0; i < m; i++) {
      if (xs[i] <= 0) continue; // f = 1 and both derivatives vanish at x = 0
      const p = exp(2 * b * lx[i]);
      const den = 1 + a * p;
      const r = 1 / den - ys[i];
      const da = -p / (den * den);
      const db = (-a * p * 2 * lx[i]) / (den * den);
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    let improved = false;
    for (let tries = 0; tries < 30 && !improved; tries++) {
      const A11 = jaa * (1 + lambda), A22 = jbb * (1 + lambda), det = A11 * A22 - jab * jab;
      const sa = -(A22 * ga - jab * gb) / det, sb = -(A11 * gb - jab * ga) / det;
      const na = a + sa, nb = b + sb;
      const nc = nb > 0 ? cost(na, nb) : Infinity;
      if (nc <= c) {
        const small = Math.abs(sa) <= 1e-15 * Math.abs(a) && Math.abs(sb) <= 1e-15 * Math.abs(b);
        a = na;
        b = nb;
        const drop = c - nc;
        c = nc;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (small || drop <= 1e-30) return { a, b };
      } else {
        lambda *= 10;
      }
    }
    if (!improved) break;
  }
  return { a, b };
}

/**
 * Epochs between samples of each edge: nEpochs / (nEpochs·w / max w), or −1
 * for a zero weight (umap-learn's `make_epochs_per_sample`).
 */
export function makeEpochsPerSample(weights: Float64Array, nEpochs: number): Float64Array {
  // In float32, as umap-learn's (its weights are float32).
  const f = Math.fround;
  let max = 0;
  for (const w of weights) if (f(w) > max) max = f(w);
  const out = new Float64Array(weights.length).fill(-1);
  for (let i = 0; i < weights.length; i++) {
    const ns = f(nEpochs * f(f(weights[i]) / max));
    if (ns > 0) out[i] = nEpochs / ns;
  }
  return out;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/**
 * Per-vertex states of umap-learn's Tausworthe generator: the three int64
 * seeds plus the int64 bits of the vertex's first coordinate (as float32,
 * widened to float64), as `optimize_layout_euclidean` builds
 * `rng_state_per_sample`. Layout: [hi, lo] × 3 per vertex.
 */
export function perVertexStates(
  seeds: ArrayLike<number>,
  embedding: Float64Array,
  nVertices: number,
  dim: number,
): Int32Array {
  const st = new Int32Array(nVertices * 6);
  for (let j = 0; j < nVertices; j++) {
    f64[0] = Math.fround(embedding[j * dim]);
    const bhi = u32[HI], blo = u32[LO];
    for (let c = 0; c < 3; c++) {
      const s = seeds[c];
      const slo = s >>> 0, shi = s < 0 ? -1 : 0;
      const lo = blo + slo;
      const carry = lo >= 4294967296 ? 1 : 0;
      st[j * 6 + 2 * c] = (bhi + shi + carry) | 0;
      st[j * 6 + 2 * c + 1] = lo | 0;
    }
  }
  return st;
}

/**
 * umap-learn's `tau_rand_int` on the int64 state at `st[o..o+6)` (emulated
 * in 32-bit halves): advances it and returns the int32 it yields.
 */
export function tauRandInt(st: Int32Array, o: number): number {
  // state[0]: ((s & 0xFFFFFFFE) << 12) & M ^ (((s << 13) & M) ^ s) >> 19
  let hi = st[o], lo = st[o + 1] >>> 0;
  let a = ((lo & 0xfffffffe) << 12) >>> 0;
  let blo = ((lo << 13) ^ lo) >>> 0;
  st[o] = hi >> 19;
  st[o + 1] = a ^ ((blo >>> 19) | (hi << 13));
  // state[1]: ((s & 0xFFFFFFF8) << 4) & M ^ (((s << 2) & M) ^ s) >> 25
  hi = st[o + 2];
  lo = st[o + 3] >>> 0;
  a = ((lo & 0xfffffff8) << 4) >>> 0;
  blo = ((lo << 2) ^ lo) >>> 0;
  st[o + 2] = hi >> 25;
  st[o + 3] = a ^ ((blo >>> 25) | (hi << 7));
  // state[2]: ((s & 0xFFFFFFF0) << 17) & M ^ (((s << 3) & M) ^ s) >> 11
  hi = st[o + 4];
  lo = st[o + 5] >>> 0;
  a = ((lo & 0xfffffff0) << 17) >>> 0;
  blo = ((lo << 3) ^ lo) >>> 0;
  st[o + 4] = hi >> 11;
  st[o + 5] = a ^ ((blo >>> 11) | (hi << 21));
  return (st[o + 1] ^ st[o + 3] ^ st[o + 5]) | 0;
}

/** Parameters of {@linkcode optimizeLayout}. */
export interface LayoutParams {
  head: Int32Array;
  tail: Int32Array;
  epochsPerSample: Float64Array;
  nEpochs: number;
  nVertices: number;
  dim: number;
  a: number;
  b: number;
  gamma: number;
  initialAlpha: number;
  negativeSampleRate: number;
  seeds: ArrayLike<number>;
  moveOther: boolean;
  onEpoch?: (epoch: number, nEpochs: number) => void;
}

const clip = (v: number): number => (v > 4 ? 4 : v < -4 ? -4 : v);

/** What one epoch of the SGD reads and updates. */
interface EpochState extends SgdArrays, SgdScalars {
  /** Epochs per negative sample, and the next epoch of each edge's negatives and samples. */
  epns: Float64Array;
  eons: Float64Array;
  eonns: Float64Array;
}

/** One epoch in any dimension. */
function epochAny(S: EpochState, n: number, alpha: number): void {
  const { headEmb, tailEmb, head, tail, epochsPerSample, epns, eons, eonns, states } = S;
  const { nVertices, dim, a, b, twoAB, twoGB, moveOther } = S;
  const nEdges = head.length;
  const diff = new Float64Array(dim);
  for (let i = 0; i < nEdges; i++) {
    if (!(eons[i] <= n)) continue;
    const j = head[i], oj = j * dim;
    let ok = tail[i] * dim;
    let d2 = 0;
    for (let d = 0; d < dim; d++) {
      const t = headEmb[oj + d] - tailEmb[ok + d];
      diff[d] = t;
      d2 += t * t;
    }
    let gc = 0;
    if (d2 > 0) {
      const pb = powPositive(d2, b); // d²ᵇ
      gc = (-twoAB * (pb / d2)) / (a * pb + 1);
    }
    if (moveOther) {
      for (let d = 0; d < dim; d++) {
        let g = gc * diff[d];
        g = g > 4 ? 4 : g < -4 ? -4 : g;
        headEmb[oj + d] += g * alpha;
        tailEmb[ok + d] += -g * alpha;
      }
    } else {
      for (let d = 0; d < dim; d++) {
        let g = gc * diff[d];
        g = g > 4 ? 4 : g < -4 ? -4 : g;
        headEmb[oj + d] += g * alpha;
      }
    }
    eons[i] += epochsPerSample[i];
    const nNeg = Math.trunc((n - eonns[i]) / epns[i]);
    const so = j * 6;
    let h0 = states[so], l0 = states[so + 1], h1 = states[so + 2], l1 = states[so + 3];
    let h2 = states[so + 4], l2 = states[so + 5];
    for (let p = 0; p < nNeg; p++) {
      // tauRandInt with the vertex's state in locals (the same bits).
      l0 = ((l0 & 0xfffffffe) << 12) ^ ((((l0 << 13) ^ l0) >>> 19) | (h0 << 13));
      h0 >>= 19;
      l1 = ((l1 & 0xfffffff8) << 4) ^ ((((l1 << 2) ^ l1) >>> 25) | (h1 << 7));
      h1 >>= 25;
      l2 = ((l2 & 0xfffffff0) << 17) ^ ((((l2 << 3) ^ l2) >>> 11) | (h2 << 21));
      h2 >>= 11;
      const r = (l0 ^ l1 ^ l2) % nVertices;
      const k = r < 0 ? r + nVertices : r;
      ok = k * dim;
      d2 = 0;
      for (let d = 0; d < dim; d++) {
        const t = headEmb[oj + d] - tailEmb[ok + d];
        diff[d] = t;
        d2 += t * t;
      }
      if (d2 > 0) {
        gc = twoGB / ((0.001 + d2) * (a * powPositive(d2, b) + 1));
      } else if (j === k) {
        continue;
      } else {
        gc = 0;
      }
      if (!(gc > 0)) continue;
      for (let d = 0; d < dim; d++) {
        let g = gc * diff[d];
        g = g > 4 ? 4 : g < -4 ? -4 : g;
        headEmb[oj + d] += g * alpha;
      }
    }
    states[so] = h0;
    states[so + 1] = l0;
    states[so + 2] = h1;
    states[so + 3] = l1;
    states[so + 4] = h2;
    states[so + 5] = l2;
    eonns[i] += nNeg * epns[i];
  }
}

/**
 * One epoch in two dimensions: `epochAny`'s arithmetic, in the same order,
 * unrolled (a third faster).
 */
function epoch2(S: EpochState, n: number, alpha: number): void {
  const { headEmb: H, tailEmb: T, head, tail, epochsPerSample, epns, eons, eonns, states } = S;
  const { nVertices, a, b, twoAB, twoGB, moveOther } = S;
  const nEdges = head.length;
  for (let i = 0; i < nEdges; i++) {
    if (!(eons[i] <= n)) continue;
    const j = head[i], oj = 2 * j;
    let ok = 2 * tail[i];
    let t0 = H[oj] - T[ok], t1 = H[oj + 1] - T[ok + 1];
    let d2 = t0 * t0 + t1 * t1;
    let gc = 0;
    if (d2 > 0) {
      const pb = powPositive(d2, b);
      gc = (-twoAB * (pb / d2)) / (a * pb + 1);
    }
    let g = clip(gc * t0);
    H[oj] += g * alpha;
    if (moveOther) T[ok] += -g * alpha;
    g = clip(gc * (H[oj + 1] - T[ok + 1]));
    H[oj + 1] += g * alpha;
    if (moveOther) T[ok + 1] += -g * alpha;
    eons[i] += epochsPerSample[i];
    const nNeg = Math.trunc((n - eonns[i]) / epns[i]);
    // tauRandInt with the vertex's state in locals (the same bits).
    const so = j * 6;
    let h0 = states[so], l0 = states[so + 1], h1 = states[so + 2], l1 = states[so + 3];
    let h2 = states[so + 4], l2 = states[so + 5];
    for (let p = 0; p < nNeg; p++) {
      l0 = ((l0 & 0xfffffffe) << 12) ^ ((((l0 << 13) ^ l0) >>> 19) | (h0 << 13));
      h0 >>= 19;
      l1 = ((l1 & 0xfffffff8) << 4) ^ ((((l1 << 2) ^ l1) >>> 25) | (h1 << 7));
      h1 >>= 25;
      l2 = ((l2 & 0xfffffff0) << 17) ^ ((((l2 << 3) ^ l2) >>> 11) | (h2 << 21));
      h2 >>= 11;
      const r = (l0 ^ l1 ^ l2) % nVertices;
      const k = r < 0 ? r + nVertices : r;
      ok = 2 * k;
      t0 = H[oj] - T[ok];
      t1 = H[oj + 1] - T[ok + 1];
      d2 = t0 * t0 + t1 * t1;
      if (d2 > 0) {
        gc = twoGB / ((0.001 + d2) * (a * powPositive(d2, b) + 1));
      } else if (j === k) {
        continue;
      } else {
        gc = 0;
      }
      g = gc > 0 ? clip(gc * t0) : 0;
      H[oj] += g * alpha;
      g = gc > 0 ? clip(gc * (H[oj + 1] - T[ok + 1])) : 0;
      H[oj + 1] += g * alpha;
    }
    states[so] = h0;
    states[so + 1] = l0;
    states[so + 2] = h1;
    states[so + 3] = l1;
    states[so + 4] = h2;
    states[so + 5] = l2;
    eonns[i] += nNeg * epns[i];
  }
}

/**
 * Stochastic gradient descent on the fuzzy cross-entropy, as umap-learn's
 * `optimize_layout_euclidean` with `parallel=False`: updates
 * `headEmb` (and `tailEmb` when `moveOther`; they may be the same array).
 */
export function optimizeLayout(
  headEmb: Float64Array,
  tailEmb: Float64Array,
  P: LayoutParams,
): void {
  const { head, tail, epochsPerSample, nEpochs, nVertices, dim, a, b, gamma, moveOther } = P;
  const nEdges = epochsPerSample.length;
  const states = perVertexStates(P.seeds, headEmb, headEmb.length / dim, dim);
  const scalars = { nVertices, dim, a, b, twoAB: 2 * a * b, twoGB: 2 * gamma * b, moveOther };
  const arrays = { headEmb, tailEmb, head, tail, epochsPerSample, states };
  const kernel = sgdKernel(arrays, scalars, P.negativeSampleRate, nEpochs);
  let S: EpochState | undefined;
  if (!kernel) {
    const epns = new Float64Array(nEdges);
    const eons = new Float64Array(nEdges), eonns = new Float64Array(nEdges);
    fillSchedules(epochsPerSample, P.negativeSampleRate, epns, eons, eonns);
    S = { ...arrays, ...scalars, epns, eons, eonns };
  }
  let alpha = P.initialAlpha;
  try {
    for (let n = 0; n < nEpochs; n++) {
      if (kernel) kernel.epoch(n, alpha);
      else if (dim === 2) epoch2(S!, n, alpha);
      else epochAny(S!, n, alpha);
      alpha = P.initialAlpha * (1 - n / nEpochs);
      P.onEpoch?.(n + 1, nEpochs);
    }
  } finally {
    kernel?.finish(); // (and stops its helper thread, if any, when onEpoch throws)
  }
}
