/**
 * core/nn: the WASM backend and its replacement kernel (against the cpu
 * backend), Keras parity (Adadelta, binary cross-entropy), seeded
 * reproducibility and the save/load round trip.
 */
import assert from "node:assert/strict";
import { initBackend, tf } from "../core/nn/backend.ts";
import { binaryCrossentropy, KerasAdadelta, KerasAdam } from "../core/nn/keras.ts";
import { denseAutoencoder, predictMatrix } from "../core/nn/models.ts";
import { trainAutoencoder } from "../core/nn/train.ts";
import { loadModel, saveModel } from "../core/nn/model_io.ts";
import { RandomState } from "../core/random.ts";
import { flushTiny } from "../core/nn/subnormals.ts";
import { stockKernel } from "../core/nn/elementwise_kernels.ts";
import {
  matMulSharedMemory,
  matMulThreads,
  startMatMulWorker,
  stopMatMulWorker,
} from "../core/nn/parallel_matmul.ts";

await initBackend();

/** Runs `f` on the cpu backend, then switches back to wasm. */
async function onCpu<T>(f: () => T): Promise<T> {
  await tf.setBackend("cpu");
  try {
    return f();
  } finally {
    await tf.setBackend("wasm");
  }
}

const maxRelDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    (m = Math.max(m, Math.abs(a[i] - b[i]))), (scale = Math.max(scale, Math.abs(b[i])));
  }
  return m / (scale || 1);
};

Deno.test("the WASM backend is active (no cpu fallback)", () => {
  assert.equal(tf.getBackend(), "wasm");
});

Deno.test("BatchMatMul on wasm (our product) equals the cpu backend", async () => {
  const rs = new RandomState(1);
  // Sizes off the 6×8 tile, K past one 256 block, batches (one side
  // broadcast), and two products large enough to be split between two cores.
  const shapes = [
    [[7, 5], [5, 3]],
    [[2, 7, 5], [2, 5, 3]],
    [[3, 7, 5], [1, 5, 3]],
    [[1, 13, 9], [4, 9, 17]],
    [[11, 700], [700, 9]],
    [[3, 600], [600, 4]],
    [[600, 5], [5, 600]],
    [[301, 130], [130, 120]],
    [[1, 64, 300], [1, 300, 120]],
  ];
  for (const [shapeA, shapeB] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const sa: number[] = [...shapeA], sb: number[] = [...shapeB];
        const r = sa.length;
        if (ta) [sa[r - 2], sa[r - 1]] = [sa[r - 1], sa[r - 2]];
        if (tb) [sb[r - 2], sb[r - 1]] = [sb[r - 1], sb[r - 2]];
        const va = Float32Array.from(rs.randn(sa.reduce((x, y) => x * y)));
        const vb = Float32Array.from(rs.randn(sb.reduce((x, y) => x * y)));
        const run = () =>
          tf.tidy(() => tf.matMul(tf.tensor(va, sa), tf.tensor(vb, sb), ta, tb).dataSync());
        const wasm = run();
        const cpu = await onCpu(run);
        assert.ok(maxRelDiff(wasm, cpu) < 1e-5, `${shapeA} ${shapeB} tA=${ta} tB=${tb}`);
      }
    }
  }
});

Deno.test({
  name: "large products split between two cores equal the one-core product exactly",
  ignore: (navigator.hardwareConcurrency ?? 1) < 2,
  fn: async () => {
    // Idle for a second, the worker stops; it is back for the next product.
    assert.ok(await startMatMulWorker());
    assert.equal(matMulThreads(), 2);
    const rs = new RandomState(4);
    const cases: [number, number, number, boolean, boolean][] = [
      [257, 300, 129, false, false],
      [16, 2000, 130, false, false],
      [600, 64, 500, false, false],
      [301, 256, 77, true, false],
      [97, 513, 200, false, true],
      [200, 100, 300, true, true],
    ];
    try {
      for (const [m, k, n, ta, tb] of cases) {
        const va = Float32Array.from(rs.randn(m * k)), vb = Float32Array.from(rs.randn(k * n));
        const a = () => tf.tensor2d(va, ta ? [k, m] : [m, k]);
        const b = () => tf.tensor2d(vb, tb ? [n, k] : [k, n]);
        const run = () => tf.tidy(() => tf.matMul(a(), b(), ta, tb));
        // Repeated, so that the split moves off one half (it balances the
        // two threads' measured speeds per shape): every split gives the
        // same rows.
        const split = run();
        for (let r = 0; r < 6; r++) {
          const again = run();
          assert.deepEqual(again.dataSync(), split.dataSync(), `${m}x${k}x${n} repeat ${r}`);
          again.dispose();
        }
        stopMatMulWorker();
        assert.equal(matMulThreads(), 1);
        const single = run();
        assert.deepEqual(split.shape, [m, n]);
        assert.deepEqual(split.dataSync(), single.dataSync(), `${m}x${k}x${n} ${ta} ${tb}`);
        tf.dispose([split, single]);
        assert.ok(await startMatMulWorker());
      }
    } finally {
      await startMatMulWorker();
    }
  },
});

