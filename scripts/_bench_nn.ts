/**
 * The benchmark's neural-network rows (`deno task bench --nn`), in their own
 * module so that only they load tfjs.
 *
 * @module
 */
import { loadMnist, scaledImages } from "../core/datasets/mnist.ts";
import { initBackend, tf } from "../core/nn/backend.ts";
import { convAutoencoder, denseAutoencoder, stackedAutoencoder } from "../core/nn/models.ts";
import {
  binaryCrossentropy,
  kerasAdadelta,
  kerasAdam,
  meanSquaredError,
} from "../core/nn/keras.ts";
import { trainAutoencoder } from "../core/nn/train.ts";
import { RandomState } from "../core/random.ts";

/**
 * Neural-network rows: seconds of the second epoch (the first is a
 * warm-up), batch 256, over the 60,000 MNIST training images (nn-dec: all
 * 70,000, as DEC's pretraining).
 */
export const NN_CASES: {
  name: string;
  build: (rng: RandomState) => { model: tf.LayersModel; conv: boolean; loss: "bce" | "mse" };
}[] = [
  {
    name: "nn-dense",
    build: (rng) => ({ model: denseAutoencoder(784, 32, rng), conv: false, loss: "bce" }),
  },
  {
    name: "nn-conv",
    build: (rng) => ({ model: convAutoencoder(28, "elu", rng), conv: true, loss: "mse" }),
  },
  {
    name: "nn-dec",
    build: (rng) => ({
      model: stackedAutoencoder(784, [500, 500, 2000, 10], rng),
      conv: false,
      loss: "mse",
    }),
  },
];

/** Seconds of the second epoch of row `name`. */
export async function nnEpochSeconds(name: string): Promise<number> {
  const c = NN_CASES.find((c) => c.name === name)!;
  await initBackend();
  const { train, test } = await loadMnist();
  const rng = new RandomState(0);
  const { model, conv, loss } = c.build(rng);
  // DEC pretrains on all 70,000 images; the other rows on the 60,000 training images.
  const a = scaledImages(train);
  let values = a.values, n = a.count;
  if (name === "nn-dec") {
    const b = scaledImages(test);
    values = new Float32Array(a.values.length + b.values.length);
    values.set(a.values);
    values.set(b.values, a.values.length);
    n += b.count;
  }
  const x = conv
    ? tf.tensor4d(values, [n, train.rows, train.cols, 1])
    : tf.tensor2d(values, [n, train.rows * train.cols]);
  const history = trainAutoencoder(model, x, {
    epochs: 2,
    batchSize: 256,
    loss: loss === "bce" ? binaryCrossentropy : meanSquaredError,
    optimizer: loss === "bce" ? kerasAdadelta() : kerasAdam(),
    rng,
    quiet: true,
  });
  return history.seconds[1];
}
