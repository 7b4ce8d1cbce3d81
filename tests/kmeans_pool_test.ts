/**
 * The two-core k-means steps (core/cluster/_kmeans_pool.ts): the float32
 * screen with its exact fallback gives the one-core labels and k-means++
 * choices, with or without the worker, weighted or not.
 */
import assert from "node:assert/strict";
import {
  kmeans,
  type KMeansOptions,
  type KMeansResult,
  kmeansSteps,
} from "../core/cluster/kmeans.ts";
import { lastPoolStats, useKMeansPool } from "../core/cluster/_kmeans_pool.ts";
import { makeBlobs } from "../core/datasets/make_blobs.ts";
import { columnMeans, type Matrix, matrix } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";

/** Fits with the one-core code, the pool without its worker, and the pool with it. */
function fitThree(X: Matrix, options: KMeansOptions, path: "auto" | "exact" | "screen" = "auto") {
  try {
    useKMeansPool(false);
    const one = kmeans(X, options);
    useKMeansPool(true, false, path);
    const pooledMain = kmeans(X, options);
    const mainStats = structuredClone(lastPoolStats);
    useKMeansPool(true, true, path);
    const two = kmeans(X, options);
    return { one, pooledMain, two, stats: structuredClone(lastPoolStats), mainStats };
  } finally {
    useKMeansPool(true, true);
  }
}

function assertSame(a: KMeansResult, b: KMeansResult): void {
  assert.deepEqual(a.labels, b.labels);
  assert.equal(a.nIter, b.nIter);
  assert.equal(a.converged, b.converged);
  assert.equal(a.inertia, b.inertia);
  assert.deepEqual(a.centers.data, b.centers.data);
}

function fitBoth(weighted: boolean, worker: boolean) {
  const n = 3000, d = 64;
  const rng = new RandomState(1);
  const X = matrix(n, d, Float64Array.from(rng.rand(n * d)));
  const sampleWeight = weighted ? Float64Array.from(rng.rand(n), (v) => 0.5 + v) : undefined;
  const options = { nClusters: 8, nInit: 3, refine: false, sampleWeight };
  try {
    useKMeansPool(false);
    const one = kmeans(X, options);
    useKMeansPool(true, worker, "screen");
    const two = kmeans(X, options);
    return { one, two, stats: structuredClone(lastPoolStats) };
  } finally {
    useKMeansPool(true, true);
  }
}

for (const weighted of [false, true]) {
  for (const worker of [false, true]) {
    Deno.test(`kmeans pool (weighted=${weighted}, worker=${worker}): the one-core labels`, () => {
      const { one, two, stats } = fitBoth(weighted, worker);
      assert.ok(stats.jobs > 0, "the pool ran");
      assert.ok(stats.rows.assign > 0 && stats.rows.candidates > 0);
      // Bit for bit: fixed chunks, summed in a fixed order, whoever computed them.
      assert.deepEqual(two.labels, one.labels);
      assert.equal(two.nIter, one.nIter);
      assert.equal(two.inertia, one.inertia);
      assert.deepEqual(two.centers.data, one.centers.data);
    });
  }
}

