/**
 * core/cluster/minibatch_kmeans.ts: hand-checked toy cases, scikit-learn
 * 1.2.1's `MiniBatchKMeans.fit` and `partial_fit` on the data sets of
 * tests/fixtures/sklearn_minibatch_kmeans.json (written by
 * scripts/crosscheck/sklearn_minibatch_fixture.py; the data are rebuilt here
 * from NumPy-exact `RandomState` draws), and the errors.
 */
import assert from "node:assert/strict";
import { MiniBatchKMeans, miniBatchKMeans } from "../core/cluster/minibatch_kmeans.ts";
import { fromRows, type Matrix, matrix, toRows } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";
import { assertClose } from "./_assert.ts";
import { BLOCK, blockKernel } from "../core/cluster/_minibatch_dots.ts";

interface SetSpec {
  kind: "blobs" | "uniform";
  seed: number;
  n: number;
  d?: number;
  std?: number;
  centers?: number[][];
}
const sk = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/sklearn_minibatch_kmeans.json", import.meta.url)),
);

/** The fixture's data sets: blobs C[i % m] + std·randn(n, d), or rand(n, d). */
function makeSet(s: SetSpec): Matrix {
  const rs = new RandomState(s.seed);
  if (s.kind === "uniform") return matrix(s.n, s.d!, rs.rand(s.n * s.d!));
  const C = s.centers!, d = C[0].length;
  const g = rs.randn(s.n * d);
  const X = matrix(s.n, d);
  for (let i = 0; i < s.n; i++) {
    for (let j = 0; j < d; j++) X.data[i * d + j] = C[i % C.length][j] + s.std! * g[i * d + j];
  }
  return X;
}
const data: Record<string, Matrix> = Object.fromEntries(
  Object.entries(sk.sets as Record<string, SetSpec>).map(([k, s]) => [k, makeSet(s)]),
);

/** The fixture's Python parameters as our options. */
function optionsOf(p: Record<string, unknown>, X: Matrix) {
  const k = (p.n_clusters as number | undefined) ?? 8;
  let init: "k-means++" | "random" | Matrix | undefined = p.init as "k-means++" | "random";
  if (p.init === "explicit") {
    // X[:k] * 0.5 + 0.25, as the fixture script
    init = matrix(k, X.cols, X.data.slice(0, k * X.cols).map((v) => v * 0.5 + 0.25));
  }
  return {
    nClusters: p.n_clusters as number | undefined,
    init,
    maxIter: p.max_iter as number | undefined,
    batchSize: p.batch_size as number | undefined,
    tol: p.tol as number | undefined,
    maxNoImprovement: p.max_no_improvement as number | null | undefined,
    initSize: p.init_size as number | undefined,
    nInit: p.n_init as number | undefined,
    reassignmentRatio: p.reassignment_ratio as number | undefined,
    randomState: p.random_state as number,
  };
}

Deno.test("miniBatchKMeans() on two far pairs: exact centres, labels, inertia", () => {
  // batchSize = n: every step sees every point (with replacement), and with
  // two far groups the centres are the means of what each saw.
  const X = fromRows([[0, 0], [0, 2], [10, 0], [10, 2]]);
  const m = miniBatchKMeans(X, { nClusters: 2, batchSize: 4, randomState: 0 });
  assert.deepEqual(
    toRows(m.centers).map((c) => c[0]).sort((a, b) => a - b),
    [0, 10],
  );
  assert.equal(m.labels[0], m.labels[1]);
  assert.equal(m.labels[2], m.labels[3]);
  assert.notEqual(m.labels[0], m.labels[2]);
  // each centre is a running mean of its y values (0s and 2s), so within [0, 2]
  for (const [, y] of toRows(m.centers)) assert.ok(y >= 0 && y <= 2);
  let inertia = 0;
  for (let i = 0; i < 4; i++) {
    inertia += (X.data[2 * i + 1] - m.centers.data[2 * m.labels[i] + 1]) ** 2;
  }
  assert.ok(Math.abs(m.inertia - inertia) < 1e-12);
  // nSteps ≤ maxIter·n/batch = 100, nIter = ⌈nSteps·4/4⌉
  assert.ok(m.nSteps >= 2 && m.nSteps <= 100);
  assert.equal(m.nIter, m.nSteps);
});

