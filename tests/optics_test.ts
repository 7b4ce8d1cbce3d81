/** core/cluster/optics.ts against hand-checked cases and scikit-learn 1.2.1's OPTICS. */
import assert from "node:assert/strict";
import {
  clusterOpticsDbscan,
  clusterOpticsXi,
  optics,
  type OpticsOptions,
} from "../core/cluster/optics.ts";
import { kthDistances, round15 } from "../core/cluster/_optics_graph.ts";
import { fromRows } from "../core/matrix.ts";
import { makeBlobs } from "../core/datasets/make_blobs.ts";
import { samePartition } from "./_golden.ts";

interface SkCase {
  data: string;
  options: OpticsOptions;
  labels: number[];
  ordering: number[];
  reachability: (number | null)[];
  coreDistances: (number | null)[];
  predecessor: number[];
  clusterHierarchy?: [number, number][];
  warnings: string[];
}
interface SkLarge {
  nSamples: number;
  randomState: number;
  options: OpticsOptions;
  labels: number[];
  ordering: number[];
  reachability?: (number | null)[];
}
const sk: { datasets: Record<string, number[][]>; cases: SkCase[]; large: SkLarge[] } = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/sklearn_optics.json", import.meta.url)),
);
const inf = (a: (number | null)[]) => a.map((v) => v === null ? Infinity : v);

/** Equal within 1e-12 (relative above 1), ∞ only where ∞. */
function assertNear(actual: ArrayLike<number>, expected: number[], what: string) {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (e === Infinity || a === Infinity) assert.equal(a, e, `${what} [${i}]`);
    else {assert.ok(
        Math.abs(a - e) <= 1e-12 * Math.max(1, Math.abs(e)),
        `${what} [${i}]: ${a} vs ${e}`,
      );}
  }
}

Deno.test("optics() orders a line by reachability, by hand", () => {
  // Points 0, 1, 3, 7, 8 with minSamples 2: core distances 1, 1, 2, 1, 1
  // (checked against scikit-learn 1.2.1).
  const X = fromRows([[0], [1], [3], [7], [8]]);
  const r = optics(X, { minSamples: 2, clusterMethod: "dbscan", eps: 1.5 });
  assert.deepEqual(Array.from(r.coreDistances), [1, 1, 2, 1, 1]);
  assert.deepEqual(Array.from(r.ordering), [0, 1, 2, 3, 4]);
  assert.deepEqual(Array.from(r.reachability), [Infinity, 1, 2, 4, 1]);
  assert.deepEqual(Array.from(r.predecessor), [-1, 0, 1, 2, 3]);
  assert.deepEqual(Array.from(r.labels), [0, 0, -1, 1, 1]);
  assert.deepEqual(r.clusterHierarchy, []);
});

Deno.test("optics() breaks reachability ties by the lowest index, ∞ included", () => {
  // Point 0 is alone within maxEps 2, so the next point is picked among all-∞
  // reachabilities: the lowest index, 1. From 1, points 2 and 3 both reach at
  // 1 (2 first); from 2, point 4 drops to 1 and ties with 3 (3 first).
  // Checked: OPTICS(min_samples=2, max_eps=2) in scikit-learn 1.2.1.
  const X = fromRows([[5, 5], [0, 0], [0, 1], [1, 0], [1, 1]]);
  const r = optics(X, { minSamples: 2, maxEps: 2 });
  assert.deepEqual(Array.from(r.ordering), [0, 1, 2, 3, 4]);
  assert.deepEqual(Array.from(r.reachability), [Infinity, Infinity, 1, 1, 1]);
  assert.deepEqual(Array.from(r.predecessor), [-1, -1, 1, 1, 2]);
  assert.deepEqual(Array.from(r.labels), [-1, 0, 0, 0, 0]);
});

Deno.test("round15() rounds as np.around(x, 15), half to even", () => {
  assert.equal(round15(0.5e-15), 0); // 0.5 → 0
  assert.equal(round15(1.5e-15), 2e-15); // 1.5 → 2
  assert.equal(round15(Math.SQRT2), 1.414213562373095);
  assert.equal(round15(0), 0);
});

