/**
 * core/manifold/umap.ts and core/sparse_eigen.ts against umap-learn
 * (tests/fixtures/umap_reference.json, written by
 * scripts/crosscheck/issue22_umap.py) and by hand.
 */
import assert from "node:assert/strict";
import { findAbParams, fuzzySimplicialSet, umap } from "../core/manifold/umap.ts";
import { perVertexStates, tauRandInt } from "../core/manifold/_umap_layout.ts";
import {
  injectUmapSgdHelperFault,
  kernelPow,
  lastHelperBlocks,
  sgdKernel,
  useUmapSgdThreads,
  useUmapSgdWasm,
} from "../core/manifold/_umap_sgd.ts";
import { stopAllWorkers, twoCores } from "../core/workers.ts";
import { powPositive } from "../core/math.ts";
import { connectedComponents, spectralLayout } from "../core/manifold/_umap_spectral.ts";
import {
  componentEigenvectors,
  lastWorkerJobs,
  parallelComponentEigenvectors,
} from "../core/manifold/_umap_spectral_jobs.ts";
import { eigshSmallest } from "../core/sparse_eigen.ts";
import { trustworthiness } from "../core/manifold/trustworthiness.ts";
import { symmetricEigen } from "../core/linalg.ts";
import { fromRows, type Matrix, matrix, takeRows } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";

const ref = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/umap_reference.json", import.meta.url)),
);

/** The script's blobs(): centres randn(c, d)·scale, row i = centre[i % c] + randn. */
function blobs(seed: number, n: number, d: number, c: number, scale: number): Matrix {
  const rs = new RandomState(seed);
  const centres = rs.randn(c * d);
  const noise = rs.randn(n * d);
  const X = matrix(n, d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      X.data[i * d + j] = centres[(i % c) * d + j] * scale + noise[i * d + j];
    }
  }
  return X;
}

