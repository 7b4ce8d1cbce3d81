/**
 * `exp` and `log` that give the same bits in every JavaScript engine.
 *
 * `Math.exp` and `Math.log` are left to each engine: Deno 2.9's V8 rounds
 * them correctly, Node 20's V8 uses fdlibm (one ulp off for about a tenth
 * of arguments), Chromium 156 differs from both in a few arguments in a
 * thousand. An algorithm that calls them (t-SNE's affinities) would then
 * give other last bits, and after hundreds of iterations other embeddings,
 * in each runtime. These are fdlibm's algorithms (Sun Microsystems, 1993;
 * "Permission to use, copy, modify, and distribute this software is freely
 * granted, provided that this notice is preserved"), written with IEEE
 * arithmetic alone, which every engine performs alike; error below one ulp.
 *
 * @module
 */
import { type Gemm, instantiateGemm } from "./wasm/gemm.ts";

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Index of the high word in `u32` (1 on little-endian machines). */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;
/** POW2[k + 1074] = 2^k for k in [−1074, 1023], built by exact halvings and doublings. */
const POW2 = new Float64Array(2098);
POW2[1074] = 1;
for (let k = 1; k <= 1023; k++) POW2[1074 + k] = POW2[1073 + k] * 2;
for (let k = 1; k <= 1074; k++) POW2[1074 - k] = POW2[1075 - k] / 2;

const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e+00;
const P1 = 1.66666666666666019037e-01;
const P2 = -2.77777777770155933842e-03;
const P3 = 6.61375632143793436117e-05;
const P4 = -1.65339022054652515390e-06;
const P5 = 4.13813679705723846039e-08;
const O_THRESHOLD = 7.09782712893383973096e+02;
const U_THRESHOLD = -7.45133219101941108420e+02;
const TWO_M1000 = 9.33263618503218878990e-302; // 2^-1000

/**
 * eˣ, as fdlibm computes it: the same bits in every engine.
 *
 * @example
 * ```ts
 * import { exp } from "./math.ts";
 * import assert from "node:assert/strict";
 * assert.equal(exp(0), 1);
 * assert.equal(exp(1), Math.E);
 * assert.ok(Math.abs(exp(-44.15860325098038) / 6.63991132612907e-20 - 1) < 3e-16);
 * ```
 */
export function exp(x: number): number {
  if (x === 1) return Math.E; // as V8 (fdlibm's is an ulp above)
  f64[0] = x;
  let hx = u32[HI];
  const xsb = hx >>> 31; // sign of x
  hx &= 0x7fffffff; // high word of |x|
  // Filter out non-finite and huge arguments.
  if (hx >= 0x40862e42) { // |x| ≥ 709.78…
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | u32[LO]) !== 0) return x + x; // NaN
      return xsb === 0 ? x : 0; // exp(±∞) = ∞, 0
    }
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0;
  }
  // Argument reduction: x = k·ln2 + r, |r| ≤ ½ln2, r = hi − lo.
  let hi = 0, lo = 0, k = 0;
  if (hx > 0x3fd62e42) { // |x| > ½ln2
    if (hx < 0x3ff0a2b2) { // and |x| < 1.5 ln2
      hi = xsb === 0 ? x - LN2_HI : x + LN2_HI;
      lo = xsb === 0 ? LN2_LO : -LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = Math.trunc(INV_LN2 * x + (xsb === 0 ? 0.5 : -0.5));
      hi = x - k * LN2_HI; // k·LN2_HI is exact here
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) { // |x| < 2⁻²⁸
    return 1 + x;
  }
  // x is now in the primary range.
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - ((lo - (x * c) / (2 - c)) - hi);
  // y·2ᵏ, exact (fdlibm adds k to the exponent bits; a product by a power
  // of two is the same and avoids a partial write to the double).
  if (k > 1023) return y * 2 * POW2[1074 + 1023]; // k = 1024 just below overflow
  if (k >= -1021) return y * POW2[1074 + k];
  return y * POW2[1074 + k + 1000] * TWO_M1000;
}

