/**
 * core/cluster: k-means, k-means++, predict, steps and the quantizer, on
 * hand-computed toy cases, the spec's reference values, and scikit-learn's
 * own results on the shipped data (tests/fixtures/sklearn_kmeans.json).
 */
import assert from "node:assert/strict";
import { kmeans, type KMeansOptions, kmeansSteps, predict } from "../core/cluster/kmeans.ts";
import { kmeansPlusPlus } from "../core/cluster/kmeans_plusplus.ts";
import { distortion, fitQuantizer } from "../core/cluster/quantize.ts";
import { makeBlobs } from "../core/datasets/make_blobs.ts";
import { loadPoints2D } from "../core/io/points.ts";
import { fromRows, type Matrix, matrix, toRows } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";
import { samePartition } from "./_golden.ts";

const sk = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/sklearn_kmeans.json", import.meta.url)),
);
const data: Record<string, Matrix> = {
  "data_multivar.txt": await loadPoints2D("data/data_multivar.txt"),
  "data_perf.txt": await loadPoints2D("data/data_perf.txt"),
};
const close = (a: number, b: number, tol: number) =>
  Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

Deno.test("k-means on four points: centres, labels and inertia by hand", () => {
  const X = fromRows([[0, 0], [0, 1], [10, 0], [10, 1]]);
  for (const algorithm of ["lloyd", "elkan"] as const) {
    const m = kmeans(X, { nClusters: 2, algorithm, randomState: 1 });
    assert.deepEqual(toRows(m.centers).sort((a, b) => a[0] - b[0]), [[0, 0.5], [10, 0.5]]);
    assert.ok(samePartition(Array.from(m.labels), [0, 0, 1, 1]));
    assert.equal(m.inertia, 1); // four points each 0.5 from their centre
    assert.ok(m.converged);
  }
});

Deno.test("k-means reproduces the spec's centroids and inertia (§1)", () => {
  const m = kmeans(data["data_multivar.txt"], { nClusters: 4, nInit: 10, randomState: 0 });
  const ref = [[1.831, 1.9998], [5.91196078, 2.04980392], [7.07326531, 5.61061224], [
    3.1428,
    5.2616,
  ]];
  const got = toRows(m.centers);
  for (const r of ref) {
    assert.ok(
      got.some((c) => Math.abs(c[0] - r[0]) < 1e-8 && Math.abs(c[1] - r[1]) < 1e-8),
      `${r}`,
    );
  }
  assert.ok(close(m.inertia, 250.72168914445786, 1e-12), `${m.inertia}`);
});

Deno.test("k-means++ draws the same seeds as scikit-learn", () => {
  for (const c of sk.plusplus) {
    const { indices } = kmeansPlusPlus(data[c.data], c.k, new RandomState(c.seed));
    assert.deepEqual(Array.from(indices), c.indices, `seed ${c.seed}`);
  }
});

Deno.test("refine: false is scikit-learn's single run (Lloyd and Elkan)", () => {
  for (const c of sk.single_runs) {
    const m = kmeans(data[c.data], {
      nClusters: c.k,
      nInit: 1,
      randomState: c.seed,
      algorithm: c.algorithm,
      refine: false,
    });
    const what = `${c.data} k=${c.k} ${c.algorithm}`;
    assert.ok(close(m.inertia, c.inertia, 1e-10), `${what}: ${m.inertia} vs ${c.inertia}`);
    assert.deepEqual(Array.from(m.labels), c.labels, what);
    assert.equal(m.nIter, c.n_iter, what);
    toRows(m.centers).forEach((r, i) =>
      r.forEach((v, j) => assert.ok(close(v, c.centers[i][j], 1e-10), `${what} centre ${i}`))
    );
  }
});

Deno.test("refinement never ends above the plain run", () => {
  const X = data["data_perf.txt"];
  for (const k of [6, 7, 8, 9]) {
    const plain = kmeans(X, { nClusters: k, randomState: 5, refine: false });
    const refined = kmeans(X, { nClusters: k, randomState: 5, refine: true });
    assert.ok(refined.inertia <= plain.inertia * (1 + 1e-12), `k=${k}`);
  }
});