/** The script's holdout(): 5 blobs in 10-D with spreads 0.5 + label/5. */
function holdout(n = 400): Matrix {
  const rs = new RandomState(7);
  const centres = rs.randn(50);
  const noise = rs.randn(n * 10);
  const X = matrix(n, 10);
  for (let i = 0; i < n; i++) {
    const l = i % 5;
    for (let j = 0; j < 10; j++) {
      X.data[i * 10 + j] = centres[l * 10 + j] * 4 + noise[i * 10 + j] * (0.5 + l / 5);
    }
  }
  return X;
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

Deno.test("fuzzySimplicialSet() equals umap-learn's fuzzy_simplicial_set: σ, ρ and the graph", () => {
  const cases = [[22, 300, 5, 4, 3], [23, 120, 5, 3, 2]];
  ref.graph.forEach((g: Record<string, number & number[]>, c: number) => {
    const [seed, n, d, centres, scale] = cases[c];
    const X = blobs(seed, n, d, centres, scale);
    const r = fuzzySimplicialSet(X, g.k, {
      setOpMixRatio: g.setOpMixRatio,
      localConnectivity: g.localConnectivity,
    });
    // σ and ρ: umap-learn's float32 values exactly.
    assert.deepEqual(Array.from(r.sigmas), g.sigmas);
    assert.deepEqual(Array.from(r.rhos), g.rhos);
    assert.deepEqual(Array.from(r.graph.indptr), g.indptr);
    assert.deepEqual(Array.from(r.graph.indices), g.indices);
    // The graph: float32 values, all but a few (exp's last float32 bit) identical.
    let worst = 0, differ = 0;
    g.values.forEach((v: number, p: number) => {
      worst = Math.max(worst, Math.abs(r.graph.values[p] - v));
      if (r.graph.values[p] !== v) differ++;
    });
    assert.ok(worst < 1e-6, `graph values differ by ${worst}`);
    assert.ok(differ <= 0.005 * g.values.length, `${differ} graph values differ`);
  });
});

Deno.test("spectral initialisation equals umap-learn's spectral_layout up to each column's sign", () => {
  let solvedOnTwo = 0;
  const cases = [[22, 300, 5, 4, 3], [23, 120, 5, 3, 2]];
  ref.graph.forEach((g: Record<string, number & number[]>, c: number) => {
    const [seed, n, d, centres, scale] = cases[c];
    const X = blobs(seed, n, d, centres, scale);
    const G = fuzzySimplicialSet(X, g.k, {
      setOpMixRatio: g.setOpMixRatio,
      localConnectivity: g.localConnectivity,
    }).graph;
    // Pruned as for 500 epochs.
    const max = Math.max(...G.values);
    const indptr = new Int32Array(n + 1), ind: number[] = [], val: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let p = G.indptr[i]; p < G.indptr[i + 1]; p++) {
        if (G.values[p] >= max / 500) ind.push(G.indices[p]), val.push(G.values[p]);
      }
      indptr[i + 1] = ind.length;
    }
    const P = {
      rows: n,
      cols: n,
      indptr,
      indices: Int32Array.from(ind),
      values: Float64Array.from(val),
    };
    const { count, labels } = connectedComponents(P);
    assert.equal(count, g.components);
    const s = spectralLayout(X, P, 2, new RandomState(0), () => assert.fail("no fallback"));
    // Components solved on two cores (all by the worker): the same bits.
    const solvable = range(0, count).filter((l) => labels.filter((m) => m === l).length >= 4);
    if (twoCores() && solvable.length >= 2) {
      const fail = () => assert.fail("no fallback");
      const t = spectralLayout(X, P, 2, new RandomState(0), fail, {
        force: true,
        workerOnly: true,
      });
      assert.deepEqual(t, s);
      assert.equal(lastWorkerJobs, solvable.length);
      solvedOnTwo++;
    }
    // Each component's eigenvectors have their own sign: compare per component, centred.
    for (let l = 0; l < count; l++) {
      const rows = range(0, n).filter((i) => labels[i] === l);
      for (let col = 0; col < 2; col++) {
        const mean = (v: ArrayLike<number>) =>
          rows.reduce((t, i) => t + v[i * 2 + col], 0) / rows.length;
        const ms = mean(s), mr = mean(g.spectral);
        let plus = 0, minus = 0;
        for (const i of rows) {
          const a = s[i * 2 + col] - ms, b = g.spectral[i * 2 + col] - mr;
          plus = Math.max(plus, Math.abs(a - b));
          minus = Math.max(minus, Math.abs(a + b));
        }
        assert.ok(
          Math.min(plus, minus) < 1e-3,
          `case ${c}, component ${l}, column ${col}: ${plus}, ${minus}`,
        );
      }
    }
  });
  if (twoCores()) assert.equal(solvedOnTwo, 1, "the two-component case ran on two cores");
});

Deno.test("components solved on two cores: each answer in its place, a component that throws left to the caller", () => {
  if (!twoCores()) return;
  /** A connected weighted graph on n vertices: a path plus random chords. */
  const graph = (n: number, seed: number) => {
    const rs = new RandomState(seed);
    const w = new Map<string, number>();
    const link = (i: number, j: number, v: number) => {
      w.set(`${i},${j}`, v);
      w.set(`${j},${i}`, v);
    };
    for (let i = 1; i < n; i++) link(i - 1, i, 0.5 + rs.uniform(0, 0.5, 1)[0]);
    for (let c = 0; c < n; c++) {
      const [i, j] = rs.randint(0, n, 2);
      if (i !== j) link(i, j, rs.uniform(0, 1, 1)[0]);
    }
    const indptr = new Int32Array(n + 1), indices: number[] = [], values: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = w.get(`${i},${j}`);
        if (v !== undefined) indices.push(j), values.push(v);
      }
      indptr[i + 1] = indices.length;
    }
    const out = { indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
    return { rows: n, cols: n, ...out };
  };
  // Three vertices cannot give 1 + 2 eigenvectors: eigsh throws there.
  const graphs = [graph(3, 1), graph(40, 2), graph(90, 3), graph(60, 4)];
  assert.throws(() => componentEigenvectors(graphs[0], 2), /Cannot find eigenpairs/);
  const alone = graphs.slice(1).map((g) => componentEigenvectors(g, 2));
  // All on the worker, then shared by both threads.
  for (const workerOnly of [true, false]) {
    const answers = parallelComponentEigenvectors(graphs, 2, { force: true, workerOnly });
    assert.ok(answers);
    if (workerOnly) assert.equal(lastWorkerJobs, 4);
    assert.equal(answers[0], undefined);
    for (let j = 1; j < 4; j++) {
      assert.ok(alone[j - 1]);
      assert.deepEqual(answers[j], alone[j - 1]);
    }
  }
  // Too little outside the largest component: one core.
  assert.equal(parallelComponentEigenvectors(graphs, 2), undefined);
  assert.equal(lastWorkerJobs, 0);
});