Deno.test({
  name: "stale wake-ups of either thread never let the main thread take the worker's rows early",
  ignore: (navigator.hardwareConcurrency ?? 1) < 2,
  fn: async () => {
    // A thread descheduled between its store and its notify wakes the other
    // side late, for a product already finished. A third thread does that
    // here without pause while large products run; each must equal the
    // one-core product (before generation numbers, rows were taken early).
    const rs = new RandomState(12);
    const shapes: [number, number, number][] = [[256, 784, 500], [256, 500, 2000], [512, 300, 300]];
    const inputs = shapes.map(([m, k, n]) => [
      Float32Array.from(rs.randn(m * k)),
      Float32Array.from(rs.randn(k * n)),
    ]);
    const product = (i: number) =>
      tf.tidy(() => {
        const [m, k, n] = shapes[i];
        return tf.matMul(tf.tensor2d(inputs[i][0], [m, k]), tf.tensor2d(inputs[i][1], [k, n]))
          .dataSync();
      });
    stopMatMulWorker();
    const want = shapes.map((_, i) => product(i));
    assert.ok(await startMatMulWorker());
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const chaos = new Worker(new URL("./fixtures/stale_notify_worker.ts", import.meta.url), {
      type: "module",
    });
    const messages: unknown[] = [];
    const next = () =>
      new Promise((resolve) => chaos.onmessage = (e) => resolve(messages.push(e.data)));
    try {
      chaos.postMessage({ memory: matMulSharedMemory(), stop });
      await next();
      let wrong = 0, split = 0;
      for (let r = 0; r < 20; r++) {
        for (let i = 0; i < shapes.length; i++) {
          const got = product(i);
          if (matMulThreads() === 2) split++;
          if (got.some((v, j) => !Object.is(v, want[i][j]))) wrong++;
        }
      }
      Atomics.store(stop, 0, 1);
      await next();
      assert.ok(split > 30, `products split: ${split}`);
      assert.ok((messages[1] as number) > 0, "the disturbing thread ran");
      assert.equal(wrong, 0, "products that differ from the one-core product");
    } finally {
      Atomics.store(stop, 0, 1);
      chaos.terminate();
    }
  },
});

Deno.test({
  name: "after idling, the product worker is back within a synchronous training loop",
  ignore: (navigator.hardwareConcurrency ?? 1) < 2,
  fn: async () => {
    assert.ok(await startMatMulWorker());
    // Idle past its second: it stops (a web Worker would keep Deno alive).
    await new Promise((r) => setTimeout(r, 1300));
    assert.equal(matMulThreads(), 1);
    // Training loops never give the event loop a turn: the worker must
    // rejoin through shared memory alone.
    const a = tf.randomNormal([256, 512]), b = tf.randomNormal([512, 256]);
    const t0 = performance.now();
    let threads = 1;
    while (threads === 1 && performance.now() - t0 < 10_000) {
      tf.tidy(() => tf.matMul(a, b).dataSync());
      threads = matMulThreads();
    }
    tf.dispose([a, b]);
    assert.equal(threads, 2, "the worker rejoined");
  },
});

