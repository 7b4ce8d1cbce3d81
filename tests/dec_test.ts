/**
 * core/nn/dec.ts and DEC's Keras pieces against float64 references: the
 * Student-t layer, the gradient of KL(P‖Q) with respect to the embeddings and
 * the centres (the paper's closed form), Keras' SGD with momentum, the
 * VarianceScaling initialiser, and the training loop on a tiny problem.
 */
import assert from "node:assert/strict";
import { assertClose } from "./_assert.ts";
import { initBackend, tf } from "../core/nn/backend.ts";
import { decUniform, KerasAdam, KerasSGD, useHeapOptimizers } from "../core/nn/keras.ts";
import {
  decFit,
  klDivergence,
  rowArgmax,
  softAssignment,
  studentT,
  targetDistribution,
} from "../core/nn/dec.ts";
import { stackedAutoencoder } from "../core/nn/models.ts";
import { kmeans } from "../core/cluster/kmeans.ts";
import { makeBlobs } from "../core/datasets/make_blobs.ts";
import { clusterAccuracy } from "../core/metrics/clustering.ts";
import { type Matrix, matrix } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";

await initBackend();

const randomMatrix = (rs: RandomState, rows: number, cols: number, scale = 1) =>
  matrix(rows, cols, Float64Array.from(rs.randn(rows * cols), (v) => v * scale));
const tensor = (m: Matrix) => tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);

Deno.test("studentT (tfjs) equals softAssignment (float64), α = 1 and α = 2", () => {
  const rs = new RandomState(3);
  const z = randomMatrix(rs, 9, 4), mu = randomMatrix(rs, 5, 4);
  for (const alpha of [1, 2]) {
    const q = studentT(tensor(z), tensor(mu), alpha);
    const ref = softAssignment(z, mu, alpha);
    assertClose(q.dataSync(), ref.data, 1e-6);
    for (let i = 0; i < ref.rows; i++) {
      let s = 0;
      for (let j = 0; j < ref.cols; j++) s += ref.data[i * ref.cols + j];
      assert.ok(Math.abs(s - 1) < 1e-12);
    }
    q.dispose();
  }
});

Deno.test("targetDistribution: q²/f normalised, computed by hand", () => {
  const q = matrix(3, 2, Float64Array.from([0.5, 0.5, 0.9, 0.1, 0.2, 0.8]));
  const f = [1.6, 1.4];
  const p = targetDistribution(q);
  for (let i = 0; i < 3; i++) {
    const a = q.data[2 * i] ** 2 / f[0], b = q.data[2 * i + 1] ** 2 / f[1];
    assert.ok(Math.abs(p.data[2 * i] - a / (a + b)) < 1e-15);
    assert.ok(Math.abs(p.data[2 * i + 1] - b / (a + b)) < 1e-15);
  }
  assert.deepEqual(Array.from(rowArgmax(p)), [1, 0, 1]);
});

Deno.test("the gradient of KL(P‖Q) in z and μ matches the DEC paper's closed form", () => {
  const rs = new RandomState(11);
  const n = 6, d = 3, k = 4;
  for (const alpha of [1, 2]) {
    const z = randomMatrix(rs, n, d), mu = randomMatrix(rs, k, d);
    // A target that is not Q's own (else the gradient vanishes): P from a perturbed Q.
    const p = targetDistribution(softAssignment(randomMatrix(rs, n, d), mu, alpha));
    const zv = tf.variable(tensor(z)), muv = tf.variable(tensor(mu));
    const pt = tensor(p);
    const { grads } = tf.variableGrads(
      () => klDivergence(pt, studentT(zv, muv, alpha)),
      [zv, muv],
    );
    // ∂L/∂z_i = (α+1)/α · (1/n) Σ_j (1 + ‖z_i − μ_j‖²/α)⁻¹ (p_ij − q_ij)(z_i − μ_j), and
    // ∂L/∂μ_j is minus the same sum over i (the loss is a mean over the batch).
    const q = softAssignment(z, mu, alpha);
    const gz = new Float64Array(n * d), gmu = new Float64Array(k * d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += (z.data[i * d + t] - mu.data[j * d + t]) ** 2;
        const c = ((alpha + 1) / alpha) * (p.data[i * k + j] - q.data[i * k + j]) /
          (1 + s / alpha) / n;
        for (let t = 0; t < d; t++) {
          const diff = z.data[i * d + t] - mu.data[j * d + t];
          gz[i * d + t] += c * diff;
          gmu[j * d + t] -= c * diff;
        }
      }
    }
    assertClose(grads[zv.name].dataSync(), gz, 1e-4);
    assertClose(grads[muv.name].dataSync(), gmu, 1e-4);
    tf.dispose([zv, muv, pt, ...Object.values(grads)]);
  }
});