Deno.test("findAbParams() equals umap-learn's find_ab_params (SciPy curve_fit)", () => {
  for (const { spread, minDist, a, b } of ref.ab) {
    const r = findAbParams(spread, minDist);
    assert.ok(Math.abs(r.a - a) <= 1e-5 * a, `a(${spread}, ${minDist}) = ${r.a} vs ${a}`);
    assert.ok(Math.abs(r.b - b) <= 1e-5 * b, `b(${spread}, ${minDist}) = ${r.b} vs ${b}`);
  }
});

Deno.test("tauRandInt() and the layout's seeds equal umap-learn's tau_rand_int and randint", () => {
  for (const { seeds, x0, out } of ref.tau.cases) {
    const st = perVertexStates(seeds, Float64Array.of(x0), 1, 1);
    assert.deepEqual(out.map(() => tauRandInt(st, 0)), out);
  }
  for (const [seed, draws] of Object.entries(ref.tau.randint)) {
    const r = new RandomState(Number(seed)).randint(-2147483647, 2147483646, 3);
    assert.deepEqual(Array.from(r), draws);
  }
});

/** CSR Laplacian D − W of an undirected graph given by its edges. */
function laplacian(n: number, edges: [number, number, number][]) {
  const W = Array.from({ length: n }, () => new Map<number, number>());
  for (const [i, j, w] of edges) {
    W[i].set(j, (W[i].get(j) ?? 0) - w);
    W[j].set(i, (W[j].get(i) ?? 0) - w);
    W[i].set(i, (W[i].get(i) ?? 0) + w);
    W[j].set(j, (W[j].get(j) ?? 0) + w);
  }
  const indptr = [0], indices: number[] = [], values: number[] = [];
  for (const row of W) {
    for (const [j, v] of [...row].sort((a, b) => a[0] - b[0])) indices.push(j), values.push(v);
    indptr.push(indices.length);
  }
  return {
    indptr: Int32Array.from(indptr),
    indices: Int32Array.from(indices),
    values: Float64Array.from(values),
  };
}

Deno.test("eigshSmallest(): path graph eigenvalues 2 − 2cos(πj/n), residuals small", () => {
  const n = 400, k = 6;
  const L = laplacian(n, range(0, n - 1).map((i) => [i, i + 1, 1]));
  const r = eigshSmallest(L, n, k, { tol: 1e-10, ncv: 30 });
  assert.ok(r.converged);
  for (let j = 0; j < k; j++) {
    const want = 2 - 2 * Math.cos((Math.PI * j) / n);
    assert.ok(Math.abs(r.values[j] - want) < 1e-9, `λ${j} = ${r.values[j]} vs ${want}`);
  }
});

