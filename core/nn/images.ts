/**
 * Network outputs as pictures: a batch of [0, 1] images as 8-bit grayscale
 * images, for the reconstruction figures.
 *
 * @module
 */
import type { tf } from "./tf.ts";
import type { GrayImage } from "../io/image.ts";

/**
 * The images of a batch tensor (n images of `height × width` values in
 * [0, 1], any shape with n first) as grayscale images, each value × 255
 * rounded to the nearest integer and clamped to [0, 255].
 *
 * @example
 * ```ts ignore
 * const images = toGrayImages(model.predict(batch) as tf.Tensor, 28, 28);
 * ```
 */
export function toGrayImages(t: tf.Tensor, width: number, height: number): GrayImage[] {
  const v = t.dataSync();
  const d = width * height, n = t.shape[0];
  return Array.from({ length: n }, (_, k) => ({
    width,
    height,
    data: Uint8Array.from(
      { length: d },
      (_, j) => Math.min(255, Math.max(0, Math.round(v[k * d + j] * 255))),
    ),
  }));
}