Deno.test("kthDistances() gives the k-th smallest distance by every search (k ≤ 64 and k > 64)", () => {
  for (const name of ["moons", "blobs5d"]) {
    const X = fromRows(sk.datasets[name]);
    const n = X.rows, d = X.cols;
    for (const k of [2, 7, 64, 65, n]) {
      const got = kthDistances(X, k);
      for (let i = 0; i < n; i++) {
        const row: number[] = [];
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let a = 0; a < d; a++) s += (X.data[i * d + a] - X.data[j * d + a]) ** 2;
          row.push(Math.sqrt(s));
        }
        row.sort((a, b) => a - b);
        assert.equal(got[i], row[k - 1], `${name} k=${k} row ${i}`);
      }
    }
  }
});

Deno.test("optics() equals scikit-learn 1.2.1 on every data set and setting", async (t) => {
  for (const c of sk.cases) {
    await t.step(`${c.data} ${JSON.stringify(c.options)}`, () => {
      const X = fromRows(sk.datasets[c.data]);
      const warnings: string[] = [];
      const r = optics(X, { ...c.options, onWarning: (m) => warnings.push(m) });
      assert.deepEqual(Array.from(r.ordering), c.ordering, "ordering");
      assertNear(r.coreDistances, inf(c.coreDistances), "core distances");
      assertNear(r.reachability, inf(c.reachability), "reachability");
      assert.deepEqual(Array.from(r.predecessor), c.predecessor, "predecessor");
      assert.deepEqual(Array.from(r.labels), c.labels, "labels");
      assert.ok(samePartition(Array.from(r.labels), c.labels));
      if (c.clusterHierarchy) assert.deepEqual(r.clusterHierarchy, c.clusterHierarchy);
      assert.deepEqual(warnings, c.warnings);
    });
  }
});

Deno.test("optics() reproduces scikit-learn's ordering on 2000 and 3000 blobs", async (t) => {
  for (const c of sk.large) {
    await t.step(`${c.nSamples} ${JSON.stringify(c.options)}`, () => {
      const { X } = makeBlobs({ nSamples: c.nSamples, randomState: c.randomState });
      const r = optics(X, c.options);
      assert.deepEqual(Array.from(r.ordering), c.ordering);
      assert.deepEqual(Array.from(r.labels), c.labels);
      if (c.reachability) assertNear(r.reachability, inf(c.reachability), "reachability");
    });
  }
});

Deno.test("clusterOpticsDbscan() and clusterOpticsXi() re-extract scikit-learn's labels", () => {
  for (const c of sk.cases) {
    const reach = inf(c.reachability), core = inf(c.coreDistances);
    if (c.options.clusterMethod === "dbscan") {
      const eps = c.options.eps ?? c.options.maxEps!;
      const labels = clusterOpticsDbscan(reach, core, c.ordering, eps);
      assert.deepEqual(Array.from(labels), c.labels, c.data);
    } else {
      const xi = clusterOpticsXi(reach, c.predecessor, c.ordering, {
        minSamples: c.options.minSamples,
        minClusterSize: c.options.minClusterSize,
        xi: c.options.xi,
        predecessorCorrection: c.options.predecessorCorrection,
      });
      assert.deepEqual(Array.from(xi.labels), c.labels, c.data);
      assert.deepEqual(xi.clusterHierarchy, c.clusterHierarchy, c.data);
    }
  }
});

