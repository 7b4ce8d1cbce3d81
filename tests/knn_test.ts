/** core/neighbors: the k-d tree and the screened product give kneighbors' brute-force answers exactly. */
import assert from "node:assert/strict";
import { kneighbors } from "../core/neighbors/knn.ts";
import { buildKdTree, kdTreeQuery } from "../core/neighbors/_kd_tree.ts";
import { CHUNK, lastWorkerChunks, parallelTreeQuery } from "../core/neighbors/_kd_parallel.ts";
import { twoCores, useWorkers } from "../core/workers.ts";
import { gemmKneighbors, lastWorkerBlocks } from "../core/neighbors/_knn_gemm.ts";
import { matrix } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";

function same(X: ReturnType<typeof matrix>, k: number, includeSelf: boolean): void {
  const a = kneighbors(X, k, { includeSelf, algorithm: "brute" });
  const b = kneighbors(X, k, { includeSelf, algorithm: "kd_tree" });
  assert.deepEqual(b.indices, a.indices);
  assert.deepEqual(b.distances, a.distances);
}

Deno.test("k-d tree: the brute force's neighbours and distances, bit for bit", () => {
  const rs = new RandomState(3);
  for (const [n, d, k] of [[300, 2, 5], [1000, 3, 15], [1500, 10, 20], [400, 15, 7], [50, 1, 49]]) {
    const gauss = matrix(n, d, rs.randn(n * d).map(Math.fround));
    same(gauss, k, true);
    same(gauss, k, false);
  }
});

Deno.test("k-d tree: ties (a 4-value grid, duplicates) go to the lower index as in the brute force", () => {
  const rs = new RandomState(5);
  for (const d of [1, 2, 3, 6]) {
    const n = 700;
    const X = matrix(n, d, Float64Array.from(rs.randint(0, 4, n * d)));
    same(X, 9, true);
    same(X, 9, false);
  }
  // All rows equal: one leaf, ranks by index.
  const flat = matrix(40, 3, new Float64Array(120).fill(2));
  same(flat, 5, false);
});

Deno.test("k-d tree: every leaf is small, every box holds its rows", () => {
  const rs = new RandomState(6);
  const X = matrix(1000, 4, rs.randn(4000));
  const t = buildKdTree(X, 16);
  for (let node = 0; node < t.start.length; node++) {
    if (t.left[node] < 0) assert.ok(t.end[node] - t.start[node] <= 16);
    for (let p = t.start[node]; p < t.end[node]; p++) {
      for (let a = 0; a < 4; a++) {
        const v = X.data[t.order[p] * 4 + a];
        assert.ok(v >= t.lower[node * 4 + a] && v <= t.upper[node * 4 + a]);
      }
    }
  }
  assert.deepEqual([...t.order].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
});

Deno.test("screened product (gemm): the brute force's answers with far offsets, grids and duplicates", () => {
  const rs = new RandomState(8);
  const cases: [number, number, number, (t: number) => number][] = [
    // 703 rows: the screen's last three values of each row block one at a time.
    [703, 20, 9, () => Math.fround(rs.nextGauss())],
    // Far from the origin: float32 alone could not rank these.
    [900, 64, 30, () => 1000 + Math.fround(rs.nextGauss())],
    // Ties everywhere.
    [800, 33, 20, () => rs.randint(0, 3, 1)[0]],
  ];
  for (const [n, d, k, value] of cases) {
    const X = matrix(n, d, Float64Array.from({ length: n * d }, (_, t) => value(t)));
    for (const includeSelf of [true, false]) {
      const a = kneighbors(X, k, { includeSelf, algorithm: "brute" });
      const b = kneighbors(X, k, { includeSelf, algorithm: "gemm" });
      assert.deepEqual(b.indices, a.indices);
      assert.deepEqual(b.distances, a.distances);
    }
  }
  // 1,500 copies of one row: more candidates than the first buffer holds, all kept.
  const dup = matrix(1600, 20, rs.randn(32000));
  for (let i = 50; i < 1550; i++) dup.data.copyWithin(i * 20, 3 * 20, 4 * 20);
  same(dup, 12, false);
  const a = kneighbors(dup, 12, { algorithm: "brute" });
  const b = kneighbors(dup, 12, { algorithm: "gemm" });
  assert.deepEqual(b.indices, a.indices);
  assert.deepEqual(b.distances, a.distances);
});

Deno.test("k-d tree queries on two cores: the one-core answers, with and without self, ties included", () => {
  const rs = new RandomState(17);
  // Rounded coordinates: many equal distances, where the order matters.
  const X = matrix(3000, 3, rs.uniform(0, 8, 9000).map(Math.round));
  const tree = buildKdTree(X);
  for (const exclude of [false, true]) {
    const idx = new Int32Array(3000 * 7), sq = new Float64Array(3000 * 7);
    kdTreeQuery(tree, tree.points, 7, idx, sq, 0, 3000, exclude ? tree.order : undefined);
    for (const workerOnly of [false, true]) {
      const two = parallelTreeQuery(tree, 7, exclude, { force: true, workerOnly });
      if (!two) continue; // no second core here
      if (workerOnly) assert.equal(lastWorkerChunks, Math.ceil(3000 / CHUNK));
      assert.deepEqual(Array.from(two.idx), Array.from(idx));
      assert.deepEqual(Array.from(two.sq), Array.from(sq));
    }
  }
  // Through kneighbors (large enough for the worker): the same with workers off.
  const Y = matrix(20000, 4, rs.randn(80000));
  const on = kneighbors(Y, 12);
  useWorkers(false);
  try {
    const off = kneighbors(Y, 12);
    assert.deepEqual(on.indices, off.indices);
    assert.deepEqual(on.distances, off.distances);
  } finally {
    useWorkers(true);
  }
});

Deno.test("the screened product's search on two cores: the one-core answers, ties included, the worker alone too", () => {
  const rs = new RandomState(19);
  // 24 columns of small integers: many equal distances.
  const X = matrix(1500, 24, rs.uniform(0, 4, 1500 * 24).map(Math.round));
  for (const self of [false, true]) {
    const brute = kneighbors(X, 9, { includeSelf: self, algorithm: "brute" });
    useWorkers(false);
    let one;
    try {
      one = gemmKneighbors(X, 9, self, { force: true });
    } finally {
      useWorkers(true);
    }
    if (!one) continue; // no relaxed SIMD here
    assert.deepEqual(Array.from(one.indices), Array.from(brute.indices));
    for (const workerOnly of [false, true]) {
      const got = gemmKneighbors(X, 9, self, { force: true, workerOnly })!;
      if (workerOnly && twoCores()) assert.equal(lastWorkerBlocks, Math.ceil(1500 / 240));
      assert.deepEqual(got.indices, one.indices);
      assert.deepEqual(got.sqDistances, one.sqDistances);
    }
  }
});