Deno.test("_FusedMatMul on wasm (bias, relu or linear: our product) equals the cpu backend", async () => {
  const rs = new RandomState(9);
  const cases: [number, number, number, boolean, boolean, string, boolean][] = [
    [256, 300, 130, false, false, "relu", true],
    [37, 50, 21, false, true, "linear", true],
    [37, 50, 21, true, false, "relu", false],
    [64, 40, 30, false, false, "elu", true], // elu: the stock kernel
  ];
  for (const [m, k, n, ta, tb, activation, withBias] of cases) {
    const va = Float32Array.from(rs.randn(m * k)), vb = Float32Array.from(rs.randn(k * n));
    const vc = Float32Array.from(rs.randn(n));
    const run = () =>
      tf.tidy(() =>
        tf.fused.matMul({
          a: tf.tensor2d(va, ta ? [k, m] : [m, k]),
          b: tf.tensor2d(vb, tb ? [n, k] : [k, n]),
          transposeA: ta,
          transposeB: tb,
          bias: withBias ? tf.tensor1d(vc) : undefined,
          activation: activation as "relu",
        }).dataSync()
      );
    const wasm = run();
    const cpu = await onCpu(run);
    assert.ok(maxRelDiff(wasm, cpu) < 1e-5, `${m}x${k}x${n} ${activation} bias=${withBias}`);
  }
});

Deno.test("Sum on wasm (leading axes: our loop) equals the cpu backend", async () => {
  const rs = new RandomState(8);
  const cases: [number[], number | number[] | undefined, boolean][] = [
    [[6, 5], 0, false],
    [[2, 3, 4, 5], [0, 1, 2], false],
    [[2, 3, 4, 5], [2, 0, 1], true],
    [[2, 3, 4, 5], [-4, -3], false],
    [[2, 3, 4], 1, false], // not leading: the stock kernel
    [[2, 3, 4], undefined, false], // all axes
    [[7, 1], [0], true],
  ];
  for (const [shape, axis, keepDims] of cases) {
    const v = Float32Array.from(rs.randn(shape.reduce((a, b) => a * b)));
    const run = () =>
      tf.tidy(() => {
        const y = tf.sum(tf.tensor(v, shape), axis, keepDims);
        return { shape: y.shape, values: Array.from(y.dataSync()) };
      });
    const wasm = run(), cpu = await onCpu(run);
    assert.deepEqual(wasm.shape, cpu.shape, `${shape} ${axis}`);
    assert.ok(maxRelDiff(wasm.values, cpu.values) < 1e-5, `${shape} ${axis} ${keepDims}`);
  }
});

Deno.test("GatherV2 on wasm (first axis: rows copied) equals the cpu backend, and the identity shares memory", async () => {
  const rs = new RandomState(9);
  const cases: [number[], number[], number[], number][] = [
    [[6, 5], [5, 0, 0, 3], [4], 0],
    [[4, 3, 2], [3, 1, 2, 0, 1, 1], [2, 3], 0],
    [[5], [4, 4, 0], [3], 0],
    [[3, 4], [1, 0], [2], 1], // another axis: the stock kernel
    [[6, 5], [], [0], 0],
  ];
  for (const [shape, idx, idxShape, axis] of cases) {
    const v = Float32Array.from(rs.randn(shape.reduce((a, b) => a * b)));
    const run = () =>
      tf.tidy(() => {
        const y = tf.gather(tf.tensor(v, shape), tf.tensor(idx, idxShape, "int32"), axis);
        return { shape: y.shape, values: Array.from(y.dataSync()) };
      });
    const wasm = run(), cpu = await onCpu(run);
    assert.deepEqual(wasm, cpu, `${shape} ${idx}`);
  }
  // An index out of range raises tfjs' own error.
  assert.throws(
    () => tf.tidy(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([0, 3], "int32"))),
    /GatherV2: the index value 3 is not in \[0, 2\]/,
  );
  const x = tf.tensor([1, 2, 3]), y = tf.clone(x);
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3]);
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3], "the clone outlives the original");
  y.dispose();
});

