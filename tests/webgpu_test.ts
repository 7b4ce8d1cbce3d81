/**
 * `--backend webgpu` (issue 25): where there is no usable GPU, one line says
 * why and the run completes on WebAssembly with WebAssembly's numbers; where
 * an adapter exists (here Deno offers llvmpipe, a software one), tfjs's
 * WebGPU backend trains when allowed to use it. Nothing here needs a GPU.
 *
 * Its own file: the backend is chosen once per process (test file).
 */
import assert from "node:assert/strict";
import { runJson, runTask } from "./_recipes.ts";
import { describeBackend, initBackend, tf } from "../core/nn/backend.ts";

const small = ["--train-limit", "300", "--epochs", "1", "--out", "out/test-fixtures/webgpu"];

async function adapter(): Promise<GPUAdapter | null> {
  const gpu = (navigator as { gpu?: GPU }).gpu;
  return gpu ? await gpu.requestAdapter({ powerPreference: "high-performance" }) : null;
}

Deno.test("--backend webgpu without a GPU: one line says why, then WebAssembly's numbers", async () => {
  const a = await adapter();
  const software = a === null || (a.info as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  if (!software) {
    console.log("ignored: this machine has a hardware WebGPU adapter (the GPU path is used)");
    return;
  }
  const r = await runTask("autoencoder_kmeans", [...small, "--backend", "webgpu", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const notes = r.stderr.split("\n").filter((l) => l.startsWith("webgpu: "));
  assert.equal(notes.length, 1, r.stderr);
  assert.match(
    notes[0],
    /^webgpu: (this runtime has no WebGPU|no WebGPU adapter|no adapter|the only adapter is a software one \(.+\), slower than WebAssembly).*; using WebAssembly instead$/,
  );
  assert.deepEqual(JSON.parse(r.stdout), await runJson("autoencoder_kmeans", small));
});

Deno.test("initBackend('webgpu') runs tfjs's WebGPU backend on any adapter when allowed", async () => {
  if (await adapter() === null) {
    console.log("ignored: no WebGPU adapter here, not even a software one");
    return;
  }
  const notes: string[] = [];
  const name = await initBackend("webgpu", {
    allowSoftwareGpu: true,
    onNote: (l) => notes.push(l),
  });
  assert.equal(name, "webgpu", notes.join("\n"));
  assert.match(describeBackend(), /^webgpu \(.+\)$/);
  // A product against float64, and a few Adam steps that lower a loss.
  const a = Float32Array.from({ length: 64 * 32 }, (_, i) => Math.sin(i) / 4);
  const b = Float32Array.from({ length: 32 * 16 }, (_, i) => Math.cos(i) / 4);
  const got = await tf.matMul(tf.tensor2d(a, [64, 32]), tf.tensor2d(b, [32, 16])).data();
  for (let i = 0; i < 64; i += 7) {
    for (let j = 0; j < 16; j += 5) {
      let s = 0;
      for (let k = 0; k < 32; k++) s += a[i * 32 + k] * b[k * 16 + j];
      assert.ok(Math.abs(got[i * 16 + j] - s) < 1e-5, `(${i}, ${j}): ${got[i * 16 + j]} vs ${s}`);
    }
  }
  const w = tf.variable(tf.zeros([32, 16]));
  const x = tf.tensor2d(a, [64, 32]), y = tf.tensor2d(got, [64, 16]);
  const opt = tf.train.adam(0.05);
  const loss = () => tf.losses.meanSquaredError(y, tf.matMul(x, w)) as tf.Scalar;
  const first = (await loss().data())[0];
  for (let i = 0; i < 30; i++) opt.minimize(loss);
  const last = (await loss().data())[0];
  assert.ok(last < first / 2, `loss ${first} → ${last}`);
});