/** Values per call of the WebAssembly `expF64` (two 64 KiB buffers). */
const EXP_CHUNK = 8192;
let expKernel: { gemm: Gemm; x: Float64Array; out: Float64Array } | null | undefined;

/**
 * out[i] = {@linkcode exp}(x[i]) for every i (`out` may be `x`): the same
 * bits, in our WebAssembly module (`expF64` in `core/wasm/gemm.wat`) where
 * the engine has it, without a JavaScript call per value (7.2–7.8 ns a
 * value against 16.5 ns, warm, on arguments like a mixture's
 * log-responsibilities).
 *
 * @example
 * ```ts
 * import { exp, expAll } from "./math.ts";
 * import assert from "node:assert/strict";
 * const x = Float64Array.from([-800, -3, 0, 1, 2.5, 700]);
 * assert.deepEqual(expAll(x, new Float64Array(6)), x.map(exp));
 * ```
 */
export function expAll(x: Float64Array, out: Float64Array = x): Float64Array {
  if (expKernel === undefined) {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const gemm = instantiateGemm(memory);
    expKernel = gemm
      ? {
        gemm,
        x: new Float64Array(memory.buffer, 0, EXP_CHUNK),
        out: new Float64Array(memory.buffer, 8 * EXP_CHUNK, EXP_CHUNK),
      }
      : null;
  }
  const k = expKernel;
  if (!k) {
    for (let i = 0; i < x.length; i++) out[i] = exp(x[i]);
    return out;
  }
  for (let from = 0; from < x.length; from += EXP_CHUNK) {
    const m = Math.min(EXP_CHUNK, x.length - from);
    k.x.set(x.subarray(from, from + m));
    k.gemm.expF64(m, k.x.byteOffset, k.out.byteOffset);
    out.set(k.out.subarray(0, m), from);
  }
  return out;
}

const TWO54 = 1.80143985094819840000e+16;
const LG1 = 6.666666666666735130e-01;
const LG2 = 3.999999999940941908e-01;
const LG3 = 2.857142874366239149e-01;
const LG4 = 2.222219843214978396e-01;
const LG5 = 1.818357216161805012e-01;
const LG6 = 1.531383769920937332e-01;
const LG7 = 1.479819860511658591e-01;

/**
 * The natural logarithm, as fdlibm computes it: the same bits in every
 * engine.
 *
 * @example
 * ```ts
 * import { log } from "./math.ts";
 * import assert from "node:assert/strict";
 * assert.equal(log(1), 0);
 * assert.equal(log(Math.E), 1);
 * assert.equal(log(0), -Infinity);
 * assert.ok(Number.isNaN(log(-1)));
 * ```
 */
