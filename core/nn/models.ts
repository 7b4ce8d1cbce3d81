/**
 * The cookbook's model architectures, built with Keras' defaults and seeded
 * from our NumPy-compatible generator (one 31-bit seed drawn per layer).
 *
 * @module
 */
import { tf } from "./tf.ts";
import { batchNormalization, denseLayer, leakyReLU } from "./keras.ts";
import type { RandomState } from "../random.ts";
import { type Matrix, matrix } from "../matrix.ts";

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

/** Hidden-layer activations the §9 recipe compares. */
export type Activation = "relu" | "elu";

/** Dense autoencoder 784 → 784 → 64 → 784 (spec §9), `act` on the hidden layers. */
export function deepDenseAutoencoder(d: number, act: Activation, rng: RandomState): tf.Sequential {
  const [s1, s2, s3] = rng.randint(0, 2 ** 31 - 1, 3);
  return tf.sequential({
    layers: [denseLayer(d, act, s1, [d]), denseLayer(64, act, s2), denseLayer(d, "sigmoid", s3)],
  });
}

/**
 * Where the §9 conv autoencoder's two Dense layers take the hidden
 * activation: nowhere (both linear), on the 64-unit code, on the 3136-unit
 * expansion that feeds the transposed convolutions, or on both.
 */
export type DenseActivation = "none" | "code" | "expand" | "both";

/**
 * Convolutional autoencoder (spec §9): Conv2D(32, 2, s2) → Conv2D(64, 2, s2) →
 * Flatten → Dense 64 → Dense 3136 → Reshape 7×7×64 → Conv2DTranspose(32, 2,
 * s2, same) → Conv2DTranspose(1, 2, s2, same, sigmoid); glorot-uniform
 * kernels (seeded), zero biases. `act` is the activation of the three hidden
 * convolutions; `dense` says which Dense layers take it too. The default,
 * both, is the original's code (spec §9 as corrected). The same model in
 * PyTorch with the same settings (`scripts/crosscheck/issue4_conv_torch.py`,
 * seed 0), test mse after 10 epochs, relu / elu:
 * - `both` (default): 0.0201 / 0.0067 — relu units die and stay dead;
 * - `expand`: 0.0192 / 0.0029;
 * - `code`: 0.0177 / 0.0066;
 * - `none`: 0.0028 / 0.0029 — with both Dense layers linear, relu does as
 *   well as elu.
 */
export function convAutoencoder(
  size: number,
  act: Activation,
  rng: RandomState,
  dense: DenseActivation = "both",
): tf.Sequential {
  const seeds = rng.randint(0, 2 ** 31 - 1, 6);
  const init = (i: number) => ({
    kernelInitializer: tf.initializers.glorotUniform({ seed: seeds[i] }),
    biasInitializer: "zeros" as const,
  });
  const denseAct = (where: "code" | "expand") =>
    dense === where || dense === "both" ? act : "linear";
  const q = size / 4;
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [size, size, 1],
        filters: 32,
        kernelSize: 2,
        strides: 2,
        activation: act,
        ...init(0),
      }),
      tf.layers.conv2d({ filters: 64, kernelSize: 2, strides: 2, activation: act, ...init(1) }),
      tf.layers.flatten(),
      denseLayer(64, denseAct("code"), seeds[2]),
      denseLayer(q * q * 64, denseAct("expand"), seeds[3]),
      tf.layers.reshape({ targetShape: [q, q, 64] }),
      tf.layers.conv2dTranspose({
        filters: 32,
        kernelSize: 2,
        strides: 2,
        padding: "same",
        activation: act,
        ...init(4),
      }),
      tf.layers.conv2dTranspose({
        filters: 1,
        kernelSize: 2,
        strides: 2,
        padding: "same",
        activation: "sigmoid",
        ...init(5),
      }),
    ],
  });
}

/**
 * A small dense autoencoder with a low-dimensional code (spec §11):
 * d → hidden (relu) → code (linear) → hidden (relu) → d (sigmoid).
 * Draws its four layer seeds with `rng.randint(0, 2³¹ − 1, 4)`; the code is
 * layer 1's output.
 */
export function bottleneckAutoencoder(
  d: number,
  hidden: number,
  code: number,
  rng: RandomState,
): tf.Sequential {
  const [s1, s2, s3, s4] = rng.randint(0, 2 ** 31 - 1, 4);
  return tf.sequential({
    layers: [
      denseLayer(hidden, "relu", s1, [d]),
      denseLayer(code, "linear", s2),
      denseLayer(hidden, "relu", s3),
      denseLayer(d, "sigmoid", s4),
    ],
  });
}

/**
 * The deep-embedded-clustering autoencoder: encoder d → dims… (relu, the
 * last layer linear: the embedding), decoder mirrored back to d (linear
 * output), as in Xie, Girshick and Farhadi, "Unsupervised deep embedding for
 * clustering analysis" (ICML 2016). Kernels are drawn as the original's,
 * VarianceScaling(1/3, fan_in, uniform) ({@linkcode decUniform}); biases
 * zero. The encoder is layers 0 … dims.length − 1.
 *
 * @example
 * ```ts ignore
 * const ae = stackedAutoencoder(784, [500, 500, 2000, 10], new RandomState(0));
 * ```
 */
