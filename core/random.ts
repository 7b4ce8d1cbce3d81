/**
 * A random-number generator bit-compatible with NumPy's legacy
 * `numpy.random.RandomState` (MT19937, seeded by `init_genrand`), so the
 * recipes regenerate the Python originals' synthetic data exactly.
 *
 * References: M. Matsumoto and T. Nishimura, "Mersenne Twister" (1998);
 * NumPy's `_legacy_seeding`, `random_standard_uniform` (53-bit doubles from
 * two 32-bit draws), `legacy_gauss` (Marsaglia's polar method with a cached
 * second value), `random_interval` and the masked rejection sampler behind
 * legacy `randint`.
 *
 * @module
 */

import { compileBase64 } from "./wasm/module.ts";
import { MT19937_WASM } from "./wasm/mt19937_wasm.ts";

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** Smallest all-ones mask covering `max` (NumPy's `gen_mask`). */
function maskFor(max: number): number {
  let mask = max >>> 0;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}

/**
 * NumPy-compatible legacy random state.
 *
 * @example Same draws as `np.random.RandomState(0).rand(2)`
 * ```ts
 * import { RandomState } from "./random.ts";
 * import assert from "node:assert/strict";
 * const rs = new RandomState(0);
 * assert.deepEqual(Array.from(rs.rand(2)), [0.5488135039273248, 0.7151893663724195]);
 * ```
 */
export class RandomState {
  #key = new Uint32Array(N);
  #pos = N;
  #hasGauss = false;
  #gauss = 0;

  /**
   * @param seed integer in 0..2³²−1, as `np.random.RandomState(seed)`.
   * @throws {RangeError} when the seed is not such an integer.
   */
  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Re-seeds the generator as `RandomState.seed(seed)` does for an integer. */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(
        `Cannot seed the generator as the seed must be an integer in [0, 4294967295]: seed=${seed}`,
      );
    }
    const key = this.#key;
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      key[i] = s;
      // s = 1812433253 * (s ^ (s >>> 30)) + i + 1, modulo 2^32
      const x = (s ^ (s >>> 30)) >>> 0;
      s = (Math.imul(1812433253, x) + i + 1) >>> 0;
    }
    this.#pos = N;
    this.#hasGauss = false;
    this.#gauss = 0;
  }

  #generate(): void {
    const key = this.#key;
    let i = 0;
    let y: number;
    for (; i < N - M; i++) {
      y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      key[i] = key[i + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; i < N - 1; i++) {
      y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      key[i] = key[i + (M - N)] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    y = (key[N - 1] & UPPER_MASK) | (key[0] & LOWER_MASK);
    key[N - 1] = key[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.#pos = 0;
  }

  /** Next raw 32-bit output of MT19937, as an unsigned integer. */
  nextUint32(): number {
    if (this.#pos >= N) this.#generate();
    let y = this.#key[this.#pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** One double in [0, 1) with 53 random bits (`random_sample()`). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** One standard normal draw (`standard_normal()`, legacy polar method). */
  nextGauss(): number {
    if (this.#hasGauss) {
      this.#hasGauss = false;
      const g = this.#gauss;
      this.#gauss = 0;
      return g;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.nextDouble() - 1;
      x2 = 2 * this.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.#gauss = f * x1;
    this.#hasGauss = true;
    return f * x2;
  }

  /** Integer in [0, max] by masked rejection (NumPy's `random_interval`). */
  interval(max: number): number {
    if (max === 0) return 0;
    if (max > 0xffffffff) {
      throw new RangeError(
        `Cannot draw an interval as max exceeds 2^32-1: max=${max}`,
      );
    }
    const mask = maskFor(max);
    let v: number;
    do {
      v = (this.nextUint32() & mask) >>> 0;
    } while (v > max);
    return v;
  }

  /** `n` doubles in [0, 1), as `rand(n)`. */
  rand(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nextDouble();
    return out;
  }

  /** `n` standard normal draws, as `randn(n)`. */
  randn(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nextGauss();
    return out;
  }

  /** `n` draws of `loc + scale·N(0, 1)`, as `normal(loc, scale, n)`. */
  normal(loc: number, scale: number, n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = loc + scale * this.nextGauss();
    return out;
  }

  /** `n` doubles in [low, high), as `uniform(low, high, n)`. */
  uniform(low: number, high: number, n: number): Float64Array {
    const range = high - low;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = low + range * this.nextDouble();
    return out;
  }

  /**
   * `n` integers in [low, high), as legacy `randint(low, high, n)` with the
   * default int64 dtype (masked rejection sampling on 32-bit draws).
   */
  randint(low: number, high: number, n: number): Int32Array {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
      throw new RangeError(
        `Cannot draw integers as low must be an integer below high: low=${low}, high=${high}`,
      );
    }
    const range = high - low - 1;
    if (range > 0xffffffff || low < -0x80000000 || high > 0x80000000) {
      throw new RangeError(
        `Cannot draw integers as the range exceeds 32 bits: low=${low}, high=${high}`,
      );
    }
    const out = new Int32Array(n);
    if (range === 0) return out.fill(low);
    const mask = maskFor(range);
    for (let i = 0; i < n; i++) {
      let v: number;
      if (range === 0xffffffff) {
        v = this.nextUint32();
      } else {
        do {
          v = (this.nextUint32() & mask) >>> 0;
        } while (v > range);
      }
      out[i] = low + v;
    }
    return out;
  }

  /** Shuffles `array` in place as legacy `shuffle` (Fisher–Yates from the end). */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    // interval(i) and nextUint32 written out in one loop, the same draws:
    // a single loop is optimised within its first call, where the calls
    // ran in the interpreter (a first permutation of 10⁵ took 17–22 ms
    // against 2.5–6 ms once warm).
    const key = this.#key;
    let pos = this.#pos;
    try {
      for (let i = array.length - 1; i > 0; i--) {
        let mask = i;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        let j: number;
        do {
          if (pos >= N) {
            this.#generate();
            pos = 0;
          }
          let y = key[pos++];
          y ^= y >>> 11;
          y ^= (y << 7) & 0x9d2c5680;
          y ^= (y << 15) & 0xefc60000;
          y ^= y >>> 18;
          j = (y & mask) >>> 0;
        } while (j > i);
        const tmp = array[i];
        array[i] = array[j];
        array[j] = tmp;
      }
    } finally {
      this.#pos = pos; // (also when an assignment throws: the key has moved on)
    }
    return array;
  }

  /** A random permutation of 0..n−1, as `permutation(n)`. */
  permutation(n: number): Int32Array {
    const fast = n >= WASM_PERMUTATION_MIN ? wasmPermutation(this.#key, this.#pos, n) : undefined;
    if (fast) {
      this.#pos = fast.pos;
      return fast.out;
    }
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }
}

/**
 * From this n, {@linkcode RandomState.permutation} runs on a WebAssembly
 * kernel (`core/wasm/mt19937.wat`): the same draws, ready at its first call,
 * where the JavaScript loops start in the interpreter. A first permutation
 * of 10⁵ in a fresh process took 10–17 ms in JavaScript; bisecting k-means
 * draws one per bisection, and its whole first fit on 10⁵ rows takes 50 ms.
 */
const WASM_PERMUTATION_MIN = 4096;
/** Largest permutation the kernel takes (its memory holds it); beyond, JavaScript. */
const WASM_PERMUTATION_MAX = 2 ** 26;
/** Bytes of the kept kernel's memory; a larger permutation gets a memory of its own, dropped after it. */
const KEPT_BYTES = 4 * 2 ** 20;
let mtModule: WebAssembly.Module | null | undefined;
let kept: WebAssembly.Memory | undefined;

/**
 * `permutation(n)` on the kernel from the generator's key and position
 * (the key is advanced in place); undefined without WebAssembly or memory.
 */
function wasmPermutation(
  key: Uint32Array,
  pos: number,
  n: number,
): { out: Int32Array; pos: number } | undefined {
  if (n > WASM_PERMUTATION_MAX) return undefined;
  if (mtModule === undefined) mtModule = compileBase64(MT19937_WASM);
  if (!mtModule) return undefined;
  // The state: the key's 624 words and the position; then the n outputs.
  const state = 4 * (N + 4), need = state + 4 * n;
  let memory: WebAssembly.Memory;
  try {
    memory = need <= KEPT_BYTES
      ? (kept ??= new WebAssembly.Memory({ initial: KEPT_BYTES / 65536 }))
      : new WebAssembly.Memory({ initial: Math.ceil(need / 65536) });
  } catch {
    return undefined; // out of memory: JavaScript
  }
  const { exports } = new WebAssembly.Instance(mtModule, { env: { memory } });
  const buffer = memory.buffer;
  new Uint32Array(buffer, 0, N).set(key);
  new Int32Array(buffer, 4 * N, 1)[0] = pos;
  (exports.permutation as (st: number, out: number, n: number) => void)(0, state, n);
  key.set(new Uint32Array(buffer, 0, N));
  return {
    out: new Int32Array(buffer, state, n).slice(),
    pos: new Int32Array(buffer, 4 * N, 1)[0],
  };
}