Deno.test("comparisons, logicalAnd and where on wasm (our kernels) equal the cpu backend, NaN and ±0 included", async () => {
  const rs = new RandomState(10);
  // 37 values: sixteen at a time in the kernels, then a tail of 5. Ties, NaN, ±0 and ±∞ mixed in.
  const values = (n: number) =>
    Float32Array.from(
      rs.randn(n),
      (v, i) => [NaN, 0, -0, Infinity, -Infinity, 0.5][i % 11] ?? Math.round(v * 2) / 2,
    );
  const a = values(37), b = values(37), c = values(37);
  const shapes: [number[], number[]][] = [
    [[37], [37]],
    [[37], [1]], // a scalar second operand
    [[1], [37]], // a scalar first operand: the mirrored comparison
    [[37, 1], [1, 37]], // a real broadcast: the stock kernel
  ];
  const ops = ["less", "lessEqual", "greater", "greaterEqual", "equal", "notEqual"] as const;
  for (const [sa, sb] of shapes) {
    // A scalar is a plain value (entry 7), not the leading NaN.
    const take = (v: Float32Array, shape: number[]) =>
      tf.tensor(shape.length === 1 && shape[0] === 1 ? v.subarray(7, 8) : v, shape);
    const run = () =>
      tf.tidy(() => {
        const x = take(a, sa), y = take(b, sb), z = take(c, sb);
        const out: Record<string, number[]> = {};
        for (const op of ops) out[op] = Array.from(tf[op](x, y).dataSync());
        const p = tf.less(x, y), q = tf.greaterEqual(x, z);
        out.and = Array.from(tf.logicalAnd(p, q).dataSync());
        // where copies the chosen floats' bits: compare them as bits (NaN, −0).
        const w = tf.where(
          p,
          tf.mul(x, tf.onesLike(p).toFloat()),
          tf.add(tf.zerosLike(p).toFloat(), z),
        );
        out.where = Array.from(new Int32Array((w.dataSync() as Float32Array).buffer));
        return out;
      });
    const wasm = run(), cpu = await onCpu(run);
    assert.deepEqual(wasm, cpu, `${sa} ${sb}`);
  }
  // The kernels' bytes are 0 or 1, and a NaN compares unequal only.
  const nan = tf.tensor1d([NaN, 1]);
  assert.deepEqual(Array.from(tf.notEqual(nan, nan).dataSync()), [1, 0]);
  assert.deepEqual(Array.from(tf.equal(nan, nan).dataSync()), [0, 1]);
  nan.dispose();
});

Deno.test("Log on wasm (our inlined logf) equals tfjs' own kernel bit for bit", () => {
  // Every positive normal float was checked once (2,130,706,432 of them, no difference);
  // here a million spread over them, the edges, and inputs the stock kernel keeps.
  const stock = stockKernel("Log")!;
  const n = 1 << 20, bits = new Int32Array(n + 6);
  const step = Math.floor((0x7f800000 - 0x00800000) / n);
  for (let i = 0; i < n; i++) bits[i] = 0x00800000 + i * step + (i % 7);
  bits.set([0x00800000, 0x7f7fffff, 0x3f800000, 0x3f7fffff, 0x3f800001, 0x33d6bf95], n);
  const specials = [0, -0, 1e-40, -1, Infinity, -Infinity, NaN, 1, 0.5];
  for (const values of [new Float32Array(bits.buffer), Float32Array.from(specials)]) {
    for (const len of [values.length, values.length - 3]) {
      const x = tf.tensor1d(values.subarray(0, len));
      const ours = tf.log(x);
      const theirs = tf.engine().makeTensorFromTensorInfo(
        stock({ inputs: { x }, backend: tf.backend(), attrs: {} }) as tf.TensorInfo,
      );
      const a = new Int32Array((ours.dataSync() as Float32Array).slice().buffer);
      const b = new Int32Array((theirs.dataSync() as Float32Array).slice().buffer);
      const first = a.findIndex((v, i) => v !== b[i]);
      assert.equal(first, -1, `${len} values: first difference at ${values[first]}`);
      tf.dispose([x, ours, theirs]);
    }
  }
});

