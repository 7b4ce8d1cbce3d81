/** core/manifold (t-SNE, trustworthiness) and core/decomposition/pca.ts against scikit-learn and by hand. */
import assert from "node:assert/strict";
import { assertAllClose } from "./_assert.ts";
import { pca } from "../core/decomposition/pca.ts";
import { tsne } from "../core/manifold/tsne.ts";
import { trustworthiness } from "../core/manifold/trustworthiness.ts";
import { jointProbabilities, jointProbabilitiesNN } from "../core/manifold/_affinities.ts";
import {
  BarnesHut,
  exactGradient,
  repulsionWorkerChunks,
  useRepulsionWorker,
} from "../core/manifold/_gradients.ts";
import { SpaceTree } from "../core/manifold/_space_tree.ts";
import { kneighbors } from "../core/neighbors/knn.ts";
import { fromRows, matrix } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";

const sk = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/sklearn_tsne.json", import.meta.url)),
);
const X = fromRows(sk.X);
const n = X.rows;
const Y = fromRows(sk.Y).data;

const close = assertAllClose;

Deno.test("pca() equals scikit-learn's PCA: components with their signs, variances, scores", () => {
  const model = pca(X, { nComponents: 3 });
  close(model.components.data, sk.pca.components.flat(), 1e-9, 1e-12);
  close(model.explainedVariance, sk.pca.explainedVariance, 1e-12, 0);
  close(model.explainedVarianceRatio, sk.pca.explainedVarianceRatio, 1e-12, 0);
  close(
    model.transform(fromRows(sk.X.slice(0, 5))).data,
    sk.pca.transformFirst5.flat(),
    1e-9,
    1e-12,
  );
  assert.throws(() => pca(X, { nComponents: 5 }), /nComponents must be an integer >= 1 and <= 4/);
  assert.throws(() => model.transform(matrix(1, 3)), /has 3 columns, not 4/);
});

Deno.test("joint probabilities equal scikit-learn's (neighbour graph and exact)", () => {
  const k = Math.min(n - 1, Math.floor(3 * sk.perplexity + 1));
  const nn = kneighbors(X, k);
  const P = jointProbabilitiesNN(nn.indices, nn.distances.map((d) => d * d), n, k, sk.perplexity);
  const dense = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let s = P.indptr[i]; s < P.indptr[i + 1]; s++) dense[i * n + P.indices[s]] = P.values[s];
  }
  // scikit-learn searches on float32 distances and returns float32 probabilities.
  close(dense, sk.pNN.flat(), 1e-5, 1e-9);
  const sqd = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let a = 0; a < X.cols; a++) s += (X.data[i * 4 + a] - X.data[j * 4 + a]) ** 2;
      sqd[i * n + j] = s;
    }
  }
  const Pe = jointProbabilities(sqd, n, sk.perplexity);
  close(
    Pe,
    sk.pExact.flat().map((v: number, t: number) => (t % (n + 1) === 0 ? 0 : v)),
    1e-5,
    1e-9,
  );
});

Deno.test("KL divergence and its gradient equal scikit-learn's (exact, and Barnes–Hut at angle 0.5)", async (t) => {
  const k = Math.min(n - 1, Math.floor(3 * sk.perplexity + 1));
  const nn = kneighbors(X, k);
  const P = jointProbabilitiesNN(nn.indices, nn.distances.map((d) => d * d), n, k, sk.perplexity);
  const sqd = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let a = 0; a < 4; a++) sqd[i * n + j] += (X.data[i * 4 + a] - X.data[j * 4 + a]) ** 2;
    }
  }
  const Pe = jointProbabilities(sqd, n, sk.perplexity);
  for (const g of sk.gradients) {
    await t.step(`exaggeration ${g.exaggeration}`, () => {
      const grad = new Float64Array(n * 2);
      const kl = exactGradient(Y, n, 2, Pe, 1, g.exaggeration, grad, true, new Float64Array(n * n));
      assert.ok(Math.abs(kl - g.exactKl) <= 1e-5 * Math.abs(g.exactKl), `exact kl ${kl}`);
      close(grad, g.exactGrad, 1e-4, 1e-9);
      const bh = new BarnesHut(n, 2);
      const klBh = bh.gradient(Y, P, 0.5, 1, g.exaggeration, grad, true);
      // scikit-learn's Barnes–Hut runs in float32.
      assert.ok(Math.abs(klBh - g.bhKl) <= 1e-4 * Math.abs(g.bhKl), `bh kl ${klBh} vs ${g.bhKl}`);
      close(grad, g.bhGrad, 1e-3, 1e-6);
      assert.ok(Number.isNaN(bh.gradient(Y, P, 0.5, 1, 1, grad, false)));
    });
  }
});

