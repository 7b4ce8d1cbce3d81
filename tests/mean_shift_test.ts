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

Deno.test("meanShift() as scikit-learn 1.2.1: seeds, clusterAll, maxIter 0, bin seeding's warning", () => {
  // NumPy: X = r_[0.5 * randn(20, 2), 0.5 * randn(20, 2) + [4, 0], [[2, 6], [-3, -3], [8, 4]]]
  // from RandomState(0); MeanShift(bandwidth=1.2, ...).
  const z = new RandomState(0).randn(80);
  const X = fromRows([
    ...Array.from(
      { length: 40 },
      (_, i) => [z[2 * i] * 0.5 + (i < 20 ? 0 : 4), z[2 * i + 1] * 0.5],
    ),
    [2, 6],
    [-3, -3],
    [8, 4],
  ]);
  const two = [...Array(20).fill(1), ...Array(20).fill(0), 3, 4, 2];
  const orphans = two.map((v, i) => [10, 16, 21].includes(i) ? -1 : v);
  const centers = [
    [3.7583065461801994, -0.15803251628900272],
    [0.38822324677818765, 0.09148931891333228],
    [8, 4],
    [2, 6],
    [-3, -3],
  ];
  const cases: [Parameters<typeof meanShift>[1], number[], number, number[][]][] = [
    [{}, two, 4, centers],
    [{ clusterAll: false }, orphans, 4, centers],
    [{ binSeeding: true, clusterAll: false }, orphans, 4, centers],
    [{ maxIter: 0 }, two, 0, [[3.727734464105565, -0.10136150559375781], ...centers.slice(1)]],
  ];
  for (const [options, labels, nIter, want] of cases) {
    const r = meanShift(X, { bandwidth: 1.2, ...options });
    assert.deepEqual(Array.from(r.labels), labels, JSON.stringify(options));
    assert.equal(r.nIter, nIter);
    want.forEach((c, k) =>
      c.forEach((v, j) => assert.ok(Math.abs(r.centers.data[2 * k + j] - v) <= 1e-12, `${k} ${j}`))
    );
  }
  const warnings: string[] = [];
  const line = fromRows([[1], [2], [3], [11], [12], [13], [14]]);
  const r = meanShift(line, {
    bandwidth: 0.01,
    binSeeding: true,
    onWarning: (m) => warnings.push(m),
  });
  assert.deepEqual(Array.from(r.centers.data), [14, 13, 12, 11, 3, 2, 1]);
  assert.deepEqual(warnings, [
    "Binning data failed with provided bin_size=0.010000, using data points as seeds.",
  ]);
  // Python's %f: an exact half rounds to even (0.0078125 → 0.007812), where toFixed gives 0.007813.
  const half: string[] = [];
  meanShift(line, { bandwidth: 0.0078125, binSeeding: true, onWarning: (m) => half.push(m) });
  assert.deepEqual(half, [
    "Binning data failed with provided bin_size=0.007812, using data points as seeds.",
  ]);
});

Deno.test("binSeeds(): a bin size beyond float32's range multiplies in float64, as NumPy 1.24", () => {
  const X = fromRows([[0], [1e150], [1.1e150], [4e150]]);
  assert.deepEqual(Array.from(binSeeds(X, 2e150).data), [0, 2e150, 4e150]);
});

Deno.test("meanShift(): a clear error when no seed has a sample within the bandwidth", () => {
  // In 5-D a sample can be farther than h from its cell's centre (h·√5/2 > h).
  const X = fromRows([[0.46, 0.46, 0.46, 0.46, 0.46], [0.47, 0.47, 0.47, 0.47, 0.47]]);
  assert.throws(() => meanShift(X, { bandwidth: 1, binSeeding: true }), {
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