Deno.test("partialFit on one chunk with k = n: the centres are the points", () => {
  const X = fromRows([[1, 2], [3, 4], [5, 6]]);
  const model = new MiniBatchKMeans({ nClusters: 3, init: "random", randomState: 0 });
  model.partialFit(X);
  assert.deepEqual(toRows(model.centers).sort((a, b) => a[0] - b[0]), [[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(Array.from(model.counts), [1, 1, 1]);
  assert.equal(model.inertia, 0);
  assert.equal(model.nSteps, 1);
});

Deno.test("miniBatchKMeans() equals scikit-learn 1.2.1's fit (labels, centres, inertia, steps)", async (t) => {
  for (const c of sk.cases.filter((c: { partial?: boolean }) => !c.partial)) {
    await t.step(`${c.data} ${JSON.stringify(c.params)}`, () => {
      const X = data[c.data];
      const warnings: string[] = [];
      const m = miniBatchKMeans(X, {
        ...optionsOf(c.params, X),
        onWarning: (w) => warnings.push(w),
      });
      assert.equal(m.nSteps, c.nSteps);
      assert.equal(m.nIter, c.nIter);
      assert.deepEqual(Array.from(m.labels), c.labels);
      assertClose(m.centers.data, c.centers.flat(), 1e-9);
      assert.ok(
        Math.abs(m.inertia - c.inertia) <= 1e-9 * c.inertia,
        `${m.inertia} vs ${c.inertia}`,
      );
      if (c.params.init_size !== undefined && c.params.init_size < (c.params.n_clusters ?? 8)) {
        assert.deepEqual(warnings, [
          `init_size=${c.params.init_size} should be larger than n_clusters=${c.params.n_clusters}. Setting it to min(3*n_clusters, n_samples)`,
        ]);
      }
    });
  }
});

Deno.test("partialFit equals scikit-learn 1.2.1's partial_fit over the same chunks (1e-9)", async (t) => {
  for (const c of sk.cases.filter((c: { partial?: boolean }) => c.partial)) {
    await t.step(`${c.data} ${JSON.stringify(c.params)}`, () => {
      const X = data[c.data];
      const model = new MiniBatchKMeans(optionsOf(c.params, X));
      let start = 0;
      c.chunks.forEach((size: number, s: number) => {
        const chunk = matrix(size, X.cols, X.data.slice(start * X.cols, (start + size) * X.cols));
        start += size;
        model.partialFit(chunk);
        assertClose(model.centers.data, c.centersAfter[s].flat(), 1e-9);
      });
      assert.equal(model.nSteps, c.nSteps);
      assert.deepEqual(Array.from(model.labels!), c.lastLabels);
      assert.ok(Math.abs(model.inertia - c.lastInertia) <= 1e-9 * c.lastInertia);
      const head = matrix(50, X.cols, X.data.slice(0, 50 * X.cols));
      assert.deepEqual(Array.from(model.predict(head)), c.predict);
    });
  }
});

Deno.test("the fixture exercises early stopping and random reassignment", () => {
  const fits = sk.cases.filter((c: { partial?: boolean }) => !c.partial);
  assert.ok(
    fits.some((
      c: { nSteps: number; data: string; params: { max_iter?: number; batch_size?: number } },
    ) =>
      c.nSteps <
        Math.floor(((c.params.max_iter ?? 100) * data[c.data].rows) / (c.params.batch_size ?? 1024))
    ),
  );
  assert.ok(sk.cases.filter((c: { reassignments: number }) => c.reassignments > 0).length >= 3);
});

Deno.test("an explicit init with nInit > 1 warns and runs once, as scikit-learn", () => {
  const X = fromRows([[0, 0], [0, 1], [5, 5], [5, 6]]);
  const warnings: string[] = [];
  miniBatchKMeans(X, {
    init: fromRows([[0, 0], [5, 5]]),
    nInit: 3,
    onWarning: (w) => warnings.push(w),
  });
  assert.deepEqual(warnings, [
    "Explicit initial center position passed: performing only one init in MiniBatchKMeans instead of n_init=3.",
  ]);
});

Deno.test("miniBatchKMeans() rejects bad input with one-line messages", async (t) => {
  const X = fromRows([[0, 0], [1, 1], [2, 2]]);
  const cases: [string, () => unknown, string, string][] = [
    [
      "k > n",
      () => miniBatchKMeans(X),
      "RangeError",
      "Cannot fit mini-batch k-means as n_samples=3 should be >= n_clusters=8",
    ],
    [
      "NaN",
      () => miniBatchKMeans(fromRows([[0, 0], [NaN, 1]]), { nClusters: 1 }),
      "RangeError",
      "Cannot use X as it holds a non-finite value: X[1][0]=NaN",
    ],
    [
      "NaN in a later chunk",
      () => new MiniBatchKMeans({ nClusters: 2 }).partialFit(X).partialFit(fromRows([[1, NaN]])),
      "RangeError",
      "Cannot use X as it holds a non-finite value: X[0][1]=NaN",
    ],
    [
      "batchSize 0",
      () => miniBatchKMeans(X, { nClusters: 2, batchSize: 0 }),
      "RangeError",
      "Cannot fit mini-batch k-means as batchSize must be an integer >= 1: batchSize=0",
    ],
    [
      "negative reassignmentRatio",
      () => miniBatchKMeans(X, { nClusters: 2, reassignmentRatio: -1 }),
      "RangeError",
      "Cannot fit mini-batch k-means as reassignmentRatio must be a number >= 0: reassignmentRatio=-1",
    ],
    [
      "negative maxNoImprovement",
      () => miniBatchKMeans(X, { nClusters: 2, maxNoImprovement: -1 }),
      "RangeError",
      "Cannot fit mini-batch k-means as maxNoImprovement must be an integer >= 0: maxNoImprovement=-1",
    ],
    [
      "initSize 0",
      () => miniBatchKMeans(X, { nClusters: 2, initSize: 0 }),
      "RangeError",
      "Cannot fit mini-batch k-means as initSize must be an integer >= 1: initSize=0",
    ],
    [
      "tol < 0",
      () => miniBatchKMeans(X, { nClusters: 2, tol: -1 }),
      "RangeError",
      "Cannot fit mini-batch k-means as tol must be a number >= 0: tol=-1",
    ],
    [
      "init of the wrong shape",
      () => miniBatchKMeans(X, { nClusters: 2, init: fromRows([[0, 0]]) }),
      "RangeError",
      "Cannot fit mini-batch k-means as init must be 2x2: init=1x2",
    ],
    [
      "partialFit: first chunk smaller than k",
      () => new MiniBatchKMeans({ nClusters: 4 }).partialFit(X),
      "RangeError",
      "Cannot partially fit mini-batch k-means as n_samples=3 should be >= n_clusters=4",
    ],
    [
      "partialFit: a chunk with other columns",
      () => new MiniBatchKMeans({ nClusters: 2 }).partialFit(X).partialFit(fromRows([[1, 2, 3]])),
      "RangeError",
      "Cannot partially fit mini-batch k-means as X has 3 features, but the model is expecting 2 features as input: cols=3",
    ],
    [
      "predict before partialFit",
      () => new MiniBatchKMeans({ nClusters: 2 }).predict(X),
      "RangeError",
      "Cannot predict as the model is not fitted yet: nSteps=0",
    ],
  ];
  for (const [name, f, cls, message] of cases) {
    await t.step(name, () => {
      try {
        f();
      } catch (e) {
        assert.equal((e as Error).name, cls);
        assert.ok((e as Error).message.includes(message), (e as Error).message);
        assert.ok(!(e as Error).message.includes("\n"));
        return;
      }
      assert.fail("no error");
    });
  }
});

Deno.test("the WebAssembly products and distances equal plain loops (odd n, d and m)", () => {
  const rs = new RandomState(3);
  // d = 18 and 19 leave an odd number of feature pairs (the loop's tail),
  // d = 19 and 37 an odd last feature.
  for (
    const [n, d, m] of [[BLOCK + 45, 37, 6], [BLOCK + 3, 16, 9], [BLOCK - 1, 18, 4], [7, 19, 5]]
  ) {
    const X = matrix(n, d, rs.randn(n * d)), C = matrix(m, d, rs.randn(m * d));
    const kernel = blockKernel(X, C);
    if (!kernel) return; // an engine without WebAssembly SIMD uses the JavaScript loops
    const rows = Int32Array.from({ length: n }, (_, i) => (i * 7) % n);
    for (const order of [null, rows]) {
      for (let from = 0; from < n; from += BLOCK) {
        const nb = Math.min(BLOCK, n - from);
        const out = new Float64Array(nb * m), sq = new Float64Array(nb);
        kernel.dots(order, from, nb, out);
        const labels = Int32Array.from({ length: nb }, (_, r) => r % m);
        kernel.sqd(nb, labels, sq);
        for (let r = 0; r < nb; r++) {
          const i = order ? order[from + r] : from + r;
          for (let t = 0; t < m; t++) {
            // The documented sums, to the bit: even and odd features apart, then the last odd one.
            let even = 0, odd = 0;
            for (let j = 0; j + 1 < d; j += 2) {
              even += X.data[i * d + j] * C.data[t * d + j];
              odd += X.data[i * d + j + 1] * C.data[t * d + j + 1];
            }
            const last = d % 2 ? X.data[i * d + d - 1] * C.data[t * d + d - 1] : 0;
            assert.equal(out[r * m + t], even + odd + last, `d=${d} row ${i} centre ${t}`);
          }
          let s2 = 0;
          for (let j = 0; j < d; j++) s2 += (X.data[i * d + j] - C.data[labels[r] * d + j]) ** 2;
          assert.ok(Math.abs(sq[r] - s2) < 1e-12 * s2);
        }
      }
    }
  }
});

Deno.test("miniBatchKMeans() rejects explicit centres that are not finite, as check_array(init)", () => {
  const X = fromRows([[0, 0], [0, 1], [5, 5], [5, 6]]);
  assert.throws(
    () => miniBatchKMeans(X, { nClusters: 2, init: fromRows([[NaN, 0], [1, 1]]) }),
    /Cannot use init as it holds a non-finite value: init\[0\]\[0\]=NaN/,
  );
});

Deno.test('miniBatchKMeans() with nInit "auto": one k-means++ start, three random ones (scikit-learn 1.2.1\'s inertia)', () => {
  const X = matrix(3000, 4, new RandomState(0).rand(12000));
  for (
    const [init, inertia] of [["k-means++", 536.9782261752699], [
      "random",
      548.9544290309788,
    ]] as const
  ) {
    const r = miniBatchKMeans(X, { nClusters: 5, nInit: "auto", init, randomState: 0 });
    assert.ok(Math.abs(r.inertia - inertia) <= 1e-9 * inertia, `${init}: ${r.inertia}`);
  }
});
