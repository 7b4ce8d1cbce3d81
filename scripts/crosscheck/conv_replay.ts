/**
 * Dev-only: the first steps of the §9 conv autoencoder (elu, both Dense
 * layers, seed as the recipe) with their batch losses, and its initial
 * weights, so that conv_replay_torch.py can replay the very same training
 * (same weights, same batches, TensorFlow's Adam) in PyTorch and show where
 * the two part.
 *
 *   deno run --allow-read --allow-write=out scripts/crosscheck/conv_replay.ts [steps] [seed]
 */
import { loadMnist, scaledImages } from "../../core/datasets/mnist.ts";
import { initBackend, tf } from "../../core/nn/backend.ts";
import { kerasAdam, meanSquaredError } from "../../core/nn/keras.ts";
import { convAutoencoder } from "../../core/nn/models.ts";
import { RandomState } from "../../core/random.ts";
import { writeAtomic } from "../../core/io/files.ts";

const steps = Number(Deno.args[0] ?? 235), seed = Number(Deno.args[1] ?? 0);
await initBackend();
const { train } = await loadMnist();
const { values, count } = scaledImages(train);
const x = tf.tensor4d(values, [count, 28, 28, 1]);
const rng = new RandomState(seed);
const model = convAutoencoder(28, "elu", rng, "both");
const weights = model.getWeights();
const names = model.weights.map((w) => w.name);
const manifest = weights.map((w, i) => ({ name: names[i], shape: w.shape }));
const blob = new Float32Array(weights.reduce((a, w) => a + w.size, 0));
let at = 0;
for (const w of weights) {
  blob.set(w.dataSync() as Float32Array, at);
  at += w.size;
}
await writeAtomic("out/replay/w0.bin", new Uint8Array(blob.buffer));
await writeAtomic("out/replay/w0.json", JSON.stringify(manifest));
const optimizer = kerasAdam();
const losses: number[] = [];
let order = rng.permutation(count);
for (let s = 0; s < steps; s++) {
  const b = s % Math.ceil(count / 256);
  if (s > 0 && b === 0) order = rng.permutation(count);
  const idx = order.subarray(b * 256, Math.min(count, (b + 1) * 256));
  losses.push(tf.tidy(() => {
    const xb = tf.gather(x, tf.tensor1d(idx, "int32"));
    return optimizer.minimize(
      () => meanSquaredError(xb, model.apply(xb, { training: true }) as tf.Tensor),
      true,
    )!.dataSync()[0];
  }));
}
await writeAtomic("out/replay/ours.json", JSON.stringify(losses));
console.log(
  `${steps} steps; losses at 1, 10, 100, last: ${
    [0, 9, 99, steps - 1].filter((i) => i < steps).map((i) => losses[i].toFixed(6)).join(", ")
  }`,
);