Deno.test("eigshSmallest(): a cycle's double eigenvalues and a random graph match the dense solver", () => {
  // Cycle: 2 − 2cos(2πj/n), each but the first twice.
  const n = 60;
  const C = laplacian(n, range(0, n).map((i) => [i, (i + 1) % n, 1]));
  const rc = eigshSmallest(C, n, 5, { tol: 1e-10 });
  const want = [0, 1, 1, 2, 2].map((j) => 2 - 2 * Math.cos((2 * Math.PI * j) / n));
  want.forEach((w, j) => assert.ok(Math.abs(rc.values[j] - w) < 1e-8, `cycle λ${j}`));
  // Random weighted graph (a ring plus chords), vs symmetricEigen.
  const rs = new RandomState(3);
  const m = 80;
  const edges: [number, number, number][] = range(0, m).map((
    i,
  ) => [i, (i + 1) % m, 0.5 + rs.nextDouble()]);
  for (let t = 0; t < 120; t++) {
    const i = rs.interval(m - 1), j = rs.interval(m - 1);
    if (i !== j) edges.push([i, j, rs.nextDouble()]);
  }
  const L = laplacian(m, edges);
  const dense = matrix(m, m);
  for (let i = 0; i < m; i++) {
    for (let p = L.indptr[i]; p < L.indptr[i + 1]; p++) {
      dense.data[i * m + L.indices[p]] = L.values[p];
    }
  }
  const e = symmetricEigen(dense); // descending
  const k = 4;
  const r = eigshSmallest(L, m, k, { tol: 1e-12 });
  for (let j = 0; j < k; j++) {
    const col = m - 1 - j;
    assert.ok(Math.abs(r.values[j] - e.values[col]) < 1e-9);
    let dot = 0;
    for (let i = 0; i < m; i++) dot += r.vectors.data[i * k + j] * e.vectors.data[i * m + col];
    assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-7, `eigenvector ${j}: |dot| = ${Math.abs(dot)}`);
  }
});

Deno.test("umap(): trustworthiness on held-out data ≥ umap-learn's median − 0.01", () => {
  const X = holdout();
  for (const { init, minDist, median } of ref.trust) {
    const model = umap(X, { init, minDist, randomState: 0 });
    const t = trustworthiness(X, model.embedding, 5);
    assert.ok(t >= median - 0.01, `${init}, minDist ${minDist}: ${t} vs umap-learn ${median}`);
  }
});

Deno.test("UmapModel.transform(): held-out trustworthiness ≥ umap-learn's median − 0.02", () => {
  const X = holdout();
  const fitRows = ref.transform.fitRows;
  const model = umap(takeRows(X, range(0, fitRows)), { randomState: 0 });
  const test = takeRows(X, range(fitRows, X.rows));
  const emb = model.transform(test);
  const t = trustworthiness(test, emb, 5);
  assert.ok(t >= ref.transform.median - 0.02, `${t} vs umap-learn ${ref.transform.median}`);
});

Deno.test("umap(): the same seed gives the same bits; onEpoch counts the epochs", () => {
  const X = blobs(23, 120, 5, 3, 2);
  let epochs = 0;
  const a = umap(X, { randomState: 5, nEpochs: 60, onEpoch: () => epochs++ });
  const b = umap(X, { randomState: new RandomState(5), nEpochs: 60 });
  assert.equal(epochs, 60);
  assert.deepEqual(a.embedding.data, b.embedding.data);
  assert.deepEqual(
    a.transform(takeRows(X, [0, 1, 2])).data,
    b.transform(takeRows(X, [0, 1, 2])).data,
  );
  const c = umap(X, { randomState: 6, nEpochs: 60 });
  assert.notDeepEqual(a.embedding.data, c.embedding.data);
  assert.equal(a.nEpochs, 60);
  assert.equal(umap(X, { nEpochs: 1 }).nEpochs, 1);
});

Deno.test("the WebAssembly SGD's power is powPositive, bit for bit, rare arguments included", () => {
  const pow = kernelPow();
  assert.ok(pow, "WebAssembly is available");
  const rs = new RandomState(11);
  const xs = [...rs.uniform(-30, 30, 2000)].map((e) => 10 ** e);
  xs.push(
    0,
    5e-324,
    1e-310,
    2 ** -1022,
    1,
    2,
    1.9999999999999998,
    Number.MAX_VALUE,
    Infinity,
    NaN,
    -1,
  );
  for (const y of [0.7904946607121661, 0.5, 1, 1.5, 20, 1e-3]) {
    for (const x of xs) assert.ok(Object.is(pow(x, y), powPositive(x, y)), `${x}^${y}`);
  }
});

