/** core/cluster/bisecting_kmeans.ts against scikit-learn 1.2.1's BisectingKMeans. */
import assert from "node:assert/strict";
import { bisectingKMeans } from "../core/cluster/bisecting_kmeans.ts";
import { useBisectingWasm, workspace } from "../core/cluster/_bisecting_kernels.ts";
import { makeBlobs } from "../core/datasets/make_blobs.ts";
import { fromRows } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";
import { assertClose } from "./_assert.ts";

Deno.test("bisectingKMeans() splits a line of three pairs by hand", () => {
  // Pairs at 0, 10 and 100: the first split must cut off {100}; with two
  // clusters the inertia is that of {0,1,10,11} plus {100,101}.
  const X = fromRows([[0], [1], [10], [11], [100], [101]]);
  const two = bisectingKMeans(X, { nClusters: 2, randomState: 0 });
  assert.equal(two.labels[0], two.labels[3]);
  assert.notEqual(two.labels[0], two.labels[4]);
  // {0,1,10,11} around 5.5: 2·5.5² + 2·4.5² = 101; {100,101}: 0.5.
  assert.equal(two.inertia, 101.5);
  const three = bisectingKMeans(X, { nClusters: 3, randomState: 0 });
  assert.equal(three.inertia, 1.5);
  assert.equal(new Set(three.labels).size, 3);
  const one = bisectingKMeans(X, { nClusters: 1 });
  assert.deepEqual(Array.from(one.labels), [0, 0, 0, 0, 0, 0]);
  assertClose(one.centers.data, [37.1666666666666667], 1e-15);
});

Deno.test("bisectingKMeans() equals scikit-learn 1.2.1: labels exactly, centres and inertia to 1e-10", () => {
  const sk = JSON.parse(
    Deno.readTextFileSync(new URL("./fixtures/sklearn_bisecting_kmeans.json", import.meta.url)),
  );
  for (const c of sk.cases) {
    const r = bisectingKMeans(fromRows(sk.X[c.data]), {
      nClusters: c.n_clusters,
      init: c.init,
      randomState: c.random_state,
      nInit: c.n_init,
      maxIter: c.max_iter,
      tol: c.tol,
      algorithm: c.algorithm,
      bisectingStrategy: c.bisecting_strategy,
      sampleWeight: c.sample_weight,
    });
    const what = JSON.stringify({
      ...c,
      labels: undefined,
      centers: undefined,
      sample_weight: undefined,
    });
    assert.deepEqual(Array.from(r.labels), c.labels, what);
    assertClose(r.centers.data, c.centers.flat(), 1e-10);
    assert.ok(
      Math.abs(r.inertia - c.inertia) <= 1e-10 * c.inertia + 1e-20,
      `${what}: ${r.inertia}`,
    );
  }
});

