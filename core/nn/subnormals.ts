/**
 * Keeps training off subnormal floats. TensorFlow runs its CPU kernels with
 * subnormals flushed to zero; WebAssembly has no such mode, and x86 cores take
 * a microcode assist on every subnormal operand or result: a matrix product
 * over subnormal values ran 120× slower here (35 ms → 4.3 s for
 * 128×50176·50176×64).
 *
 * Training makes them. An autoencoder with a sigmoid output grows ever more
 * certain of the black background, so the gradient at those logits,
 * `dy·s·(1−s)` with s → 0, sinks towards 1e-38; every layer below multiplies
 * it by its weights and the products land in the subnormal range. Measured on
 * the conv autoencoder (4,096 images, batch 256): 277 ms per step at the
 * start, 384 ms after 40 epochs; the trained weights loaded into a fresh
 * process stayed slow (the backward `Conv2D` of the last layer took 66 ms
 * instead of 32, with 14% of its input gradient subnormal).
 *
 * The fix acts where they are born: the sigmoid's gradient is computed as in
 * tfjs, then entries smaller in magnitude than {@linkcode GRADIENT_FLOOR} are
 * set to zero. Such an entry is 1e-30 or less where a typical logit gradient
 * is 1e-7…1e-3: the training is the same to every digit we print, and the
 * products below it stay normal. Flushing the output of every kernel instead
 * (TensorFlow's exact semantics) cost 50 ms per step and still left products
 * of tiny normal values slow.
 *
 * @module
 */
import { tf } from "./tf.ts";

/** Sigmoid gradients smaller in magnitude than this become zero. */
export const GRADIENT_FLOOR = 1e-30;

/**
 * Zeroes the entries of `x` with magnitude below `floor` (a tensor op, any
 * backend).
 *
 * @example
 * ```ts ignore
 * flushTiny(tf.tensor1d([1e-35, -2, 3e-31]), 1e-30); // [0, -2, 0]
 * ```
 */
export function flushTiny(x: tf.Tensor, floor = GRADIENT_FLOOR): tf.Tensor {
  return tf.tidy(() => tf.where(tf.less(tf.abs(x), floor), tf.zerosLike(x), x));
}

/**
 * Replaces tfjs' gradient of `Sigmoid` (for every backend) by the same
 * formula followed by {@linkcode flushTiny}. Called by `initBackend`.
 */
export function registerSubnormalSafeGradients(): void {
  tf.registerGradient({
    kernelName: "Sigmoid",
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [y] = saved;
      return { x: () => flushTiny(tf.mul(dy as tf.Tensor, tf.mul(y, tf.sub(1, y)))) };
    },
  });
}