// Low dimension: the pool's exact float64 jobs (no float32 screen). Blobs
// that overlap (clusterStd 3) so that labels change over several
// iterations; n·d·k above the pool's threshold.
const LOW_D = [
  { d: 2, n: 70_000, k: 8, weighted: false, algorithm: "lloyd" as const },
  { d: 2, n: 70_000, k: 8, weighted: true, algorithm: "lloyd" as const },
  { d: 2, n: 70_000, k: 8, weighted: false, algorithm: "elkan" as const },
  { d: 5, n: 30_000, k: 7, weighted: false, algorithm: "lloyd" as const },
  { d: 5, n: 30_000, k: 7, weighted: true, algorithm: "elkan" as const },
  // The WebAssembly kernels' remainders: d = 3 (no group of four, an odd
  // feature in the sums), d = 9 (two groups of four and one left), odd k.
  { d: 3, n: 70_001, k: 5, weighted: false, algorithm: "elkan" as const },
  { d: 9, n: 40_000, k: 3, weighted: true, algorithm: "lloyd" as const },
  // The assignment's blocks of pairs of centres (6 + 1 and 6 + 2 pairs one
  // row at a time, 5 + 2 and 5 + 3 two rows at a time), and an odd last row
  // (n = 12,001 and 70,001).
  { d: 7, n: 12_001, k: 14, weighted: false, algorithm: "lloyd" as const },
  { d: 6, n: 12_000, k: 16, weighted: true, algorithm: "lloyd" as const },
  { d: 64, n: 4_000, k: 10, weighted: false, algorithm: "lloyd" as const },
  { d: 64, n: 4_000, k: 10, weighted: false, algorithm: "lloyd" as const, path: "screen" as const },
];
for (const { d, n, k, weighted, algorithm, path } of LOW_D) {
  Deno.test(
    `kmeans pool d=${d} (${algorithm}, weighted=${weighted}, ${
      path ?? "auto"
    }): one core and two bit-identical to the one-core code`,
    () => {
      const { X } = makeBlobs({
        nSamples: n,
        nFeatures: d,
        centers: k,
        clusterStd: 3,
        randomState: 3,
      });
      const rng = new RandomState(5);
      const sampleWeight = weighted ? Float64Array.from(rng.rand(n), (v) => 0.5 + v) : undefined;
      const options = { nClusters: k, nInit: 2, refine: false, algorithm, sampleWeight };
      const { one, pooledMain, two, stats, mainStats } = fitThree(X, options, path);
      assert.ok(mainStats.jobs > 0 && stats.jobs > 0, "the pool ran");
      assert.equal(mainStats.workerChunks, 0, "no worker");
      assert.ok(one.nIter > 2, `several iterations (nIter=${one.nIter})`);
      assertSame(pooledMain, one);
      assertSame(two, one);
    },
  );
}

Deno.test("kmeans pool d=2: explicit init and maxIter reached give the one-core result", () => {
  const { X } = makeBlobs({ nSamples: 80_000, centers: 8, clusterStd: 4, randomState: 1 });
  const init = matrix(8, 2, Float64Array.from(new RandomState(2).rand(16), (v) => 20 * v - 10));
  const options = { nClusters: 8, init, maxIter: 3, refine: false };
  const { one, pooledMain, two, stats } = fitThree(X, options);
  assert.ok(stats.jobs > 0, "the pool ran");
  assert.equal(one.converged, false);
  assert.equal(one.nIter, 3);
  assertSame(pooledMain, one);
  assertSame(two, one);
});

Deno.test("kmeans pool: algorithm elkan gives the one-core Elkan labels in high dimension", () => {
  const n = 2000, d = 48;
  const X = matrix(n, d, Float64Array.from(new RandomState(4).rand(n * d)));
  const options = { nClusters: 6, nInit: 2, algorithm: "elkan" as const };
  try {
    useKMeansPool(false);
    const one = kmeans(X, options);
    useKMeansPool(true, true);
    const two = kmeans(X, options);
    assert.ok(lastPoolStats.jobs > 0, "the pool ran");
    assert.deepEqual(two.labels, one.labels);
    assert.equal(two.nIter, one.nIter);
    assert.equal(two.inertia, one.inertia);
    assert.deepEqual(two.centers.data, one.centers.data);
  } finally {
    useKMeansPool(true, true);
  }
});

Deno.test({
  name: "kmeans pool: the worker takes chunks (two cores)",
  ignore: (navigator.hardwareConcurrency ?? 1) < 2,
  fn: async () => {
    // A fresh worker per fit joins once loaded, which under load can take
    // longer than a small fit: a few tries on a larger one.
    const n = 12000, d = 64;
    const X = matrix(n, d, Float64Array.from(new RandomState(2).rand(n * d)));
    let chunks = 0;
    for (let t = 0; t < 5 && chunks === 0; t++) {
      kmeans(X, { nClusters: 8, nInit: 2, refine: false });
      chunks = lastPoolStats.workerChunks;
      if (chunks === 0) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(chunks > 0, "the worker took chunks");
  },
});

// The old one-core iterates, step by step: kmeansSteps (unchanged) on the
// data centred as kmeans centres it, from the same centred initial centres.
for (
  const { d, n, pool, path } of [
    { d: 2, n: 70_000, pool: true },
    { d: 2, n: 70_000, pool: false },
    { d: 5, n: 30_000, pool: true },
    { d: 64, n: 4_000, pool: true },
    { d: 64, n: 4_000, pool: true, path: "screen" as const },
  ]
) {
  Deno.test(`kmeans d=${d} (pool=${pool}, ${path ?? "auto"}): the iterates of the old one-core kmeansSteps`, () => {
    const k = 8;
    const { X } = makeBlobs({
      nSamples: n,
      nFeatures: d,
      centers: k,
      clusterStd: 3,
      randomState: 7,
    });
    const init = matrix(k, d, X.data.slice(0, k * d)); // the first k samples
    const mean = columnMeans(X);
    const Xc = matrix(n, d, X.data.slice());
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Xc.data[i * d + j] -= mean[j];
    const initC = matrix(k, d, init.data.slice());
    for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) initC.data[i * d + j] -= mean[j];
    const steps = [...kmeansSteps(Xc, initC, { maxIter: 300, tol: 0 })];
    const last = steps.at(-1)!;
    let got: KMeansResult;
    try {
      useKMeansPool(pool, true, path);
      got = kmeans(X, { nClusters: k, init, tol: 0, refine: false });
      if (pool) assert.ok(lastPoolStats.jobs > 0, "the pool ran");
    } finally {
      useKMeansPool(true, true);
    }
    assert.ok(steps.length > 2, `several iterations (${steps.length})`);
    assert.equal(got.nIter, steps.length);
    assert.equal(got.converged, true);
    assert.deepEqual(got.labels, last.labels);
    const centers = last.centers.data.map((v, t) => v + mean[t % d]);
    assert.deepEqual(got.centers.data, centers);
    // Strict convergence: the last step's inertia is that of the final labels
    // against the centres before the last update, which equal the centres after it.
    assert.ok(Math.abs(got.inertia - last.inertia) <= 1e-9 * last.inertia);
  });
}