Deno.test("trustworthiness() equals scikit-learn's", () => {
  const tw = trustworthiness(X, fromRows(sk.Y), 5);
  assert.ok(Math.abs(tw - sk.trustworthiness5) < 1e-12, `${tw} vs ${sk.trustworthiness5}`);
  assert.throws(
    () => trustworthiness(X, fromRows(sk.Y), 30),
    /nNeighbors must be an integer in \[1, n\/2\)/,
  );
});

Deno.test("the space tree holds every point once, with sizes and barycentres of its cells", () => {
  const rs = new RandomState(3);
  const m = 500;
  const pos = rs.randn(m * 2);
  pos.set([pos[0], pos[1]], 2); // a duplicate of point 0
  const tree = new SpaceTree(2);
  tree.build(pos, m);
  // Walk the tree: every leaf's points, and every cell's size = the sum of its children's.
  const check = (cell: number): { size: number; sx: number; sy: number } => {
    if (tree.leaf[cell]) {
      const s = tree.size[cell];
      return { size: s, sx: s * tree.barycenter[cell * 2], sy: s * tree.barycenter[cell * 2 + 1] };
    }
    let size = 0, sx = 0, sy = 0;
    for (let c = 0; c < 4; c++) {
      const child = tree.children[cell * 4 + c];
      if (child < 0) continue;
      const r = check(child);
      size += r.size;
      sx += r.sx;
      sy += r.sy;
    }
    assert.equal(size, tree.size[cell]);
    assert.ok(Math.abs(sx / size - tree.barycenter[cell * 2]) < 1e-9);
    assert.ok(Math.abs(sy / size - tree.barycenter[cell * 2 + 1]) < 1e-9);
    return { size, sx, sy };
  };
  assert.equal(check(0).size, m);
  let leaves = 0;
  for (let c = 0; c < tree.count; c++) if (tree.leaf[c] && tree.size[c] > 0) leaves++;
  assert.equal(leaves, m - 1, "the duplicate shares a leaf");
});

Deno.test("tsne() separates clusters and is seeded, exact and Barnes–Hut alike", () => {
  const rs = new RandomState(0);
  const m = 90;
  const data = matrix(m, 5, rs.randn(m * 5).map((v, t) => v + 8 * (Math.floor(t / 5) % 3)));
  const labels = Array.from({ length: m }, (_, i) => i % 3);
  const opts = { perplexity: 10, learningRate: 100, nIter: 500 } as const;
  for (const init of ["pca", "random"] as const) {
    const a = tsne(data, { ...opts, init, randomState: 7 });
    const b = tsne(data, { ...opts, init, randomState: 7 });
    assert.deepEqual(a.embedding.data, b.embedding.data, "same seed, same embedding");
    assert.equal(a.nIter, 499);
    const exact = tsne(data, { ...opts, init, randomState: 7, method: "exact" });
    for (const r of [a, exact]) {
      // Every point's nearest embedded neighbour has its label.
      const nn = kneighbors(r.embedding, 1).indices;
      assert.equal(labels.filter((l, i) => labels[nn[i]] === l).length, m, init);
      assert.ok(trustworthiness(data, r.embedding, 5) > 0.9);
      assert.ok(r.klDivergence > 0 && r.klDivergence < 1, `${init} kl ${r.klDivergence}`);
    }
  }
  const r = tsne(data, { ...opts, init: "random", randomState: 1, nIter: 250 });
  assert.equal(r.nIter, 250);
  assert.equal(r.klDivergence, Number.MAX_VALUE, "as scikit-learn: no second phase to report");
});

