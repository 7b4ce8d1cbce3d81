/**
 * The cookbook's model architectures, built with Keras' defaults and seeded
 * from our NumPy-compatible generator (one 31-bit seed drawn per layer).
 *
 * @module
 */
import { tf } from "./backend.ts";
import { denseLayer } from "./keras.ts";
import type { RandomState } from "../random.ts";

/**
 * Dense autoencoder `d → code (relu) → d (sigmoid)` (spec §8). Draws its two
 * layer seeds with `rng.randint(0, 2³¹ − 1, 2)`.
 *
 * @example
 * ```ts ignore
 * const model = denseAutoencoder(784, 32, new RandomState(0));
 * ```
 */
export function denseAutoencoder(d: number, code: number, rng: RandomState): tf.Sequential {
  const [s1, s2] = rng.randint(0, 2 ** 31 - 1, 2);
  return tf.sequential({
    layers: [denseLayer(code, "relu", s1, [d]), denseLayer(d, "sigmoid", s2)],
  });
}