Deno.test("kmeans pool d=2: exact ties go to the lower centre index, as the one-core scan", () => {
  // Integer grid, centres 40 apart on x: every sample with x ≡ 0 (mod 40)
  // is exactly halfway between two centres in the first assignment of each
  // run; the second run starts from the first run's labels.
  const w = 280, h = 250;
  const X = matrix(w * h, 2);
  for (let i = 0; i < w * h; i++) {
    X.data[2 * i] = i % w;
    X.data[2 * i + 1] = Math.floor(i / w);
  }
  const init = matrix(8, 2);
  for (let j = 0; j < 8; j++) {
    init.data[2 * j] = 40 * j + 20 - 140;
    init.data[2 * j + 1] = 0;
  }
  // The data's mean is (139.5, 124.5): the centred centres sit 0.5 off the
  // grid's centred x, so ties are exact after centring too.
  for (const maxIter of [1, 2, 50]) {
    const options = { nClusters: 8, init, nInit: 2, maxIter, refine: false };
    const { one, pooledMain, two, stats } = fitThree(X, options);
    assert.ok(stats.jobs > 0, "the pool ran");
    assertSame(pooledMain, one);
    assertSame(two, one);
  }
});

/** Fits with the one-core code, then the pool with and without Hamerly's bounds (both threads). */
function fitBounded(X: Matrix, options: KMeansOptions) {
  try {
    useKMeansPool(false);
    const one = kmeans(X, options);
    useKMeansPool(true, true, "auto", "off");
    const plain = kmeans(X, options);
    const plainStats = structuredClone(lastPoolStats);
    useKMeansPool(true, false, "auto", "always");
    const boundedMain = kmeans(X, options);
    useKMeansPool(true, true, "auto", "always");
    const bounded = kmeans(X, options);
    const stats = structuredClone(lastPoolStats);
    useKMeansPool(true, true); // the default: bounds once few labels change
    const auto = kmeans(X, options);
    return { one, plain, boundedMain, bounded, auto, plainStats, stats, autoStats: lastPoolStats };
  } finally {
    useKMeansPool(true, true);
  }
}