export function stackedAutoencoder(d: number, dims: number[], rng: RandomState): tf.Sequential {
  const sizes = [...dims, ...dims.slice(0, -1).reverse(), d];
  const seeds = rng.randint(0, 2 ** 31 - 1, sizes.length);
  const code = dims.length - 1;
  return tf.sequential({
    layers: sizes.map((units, i) =>
      denseLayer(
        units,
        i === code || i === sizes.length - 1 ? "linear" : "relu",
        seeds[i],
        i === 0 ? [d] : undefined,
        "decUniform",
      )
    ),
  });
}

/** An autoencoder and its encoder (input → code), sharing layers. */
export interface AutoencoderPair {
  readonly autoencoder: tf.LayersModel;
  readonly encoder: tf.LayersModel;
}

/**
 * The feature-extraction autoencoder of spec §13: d → 2d → d → n (the
 * code, linear) → d → 2d → d (linear output), every hidden layer Dense,
 * then {@linkcode batchNormalization}, then {@linkcode leakyReLU}; Dense
 * kernels glorot-uniform, drawn with six seeds from
 * `rng.randint(0, 2³¹ − 1, 6)`. The encoder is the same layers up to the
 * code, as a model of its own, to be saved alone.
 *
 * @example
 * ```ts ignore
 * const { autoencoder, encoder } = featureAutoencoder(100, 50, new RandomState(0));
 * ```
 */
export function featureAutoencoder(d: number, n: number, rng: RandomState): AutoencoderPair {
  const seeds = rng.randint(0, 2 ** 31 - 1, 6);
  const input = tf.input({ shape: [d] });
  const block = (x: tf.SymbolicTensor, units: number, seed: number) =>
    [denseLayer(units, "linear", seed), batchNormalization(), leakyReLU()].reduce(
      (h, layer) => layer.apply(h) as tf.SymbolicTensor,
      x,
    );
  const code = denseLayer(n, "linear", seeds[2]).apply(
    block(block(input, 2 * d, seeds[0]), d, seeds[1]),
  ) as tf.SymbolicTensor;
  const output = denseLayer(d, "linear", seeds[5]).apply(
    block(block(code, d, seeds[3]), 2 * d, seeds[4]),
  ) as tf.SymbolicTensor;
  return {
    autoencoder: tf.model({ inputs: input, outputs: output }),
    encoder: tf.model({ inputs: input, outputs: code }),
  };
}

/**
 * The 64-number codes (the first Dense layer's output) of the §9 conv
 * autoencoder for the images `x` ([n, side, side, 1]), computed in batches,
 * as an n × 64 float64 matrix.
 *
 * @example
 * ```ts ignore
 * const codes = denseCode(convAutoencoder(28, "elu", rng, "both"), images, 28, "the model");
 * ```
 * @throws {RangeError} when `model` is not a conv autoencoder of that shape (`source` names it).
 */
export function denseCode(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  side: number,
  source: string,
): Matrix {
  const input = model.inputs[0]?.shape ?? [];
  const dense = model.layers.find((l) => l.getClassName() === "Dense");
  const units = dense ? (dense.outputShape as number[])[1] : undefined;
  if (
    input.length !== 4 || input[1] !== side || input[2] !== side || input[3] !== 1 ||
    !dense || units === undefined || model.layers.at(-1)?.outputShape?.toString() !==
      [null, side, side, 1].toString()
  ) {
    throw new RangeError(
      `Cannot use ${source} as it is not a conv autoencoder of ${side}x${side} images: input=${
        JSON.stringify(input)
      }, code layer=${dense ? dense.name : "none"}`,
    );
  }
  return layerOutputs(model, model.layers.indexOf(dense), x);
}

/**
 * The outputs of layer `index` of `model` for the inputs `x`, in batches of
 * 1024, as an n × units float64 matrix (e.g. an autoencoder's codes).
 */
export function layerOutputs(model: tf.LayersModel, index: number, x: tf.Tensor): Matrix {
  const layer = model.layers[index];
  return predictMatrix(
    tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor }),
    x,
  );
}

/**
 * `model`'s (single, flat) output for the inputs `x`, in batches of 1024,
 * as an n × units float64 matrix. A caller that predicts on the same `x`
 * again and again (DEC) passes `values`, x's values read once: on the WASM
 * backend each read copies the whole tensor into fresh memory (0.6–0.9 s
 * for MNIST's 220 MB here, mostly page faults).
 *
 * @throws {RangeError} when `values` does not hold x's size.
 */
export function predictMatrix(model: tf.LayersModel, x: tf.Tensor, values?: Float32Array): Matrix {
  const units = (model.outputs[0].shape as number[]).slice(1).reduce((a, b) => a * b, 1);
  const n = x.shape[0], rowShape = x.shape.slice(1), row = x.size / Math.max(1, n);
  if (values && values.length !== x.size) {
    throw new RangeError(
      `Cannot predict from ${values.length} values for a tensor of ${x.size}`,
    );
  }
  const out = matrix(n, units);
  // One read of x: on the WASM backend every `slice` first copies the whole tensor.
  values ??= x.dataSync() as Float32Array;
  for (let start = 0; start < n; start += 1024) {
    const size = Math.min(1024, n - start);
    // (Not through tf.tidy: a typed array returned from it is walked element by element.)
    const batch = tf.tensor(values.subarray(start * row, (start + size) * row), [
      size,
      ...rowShape,
    ]);
    // `apply`, as `predict` does per batch, minus predict's slice of the batch (a full copy
    // on the WASM backend); the same kernels, so the same values.
    const codes = tf.tidy(() => model.apply(batch, { training: false }) as tf.Tensor);
    out.data.set(codes.dataSync(), start * units);
    tf.dispose([batch, codes]);
  }
  return out;
}
