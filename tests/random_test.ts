/**
 * core/random.ts and core/datasets against NumPy's legacy RandomState:
 * the spec's reference draws and more NumPy draws (tests/fixtures/README.md).
 */
import assert from "node:assert/strict";
import { RandomState } from "../core/random.ts";
import { makeBlobs } from "../core/datasets/make_blobs.ts";
import { makeCurve } from "../core/datasets/curves.ts";
import { toRows } from "../core/matrix.ts";

type Case = Record<string, number[]> & { seed: number };
const load = (name: string) =>
  JSON.parse(Deno.readTextFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const reference = load("numpy_random_reference.json");
const extra = load("numpy_random_extra.json");

for (const c of reference.cases as Case[]) {
  Deno.test(`RandomState(${c.seed}) equals NumPy's reference draws`, () => {
    const rs = new RandomState(c.seed);
    assert.deepEqual(Array.from(rs.rand(5)), c.rand_5);
    assert.deepEqual(Array.from(rs.randn(5)), c.randn_5_after_rand);
    assert.deepEqual(Array.from(rs.randint(0, 10, 5)), c.randint_0_10_5_after);
    assert.deepEqual(Array.from(rs.permutation(8)), c.permutation_8_after);
    assert.deepEqual(Array.from(rs.uniform(-1, 1, 3)), c["uniform_-1_1_3_after"]);
  });
}

for (const c of extra.cases as Case[]) {
  Deno.test(`RandomState(${c.seed}) equals NumPy beyond the reference seeds`, () => {
    const rs = new RandomState(c.seed);
    assert.deepEqual(Array.from(rs.rand(3)), c.rand_3);
    assert.deepEqual(Array.from(rs.randn(3)), c.randn_3);
    assert.deepEqual(Array.from(rs.randint(0, 7, 6)), c.randint_0_7_6);
    assert.deepEqual(Array.from(rs.randint(-5, 1000003, 4)), c["randint_-5_1000003_4"]);
    assert.deepEqual(Array.from(rs.uniform(2, 5, 2)), c.uniform_2_5_2);
    assert.deepEqual(Array.from(rs.randn(1)), c.randn_1);
    assert.deepEqual(Array.from(rs.permutation(13)), c.permutation_13);
    assert.deepEqual(Array.from(rs.shuffle(Int32Array.from([0, 1, 2, 3, 4, 5]))), c.shuffle_6);
    assert.deepEqual(Array.from(rs.normal(1, 2, 2)), c.normal_1_2_2);
  });
}

Deno.test("MT19937 init_genrand(5489) gives the reference first output", () => {
  // Matsumoto & Nishimura's mt19937ar.c: first genrand_int32() is 3499211612.
  assert.equal(new RandomState(5489).nextUint32(), 3499211612);
});

Deno.test("RandomState rejects seeds NumPy rejects", () => {
  for (const bad of [-1, 2 ** 32, 1.5, NaN]) {
    assert.throws(() => new RandomState(bad), RangeError);
  }
});

Deno.test("reseeding restarts the stream and clears the cached Gaussian", () => {
  const rs = new RandomState(3);
  const first = Array.from(rs.randn(3));
  rs.seed(3);
  assert.deepEqual(Array.from(rs.randn(3)), first);
});

Deno.test("makeBlobs(randomState 6) equals make_blobs(random_state=6)", () => {
  const ref = reference.make_blobs_random_state_6;
  const { X, y } = makeBlobs({ randomState: 6 });
  assert.deepEqual([X.rows, X.cols], ref.shape);
  assert.deepEqual(toRows(X).slice(0, 3), ref.X_first_3);
  assert.deepEqual(Array.from(y.subarray(0, 10)), ref.y_first_10);
  let sx = 0, sy = 0;
  for (let i = 0; i < X.rows; i++) (sx += X.data[2 * i]), (sy += X.data[2 * i + 1]);
  assert.ok(Math.abs(sx - ref.X_sum[0]) < 1e-9 && Math.abs(sy - ref.X_sum[1]) < 1e-9);
});

Deno.test("spiral(seed 2) equals the NumPy original within libm rounding", () => {
  const ref = reference.spiral_seed_2;
  const X = makeCurve("spiral");
  assert.deepEqual([X.rows, X.cols], ref.shape);
  toRows(X).slice(0, 3).forEach((r, i) =>
    r.forEach((v, j) => assert.ok(Math.abs(v - ref.first_3[i][j]) < 1e-12, `${i},${j}: ${v}`))
  );
  let sx = 0, sy = 0;
  for (let i = 0; i < X.rows; i++) (sx += X.data[2 * i]), (sy += X.data[2 * i + 1]);
  assert.ok(Math.abs(sx - ref.sum[0]) < 1e-9 && Math.abs(sy - ref.sum[1]) < 1e-9);
});

Deno.test("rose and hypotrochoid curves have the requested size and are seeded", () => {
  for (const name of ["rose", "hypotrochoid"] as const) {
    const a = makeCurve(name, { nSamples: 50, seed: 1 });
    const b = makeCurve(name, { nSamples: 50, seed: 1 });
    assert.equal(a.rows, 50);
    assert.deepEqual(a.data, b.data);
    assert.ok(a.data.every(Number.isFinite));
  }
  assert.throws(() => makeCurve("spiral", { nSamples: 0 }), /nSamples/);
});

Deno.test("RandomState.permutation() of 4,096 or more (the WebAssembly kernel) draws as NumPy and as shuffle()", () => {
  // NumPy 1.24: rs = RandomState(seed); rs.rand(3); p = rs.permutation(n);
  // p[:4], p[-3:], Σ i·p[i] mod 1e9+7, then rs.randint(0, 2**31 - 1).
  const cases = [
    [0, 100000, [61426, 73377, 12967, 80719], [41993, 97639, 95939], 124552793, 257557778],
    [7, 4096, [895, 500, 2447, 735], [1372, 1639, 919], 252726313, 874134851],
    [123, 70001, [7776, 8966, 19468, 48671], [46203, 15377, 63206], 872564061, 1113895615],
  ] as const;
  for (const [seed, n, head, tail, sum, next] of cases) {
    const rs = new RandomState(seed);
    rs.rand(3);
    const p = rs.permutation(n);
    assert.deepEqual(Array.from(p.subarray(0, 4)), head);
    assert.deepEqual(Array.from(p.subarray(n - 3)), tail);
    let s = 0n;
    for (let i = 0; i < n; i++) s += BigInt(i) * BigInt(p[i]);
    assert.equal(Number(s % 1000000007n), sum);
    assert.equal(rs.randint(0, 2 ** 31 - 1, 1)[0], next);
    // The JavaScript shuffle of 0..n−1 from the same state: the same array and state.
    const js = new RandomState(seed);
    js.rand(3);
    assert.deepEqual(js.shuffle(Int32Array.from({ length: n }, (_, i) => i)), p);
    assert.equal(js.randint(0, 2 ** 31 - 1, 1)[0], next);
  }
});