Deno.test("optics() rejects bad input with one-line messages", async (t) => {
  const X = fromRows([[0, 0], [1, 1], [2, 2], [3, 3]]);
  const cases: [string, () => unknown, string, string][] = [
    [
      "NaN",
      () => optics(fromRows([[0, 0], [NaN, 1], [2, 2]]), { minSamples: 2 }),
      "RangeError",
      "Cannot use X as it holds a non-finite value: X[1][0]=NaN",
    ],
    [
      "minSamples > n",
      () => optics(X),
      "RangeError",
      "Cannot fit OPTICS as minSamples must be no greater than the number of samples (4): minSamples=5",
    ],
    [
      "minSamples 1.5",
      () => optics(X, { minSamples: 1.5 }),
      "RangeError",
      "Cannot fit OPTICS as minSamples must be an integer >= 2 or a number in [0, 1]: minSamples=1.5",
    ],
    [
      "xi 1 (scikit-learn divides by 1 − xi)",
      () => optics(X, { minSamples: 2, xi: 1 }),
      "RangeError",
      "Cannot fit OPTICS as xi must be a number >= 0 and < 1: xi=1",
    ],
    [
      "xi < 0",
      () => optics(X, { minSamples: 2, xi: -0.1 }),
      "RangeError",
      "Cannot fit OPTICS as xi must be a number >= 0 and < 1: xi=-0.1",
    ],
    [
      "negative maxEps",
      () => optics(X, { minSamples: 2, maxEps: -1 }),
      "RangeError",
      "Cannot fit OPTICS as maxEps must be a number >= 0: maxEps=-1",
    ],
    [
      "minClusterSize 0",
      () => optics(X, { minSamples: 2, minClusterSize: 0 }),
      "RangeError",
      "Cannot fit OPTICS as minClusterSize must be an integer >= 2 or a number in (0, 1]: minClusterSize=0",
    ],
    [
      "minClusterSize > n",
      () => optics(X, { minSamples: 2, minClusterSize: 9 }),
      "RangeError",
      "Cannot extract xi clusters from OPTICS as minClusterSize must be no greater than the number of samples (4): minClusterSize=9",
    ],
    [
      "eps > maxEps",
      () => optics(X, { minSamples: 2, clusterMethod: "dbscan", maxEps: 1, eps: 2 }),
      "RangeError",
      "Cannot fit OPTICS as eps must be no greater than maxEps (1): eps=2",
    ],
    [
      "unknown clusterMethod",
      () => optics(X, { minSamples: 2, clusterMethod: "kmeans" as "xi" }),
      "RangeError",
      'Cannot fit OPTICS as clusterMethod must be one of "xi", "dbscan": clusterMethod="kmeans"',
    ],
  ];
  for (const [what, f, name, message] of cases) {
    await t.step(what, () => assert.throws(f, { name, message }));
  }
});

Deno.test("optics() warns when every reachability is ∞", () => {
  const warnings: string[] = [];
  const r = optics(fromRows([[0], [10], [20]]), {
    minSamples: 2,
    maxEps: 1,
    onWarning: (m) => warnings.push(m),
  });
  assert.deepEqual(warnings, [
    "All reachability values are inf. Set a larger max_eps or all data will be considered outliers.",
  ]);
  assert.deepEqual(Array.from(r.labels), [-1, -1, -1]);
});

Deno.test("optics() predecessorIndexing 'sample' gives scikit-learn 1.9.1's labels on the comparison example", () => {
  // scikit-learn 1.3 changed _correct_predecessor to read the predecessor's sample id; on
  // "varied", "aniso" and "blobs" 1.2.1's lookup moves one sample each (measured with both).
  const fx = JSON.parse(
    Deno.readTextFileSync(new URL("./fixtures/sklearn_cluster_comparison.json", import.meta.url)),
  );
  let differ = 0;
  for (const set of fx.sets) {
    const X = fromRows(set.X);
    const ref = set.cells.find((c: { estimator: string }) => c.estimator === "OPTICS").labels;
    const o = {
      minSamples: set.params.min_samples,
      xi: set.params.xi,
      minClusterSize: set.params.min_cluster_size,
    };
    const now = optics(X, { ...o, predecessorIndexing: "sample" }).labels;
    assert.ok(samePartition(Array.from(now), ref), set.name);
    const old = optics(X, o).labels;
    if (!samePartition(Array.from(old), ref)) differ++;
  }
  assert.equal(differ, 3);
});

Deno.test("clusterOpticsDbscan() and clusterOpticsXi() reject an ordering that is not a permutation", () => {
  const r = [Infinity, 1, 1, 1, 1, 1], c = [1, 1, 1, 1, 1, 1];
  assert.throws(
    () => clusterOpticsDbscan(r, c, [0, 0, 0, 9, 4, 5], 1),
    /ordering must be a permutation of 0 … n − 1: ordering\[1\]=0/,
  );
  assert.throws(
    () => clusterOpticsXi([Infinity, NaN, 1], [-1, 0, 1], [0, 1, 2], { minSamples: 2 }),
    /reachability holds NaN: reachability\[1\]=NaN/,
  );
});