export function log(x: number): number {
  f64[0] = x;
  let hx = u32[HI] | 0;
  const lx = u32[LO];
  let k = 0;
  if (hx < 0x00100000) { // x < 2⁻¹⁰²²: zero, negative or subnormal
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54; // scale the subnormal up
    f64[0] = x;
    hx = u32[HI] | 0;
  }
  if (hx >= 0x7ff00000) return x + x; // ∞ or NaN
  const e = (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  k += e + (i >> 20);
  // x or x/2 into [√2/2, √2): fdlibm sets the exponent bits; a product by a
  // power of two is the same, exactly.
  x *= POW2[1074 - e - (i >> 20)];
  const f = x - 1;
  if ((0x000fffff & (2 + hx)) < 3) { // −2⁻²⁰ ≤ f < 2⁻²⁰
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : k * LN2_HI - ((R - k * LN2_LO) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0
      ? f - (hfsq - s * (hfsq + R))
      : k * LN2_HI - ((hfsq - (s * (hfsq + R) + k * LN2_LO)) - f);
  }
  return k === 0 ? f - s * (f - R) : k * LN2_HI - ((s * (f - R) - k * LN2_LO) - f);
}

/** For the 128 slices of [1, 2): centre c_j = 1 + (j + ½)/128, 1/c_j and log c_j, interleaved. */
const SLICES = new Float64Array(3 * 128);
for (let j = 0; j < 128; j++) {
  const c = 1 + (j + 0.5) / 128;
  SLICES[3 * j] = c;
  SLICES[3 * j + 1] = 1 / c;
  SLICES[3 * j + 2] = log(c);
}
/** 2^(j/64) for j = 0 … 63. */
const EXP2_64 = new Float64Array(64);
for (let j = 0; j < 64; j++) EXP2_64[j] = exp((j / 64) * Math.LN2);
const INV_LN2_64 = 64 / Math.LN2;
const LN2_64_HI = LN2_HI / 64, LN2_64_LO = LN2_LO / 64;

/**
 * powPositive's tables and constants, laid out as a WebAssembly kernel that
 * repeats it reads them (`core/wasm/umap_sgd.wat`): 2^k at k + 1074 (2,098
 * values), the 128 slices (c, 1/c, log c), 2^(j/64) (64), then LN2_HI,
 * LN2_LO, 64/ln 2, LN2_HI/64 and LN2_LO/64.
 *
 * @example
 * ```ts
 * import { powTables } from "./math.ts";
 * import assert from "node:assert/strict";
 * const t = powTables();
 * assert.equal(t.length, 2098 + 384 + 64 + 5);
 * assert.equal(t[1074], 1);
 * ```
 */
export function powTables(): Float64Array {
  const out = new Float64Array(2098 + 384 + 64 + 5);
  out.set(POW2, 0);
  out.set(SLICES, 2098);
  out.set(EXP2_64, 2098 + 384);
  out.set([LN2_HI, LN2_LO, INV_LN2_64, LN2_64_HI, LN2_64_LO], 2098 + 384 + 64);
  return out;
}

/**
 * xʸ for finite x > 0 and |y·ln x| < 708, within (8 + 2·|y·ln x|)·1.1e-16
 * relative (e^t inherits the rounding of t = y·ln x), with
 * the same bits in every engine (IEEE arithmetic and tables built by this
 * module's `exp` and `log`), and about as fast as `Math.pow` — which rounds
 * differently in different engines, even in different V8 versions (Node
 * 20's and Deno 2.9's). ln x from a table of 128 slices of [1, 2) and a
 * degree-6 series of log(1 + r), |r| < 2⁻⁸; then e^t from a table of
 * 2^(j/64) and a degree-5 series. Other arguments go to `exp(y·log(x))`.
 *
 * @example
 * ```ts
 * import { powPositive } from "./math.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(powPositive(2, 0.5) / Math.SQRT2 - 1) < 1e-15);
 * assert.ok(Math.abs(powPositive(1e-8, 0.79) / 4.7863009232263886e-7 - 1) < 1e-14);
 * assert.equal(powPositive(0, 2), 0);
 * ```
 */
export function powPositive(x: number, y: number): number {
  f64[0] = x;
  const hx = u32[HI];
  const e = (hx >>> 20) - 1023;
  if (e === -1023 || e === 1024 || hx >>> 31) return exp(y * log(x)); // 0, subnormal, ∞, NaN, < 0
  const j = ((hx >>> 13) & 127) * 3;
  const r = (x * POW2[1074 - e] - SLICES[j]) * SLICES[j + 1];
  const lr = r *
    (1 + r * (-0.5 + r * (0.3333333333333333 + r * (-0.25 + r * (0.2 - r * 0.16666666666666666)))));
  const t = y * (e * LN2_HI + (SLICES[j + 2] + (lr + e * LN2_LO)));
  if (!(t > -708 && t < 708)) return exp(y * log(x));
  const k = Math.floor(t * INV_LN2_64 + 0.5);
  const s = (t - k * LN2_64_HI) - k * LN2_64_LO;
  const p = 1 + s * (1 + s * (0.5 + s * (0.16666666666666666 + s * (0.041666666666666664 +
                    s * 0.008333333333333333))));
  return EXP2_64[k & 63] * p * POW2[1074 + (k >> 6)];
}

/** A finite double as m·2^e with an integer m (exact). */
function toScaled(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) m |= 1n << 52n;
  return { m: sign * m, e: (biased === 0 ? 1 : biased) - 1075 };
}

/**
 * a·b + c rounded once (IEEE fused multiply-add, ties to even), computed
 * exactly with BigInt: for reproducing a BLAS product that used FMA
 * instructions, bit for bit (NumPy's `X @ T` on small matrices). Slow
 * (microseconds); finite arguments and a finite result only.
 *
 * @example The product's rounding error survives
 * ```ts
 * import { fma } from "./math.ts";
 * import assert from "node:assert/strict";
 * const a = 1 + 2 ** -30;
 * assert.equal(a * a - (1 + 2 ** -29), 0); // rounded twice: the 2⁻⁶⁰ is lost
 * assert.equal(fma(a, a, -(1 + 2 ** -29)), 2 ** -60);
 * ```
 * @throws {RangeError} when an argument is not finite.
 */
export function fma(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) {
    throw new RangeError(`Cannot fuse a multiply-add of non-finite values: ${a}·${b} + ${c}`);
  }
  if (a === 0 || b === 0) return a * b + c;
  if (c === 0) return a * b;
  const A = toScaled(a), B = toScaled(b), C = toScaled(c);
  const pm = A.m * B.m, pe = A.e + B.e;
  const e = Math.min(pe, C.e);
  const sum = (pm << BigInt(pe - e)) + (C.m << BigInt(C.e - e));
  if (sum === 0n) return 0;
  // Keep 64 significant bits plus a sticky bit, so Number() rounds once, correctly.
  const neg = sum < 0n;
  let mag = neg ? -sum : sum;
  let shift = mag.toString(2).length - 64;
  let exp = e;
  if (shift > 0) {
    const sticky = (mag & ((1n << BigInt(shift)) - 1n)) !== 0n ? 1n : 0n;
    mag = (mag >> BigInt(shift)) | sticky;
    exp += shift;
  } else shift = 0;
  // Scale in steps so that no intermediate power of two under- or overflows.
  let r = Number(mag);
  while (exp < -1000) (r *= 2 ** -1000), (exp += 1000);
  while (exp > 1000) (r *= 2 ** 1000), (exp -= 1000);
  r *= 2 ** exp;
  return neg ? -r : r;
}

