/** core/cluster/mean_shift.ts and core/neighbors/knn.ts. */
import assert from "node:assert/strict";
import { binSeeds, estimateBandwidth, meanShift } from "../core/cluster/mean_shift.ts";
import { kneighbors, kthNeighborDistance } from "../core/neighbors/knn.ts";
import { fromRows, matrix } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";
import { sqDist } from "../core/distance.ts";

Deno.test("estimateBandwidth(): mean distance to the ⌊q·n⌋-th neighbour, by hand", () => {
  const X = fromRows([[0], [1], [5], [7]]);
  // q = 0.75 → 3rd nearest incl. self: 0→5, 1→4, 5→4, 7→6 → mean 4.75
  assert.equal(estimateBandwidth(X, { quantile: 0.75 }), 4.75);
  assert.throws(() => estimateBandwidth(X, { quantile: 0.2 }), /quantile·n_samples must be >= 1/);
  assert.throws(() => estimateBandwidth(X, { quantile: 0 }), /quantile must be a number > 0/);
});

Deno.test("binSeeds(): cells of side h, NumPy's half-to-even rounding, float32 seeds", () => {
  const X = fromRows([[0.5], [1.5], [2.5], [0.4], [0.1]]);
  // round(0.5)=0, round(1.5)=2, round(2.5)=2, round(0.4)=0, round(0.1)=0 → cells 0 and 2
  assert.deepEqual(Array.from(binSeeds(X, 1).data), [0, 2]);
  // Every sample in its own cell: the samples are the seeds.
  const Y = fromRows([[0], [10]]);
  assert.equal(binSeeds(Y, 1), Y);
  assert.equal(
    binSeeds(fromRows([[0.3], [0.31], [5]]), 0.1).data[1],
    Math.fround(Math.fround(50) * Math.fround(0.1)),
  );
});

Deno.test("meanShift(): modes of two groups, ranked by size, labels by nearest centre", () => {
  const X = fromRows([[1], [2], [3], [11], [12], [13], [14]]);
  const r = meanShift(X, { bandwidth: 3 });
  assert.deepEqual(Array.from(r.centers.data), [12.5, 2]);
  assert.deepEqual(Array.from(r.labels), [1, 1, 1, 0, 0, 0, 0]);
});

Deno.test("meanShift(): a clear error when no seed has a sample within the bandwidth", () => {
  // In 5-D a sample can be farther than h from its cell's centre (h·√5/2 > h).
  const X = fromRows([[0.46, 0.46, 0.46, 0.46, 0.46], [0.47, 0.47, 0.47, 0.47, 0.47]]);
  assert.throws(() => meanShift(X, { bandwidth: 1 }), {
    name: "RangeError",
    message: /no sample is within the bandwidth of any seed; increase it: bandwidth=1/,
  });
  assert.throws(
    () => meanShift(X, { bandwidth: 0 }),
    /bandwidth must be a number > 0: bandwidth=0/,
  );
  assert.throws(() => meanShift(X, { bandwidth: -2 }), /bandwidth=-2/);
});

Deno.test("kneighbors() and kthNeighborDistance() equal brute-force sorting", () => {
  const rs = new RandomState(2);
  const X = matrix(60, 3, Float64Array.from(rs.rand(180)));
  const nn = kneighbors(X, 5);
  const kth = kthNeighborDistance(X, X, 7);
  for (let i = 0; i < X.rows; i++) {
    const order = Array.from({ length: X.rows }, (_, j) => j)
      .sort((a, b) => sqDist(X, i, X, a) - sqDist(X, i, X, b) || a - b);
    assert.deepEqual(
      Array.from(nn.indices.subarray(i * 5, i * 5 + 5)),
      order.filter((j) => j !== i).slice(0, 5),
    );
    assert.equal(kth[i], Math.sqrt(sqDist(X, i, X, order[6])));
  }
  assert.throws(() => kneighbors(X, 60), /k must be an integer in \[1, 59\]: k=60/);
});

Deno.test("kneighbors() in 40-d with duplicates: early-abandoned sums never change the answer", () => {
  const rs = new RandomState(4);
  const n = 300, d = 40, k = 12;
  const X = matrix(n, d, Float64Array.from(rs.randn(n * d)));
  // Exact duplicates and ties: rows 10..19 repeat row 5.
  for (let r = 10; r < 20; r++) X.data.copyWithin(r * d, 5 * d, 6 * d);
  for (const includeSelf of [false, true]) {
    const nn = kneighbors(X, k, { includeSelf });
    for (let i = 0; i < n; i++) {
      const order = Array.from({ length: n }, (_, j) => j)
        .filter((j) => includeSelf || j !== i)
        .sort((a, b) => sqDist(X, i, X, a) - sqDist(X, i, X, b) || a - b);
      assert.deepEqual(Array.from(nn.indices.subarray(i * k, (i + 1) * k)), order.slice(0, k));
      for (let t = 0; t < k; t++) {
        assert.equal(nn.distances[i * k + t], Math.sqrt(sqDist(X, i, X, order[t])));
      }
    }
  }
});