// Hamerly's bounds (d ≥ 32), from a run's first assignment ("always") and
// as by default (once at most 2% of the labels change): the same labels,
// centres, inertia and nIter as computing every row. Overlapping blobs (so that labels move for many
// iterations and the bounds both skip and fail), weights, odd k, the
// blocks of 6 + 1 pairs (k = 14) and 5 + 2 pairs two rows at a time, an
// odd count of listed rows, k = 1, and 784 features.
const BOUNDED = [
  { d: 32, n: 20_000, k: 10, std: 10, weighted: false },
  { d: 64, n: 12_001, k: 7, std: 12, weighted: true },
  { d: 40, n: 9_999, k: 14, std: 9, weighted: false },
  { d: 33, n: 20_000, k: 1, std: 5, weighted: false },
  { d: 784, n: 2_000, k: 5, std: 30, weighted: true },
  // k > 31 (the changed-cluster mask saturates), with Hartigan refinement
  // and random swaps starting further runs from other centres.
  { d: 32, n: 4_000, k: 33, std: 9, weighted: false, refine: true },
];
for (const { d, n, k, std, weighted, refine } of BOUNDED) {
  Deno.test(`kmeans pool with bounds d=${d} k=${k} (weighted=${weighted}): the one-core result`, () => {
    const { X } = makeBlobs({
      nSamples: n,
      nFeatures: d,
      centers: k,
      clusterStd: std,
      randomState: 11,
    });
    const sampleWeight = weighted
      ? Float64Array.from(new RandomState(6).rand(n), (v) => 0.5 + v)
      : undefined;
    const options = { nClusters: k, nInit: 2, refine: refine ?? false, nSwaps: 4, sampleWeight };
    const { one, plain, boundedMain, bounded, auto, plainStats, stats, autoStats } = fitBounded(
      X,
      options,
    );
    assert.equal(plainStats.bounded.rows, 0, "no bounds when switched off");
    assert.ok(stats.bounded.rows > 0, "the bounds ran");
    if (k > 1) assert.ok(one.nIter > 3, `several iterations (nIter=${one.nIter})`);
    // Some rows skipped, and (k > 1) some computed after the first assignment.
    assert.ok(stats.bounded.computed < stats.bounded.rows, JSON.stringify(stats.bounded));
    if (k > 1) assert.ok(stats.bounded.computed > 2 * n, JSON.stringify(stats.bounded));
    if (d === 32) assert.ok(autoStats.bounded.rows > 0, "the default switched to bounds");
    assertSame(plain, one);
    assertSame(boundedMain, one);
    assertSame(bounded, one);
    assertSame(auto, one);
  });
}

Deno.test("kmeans pool: switching the bounds on in the middle of a fit leaves that fit without them", () => {
  // The pool computes the rows' norms for the bounds when it starts; a fit
  // started without bounds must not switch to them (it would lack the norms).
  const { X } = makeBlobs({
    nSamples: 20_000,
    nFeatures: 32,
    centers: 10,
    clusterStd: 10,
    randomState: 2,
  });
  const options = { nClusters: 10, nInit: 3, refine: false, randomState: 0 };
  try {
    useKMeansPool(false);
    const one = kmeans(X, options);
    useKMeansPool(true, true, "auto", "off");
    const switched = kmeans(X, {
      ...options,
      onRun: () => useKMeansPool(true, true, "auto", "always"),
    });
    assert.equal(lastPoolStats.bounded.rows, 0, "no bounds in the fit that started without");
    assertSame(switched, one);
  } finally {
    useKMeansPool(true, true);
  }
});

Deno.test("kmeans pool with bounds: exact ties go to the lower centre index, in 32 dimensions", () => {
  // The grid of the d = 2 ties test, padded with 30 zero features: samples
  // exactly halfway between two centres, where no bound may decide.
  const w = 280, h = 250, d = 32;
  const X = matrix(w * h, d);
  for (let i = 0; i < w * h; i++) {
    X.data[d * i] = i % w;
    X.data[d * i + 1] = Math.floor(i / w);
  }
  const init = matrix(8, d);
  for (let j = 0; j < 8; j++) init.data[d * j] = 40 * j + 20 - 140;
  for (const maxIter of [1, 2, 50]) {
    const options = { nClusters: 8, init, nInit: 2, maxIter, refine: false };
    const { one, bounded, boundedMain, stats } = fitBounded(X, options);
    assert.ok(stats.bounded.rows > 0, "the bounds ran");
    assertSame(boundedMain, one);
    assertSame(bounded, one);
  }
});

Deno.test("a small low-dimension fit runs the pool's kernels on the calling thread alone, with the one-core results", () => {
  // 10,000 × 10, k = 10, one start: a Gaussian mixture's k-means start (n·d·k = 1e6).
  const { X } = makeBlobs({
    nSamples: 10_000,
    nFeatures: 10,
    centers: 10,
    clusterStd: 2,
    randomState: 3,
  });
  const options = { nClusters: 10, nInit: 1, refine: false, randomState: 5 };
  useKMeansPool(false);
  const one = kmeans(X, options);
  useKMeansPool(true, true);
  lastPoolStats.jobs = 0; // the stats of the last pool closed, maybe another test's
  const pooled = kmeans(X, options);
  assert.ok(lastPoolStats.jobs > 0, "the pool ran");
  assert.equal(lastPoolStats.workerChunks, 0, "no worker");
  assertSame(pooled, one);
});