Deno.test("predictMatrix from values read once equals its own read, and rejects values of another size", () => {
  const model = denseAutoencoder(6, 3, new RandomState(4));
  const v = Float32Array.from(new RandomState(5).randn(5 * 6));
  const x = tf.tensor2d(v, [5, 6]);
  assert.deepEqual(predictMatrix(model, x, v).data, predictMatrix(model, x).data);
  assert.throws(
    () => predictMatrix(model, x, v.subarray(1)),
    /^RangeError: Cannot predict from 29 values for a tensor of 30$/,
  );
  x.dispose();
});

Deno.test("dense-autoencoder gradients on wasm equal the cpu backend's", async () => {
  const model = denseAutoencoder(20, 4, new RandomState(2));
  const x = tf.tensor2d(Float32Array.from(new RandomState(3).rand(8 * 20)), [8, 20]);
  const grads = () =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => binaryCrossentropy(x, model.apply(x) as tf.Tensor));
      return Object.values(grads).map((g) => Array.from(g.dataSync()));
    });
  const wasm = grads();
  const cpu = await onCpu(grads);
  wasm.forEach((g, i) => assert.ok(maxRelDiff(g, cpu[i]) < 1e-5, `gradient ${i}`));
});

Deno.test("the sigmoid gradient is tfjs' formula with entries below 1e-30 set to zero", async () => {
  // d/dx Σ c·σ(x) = c·σ(x)·(1−σ(x)): with c = 1e-6, x = −60 gives ≈ 8.8e-33 (→ 0,
  // left alone it breeds subnormal products), x = −40 gives ≈ 4.2e-24 (kept).
  const xs = [-60, -40, 0, 3];
  const grad = () =>
    tf.tidy(() =>
      Array.from(
        tf.grad((x: tf.Tensor) => tf.sigmoid(x).mul(1e-6).sum())(tf.tensor1d(xs)).dataSync(),
      )
    );
  for (const [name, g] of [["wasm", grad()], ["cpu", await onCpu(grad)]] as const) {
    assert.equal(g[0], 0, name);
    xs.slice(1).forEach((x, i) => {
      const s = 1 / (1 + Math.exp(-x));
      const want = 1e-6 * s * (1 - s);
      assert.ok(Math.abs(g[i + 1] - want) <= 1e-5 * want, `${name} x=${x}: ${g[i + 1]} vs ${want}`);
    });
  }
  assert.deepEqual(Array.from(flushTiny(tf.tensor1d([1e-35, -2, -3e-31, 2e-30])).dataSync()), [
    0,
    -2,
    0,
    Math.fround(2e-30),
  ]);
});

Deno.test("KerasAdadelta takes TensorFlow's step (one step by hand)", () => {
  const w = tf.variable(tf.scalar(1));
  const opt = new KerasAdadelta(1.0, 0.95, 1e-7);
  opt.minimize(() => tf.square(w) as tf.Scalar); // g = 2
  // E[g²] = 0.05·4 = 0.2; Δ = √(0 + 1e-7)/√(0.2 + 1e-7)·2
  const expected = 1 - (Math.sqrt(1e-7) / Math.sqrt(0.2 + 1e-7)) * 2;
  assert.ok(Math.abs(w.dataSync()[0] - expected) < 1e-7, `${w.dataSync()[0]} vs ${expected}`);
  opt.dispose();
  w.dispose();
});

