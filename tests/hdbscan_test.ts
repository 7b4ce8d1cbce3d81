/** core/cluster/hdbscan.ts (with _hdbscan_mst.ts and _hdbscan_tree.ts) against scikit-learn 1.9.1. */
import assert from "node:assert/strict";
import { hdbscan, type HdbscanOptions } from "../core/cluster/hdbscan.ts";
import { fromRows, type Matrix } from "../core/matrix.ts";
import { makeBlobs } from "../core/datasets/make_blobs.ts";
import { RandomState } from "../core/random.ts";
import { samePartition } from "./_golden.ts";
import { coreDistances, primMst, primMstDense } from "../core/cluster/_hdbscan_mst.ts";

interface FixtureCase {
  data: string;
  options: HdbscanOptions;
  labels?: number[];
  probabilities?: (number | null)[];
  defaultLabels?: number[] | null;
  tieInvariant?: boolean;
  defaultDiffers?: number;
  sklearnError?: string;
}
interface Fixture {
  data: Record<string, (number | null)[][]>;
  generated: Record<
    string,
    { nSamples: number; nFeatures: number; centers: number; randomState: number }
  >;
  nonfinite: [number, number, string][];
  cases: FixtureCase[];
}
const fx: Fixture = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/sklearn_hdbscan.json", import.meta.url)),
);

function dataset(name: string): Matrix {
  const g = fx.generated[name];
  if (g) return makeBlobs(g).X;
  const rows = fx.data[name];
  const X = fromRows(rows.map((r) => r.map((v) => v ?? 0)));
  if (name === "nonfinite") {
    const value: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity };
    for (const [i, j, s] of fx.nonfinite) X.data[i * X.cols + j] = value[s];
  }
  return X;
}

// Two unit squares 12.7 apart and an outlier. With minSamples 2 every core
// distance in a square is 1, so each square's points leave at λ = 1 = its
// largest λ (probability 1); the squares split at √162 (two clusters of 4 ≥ 3)
// and the outlier falls out of the root at 1/√(2·39²): noise.
const squares = fromRows([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
  [10, 10],
  [10, 11],
  [11, 10],
  [11, 11],
  [50, 50],
]);

Deno.test("hdbscan() separates two squares and marks the outlier as noise, by hand", () => {
  const r = hdbscan(squares, { minClusterSize: 3, minSamples: 2 });
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, 0, 1, 1, 1, 1, -1]);
  assert.deepEqual(Array.from(r.probabilities), [1, 1, 1, 1, 1, 1, 1, 1, 0]);
  assert.equal(r.nClusters, 2);
  assert.equal(r.nNoise, 1);
  // allowSingleCluster cannot merge them: the two children are more stable
  // (4·(1 − 1/√162) each) than the root; "leaf" keeps the same two leaves.
  assert.deepEqual(
    Array.from(
      hdbscan(squares, { minClusterSize: 3, minSamples: 2, clusterSelectionMethod: "leaf" }).labels,
    ),
    [0, 0, 0, 0, 1, 1, 1, 1, -1],
  );
  // minClusterSize 5: no split leaves two clusters of 5, so nothing is selected.
  assert.equal(hdbscan(squares, { minClusterSize: 5, minSamples: 2 }).nClusters, 0);
});

Deno.test("hdbscan() merges clusters born below clusterSelectionEpsilon, by hand", () => {
  // Squares A at x = 0, B at x = 3 (they join at distance 2), C at x = 30
  // (joins at 27). EOM keeps A, B, C: S(A) = S(B) = 4·(1 − 1/2) = 2, and
  // S(A ∪ B) = 8·(1/2 − 1/27) < 4. Epsilon 5: A and B were born at distance
  // 2 < 5, so both climb to A ∪ B (born at 27 > 5); C (born at 27) stays.
  // (scikit-learn 1.9.1 raises a TypeError on this path with NumPy 2.4, see
  // the fixture script, so this case is checked by hand only.)
  const sq = (x: number) => [[x, 0], [x, 1], [x + 1, 0], [x + 1, 1]];
  const X = fromRows([...sq(0), ...sq(3), ...sq(30)]);
  const base = { minClusterSize: 3, minSamples: 2 };
  // scikit-learn 1.9.1 gives these labels without epsilon and with epsilon 1.
  const three = [1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0];
  assert.deepEqual(Array.from(hdbscan(X, base).labels), three);
  assert.deepEqual(Array.from(hdbscan(X, { ...base, clusterSelectionEpsilon: 1 }).labels), three);
  assert.deepEqual(Array.from(hdbscan(X, { ...base, maxClusterSize: 6 }).labels), three);
  const merged = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
  for (const method of ["eom", "leaf"] as const) {
    const r = hdbscan(X, { ...base, clusterSelectionMethod: method, clusterSelectionEpsilon: 5 });
    assert.ok(samePartition(Array.from(r.labels), merged), method);
    assert.equal(r.nClusters, 2);
  }
});

Deno.test("hdbscan() labels rows with NaN −3 and rows with ±∞ −2, as scikit-learn", () => {
  // Checked with scikit-learn 1.9.1: labels_ and probabilities_ as below.
  const X = fromRows([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
    [NaN, 0],
    [Infinity, 1],
    [10, 10],
    [10, 11],
    [11, 10],
    [11, 11],
    [-Infinity, Infinity],
  ]);
  const r = hdbscan(X, { minClusterSize: 3, minSamples: 2 });
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, 0, -3, -2, 1, 1, 1, 1, -3]);
  assert.ok(Number.isNaN(r.probabilities[4]) && Number.isNaN(r.probabilities[10]));
  assert.equal(r.probabilities[5], 0);
  assert.equal(r.nNoise, 0);
});