Deno.test("bisectingKMeans(): the WebAssembly loops give the JavaScript loops' bits", () => {
  // One chunk and several (n = 7, 300, 2,000), the plane case and others,
  // weights, both strategies and inits, several runs per bisection.
  let cases = 0;
  for (const n of [7, 300, 2000]) {
    for (const d of [1, 2, 3, 6]) {
      const { X } = makeBlobs({
        nSamples: n,
        nFeatures: d,
        centers: 5,
        clusterStd: 2,
        randomState: n + d,
      });
      const rs = new RandomState(d);
      const sampleWeight = Float64Array.from({ length: n }, () => 2 * rs.nextDouble());
      assert.ok(workspace(X, 6, undefined).wasm, "the WebAssembly kernel runs");
      for (const init of ["random", "k-means++"] as const) {
        for (const bisectingStrategy of ["biggest_inertia", "largest_cluster"] as const) {
          for (const weighted of [false, true]) {
            const options = {
              nClusters: Math.min(n, 6),
              init,
              bisectingStrategy,
              nInit: weighted ? 2 : 1,
              randomState: 1,
              sampleWeight: weighted ? sampleWeight : undefined,
            };
            const fast = bisectingKMeans(X, options);
            useBisectingWasm(false);
            let slow;
            try {
              slow = bisectingKMeans(X, options);
            } finally {
              useBisectingWasm(true);
            }
            const what = JSON.stringify({ n, d, init, bisectingStrategy, weighted });
            assert.deepEqual(fast.labels, slow.labels, what);
            assert.deepEqual(fast.centers.data, slow.centers.data, what);
            assert.ok(Object.is(fast.inertia, slow.inertia), what);
            assert.deepEqual(fast.predict(X), slow.predict(X), what);
            cases++;
          }
        }
      }
    }
  }
  assert.equal(cases, 96);
  // Data longer than rows × cols (allowed): the same fit, still in WebAssembly.
  const { X } = makeBlobs({ nSamples: 500, nFeatures: 3, centers: 4, randomState: 2 });
  const long = { rows: 500, cols: 3, data: Float64Array.of(...X.data, 7, 8, 9) };
  assert.ok(workspace(long, 4, undefined).wasm);
  const a = bisectingKMeans(X, { nClusters: 4 }), b = bisectingKMeans(long, { nClusters: 4 });
  assert.deepEqual(a.labels, b.labels);
  assert.deepEqual(a.centers.data, b.centers.data);
  assert.equal(a.inertia, b.inertia);
});

Deno.test("bisectingKMeans() predict() goes down the tree as scikit-learn", () => {
  const X = fromRows([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0], [10, 6], [10, 8], [
    10,
    10,
  ]]);
  const r = bisectingKMeans(X, { nClusters: 3, randomState: 0 });
  assert.deepEqual(Array.from(r.predict(X)), Array.from(r.labels));
  // scikit-learn 1.2.1: predict([[0, 0], [12, 3]]) = [2, 0]
  assert.deepEqual(Array.from(r.predict(fromRows([[0, 0], [12, 3]]))), [2, 0]);
  assert.throws(() => r.predict(fromRows([[0]])), {
    name: "RangeError",
    message: "Cannot predict as X has 1 features but the centres have 2: cols=1",
  });
});

Deno.test("bisectingKMeans() rejects bad input with one-line messages", () => {
  const X = fromRows([[0, 0], [1, 1], [2, 2]]);
  const cases: [() => unknown, string, string][] = [
    [
      () => bisectingKMeans(X, { nClusters: 4 }),
      "RangeError",
      "Cannot fit bisecting k-means as n_samples=3 should be >= n_clusters=4",
    ],
    [
      () => bisectingKMeans(fromRows([[0, NaN], [1, 1]]), { nClusters: 2 }),
      "RangeError",
      "",
    ],
    [
      () => bisectingKMeans(X, { nClusters: 0 }),
      "RangeError",
      "Cannot fit bisecting k-means as nClusters must be an integer >= 1: nClusters=0",
    ],
    [
      () => bisectingKMeans(X, { tol: -1 }),
      "RangeError",
      "Cannot fit bisecting k-means as tol must be a number >= 0: tol=-1",
    ],
    [
      () =>
        bisectingKMeans(X, { nClusters: 2, bisectingStrategy: "smallest" as "largest_cluster" }),
      "RangeError",
      'Cannot fit bisecting k-means as bisectingStrategy must be one of "biggest_inertia", "largest_cluster": bisectingStrategy="smallest"',
    ],
    [
      () => bisectingKMeans(X, { nClusters: 2, init: "pca" as "random" }),
      "RangeError",
      'Cannot fit bisecting k-means as init must be one of "random", "k-means++": init="pca"',
    ],
    [
      () => bisectingKMeans(X, { nClusters: 2, sampleWeight: [1, 2] }),
      "RangeError",
      "Cannot fit bisecting k-means as sampleWeight must hold 3 non-negative finite weights: length=2",
    ],
  ];
  for (const [f, name, message] of cases) {
    assert.throws(f, (e: Error) => {
      assert.equal(e.name, name);
      if (message) assert.equal(e.message, message);
      else assert.match(e.message, /NaN|finite/);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
});