Deno.test("KerasAdam follows TensorFlow's ApplyAdam (three steps by hand, wasm and cpu)", async () => {
  const w0 = [1, -0.5, 2e-4, 0],
    grads = [[0.3, -2, 1e-6, 0], [0.1, 1, -1e-6, 0], [-0.2, 0.5, 0, 0]];
  // Float64 reference: ε is added to √v, the step size carries the bias corrections.
  const want = [...w0], m = [0, 0, 0, 0], v = [0, 0, 0, 0];
  grads.forEach((g, k) => {
    const t = k + 1, lrT = 0.001 * Math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t);
    g.forEach((gi, i) => {
      m[i] = 0.9 * m[i] + 0.1 * gi;
      v[i] = 0.999 * v[i] + 0.001 * gi * gi;
      want[i] -= lrT * m[i] / (Math.sqrt(v[i]) + 1e-7);
    });
  });
  const run = () => {
    const w = tf.variable(tf.tensor1d(w0));
    const opt = new KerasAdam();
    for (const g of grads) opt.applyGradients({ [w.name]: tf.tensor1d(g) });
    const got = Array.from(w.dataSync());
    opt.dispose();
    w.dispose();
    return got;
  };
  for (const [name, got] of [["wasm", run()], ["cpu", await onCpu(run)]] as const) {
    got.forEach((x, i) =>
      assert.ok(
        Math.abs(x - want[i]) <= 1e-6 * Math.abs(want[i]) + 1e-9,
        `${name} ${i}: ${x} vs ${want[i]}`,
      )
    );
  }
  // tfjs' Adam puts ε on the bias-corrected √v̂: where √v is near ε the steps differ.
  const w = tf.variable(tf.tensor1d([0]));
  const tfjsAdam = tf.train.adam(0.001, 0.9, 0.999, 1e-7);
  tfjsAdam.applyGradients([{ name: w.name, tensor: tf.tensor1d([1e-7]) }]);
  const keras = new KerasAdam(), w2 = tf.variable(tf.tensor1d([0]));
  keras.applyGradients({ [w2.name]: tf.tensor1d([1e-7]) });
  assert.ok(Math.abs(w.dataSync()[0] - w2.dataSync()[0]) > 1e-5);
});

Deno.test("binaryCrossentropy() clips and adds ε as Keras", () => {
  const y = tf.tensor1d([1, 0, 1]), p = tf.tensor1d([0.9, 0.2, 0]);
  const e = 1e-7;
  const expected = -(Math.log(0.9 + e) + Math.log(0.8 + e) + Math.log(e + e)) / 3;
  assert.ok(Math.abs(binaryCrossentropy(y, p).dataSync()[0] - expected) < 1e-5);
});

/** Trains a small autoencoder on random data; returns the history and final weights. */
function shortRun(seed: number) {
  const rng = new RandomState(seed);
  const model = denseAutoencoder(16, 4, rng);
  const x = tf.tensor2d(Float32Array.from(new RandomState(9).rand(200 * 16)), [200, 16]);
  const history = trainAutoencoder(model, x, {
    epochs: 3,
    batchSize: 32,
    loss: binaryCrossentropy,
    optimizer: new KerasAdadelta(),
    rng,
    validation: x,
    quiet: true,
  });
  return { history, weights: model.getWeights().map((w) => Array.from(w.dataSync())), model, x };
}

Deno.test("training is reproducible for a seed, decreases the loss, and differs across seeds", () => {
  const a = shortRun(5), b = shortRun(5), c = shortRun(6);
  assert.deepEqual(a.history.loss, b.history.loss);
  assert.deepEqual(a.weights, b.weights);
  assert.notDeepEqual(a.history.loss, c.history.loss);
  assert.ok(a.history.loss[2] < a.history.loss[0]);
  assert.equal(a.history.valLoss.length, 3);
});

Deno.test("save/load round trip gives identical predictions", async () => {
  const { model, x } = shortRun(7);
  await saveModel(model, "out/test-fixtures/model-roundtrip");
  const back = await loadModel("out/test-fixtures/model-roundtrip");
  const p1 = (model.predict(x) as tf.Tensor).dataSync();
  const p2 = (back.predict(x) as tf.Tensor).dataSync();
  assert.deepEqual(Array.from(p2), Array.from(p1));
});