Deno.test("Elkan and Lloyd give the same clustering on blobs", () => {
  const { X } = makeBlobs({ nSamples: 600, centers: 5, nFeatures: 3, randomState: 4 });
  const a = kmeans(X, { nClusters: 5, algorithm: "lloyd", refine: false });
  const b = kmeans(X, { nClusters: 5, algorithm: "elkan", refine: false });
  assert.ok(samePartition(Array.from(a.labels), Array.from(b.labels)));
  assert.ok(close(a.inertia, b.inertia, 1e-12));
});

Deno.test("a sample of weight 2 counts as two copies", () => {
  const X = fromRows([[0], [1], [2], [9], [10]]);
  const Xd = fromRows([[0], [1], [1], [2], [9], [10]]);
  const a = kmeans(X, { nClusters: 2, sampleWeight: [1, 2, 1, 1, 1] });
  const b = kmeans(Xd, { nClusters: 2 });
  assert.ok(close(a.inertia, b.inertia, 1e-12));
  assert.deepEqual(toRows(a.centers).sort(), toRows(b.centers).sort());
});

Deno.test("explicit initial centres and an empty cluster are handled as scikit-learn", () => {
  const X = fromRows([[0], [1], [10], [11]]);
  // Centre 100 attracts nothing: it takes the sample farthest from its centre.
  const m = kmeans(X, { init: fromRows([[0], [5], [100]]), maxIter: 50, refine: false });
  assert.equal(m.centers.rows, 3);
  assert.ok(m.inertia <= 1);
  assert.equal(new Set(m.labels).size, 3);
});

Deno.test("predict labels new points by nearest centre", () => {
  const centers = fromRows([[0, 0], [10, 10], [0, 10]]);
  assert.deepEqual(Array.from(predict(centers, fromRows([[1, 9], [9, 9], [-1, 0]]))), [2, 1, 0]);
  assert.throws(() => predict(centers, fromRows([[1]])), /features/);
});

Deno.test("kmeansSteps follows Lloyd by hand", () => {
  const X = fromRows([[0, 0], [2, 0], [10, 0], [12, 0]]);
  const steps = [...kmeansSteps(X, fromRows([[0, 0], [2, 0]]))];
  // Step 1: {0}, {2, 10, 12} → centres 0 and 8; step 2: {0, 2}, {10, 12} → 1 and 11.
  assert.deepEqual(Array.from(steps[0].labels), [0, 1, 1, 1]);
  assert.deepEqual(Array.from(steps[0].centers.data), [0, 0, 8, 0]);
  assert.deepEqual(Array.from(steps[1].centers.data), [1, 0, 11, 0]);
  assert.equal(steps.at(-1)!.inertia, 4);
  assert.equal(steps.length, 3); // the third step changes nothing and stops
});

Deno.test("k-means rejects bad parameters and data with one clear message", () => {
  const X = fromRows([[0, 0], [1, 1]]);
  assert.throws(() => kmeans(X, { nClusters: 3 }), {
    name: "RangeError",
    message: "Cannot fit k-means as n_samples=2 should be >= n_clusters=3",
  });
  assert.throws(() => kmeans(X, { nClusters: 0 }), /nClusters/);
  assert.throws(() => kmeans(X, { nClusters: 1, tol: -1 }), /tol/);
  assert.throws(() => kmeans(fromRows([[0, NaN], [1, 1]]), { nClusters: 1 }), /NaN|finite/);
  assert.throws(() => kmeans(matrix(0, 2), { nClusters: 1 }), RangeError);
  assert.throws(() => kmeans(X, { nClusters: 1, sampleWeight: [1, -1] }), /sampleWeight\[1\]=-1/);
});

Deno.test("quantizer: levels are weighted means, lookup maps to the nearest level", () => {
  const values = Uint8Array.from([0, 0, 0, 10, 200, 210, 220, 255]);
  const q = fitQuantizer(values, 2, { randomState: 0 });
  assert.deepEqual(Array.from(q.levels), [2.5, 221.25]);
  assert.equal(q.lookup[100], 2.5);
  assert.equal(q.lookup[150], 221.25);
  // Fewer distinct values than levels: one level per value.
  assert.equal(fitQuantizer(Uint8Array.from([7, 7, 9]), 4).nLevels, 2);
  const d = distortion(Uint8Array.from([0, 10]), Uint8Array.from([0, 20]));
  assert.equal(d.mse, 50);
  assert.ok(close(d.psnr, 10 * Math.log10(255 ** 2 / 50), 1e-12));
});

