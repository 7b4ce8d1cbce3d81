/** core/cluster/dbscan.ts and core/neighbors/radius_index.ts. */
import assert from "node:assert/strict";
import { dbscan } from "../core/cluster/dbscan.ts";
import { RadiusIndex } from "../core/neighbors/radius_index.ts";
import { fromRows, matrix } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";
import { sqDist } from "../core/distance.ts";

Deno.test("dbscan(): core, border and noise on a line, by hand", () => {
  const X = fromRows([[0], [1], [2], [3], [10]]);
  const r = dbscan(X, { eps: 1, minSamples: 3 });
  // Neighbourhoods: 0:{0,1} 1:{0,1,2} 2:{1,2,3} 3:{2,3} 10:{10} → cores 1 and 2.
  assert.deepEqual(Array.from(r.coreSampleIndices), [1, 2]);
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, 0, -1]);
  assert.equal(r.nClusters, 1);
  assert.equal(r.nNoise, 1);
});

Deno.test("dbscan(): a border point joins the first cluster that reaches it", () => {
  // eps 37, minSamples 4: 40 has only {3, 40, 77} within 37 → a border point
  // reachable from both groups; it joins cluster 0, the first found.
  const X = fromRows([[0], [1], [2], [3], [40], [77], [78], [79], [80]]);
  const r = dbscan(X, { eps: 37, minSamples: 4 });
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, 0, 0, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(r.coreSampleIndices), [0, 1, 2, 3, 5, 6, 7, 8]);
});

Deno.test("dbscan(): minSamples 1 makes every sample core; distance exactly eps counts", () => {
  const X = fromRows([[0, 0], [3, 4], [100, 100]]);
  assert.deepEqual(Array.from(dbscan(X, { eps: 5, minSamples: 1 }).labels), [0, 0, 1]);
  assert.deepEqual(Array.from(dbscan(X, { eps: 4.999, minSamples: 1 }).labels), [0, 1, 2]);
});

Deno.test("dbscan() equals scikit-learn's DBSCAN labels and core samples", () => {
  const sk = JSON.parse(
    Deno.readTextFileSync(new URL("./fixtures/sklearn_dbscan.json", import.meta.url)),
  );
  for (const c of sk.cases) {
    const r = dbscan(fromRows(c.X), { eps: c.eps, minSamples: c.minSamples });
    const what = `${c.data} eps=${c.eps} minSamples=${c.minSamples}`;
    assert.deepEqual(Array.from(r.labels), c.labels, what);
    assert.deepEqual(Array.from(r.coreSampleIndices), c.core, what);
  }
});

Deno.test("dbscan() rejects eps ≤ 0, minSamples < 1 and NaN", () => {
  const X = fromRows([[0, 0], [1, 1]]);
  assert.throws(() => dbscan(X, { eps: 0 }), {
    name: "RangeError",
    message: "Cannot fit DBSCAN as eps must be a number > 0: eps=0",
  });
  assert.throws(
    () => dbscan(X, { minSamples: 0 }),
    /minSamples must be an integer >= 1: minSamples=0/,
  );
  assert.throws(() => dbscan(fromRows([[0, NaN]])), RangeError);
});

Deno.test("RadiusIndex finds exactly the brute-force neighbours (grid and scan)", () => {
  const rs = new RandomState(1);
  for (const d of [1, 2, 3, 5]) {
    const X = matrix(400, d, Float64Array.from(rs.rand(400 * d), (v) => v * 4));
    const r = 0.7;
    const index = new RadiusIndex(X, r);
    for (let i = 0; i < X.rows; i += 7) {
      const got: number[] = [];
      index.query(X, i, (j) => got.push(j));
      const want: number[] = [];
      for (let j = 0; j < X.rows; j++) if (sqDist(X, j, X, i) <= r * r) want.push(j);
      assert.deepEqual(got.sort((a, b) => a - b), want, `d=${d} i=${i}`);
    }
  }
});

Deno.test("dbscan() with sample weights (some 0, some negative) equals scikit-learn 1.2.1", () => {
  // NumPy: X = r_[0.6 * randn(15, 2), 0.6 * randn(15, 2) + [4, 0], 0.6 * randn(15, 2) + [0, 4]],
  // w = randint(0, 4, 45), from RandomState(0); DBSCAN(eps=0.8, min_samples=5).
  const rs = new RandomState(0);
  const z = rs.randn(90);
  const X = fromRows(Array.from({ length: 45 }, (_, i) => {
    const [dx, dy] = i < 15 ? [0, 0] : i < 30 ? [4, 0] : [0, 4];
    return [z[2 * i] * 0.6 + dx, z[2 * i + 1] * 0.6 + dy];
  }));
  const w = Array.from(rs.randint(0, 4, 45));
  const noise = (ids: number[], base: number[]) => base.map((v, i) => ids.includes(i) ? -1 : v);
  const three = [...Array(15).fill(0), ...Array(15).fill(1), ...Array(15).fill(2)];
  // Core samples: every index in [from, 45) but the listed ones.
  const coresBut = (from: number, out: number[]) =>
    Array.from({ length: 45 - from }, (_, t) => from + t).filter((i) => !out.includes(i));
  const cases: [number[], number[], number[]][] = [
    [w, noise([1, 10, 18, 42], three), coresBut(0, [1, 5, 10, 12, 14, 16, 18, 21, 31, 42])],
    [
      w.map((v) => v - 1),
      noise([...Array(15).keys(), 16, 18, 42], three.map((v) => v - 1)),
      coresBut(15, [16, 18, 20, 21, 26, 31, 35, 41, 42, 43]),
    ],
  ];
  for (const [sampleWeight, labels, core] of cases) {
    const r = dbscan(X, { eps: 0.8, minSamples: 5, sampleWeight });
    assert.deepEqual(Array.from(r.labels), labels);
    assert.deepEqual(Array.from(r.coreSampleIndices), core);
  }
  // Ten weights of 0.1 sum to 1 as NumPy adds them (pairwise), 0.9999999999999999 in a plain loop.
  const tenths = dbscan(matrix(10, 1), {
    eps: 0.5,
    minSamples: 1,
    sampleWeight: Array(10).fill(0.1),
  });
  assert.deepEqual(Array.from(tenths.labels), Array(10).fill(0));
  assert.equal(tenths.coreSampleIndices.length, 10);
  assert.throws(
    () => dbscan(X, { sampleWeight: [1, 2] }),
    /sampleWeight must hold 45 finite weights: length=2/,
  );
  assert.throws(
    () => dbscan(X, { sampleWeight: [NaN, ...w.slice(1)] }),
    /sampleWeight\[0\]=NaN/,
  );
});
