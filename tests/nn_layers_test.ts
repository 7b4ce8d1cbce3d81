/**
 * Keras' BatchNormalization and LeakyReLU (core/nn/keras.ts) against float64
 * references for one forward and backward step, in training and inference
 * mode, on the WASM backend; the §13 autoencoder under the seeded training
 * loop; and a save → load round trip with identical predictions.
 */
import assert from "node:assert/strict";
import { assertClose } from "./_assert.ts";
import { initBackend, tf } from "../core/nn/backend.ts";
import { batchNormalization, kerasAdam, leakyReLU, meanSquaredError } from "../core/nn/keras.ts";
import { featureAutoencoder } from "../core/nn/models.ts";
import { loadModel, saveModel } from "../core/nn/model_io.ts";
import { trainAutoencoder } from "../core/nn/train.ts";
import { RandomState } from "../core/random.ts";

await initBackend();

const N = 6, D = 3, EPS = 1e-3, ALPHA = 0.3, MOMENTUM = 0.99;
const rs = new RandomState(5);
const X = Float64Array.from(rs.randn(N * D), (v) => 2 * v + 0.5);
const R = Float64Array.from(rs.randn(N * D)); // dL/dy: L = Σ y ⊙ R
const GAMMA = [1.5, -0.7, 0.9], BETA = [0.2, 0.4, -0.3];
const MEAN0 = [0.1, -0.2, 0.3], VAR0 = [1.2, 0.8, 2.0];

/** Float64 BN → LeakyReLU with batch statistics (training) or the given ones (inference). */
function reference(training: boolean) {
  const mu = new Float64Array(D), va = new Float64Array(D);
  for (let j = 0; j < D; j++) {
    if (!training) {
      mu[j] = MEAN0[j];
      va[j] = VAR0[j];
      continue;
    }
    for (let i = 0; i < N; i++) mu[j] += X[i * D + j] / N;
    for (let i = 0; i < N; i++) va[j] += (X[i * D + j] - mu[j]) ** 2 / N; // biased
  }
  const xhat = new Float64Array(N * D), y = new Float64Array(N * D), g = new Float64Array(N * D);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < D; j++) {
      const k = i * D + j;
      xhat[k] = (X[k] - mu[j]) / Math.sqrt(va[j] + EPS);
      const z = GAMMA[j] * xhat[k] + BETA[j];
      y[k] = z > 0 ? z : ALPHA * z;
      g[k] = R[k] * (z > 0 ? 1 : ALPHA); // dL/dz
    }
  }
  const dGamma = new Float64Array(D), dBeta = new Float64Array(D), dx = new Float64Array(N * D);
  for (let j = 0; j < D; j++) {
    let mg = 0, mgx = 0;
    for (let i = 0; i < N; i++) {
      const k = i * D + j;
      dBeta[j] += g[k];
      dGamma[j] += g[k] * xhat[k];
      mg += g[k] / N;
      mgx += g[k] * xhat[k] / N;
    }
    const s = GAMMA[j] / Math.sqrt(va[j] + EPS);
    for (let i = 0; i < N; i++) {
      const k = i * D + j;
      // Training: the batch statistics depend on x too.
      dx[k] = training ? s * (g[k] - mg - xhat[k] * mgx) : s * g[k];
    }
  }
  return { y, dx, dGamma, dBeta, mu, va };
}

for (const training of [true, false]) {
  Deno.test(`BatchNormalization + LeakyReLU match float64, forward and backward (training=${training})`, () => {
    const bn = batchNormalization(), act = leakyReLU();
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [D] }), bn, act] });
    bn.setWeights([GAMMA, BETA, MEAN0, VAR0].map((v) => tf.tensor1d(v)));
    const x = tf.tensor2d(Float32Array.from(X), [N, D]),
      r = tf.tensor2d(Float32Array.from(R), [N, D]);
    const forward = (input: tf.Tensor) =>
      tf.sum(tf.mul(model.apply(input, { training }) as tf.Tensor, r)) as tf.Scalar;
    const ref = reference(training);

    const y = (model.apply(x, { training }) as tf.Tensor).dataSync();
    assertClose(y, ref.y, 1e-5);
    const dx = tf.grad(forward)(x).dataSync();
    assertClose(dx, ref.dx, 2e-5);
    const { grads } = tf.variableGrads(() => forward(x));
    const byName = (part: string) =>
      Object.entries(grads).find(([name]) => name.includes(part))![1].dataSync();
    assertClose(byName("gamma"), ref.dGamma, 1e-5);
    assertClose(byName("beta"), ref.dBeta, 1e-5);
    // Moving statistics: each training apply (three above) moves them toward
    // the batch's, m ← m − (m − μ_B)·(1 − momentum); inference leaves them.
    const [, , mean, variance] = bn.getWeights().map((w) => w.dataSync());
    let m = MEAN0, v = VAR0;
    for (let t = 0; t < (training ? 3 : 0); t++) {
      m = m.map((a, j) => a - (a - ref.mu[j]) * (1 - MOMENTUM));
      v = v.map((a, j) => a - (a - ref.va[j]) * (1 - MOMENTUM));
    }
    assertClose(mean, m, 1e-6);
    assertClose(variance, v, 1e-6);
  });
}

Deno.test("the §13 autoencoder trains under the seeded loop, reproducibly, and moves its BN statistics", () => {
  const data = tf.tensor2d(Float32Array.from(new RandomState(2).rand(64 * 10)), [64, 10]);
  const run = () => {
    const rng = new RandomState(7);
    const { autoencoder, encoder } = featureAutoencoder(10, 5, rng);
    const h = trainAutoencoder(autoencoder, data, {
      epochs: 3,
      batchSize: 16,
      loss: meanSquaredError,
      optimizer: kerasAdam(),
      rng,
      quiet: true,
      validation: data,
    });
    return { h, autoencoder, encoder };
  };
  const a = run(), b = run();
  assert.deepEqual(a.h.loss, b.h.loss);
  assert.deepEqual(a.h.valLoss, b.h.valLoss);
  assert.ok(a.h.loss[2] < a.h.loss[0]);
  assert.equal(a.encoder.outputs[0].shape[1], 5);
  const bnLayers = a.autoencoder.layers.filter((l) => l.getClassName() === "BatchNormalization");
  assert.equal(bnLayers.length, 4);
  const movingMean = bnLayers[0].getWeights()[2].dataSync();
  assert.ok(movingMean.some((v) => v !== 0), "moving mean moved");
  assert.equal(a.autoencoder.layers.filter((l) => l.getClassName() === "LeakyReLU").length, 4);
});

Deno.test("BN/LeakyReLU models survive save → load with identical predictions", async () => {
  const rng = new RandomState(3);
  const { autoencoder, encoder } = featureAutoencoder(6, 3, rng);
  const data = tf.tensor2d(Float32Array.from(new RandomState(4).rand(40 * 6)), [40, 6]);
  trainAutoencoder(autoencoder, data, {
    epochs: 2,
    batchSize: 8,
    loss: meanSquaredError,
    optimizer: kerasAdam(),
    rng,
    quiet: true,
  });
  const dir = "out/test-fixtures/bn-roundtrip";
  for (const [name, model] of [["autoencoder", autoencoder], ["encoder", encoder]] as const) {
    await saveModel(model, `${dir}/${name}`);
    const loaded = await loadModel(`${dir}/${name}`);
    const before = (model.predict(data) as tf.Tensor).dataSync();
    const after = (loaded.predict(data) as tf.Tensor).dataSync();
    assert.deepEqual(after, before, name);
    assert.equal(loaded.layers.length, model.layers.length);
  }
});
