/**
 * core/wasm/gemm.ts: our WebAssembly matrix product on its own memory
 * (strides, transposes, a row stride of C wider than N, sizes off the
 * tile), and the committed module text against its generator.
 */
import assert from "node:assert/strict";
import { instantiateGemm, TILE_ROWS } from "../core/wasm/gemm.ts";
import { gemmWat, MR } from "../scripts/build_gemm.ts";
import { RandomState } from "../core/random.ts";

Deno.test("gemm.wat is what scripts/build_gemm.ts generates", async () => {
  const committed = await Deno.readTextFile(new URL("../core/wasm/gemm.wat", import.meta.url));
  assert.equal(committed, gemmWat(false));
});

Deno.test("gemm: strided and transposed operands, padded C, against float64 sums", () => {
  const memory = new WebAssembly.Memory({ initial: 256 });
  const g = instantiateGemm(memory);
  assert.ok(g, "this engine compiles relaxed SIMD");
  const rs = new RandomState(3);
  // [M, N, K, transposeA, transposeB, ldc]
  const cases: [number, number, number, boolean, boolean, number][] = [
    [1, 1, 1, false, false, 1],
    [6, 8, 256, false, false, 8],
    [7, 9, 257, false, false, 9],
    [13, 30, 600, true, false, 30],
    [25, 17, 5, false, true, 20],
    [50, 3, 1000, true, true, 3],
    // transposed B packed four rows at a time (whole panels), with and without a scalar tail
    [9, 16, 12, false, true, 16],
    [4, 20, 7, true, true, 21],
  ];
  for (const [M, N, K, ta, tb, ldc] of cases) {
    const A = Float32Array.from(rs.randn(M * K)), B = Float32Array.from(rs.randn(K * N));
    const [ars, acs] = ta ? [1, M] : [K, 1];
    const [brs, bcs] = tb ? [1, K] : [N, 1];
    const a = 64, b = a + 4 * A.length, c = b + 4 * B.length, work = c + 4 * M * ldc;
    assert.ok(work + g.workBytes(M, N, K) <= memory.buffer.byteLength);
    const f = new Float32Array(memory.buffer);
    f.set(A, a / 4);
    f.set(B, b / 4);
    f.fill(-7, c / 4, c / 4 + M * ldc); // C's padding columns must stay untouched
    g.gemm(M, N, K, a, ars, acs, b, brs, bcs, c, ldc, work);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < ldc; j++) {
        const got = f[c / 4 + i * ldc + j];
        if (j >= N) {
          assert.equal(got, -7, `padding (${i}, ${j}) of ${M}x${N}x${K}`);
          continue;
        }
        let want = 0, scale = 0;
        for (let k = 0; k < K; k++) {
          const term = A[i * ars + k * acs] * B[k * brs + j * bcs];
          want += term;
          scale += Math.abs(term);
        }
        assert.ok(
          Math.abs(got - want) <= 1e-6 * scale + 1e-30,
          `C(${i}, ${j}) of ${M}x${N}x${K} tA=${ta} tB=${tb}: ${got} vs ${want}`,
        );
      }
    }
  }
});

Deno.test("gemm: biasRelu adds the bias to each row, then clips at zero", () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const g = instantiateGemm(memory)!;
  const f = new Float32Array(memory.buffer);
  const M = 3, N = 6; // N off the 4-float vector: the tail runs one value at a time
  const x = Array.from({ length: M * N }, (_, i) => i - 8), bias = [1, -2, 3, -4, 5, -6];
  f.set(x, 0);
  f.set(bias, 32);
  g.biasRelu(0, M, N, 128, 1);
  const want = x.map((v, i) => Math.max(0, v + bias[i % N]));
  assert.deepEqual(Array.from(f.subarray(0, M * N)), want);
  f.set(x, 0);
  g.biasRelu(0, M, N, 0, 0); // neither: unchanged
  assert.deepEqual(Array.from(f.subarray(0, M * N)), x);
});

Deno.test("gemm: gemmPacked with A packed once by packA gives gemm's products bit for bit", () => {
  assert.equal(TILE_ROWS, MR);
  const memory = new WebAssembly.Memory({ initial: 16 });
  const g = instantiateGemm(memory)!;
  const f = new Float32Array(memory.buffer);
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  for (const [M, N, K] of [[13, 10, 37], [6, 8, 5], [256, 3, 300], [1, 17, 9]]) {
    const a = 0, b = 4 * M * K, c1 = b + 4 * K * N, c2 = c1 + 4 * M * N, q = c2 + 4 * M * N;
    const work = q + 4 * Math.ceil(M / MR) * MR * K;
    for (let i = 0; i < M * K + K * N; i++) f[i] = next();
    // B as the rows of an N×K matrix (transposed), as k-means multiplies its centres.
    g.gemm(M, N, K, a, K, 1, b, 1, K, c1, N, work);
    g.packA(M, K, a, K, 1, q);
    g.gemmPacked(M, N, K, q, b, 1, K, c2, N, work);
    assert.deepEqual(
      f.slice(c2 / 4, c2 / 4 + M * N),
      f.slice(c1 / 4, c1 / 4 + M * N),
      `${M}x${N}x${K}`,
    );
  }
});