Deno.test("umap(): the WebAssembly SGD gives the JavaScript epochs' bits (2, 3 and 10 dimensions, fit and transform)", () => {
  // The kernel runs two blocks of steps side by side when their rows are
  // disjoint: 30 rows make clashes frequent, 1,500 rows make pairs the rule;
  // 1,000 negatives per sample fill a block's buffer (4,096 steps) within
  // three samples, so one head's edges span several blocks.
  const sets = [
    { X: blobs(29, 240, 6, 4, 2), Q: blobs(30, 20, 6, 4, 2) },
    { X: blobs(31, 30, 4, 3, 2), Q: blobs(32, 6, 4, 3, 2) },
    { X: blobs(33, 1500, 8, 6, 2), Q: blobs(34, 40, 8, 6, 2) },
  ];
  const cases = [
    { set: 0, nComponents: 2, init: "spectral", minDist: 0.1, negativeSampleRate: 5, nEpochs: 40 },
    { set: 0, nComponents: 3, init: "random", minDist: 0.3, negativeSampleRate: 150, nEpochs: 40 },
    { set: 0, nComponents: 10, init: "spectral", minDist: 0, negativeSampleRate: 5, nEpochs: 40 },
    { set: 1, nComponents: 2, init: "random", minDist: 0.1, negativeSampleRate: 5, nEpochs: 60 },
    { set: 1, nComponents: 3, init: "random", minDist: 0.1, negativeSampleRate: 1000, nEpochs: 15 },
    { set: 2, nComponents: 2, init: "spectral", minDist: 0.1, negativeSampleRate: 5, nEpochs: 10 },
    { set: 2, nComponents: 10, init: "random", minDist: 0, negativeSampleRate: 2.5, nEpochs: 10 },
  ] as const;
  // On two threads (forced, the helper up before the first epoch), the
  // same bits again; the 30-row graph makes blocks wait on each other.
  let helped = 0;
  for (const { set, ...c } of cases) {
    const { X, Q } = sets[set];
    const run = (wasm: boolean, threads: "always" | "never" = "never") => {
      useUmapSgdWasm(wasm);
      useUmapSgdThreads(threads);
      try {
        const m = umap(X, { ...c, randomState: 2 });
        const fit = m.embedding.data;
        helped += threads === "always" ? lastHelperBlocks : 0;
        return { fit, moved: m.transform(Q).data };
      } finally {
        useUmapSgdWasm(true);
        useUmapSgdThreads("auto");
      }
    };
    const js = run(false), wasm = run(true), two = run(true, "always");
    const what = `${X.rows} rows, ${c.nComponents}-d, rate ${c.negativeSampleRate}`;
    assert.deepEqual(wasm.fit, js.fit, `fit, ${what}`);
    assert.deepEqual(wasm.moved, js.moved, `transform, ${what}`);
    assert.deepEqual(two.fit, js.fit, `fit on two threads, ${what}`);
    assert.deepEqual(two.moved, js.moved, `transform on two threads, ${what}`);
  }
  if (twoCores()) assert.ok(helped > 0, "the helper thread ran blocks");
});

