/**
 * The two-core k-means steps (core/cluster/_kmeans_pool.ts): the float32
 * screen with its exact fallback gives the one-core labels and k-means++
 * choices, with or without the worker, weighted or not.
 */
import assert from "node:assert/strict";
import { kmeans } from "../core/cluster/kmeans.ts";
import { lastPoolStats, useKMeansPool } from "../core/cluster/_kmeans_pool.ts";
import { matrix } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";

function fitBoth(weighted: boolean, worker: boolean) {
  const n = 3000, d = 64;
  const rng = new RandomState(1);
  const X = matrix(n, d, Float64Array.from(rng.rand(n * d)));
  const sampleWeight = weighted ? Float64Array.from(rng.rand(n), (v) => 0.5 + v) : undefined;
  const options = { nClusters: 8, nInit: 3, refine: false, sampleWeight };
  try {
    useKMeansPool(false);
    const one = kmeans(X, options);
    useKMeansPool(true, worker);
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
