/** core/cluster/birch.ts (and its CF tree) against scikit-learn 1.2.1's Birch. */
import assert from "node:assert/strict";
import { birch, BirchModel } from "../core/cluster/birch.ts";
import { fromRows, matrix } from "../core/matrix.ts";
import { assertClose } from "./_assert.ts";
import { samePartition } from "./_golden.ts";

const sk = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/sklearn_birch.json", import.meta.url)),
);

Deno.test("birch() merges within the threshold and splits a full leaf, by hand", () => {
  // 0 and 0.8 merge (radius 0.4 ≤ 0.5); 3 is alone (merged radius 1.5).
  const r = birch(fromRows([[0], [0.8], [3]]), { nClusters: null });
  assert.deepEqual(Array.from(r.subclusterCenters.data), [0.4, 3]);
  assert.deepEqual(Array.from(r.labels!), [0, 0, 1]);
  // Branching factor 2: the third subcluster splits the leaf around the
  // farthest pair (0, 20); 9 is nearer 0, so the leaves read [0, 9], [20].
  const s = birch(fromRows([[0], [20], [9]]), { nClusters: null, branchingFactor: 2 });
  assert.deepEqual(Array.from(s.subclusterCenters.data), [0, 9, 20]);
  // With nClusters = 2, Ward joins 0 and 9.
  const t = birch(fromRows([[0], [20], [9]]), { nClusters: 2, branchingFactor: 2 });
  assert.ok(samePartition(Array.from(t.labels!), [0, 1, 0]));
});

Deno.test("birch() equals scikit-learn 1.2.1: subcluster centres (in order) to 1e-12, labels as partitions", () => {
  let compared = 0;
  for (const c of sk.cases) {
    const r = birch(fromRows(sk.X[c.data]), {
      threshold: c.threshold,
      branchingFactor: c.branching_factor,
      nClusters: c.n_clusters,
    });
    const what = `${c.data} threshold=${c.threshold} bf=${c.branching_factor} k=${c.n_clusters}`;
    assert.equal(r.subclusterCenters.rows, c.subclusterCenters.length, what);
    assertClose(r.subclusterCenters.data, c.subclusterCenters.flat(), 1e-12);
    // Ward merges at equal heights (grid data) may go either way: the CF tree only.
    if (c.wardTies) continue;
    assert.ok(samePartition(Array.from(r.subclusterLabels), c.subclusterLabels), what);
    assert.ok(samePartition(Array.from(r.labels!), c.labels), what);
    compared++;
  }
  assert.equal(compared, 44);
});

Deno.test("BirchModel.partialFit() in three batches equals scikit-learn's partial_fit", () => {
  const p = sk.partial;
  const X = fromRows(sk.X[p.data]);
  const m = new BirchModel({
    threshold: p.threshold,
    branchingFactor: p.branching_factor,
    nClusters: p.n_clusters,
  });
  // np.array_split(X, 3): sizes 67, 67, 66 for 200 rows
  const sizes = [67, 67, 66];
  let from = 0;
  for (const size of sizes) {
    m.partialFit(matrix(size, X.cols, X.data.slice(from * X.cols, (from + size) * X.cols)));
    from += size;
  }
  assertClose(m.subclusterCenters.data, p.subclusterCenters.flat(), 1e-12);
  assert.ok(samePartition(Array.from(m.subclusterLabels), p.subclusterLabels));
  assert.ok(samePartition(Array.from(m.labels!), p.labels));
  assert.ok(samePartition(Array.from(m.predict(X)), p.predict));
});

Deno.test("birch() warns in scikit-learn's words when too few subclusters are found", () => {
  const warnings: string[] = [];
  const r = birch(fromRows([[0, 0], [0.1, 0], [5, 5]]), { onWarning: (w) => warnings.push(w) });
  assert.deepEqual(warnings, [
    "Number of subclusters found (2) by BIRCH is less than (3). Decrease the threshold.",
  ]);
  assert.deepEqual(Array.from(r.subclusterLabels), [0, 1]);
  assert.deepEqual(Array.from(r.labels!), [0, 0, 1]);
  assert.equal(birch(fromRows([[0, 0], [5, 5]]), { computeLabels: false }).labels, undefined);
});

Deno.test("birch() rejects bad input with one-line messages", () => {
  const X = fromRows([[0, 0], [1, 1], [2, 2]]);
  const cases: [() => unknown, string, string | RegExp][] = [
    [
      () => birch(X, { threshold: 0 }),
      "RangeError",
      "Cannot fit BIRCH as threshold must be a number > 0: threshold=0",
    ],
    [
      () => birch(X, { branchingFactor: 1 }),
      "RangeError",
      "Cannot fit BIRCH as branchingFactor must be an integer >= 2: branchingFactor=1",
    ],
    [
      () => birch(X, { nClusters: 0 }),
      "RangeError",
      "Cannot fit BIRCH as nClusters must be an integer >= 1: nClusters=0",
    ],
    [() => birch(fromRows([[0, NaN]])), "RangeError", /NaN|finite/],
    [
      () => birch(fromRows([[0, 0], [0.1, 0]]), { nClusters: 1 }),
      "RangeError",
      "Cannot fit BIRCH as AgglomerativeClustering needs a minimum of 2 subclusters: found 1",
    ],
    [
      () => new BirchModel().partialFit(X).partialFit(fromRows([[1, 2, 3]])),
      "RangeError",
      "Cannot fit BIRCH as X has 3 features, but Birch is expecting 2 features as input: cols=3",
    ],
    [
      () => new BirchModel().predict(X),
      "RangeError",
      "Cannot predict as this BirchModel is not fitted yet: call partialFit first",
    ],
  ];
  for (const [f, name, message] of cases) {
    assert.throws(f, (e: Error) => {
      assert.equal(e.name, name);
      if (typeof message === "string") assert.equal(e.message, message);
      else assert.match(e.message, message);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
});