Deno.test({
  name: "umap(): a helper thread that fails in the two-thread epochs makes the fit throw, not hang",
  ignore: !twoCores(),
  fn() {
    // The helper takes a block and throws, as a trap in its kernel would
    // (10-d: both threads run blocks), or throws instead of planning (2-d:
    // it plans them): blocks never end, and the calling thread, which waits
    // for them (their dependants, or the epoch's end), must leave with an
    // error. The layout is long enough (thousands of blocks) for the helper
    // to take one even on a loaded machine; a fit it missed entirely is
    // tried again.
    const X = blobs(33, 1500, 8, 6, 2);
    for (const nComponents of [2, 10]) {
      const opts = { nComponents, init: "random", nEpochs: 10, randomState: 2 } as const;
      useUmapSgdThreads("always");
      try {
        injectUmapSgdHelperFault(true);
        let error: Error | undefined;
        try {
          for (let attempt = 0; attempt < 5 && !error; attempt++) {
            try {
              umap(X, opts);
            } catch (e) {
              error = e as Error;
            }
          }
        } finally {
          injectUmapSgdHelperFault(false);
        }
        assert.equal(
          error?.message,
          "Cannot lay out UMAP's embedding as its second thread failed in an epoch, which is left unfinished",
          `${nComponents}-d`,
        );
        // The next fit starts a fresh helper, and gives the one-thread bits.
        const two = umap(X, opts).embedding.data;
        useUmapSgdThreads("never");
        assert.deepEqual(two, umap(X, opts).embedding.data);
      } finally {
        useUmapSgdThreads("auto");
      }
    }
  },
});

Deno.test({
  name:
    "umap's SGD planned on the helper: a long block beside thousands of short ones neither stalls nor changes the bits",
  ignore: !twoCores(),
  fn() {
    // As transform() lays out new rows against fixed ones: row 1 has one
    // edge, then row 0 has 4,000 (one block of 4,000 steps an epoch: almost
    // no negatives at this rate), then rows 2–3,000 one each. No block
    // writes a row another reads, so the calling thread runs the short
    // blocks beside the long one, a step of it per block. More than the
    // ring's 1,023 headers of them go by before it ends: the helper, which
    // may not plan more than that past the long block's id, must not be
    // left waiting while the calling thread waits for its next block.
    const nHead = 3001, nTail = 2000, dim = 2, rs = new RandomState(5);
    const head: number[] = [1], tail: number[] = [3];
    for (let e = 0; e < 4000; e++) head.push(0), tail.push(e % nTail);
    for (let j = 2; j < nHead; j++) head.push(j), tail.push((j * 7) % nTail);
    const nEdges = head.length, nEpochs = 4; // (epoch 0 samples nothing)
    const base = {
      head: Int32Array.from(head),
      tail: Int32Array.from(tail),
      epochsPerSample: new Float64Array(nEdges).fill(1),
      states: Int32Array.from(rs.randint(-(2 ** 31), 2 ** 31 - 1, 6 * nHead)),
    };
    const headEmb0 = rs.uniform(-10, 10, nHead * dim), tailEmb = rs.uniform(-10, 10, nTail * dim);
    const run = (threads: "always" | "never") => {
      useUmapSgdThreads(threads);
      try {
        const headEmb = headEmb0.slice();
        const A = { ...base, headEmb, tailEmb, states: base.states.slice() };
        const S = {
          nVertices: nTail,
          dim,
          a: 1.58,
          b: 0.9,
          twoAB: 2 * 1.58 * 0.9,
          twoGB: 2 * 0.9,
          moveOther: false,
        };
        const kernel = sgdKernel(A, S, 0.001, nEpochs)!;
        try {
          for (let n = 0; n < nEpochs; n++) kernel.epoch(n, 1 - n / nEpochs);
        } finally {
          kernel.finish();
        }
        return headEmb;
      } finally {
        useUmapSgdThreads("auto");
      }
    };
    const one = run("never"), two = run("always");
    // Epochs 1–3 (epoch 0 samples nothing): rows 1, 0, then 2–3,000, a block each.
    assert.equal(lastHelperBlocks, (nEpochs - 1) * nHead, "the blocks the helper planned");
    assert.deepEqual(two, one);
    assert.notDeepEqual(one, headEmb0);
  },
});