Deno.test("kmeans() rejects explicit centres that are not finite", () => {
  const X = fromRows([[0, 0], [0, 1], [5, 5], [5, 6]]);
  assert.throws(
    () => kmeans(X, { nClusters: 2, init: fromRows([[0, 0], [Infinity, 1]]) }),
    /Cannot use init as it holds a non-finite value: init\[1\]\[0\]=Infinity/,
  );
});

Deno.test("kmeans() with zero sample weights fits as scikit-learn (1.2.1 and 1.9.1: the same partition and inertia)", () => {
  // NumPy: X = r_[randn(15, 2), randn(15, 2) + [5, 0], randn(15, 2) + [0, 5]],
  // w = round(uniform(0, 3, 45)), w[[0, 7, 20, 33]] = 0, from RandomState(0).
  const rs = new RandomState(0);
  const z = rs.randn(90);
  const X = fromRows(Array.from({ length: 45 }, (_, i) => {
    const [dx, dy] = i < 15 ? [0, 0] : i < 30 ? [5, 0] : [0, 5];
    return [z[2 * i] + dx, z[2 * i + 1] + dy];
  }));
  const w = Array.from(rs.uniform(0, 3, 45), Math.round);
  for (const i of [0, 7, 20, 33]) w[i] = 0;
  const r = kmeans(X, { nClusters: 3, nInit: 2, randomState: 0, refine: false, sampleWeight: w });
  const blobs = [...Array(15).fill(2), ...Array(15).fill(0), ...Array(15).fill(1)];
  assert.deepEqual(Array.from(r.labels), blobs); // scikit-learn 1.9.1's ids (1.2.1 permutes them)
  assert.ok(Math.abs(r.inertia - 105.93393968504263) < 1e-12);
  const sk = [
    [4.235745115583402, -0.1403134383654152],
    [0.16571270840884322, 4.738850807104298],
    [0.7240694573966584, 0.12446640292520494],
  ];
  sk.forEach((c, j) =>
    c.forEach((v, t) => assert.ok(Math.abs(r.centers.data[2 * j + t] - v) < 1e-12))
  );
  assert.throws(
    () => kmeans(X, { nClusters: 3, sampleWeight: Array(45).fill(0) }),
    /sampleWeight must hold 45 non-negative finite weights, not all 0: length=45/,
  );
  assert.throws(
    () => kmeans(X, { nClusters: 3, sampleWeight: [-1, ...Array(44).fill(1)] }),
    /sampleWeight\[0\]=-1/,
  );
});

Deno.test("kmeans() warns in one line where scikit-learn 1.2.1 does, and predict() checks its data", () => {
  const X = fromRows([[0, 0], [0, 1], [5, 5], [5, 6], [9, 0], [9, 1]]);
  const cases: [KMeansOptions, Matrix, string][] = [
    [
      { nClusters: 3, nInit: 1 },
      fromRows(Array(20).fill([1.5, -2])),
      "Number of distinct clusters (1) found smaller than n_clusters (3). Possibly due to duplicate points in X.",
    ],
    [
      { nClusters: 3, nInit: 3, init: fromRows([[0, 0], [5, 5], [9, 0]]) },
      X,
      "Explicit initial center position passed: performing only one init in KMeans instead of n_init=3.",
    ],
    [
      { nClusters: 1, nInit: 1, algorithm: "elkan" },
      X,
      "algorithm='elkan' doesn't make sense for a single cluster. Using 'lloyd' instead.",
    ],
    [
      { nClusters: 3, nInit: 1, algorithm: "full" },
      X,
      "algorithm='full' is deprecated, it will be removed in 1.3. Using 'lloyd' instead.",
    ],
  ];
  for (const [options, data, message] of cases) {
    const warnings: string[] = [];
    const r = kmeans(data, { ...options, refine: false, onWarning: (m) => warnings.push(m) });
    assert.deepEqual(warnings, [message]);
    assert.equal(r.centers.rows, options.nClusters);
  }
  // "auto": one k-means++ start (scikit-learn 1.2's n_init="auto").
  let runs = 0;
  kmeans(X, { nClusters: 3, nInit: "auto", refine: false, onRun: () => runs++ });
  assert.equal(runs, 1);
  assert.throws(
    () => predict(fromRows([[0, 0]]), fromRows([[NaN, 1]])),
    /Cannot use X as it holds a non-finite value: X\[0\]\[0\]=NaN/,
  );
});