Deno.test("tsne() rejects bad parameters and data with one clear message", () => {
  const data = matrix(10, 3, new RandomState(0).randn(30));
  assert.throws(() => tsne(data, { perplexity: 10 }), {
    name: "RangeError",
    message:
      "Cannot fit t-SNE as perplexity must be less than n_samples: perplexity=10, n_samples=10",
  });
  assert.throws(
    () => tsne(data, { nComponents: 4 }),
    /nComponents must be an integer >= 1 and <= 3/,
  );
  assert.throws(() => tsne(data, { perplexity: 2, nIter: 100 }), /nIter must be an integer >= 250/);
  assert.throws(
    () => tsne(data, { perplexity: 2, learningRate: -1 }),
    /learningRate must be a number > 0/,
  );
  assert.throws(
    () => tsne(data, { perplexity: 2, angle: 2 }),
    /angle must be a number >= 0 and <= 1/,
  );
  const bad = matrix(10, 3, new Float64Array(30));
  bad.data[4] = NaN;
  assert.throws(() => tsne(bad, { perplexity: 2 }), /X\[1\]\[1\]=NaN/);
  assert.throws(
    () => tsne(data, { perplexity: 2, init: matrix(9, 2) }),
    /init must be 10x2: init=9x2/,
  );
  const nanInit = matrix(10, 2, new RandomState(1).randn(20));
  nanInit.data[5] = NaN;
  assert.throws(
    () => tsne(data, { perplexity: 2, init: nanInit }),
    /init must be finite: init\[2\]\[1\]=NaN/,
  );
  // Identical samples (PCA's start has no spread), or a start at one point:
  // Barnes–Hut's repulsion would be 0/0, and its tree split a NaN forever
  // (a hang; scikit-learn 1.2.1 crashes). Exact, or a random start, runs.
  const same = matrix(12, 3, new Float64Array(36).fill(2));
  const onePoint = /Barnes-Hut as the initial embedding puts all 12 samples at one point/;
  assert.throws(() => tsne(same, { perplexity: 2 }), onePoint);
  const spread = matrix(12, 3, new RandomState(2).randn(36));
  assert.throws(() => tsne(spread, { perplexity: 2, init: matrix(12, 2) }), onePoint);
  assert.ok(tsne(same, { perplexity: 2, init: "random" }).embedding.data.every(Number.isFinite));
  assert.ok(tsne(same, { perplexity: 2, method: "exact" }).embedding.data.every(Number.isFinite));
});

Deno.test("the Barnes–Hut gradient is the same on one core and on two", async () => {
  const rs = new RandomState(9);
  const m = 3000;
  const data = matrix(m, 3, rs.randn(m * 3));
  const k = 31;
  const nn = kneighbors(data, k);
  const P = jointProbabilitiesNN(nn.indices, nn.distances.map((d) => d * d), m, k, 10);
  const pos = rs.randn(m * 2);
  const run = () => {
    const g = new Float64Array(m * 2);
    const kl = new BarnesHut(m, 2).gradient(pos, P, 0.5, 1, 1, g, true);
    return { g, kl };
  };
  useRepulsionWorker(false);
  const one = run();
  useRepulsionWorker(true);
  // The worker starts on the first call and joins once loaded; every call must agree.
  let joined = false;
  for (let t = 0; t < 40 && !joined; t++) {
    const before = repulsionWorkerChunks();
    const two = run();
    joined = repulsionWorkerChunks() > before;
    assert.deepEqual(two.g, one.g);
    assert.equal(two.kl, one.kl);
    if (!joined) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(joined, "the worker took part");
});