Deno.test("hdbscan() equals scikit-learn 1.9.1 (stable tie order) on every fixture case", async (t) => {
  let compared = 0, invariant = 0;
  for (const c of fx.cases) {
    if (c.sklearnError) continue;
    await t.step(`${c.data} ${JSON.stringify(c.options)}`, () => {
      const r = hdbscan(dataset(c.data), c.options);
      // The same label numbers, noise and −2/−3 included.
      assert.deepEqual(Array.from(r.labels), c.labels);
      const p = c.probabilities!;
      for (let i = 0; i < p.length; i++) {
        const want = p[i];
        if (want === null) assert.ok(Number.isNaN(r.probabilities[i]), `probability ${i}`);
        else assert.ok(Math.abs(r.probabilities[i] - want) <= 1e-12, `probability ${i}`);
      }
      // Where scikit-learn's own result does not depend on the order of
      // equal MST weights, it is also its plain (np.argsort) result.
      if (c.tieInvariant) {
        invariant++;
        if (c.defaultLabels) assert.ok(samePartition(Array.from(r.labels), c.defaultLabels));
      }
      compared++;
    });
  }
  assert.ok(compared >= 35, `compared ${compared}`);
  assert.ok(invariant >= 20, `tie-invariant ${invariant}`);
});

Deno.test("hdbscan() runs where scikit-learn 1.9.1 raises (epsilon climbing past a leaf)", () => {
  for (const c of fx.cases) {
    if (!c.sklearnError) continue;
    const X = dataset(c.data);
    const withEps = hdbscan(X, c.options);
    const withoutEps = hdbscan(X, { ...c.options, clusterSelectionEpsilon: 0 });
    // Epsilon only merges: never more clusters, never more noise.
    assert.ok(withEps.nClusters <= withoutEps.nClusters, JSON.stringify(c.options));
    assert.ok(withEps.nNoise <= withoutEps.nNoise, JSON.stringify(c.options));
  }
});

Deno.test("primMst(): the k-d tree pruned Prim builds scikit-learn's scan's edges, ties included", () => {
  // A 30 × 30 integer grid (every core distance 1: ties everywhere), blobs
  // in 2 and 3 columns, with alpha ≠ 1 once.
  const grid: number[][] = [];
  for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) grid.push([i, j]);
  const sets: [Matrix, number, number][] = [
    [fromRows(grid), 5, 1],
    [makeBlobs({ nSamples: 2000, centers: 5, randomState: 4 }).X, 5, 1],
    [makeBlobs({ nSamples: 1500, nFeatures: 3, randomState: 5 }).X, 3, 0.6],
  ];
  // Random integer points in 1–4 columns: many equal distances and cores.
  const rng = new RandomState(42);
  for (let d = 1; d <= 4; d++) {
    const u = rng.uniform(0, 1, 800 * d);
    sets.push([
      { rows: 800, cols: d, data: u.map((v) => Math.round(v * 12)) },
      d + 1,
      d === 2 ? 0.5 : 1,
    ]);
  }
  for (const [X, k, alpha] of sets) {
    const core = coreDistances(X, k);
    const a = primMst(X, core, alpha), b = primMstDense(X, core, alpha);
    assert.deepEqual(a.from, b.from);
    assert.deepEqual(a.to, b.to);
    assert.deepEqual(a.distance, b.distance);
  }
});

Deno.test("hdbscan() rejects bad options and too few rows with one-line messages", () => {
  const cases: [HdbscanOptions, string][] = [
    [
      { minClusterSize: 1 },
      "Cannot fit HDBSCAN as minClusterSize must be an integer >= 2: minClusterSize=1",
    ],
    [{ minSamples: 0 }, "Cannot fit HDBSCAN as minSamples must be an integer >= 1: minSamples=0"],
    [{ alpha: 0 }, "Cannot fit HDBSCAN as alpha must be a number > 0: alpha=0"],
    [
      { clusterSelectionEpsilon: -1 },
      "Cannot fit HDBSCAN as clusterSelectionEpsilon must be a number >= 0: clusterSelectionEpsilon=-1",
    ],
    [
      { maxClusterSize: 0 },
      "Cannot fit HDBSCAN as maxClusterSize must be an integer >= 1: maxClusterSize=0",
    ],
    [
      { clusterSelectionMethod: "top" as "eom" },
      'Cannot fit HDBSCAN as clusterSelectionMethod must be one of "eom", "leaf": clusterSelectionMethod="top"',
    ],
    [
      { metric: "manhattan" as "euclidean" },
      'Cannot fit HDBSCAN as metric must be one of "euclidean": metric="manhattan"',
    ],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => hdbscan(squares, options), { name: "RangeError", message });
  }
  assert.throws(() => hdbscan(squares, { minClusterSize: 3, minSamples: 10 }), {
    name: "RangeError",
    message:
      "Cannot fit HDBSCAN as min_samples (10) must be at most the number of samples in X (9): minSamples=10",
  });
  // Non-finite rows do not count: 2 finite rows.
  assert.throws(() => hdbscan(fromRows([[0, 0], [NaN, 1], [1, 1]]), { minClusterSize: 3 }), {
    name: "RangeError",
    message:
      "Cannot fit HDBSCAN as min_samples (3) must be at most the number of samples in X (2): minSamples=3",
  });
  assert.throws(() => hdbscan(fromRows([[0, 0], [NaN, 1]])), {
    name: "RangeError",
    message:
      "Cannot fit HDBSCAN as n_samples=1 while HDBSCAN requires more than one sample: nSamples=1",
  });
  assert.throws(() => hdbscan({ rows: 0, cols: 2, data: new Float64Array(0) }), {
    name: "RangeError",
    message: "Cannot fit HDBSCAN as the data needs at least 1 row(s) and 1 column: rows=0, cols=2",
  });
});