Deno.test("KerasSGD: two momentum steps v ← mv − lr·g, w ← w + v, in float64", () => {
  const w0 = [0.5, -1.25, 2], g1 = [0.1, -0.4, 3], g2 = [-0.2, 0.3, 1];
  const lr = 0.01, m = 0.9;
  const w = tf.variable(tf.tensor1d(w0));
  const opt = new KerasSGD(lr, m);
  for (const g of [g1, g2]) {
    const gt = tf.tensor1d(g);
    opt.applyGradients({ [w.name]: gt });
    gt.dispose();
  }
  const expected = w0.map((wi, i) => {
    const v1 = -lr * g1[i], v2 = m * v1 - lr * g2[i];
    return wi + v1 + v2;
  });
  assertClose(w.dataSync(), expected, 1e-6);
  // Without momentum: plain w − lr·g.
  const u = tf.variable(tf.tensor1d(w0));
  const plain = new KerasSGD(1, 0);
  const gt = tf.tensor1d(g1);
  plain.applyGradients({ [u.name]: gt });
  assertClose(u.dataSync(), w0.map((wi, i) => wi - g1[i]), 1e-6);
  tf.dispose([w, u, gt]);
});

Deno.test("decUniform draws U(±√(1/fan_in)), seeded", () => {
  const a = decUniform(5).apply([400, 300]) as tf.Tensor, b = decUniform(5).apply([400, 300]);
  const v = a.dataSync(), limit = Math.sqrt(1 / 400);
  let max = 0, sq = 0;
  for (const x of v) (max = Math.max(max, Math.abs(x))), (sq += x * x);
  assert.ok(max <= limit && max > 0.99 * limit, `max |w| ${max} vs ${limit}`);
  const variance = sq / v.length, expected = 1 / (3 * 400);
  assert.ok(Math.abs(variance / expected - 1) < 0.02, `variance ${variance} vs ${expected}`);
  assert.deepEqual(v, (b as tf.Tensor).dataSync());
  tf.dispose([a, b]);
});

/** Four blobs in 20-d, a small stacked autoencoder's encoder, k-means centres on its codes. */
function tinyProblem(seed: number, n = 600) {
  const { X, y } = makeBlobs({ nSamples: n, centers: 4, nFeatures: 20, randomState: 1 });
  const x = tf.tensor2d(Float32Array.from(X.data), [n, 20]);
  const ae = stackedAutoencoder(20, [16, 3], new RandomState(seed));
  const encoder = tf.model({
    inputs: ae.inputs,
    outputs: ae.layers[1].output as tf.SymbolicTensor,
  });
  const z = encoder.predict(x) as tf.Tensor;
  const codes = matrix(n, 3, Float64Array.from(z.dataSync()));
  z.dispose();
  const km = kmeans(codes, { nClusters: 4, nInit: 5, randomState: seed, refine: false });
  return { x, y, encoder, km };
}

