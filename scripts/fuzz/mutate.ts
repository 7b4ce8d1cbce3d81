/**
 * The fuzzer's input generator: each input is a pure function of
 * (seed, target, index), so any one of them can be regenerated alone.
 *
 * An input is either random bytes or a shipped sample with 1–8 stacked
 * mutations: bit flips, interesting bytes, truncation, deleted and
 * duplicated ranges, splices with another sample, dictionary tokens (the
 * format's keywords and hostile values such as `__proto__` or `1e999`), and
 * the target's own structural mutation (e.g. a header claiming 10⁹ images).
 *
 * @module
 */
import { RandomState } from "../../core/random.ts";

/** A format-aware mutation: returns a new input, or `undefined` when it does not apply. */
export type Structural = (
  input: Uint8Array,
  rng: RandomState,
  /** One generic mutation, for a structural one to apply inside a container. */
  mutate: (b: Uint8Array) => Uint8Array,
) => Uint8Array | undefined;

/** What a target offers the generator. */
export interface Corpus {
  /** Valid inputs to mutate (at least one). */
  samples: readonly Uint8Array[];
  /** Tokens to insert or overwrite with. */
  dictionary?: readonly string[];
  /** Format-aware mutations ("huge dimensions in headers"). */
  structural?: readonly Structural[];
}

/** Tokens worth trying in any text format. */
export const HOSTILE_TOKENS = [
  "NaN",
  "nan",
  "-nan",
  "Infinity",
  "-Infinity",
  "1e999",
  "-1e999",
  "1e-400",
  "-0",
  "0x10",
  "1_000",
  "9007199254740993",
  "4294967296",
  "99999999999",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "\u0000",
  "\ufeff",
  "\ud800",
  "\r\n",
  '"',
  '""',
  ",",
  ",,,,",
  "\n\n\n",
  " ",
  "\t",
  "é",
  "%s%n",
];

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xfe, 0x20, 0x0a, 0x2c, 0x22];

/** Integer in [0, n). */
function below(rng: RandomState, n: number): number {
  return n <= 1 ? 0 : rng.interval(n - 1);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), at += p.length;
  return out;
}

const encoder = new TextEncoder();

/** One generic byte-level mutation of `b` (which it never modifies). */
function mutateOnce(b: Uint8Array, corpus: Corpus, rng: RandomState): Uint8Array {
  const n = b.length;
  const at = below(rng, n + 1);
  const span = () => 1 + below(rng, Math.max(1, Math.min(n, rng.nextDouble() < 0.8 ? 16 : n)));
  switch (below(rng, 9)) {
    case 0: { // bit flips
      const out = b.slice();
      const flips = 1 + below(rng, 8);
      for (let i = 0; i < flips && n > 0; i++) out[below(rng, n)] ^= 1 << below(rng, 8);
      return out;
    }
    case 1: { // interesting bytes
      const out = b.slice();
      if (n > 0) out[below(rng, n)] = INTERESTING[below(rng, INTERESTING.length)];
      return out;
    }
    case 2: // truncation
      return b.slice(0, at);
    case 3: { // deleted range
      const len = span();
      return concat(b.subarray(0, at), b.subarray(Math.min(n, at + len)));
    }
    case 4: { // duplicated range
      const len = span();
      return concat(b.subarray(0, at), b.subarray(at, at + len), b.subarray(at));
    }
    case 5: { // splice with another sample (or itself)
      const other = corpus.samples[below(rng, corpus.samples.length)];
      const from = below(rng, other.length + 1);
      return concat(b.subarray(0, at), other.subarray(from, from + span()));
    }
    case 6: // insert a dictionary token
    case 7: { // overwrite with a dictionary token
      const dict = [...(corpus.dictionary ?? []), ...HOSTILE_TOKENS];
      const token = encoder.encode(dict[below(rng, dict.length)]);
      const cut = rng.nextDouble() < 0.5 ? at : Math.min(n, at + token.length);
      return concat(b.subarray(0, at), token, b.subarray(cut));
    }
    default: { // random bytes in place
      const out = b.slice();
      const len = Math.min(span(), n - at);
      for (let i = 0; i < len; i++) out[at + i] = below(rng, 256);
      return out;
    }
  }
}

/** Random bytes, sometimes starting with a sample's first bytes (its magic number). */
function randomBytes(corpus: Corpus, rng: RandomState): Uint8Array {
  const len = below(rng, rng.nextDouble() < 0.9 ? 512 : 65536);
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = below(rng, 256);
  if (rng.nextDouble() < 0.5) {
    const s = corpus.samples[below(rng, corpus.samples.length)];
    out.set(s.subarray(0, Math.min(len, 1 + below(rng, 32))));
  }
  return out;
}

/** How an input was made: for the report of a failure. */
export interface Generated {
  bytes: Uint8Array;
  recipe: string;
}

/**
 * The `index`-th input of a target under `seed`.
 *
 * @example
 * ```ts
 * import { generate } from "./mutate.ts";
 * import assert from "node:assert/strict";
 * const corpus = { samples: [new TextEncoder().encode("1,2\n3,4\n")] };
 * const a = generate(corpus, 7, "csv", 3), b = generate(corpus, 7, "csv", 3);
 * assert.deepEqual(a, b);
 * ```
 */
export function generate(corpus: Corpus, seed: number, target: string, index: number): Generated {
  const rng = new RandomState(inputSeed(seed, target, index));
  if (rng.nextDouble() < 0.1) return { bytes: randomBytes(corpus, rng), recipe: "random bytes" };
  const sampleIndex = below(rng, corpus.samples.length);
  let bytes = corpus.samples[sampleIndex];
  const steps: string[] = [`sample ${sampleIndex}`];
  const structural = corpus.structural ?? [];
  if (structural.length > 0 && rng.nextDouble() < 0.3) {
    const k = below(rng, structural.length);
    const s = structural[k](bytes, rng, (b) => mutateOnce(b, corpus, rng));
    if (s) bytes = s, steps.push(`structural ${k}`);
  }
  const count = rng.nextDouble() < 0.5 && steps.length > 1 ? 0 : 1 + below(rng, 8);
  for (let i = 0; i < count; i++) bytes = mutateOnce(bytes, corpus, rng);
  steps.push(`${count} mutations`);
  return { bytes, recipe: steps.join(", ") };
}

/** A 32-bit seed from (seed, target, index): FNV-1a over the three. */
export function inputSeed(seed: number, target: string, index: number): number {
  let h = 0x811c9dc5;
  for (const c of `${seed}/${target}/${index}`) {
    h ^= c.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