/**
 * Σ a[from..to), added as NumPy adds a float64 array (`np.sum`,
 * `add.reduce`): fewer than 8 values in order; up to 128 in 8 running sums
 * (index mod 8) combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)),
 * then the rest in order; beyond, the two halves (the first a multiple of 8)
 * summed so and added. Ten values of 0.1 give 1, where a plain loop gives
 * 0.9999999999999999.
 *
 * @example
 * ```ts
 * import { pairwiseSum } from "./math.ts";
 * import assert from "node:assert/strict";
 * assert.equal(pairwiseSum(new Float64Array(10).fill(0.1)), 1);
 * assert.equal(pairwiseSum(Float64Array.of(1, 2, 3, 4), 1, 3), 5);
 * ```
 */
export function pairwiseSum(a: Float64Array, from = 0, to: number = a.length): number {
  const n = to - from;
  if (n < 8) {
    let s = 0;
    for (let i = from; i < to; i++) s += a[i];
    return s;
  }
  if (n <= 128) {
    let r0 = a[from], r1 = a[from + 1], r2 = a[from + 2], r3 = a[from + 3];
    let r4 = a[from + 4], r5 = a[from + 5], r6 = a[from + 6], r7 = a[from + 7];
    let i = from + 8;
    for (; i < to - (n % 8); i += 8) {
      r0 += a[i];
      r1 += a[i + 1];
      r2 += a[i + 2];
      r3 += a[i + 3];
      r4 += a[i + 4];
      r5 += a[i + 5];
      r6 += a[i + 6];
      r7 += a[i + 7];
    }
    let s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < to; i++) s += a[i];
    return s;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, from, from + n2) + pairwiseSum(a, from + n2, to);
}