Deno.test({
  name:
    "umap(): stopping the helper that plans a 2-d layout's blocks (stopAllWorkers) makes the fit throw, not hang",
  ignore: !twoCores(),
  fn() {
    // The calling thread waits for blocks the stopped helper will never
    // plan (it is at most 1,023 blocks ahead, an epoch here is about 1,500).
    const X = blobs(33, 1500, 8, 6, 2);
    useUmapSgdThreads("always");
    try {
      assert.throws(
        () =>
          umap(X, {
            nComponents: 2,
            nEpochs: 10,
            randomState: 2,
            onEpoch: (e) => e === 3 && stopAllWorkers(),
          }),
        {
          message:
            "Cannot lay out UMAP's embedding as its second thread was stopped (stopAllWorkers) before the layout ended, which leaves an epoch unfinished",
        },
      );
    } finally {
      useUmapSgdThreads("auto");
    }
  },
});

Deno.test("umap(): explicit init, a disconnected graph, nNeighbors ≥ n adjusted with a warning", () => {
  const X = blobs(23, 120, 5, 3, 2);
  const init = matrix(120, 2, new RandomState(1).uniform(-1, 1, 240));
  const m = umap(X, { init, nEpochs: 20 });
  assert.equal(m.embedding.rows, 120);
  // Three far-apart groups: a graph in three components, placed by multi_component_layout.
  const far = blobs(3, 90, 3, 3, 200);
  const mf = umap(far, { nNeighbors: 5, nEpochs: 30 });
  assert.ok(mf.embedding.data.every(Number.isFinite));
  // Seven components (> 2·nComponents): centroids laid out spectrally. Their
  // affinities exp(−‖cᵢ − cⱼ‖²) underflow to 0 at these distances, and
  // umap-learn 0.5 warns through scikit-learn's spectral_embedding, as we do
  // (checked on the same data: it warns for scale 30, not for 3, nor for the
  // three components above, laid out without it).
  const said = (X: Matrix, nNeighbors: number) => {
    const w: string[] = [];
    const m = umap(X, { nNeighbors, nEpochs: 30, onWarning: (s) => w.push(s) });
    assert.ok(m.embedding.data.every(Number.isFinite));
    return w;
  };
  assert.deepEqual(said(blobs(4, 70, 3, 7, 30), 4), [
    "Graph is not fully connected, spectral embedding may not work as expected.",
  ]);
  assert.deepEqual(said(blobs(4, 70, 3, 7, 3), 4), []);
  assert.deepEqual(said(far, 5), []);
  const warnings: string[] = [];
  const small = umap(fromRows([[0, 0], [1, 0], [0, 1], [1, 1], [5, 5]]), {
    nEpochs: 10,
    init: "random",
    onWarning: (w) => warnings.push(w),
  });
  assert.equal(small.nNeighbors, 4);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /nNeighbors/);
});

Deno.test("umap(): one-line RangeErrors for bad parameters and data", () => {
  const X = blobs(23, 30, 3, 3, 2);
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ nNeighbors: 1 }, /nNeighbors must be an integer >= 2/],
    [{ nComponents: 0 }, /nComponents/],
    [{ minDist: 2, spread: 1 }, /minDist must be a number >= 0 and <= 1/],
    [{ spread: 0 }, /spread/],
    [{ nEpochs: 0 }, /nEpochs/],
    [{ learningRate: -1 }, /learningRate/],
    [{ setOpMixRatio: 1.5 }, /setOpMixRatio/],
    [{ localConnectivity: -1 }, /localConnectivity/],
    [{ init: "pca" }, /init must be one of/],
    [{ init: matrix(3, 2) }, /init must be 30x2/],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => umap(X, options), (e: Error) => {
      assert.ok(e instanceof RangeError, String(e));
      assert.match(e.message, message);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
  assert.throws(() => umap(fromRows([[1, 2]])), RangeError);
  assert.throws(() => umap(fromRows([[1, NaN], [1, 2], [3, 4]])), RangeError);
  const m = umap(X, { nEpochs: 5 });
  assert.throws(() => m.transform(fromRows([[1, 2]])), /3 columns/);
});