Deno.test("decFit: updates every interval from iteration 0, in-order batches, reproducible", () => {
  const runs = [0, 1].map(() => {
    const { x, y, encoder, km } = tinyProblem(0);
    const r = decFit(encoder, x, {
      centers: km.centers,
      labels: km.labels,
      updateInterval: 5,
      maxIter: 40,
      tol: 0,
      quiet: true,
    });
    x.dispose();
    return { r, acc0: clusterAccuracy(y, km.labels).accuracy, y };
  });
  const { r, acc0, y } = runs[0];
  // tol 0 never stops: updates at 0, 5, …, 35 and a last one at 40.
  assert.equal(r.converged, false);
  assert.equal(r.iterations, 40);
  assert.deepEqual(r.history.map((u) => u.iteration), [0, 5, 10, 15, 20, 25, 30, 35, 40]);
  assert.ok(Number.isNaN(r.history[0].loss));
  for (const u of r.history.slice(1)) assert.ok(u.loss > 0 && Number.isFinite(u.loss));
  // The first update compares Q's labels with k-means' own: nearly all agree.
  assert.ok(r.history[0].deltaLabel < 0.02, `Δ₀ = ${r.history[0].deltaLabel}`);
  assert.equal(r.centers.rows, 4);
  assert.ok(clusterAccuracy(y, r.labels).accuracy >= acc0 - 0.02);
  // Same inputs, same weights: the same run.
  assert.deepEqual(runs[1].r.labels, r.labels);
  assert.deepEqual(runs[1].r.centers.data, r.centers.data);
});

Deno.test("decFit stops at the first update after 0 whose label change is below tol", () => {
  const { x, encoder, km } = tinyProblem(2, 300);
  const r = decFit(encoder, x, {
    centers: km.centers,
    labels: km.labels,
    updateInterval: 3,
    maxIter: 300,
    tol: 0.5,
    quiet: true,
  });
  x.dispose();
  assert.equal(r.converged, true);
  assert.equal(r.iterations, 3);
  assert.equal(r.history.length, 2);
  assert.ok(r.history[1].deltaLabel < 0.5);
});

Deno.test("decFit rejects centres of the wrong dimension", () => {
  const { x, encoder, km } = tinyProblem(0, 100);
  assert.throws(
    () => decFit(encoder, x, { centers: matrix(4, 5), labels: km.labels, quiet: true }),
    /Cannot run DEC as the centres are 5-dimensional for a 3-dimensional embedding/,
  );
  x.dispose();
});

Deno.test("Adam and SGD give the same weights bit for bit in WebAssembly and in JavaScript", () => {
  const rs = new RandomState(4);
  const shapes = [[7, 3], [64], [1]];
  const init = shapes.map((sh) => Float32Array.from(rs.randn(sh.reduce((a, b) => a * b, 1))));
  const grads = [0, 1, 2].map(() =>
    shapes.map((sh) => Float32Array.from(rs.randn(sh.reduce((a, b) => a * b, 1)), (g) => g * 0.3))
  );
  const run = (heap: boolean, make: () => tf.Optimizer) => {
    useHeapOptimizers(heap);
    try {
      const vars = shapes.map((sh, i) => tf.variable(tf.tensor(init[i], sh)));
      const opt = make();
      for (const step of grads) {
        const g = step.map((v, i) => tf.tensor(v, shapes[i]));
        opt.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, g[i]])));
        tf.dispose(g);
      }
      const out = vars.map((v) => Array.from(v.dataSync()));
      tf.dispose(vars);
      opt.dispose();
      return out;
    } finally {
      useHeapOptimizers(true);
    }
  };
  for (
    const make of [
      () => new KerasAdam(),
      () => new KerasAdam(0.01, 0.8, 0.99, 1e-3),
      () => new KerasSGD(0.01, 0.9),
      () => new KerasSGD(1, 0),
    ]
  ) {
    const wasm = run(true, make), js = run(false, make);
    assert.deepEqual(wasm, js);
    assert.notDeepEqual(wasm[0], Array.from(init[0]));
  }
});