Deno.test("convolutions and their gradients on wasm (our gradient kernels) equal the cpu backend's", async (t) => {
  const rs = new RandomState(4);
  // [input NHWC, filter HWCF, strides, padding]
  const cases: [number[], number[], [number, number], "valid" | "same"][] = [
    [[2, 8, 8, 1], [2, 2, 1, 3], [2, 2], "valid"],
    [[2, 8, 8, 1], [2, 2, 1, 8], [2, 2], "valid"], // K ≤ F: the other filter-gradient path
    [[2, 8, 8, 3], [2, 2, 3, 4], [2, 2], "same"],
    [[1, 7, 7, 2], [3, 3, 2, 3], [1, 1], "same"],
    [[2, 9, 7, 2], [3, 3, 2, 2], [2, 2], "same"],
    [[1, 9, 8, 3], [5, 3, 3, 2], [2, 1], "valid"],
  ];
  for (const [xs, fs, strides, pad] of cases) {
    await t.step(`x ${xs} filter ${fs} strides ${strides} ${pad}`, async () => {
      const xv = Float32Array.from(rs.randn(xs.reduce((a, b) => a * b)));
      const fv = Float32Array.from(rs.randn(fs.reduce((a, b) => a * b)));
      // Gradients of Σ(conv2d ⊙ r) and of Σ(conv2dTranspose ⊙ r) w.r.t. input and filter.
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor4d(xv, xs as [number, number, number, number]);
          const f = tf.tensor4d(fv, fs as [number, number, number, number]);
          const conv = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, strides, pad);
          const y = conv(x, f);
          const r = tf.tensor(Float32Array.from(new RandomState(5).rand(y.size)), y.shape);
          const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
            tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), r))
          )([x, f]);
          // conv2dTranspose maps y's shape back to x's: its own gradients use both kernels too.
          const tr = (a: tf.Tensor4D, b: tf.Tensor4D) =>
            tf.conv2dTranspose(a, b, xs as [number, number, number, number], strides, pad);
          const r2 = tf.tensor(Float32Array.from(new RandomState(6).rand(x.size)), x.shape);
          const [gy, gf2] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
            tf.sum(tf.mul(tr(a as tf.Tensor4D, b as tf.Tensor4D), r2))
          )([y, f]);
          // The forward FusedConv2D (stock) beside them: bias with relu or elu,
          // and a dilated one.
          const bias = tf.tensor1d(Float32Array.from(new RandomState(7).randn(fs[3])));
          const fused = (activation: "relu" | "elu", dilations: number) =>
            tf.fused.conv2d({ x, filter: f, strides, pad, bias, activation, dilations });
          const dilated = strides[0] === 1 && strides[1] === 1 ? [fused("relu", 2)] : [];
          return [gx, gf, gy, gf2, tr(y, f), y, fused("relu", 1), fused("elu", 1), ...dilated]
            .map((g) => Array.from(g.dataSync()));
        });
      const wasm = run();
      const cpu = await onCpu(run);
      wasm.forEach((g, i) =>
        assert.ok(maxRelDiff(g, cpu[i]) < 1e-5, `output ${i}: ${maxRelDiff(g, cpu[i])}`)
      );
    });
  }
});

Deno.test("a short conv-autoencoder training follows the same losses on wasm and cpu", async () => {
  const { convAutoencoder } = await import("../core/nn/models.ts");
  const { kerasAdam, meanSquaredError } = await import("../core/nn/keras.ts");
  const x = Float32Array.from(new RandomState(8).rand(24 * 28 * 28), (v) => (v > 0.7 ? v : 0));
  const run = () => {
    const rng = new RandomState(1);
    const model = convAutoencoder(28, "elu", rng);
    const xs = tf.tensor4d(x, [24, 28, 28, 1]);
    const h = trainAutoencoder(model, xs, {
      epochs: 2,
      batchSize: 12,
      loss: meanSquaredError,
      optimizer: kerasAdam(),
      rng,
      quiet: true,
    });
    xs.dispose();
    return h.loss;
  };
  const wasm = run();
  const cpu = await onCpu(run);
  wasm.forEach((l, i) =>
    assert.ok(Math.abs(l - cpu[i]) <= 1e-4 * cpu[i], `epoch ${i + 1}: ${l} vs ${cpu[i]}`)
  );
  assert.ok(wasm[1] < wasm[0]);
});

Deno.test("the conv autoencoder puts the activation on the Dense layers asked for", async () => {
  const { convAutoencoder } = await import("../core/nn/models.ts");
  const cases = [
    ["none", "linear", "linear"],
    ["code", "relu", "linear"],
    ["expand", "linear", "relu"],
    ["both", "relu", "relu"],
  ] as const;
  for (const [where, code, expand] of cases) {
    const model = convAutoencoder(28, "relu", new RandomState(0), where);
    const dense = model.layers.filter((l) => l.getClassName() === "Dense");
    assert.deepEqual(dense.map((l) => l.getConfig().activation), [code, expand], where);
    assert.deepEqual(dense.map((l) => l.outputShape), [[null, 64], [null, 3136]]);
    model.dispose();
  }
});
