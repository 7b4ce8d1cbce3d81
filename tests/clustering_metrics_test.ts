/** core/metrics/clustering.ts and core/optimize/linear_sum_assignment.ts against SciPy/scikit-learn and by hand. */
import assert from "node:assert/strict";
import {
  adjustedRandScore,
  clusterAccuracy,
  contingencyMatrix,
  normalizedMutualInfo,
} from "../core/metrics/clustering.ts";
import { linearSumAssignment } from "../core/optimize/linear_sum_assignment.ts";
import { fromRows, matrix } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";

const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/sklearn_clustering_metrics.json", import.meta.url)),
);

Deno.test("NMI, ARI and accuracy equal scikit-learn/SciPy's to 1e-12 on labels of every shape", async (t) => {
  for (const c of fixture.metrics) {
    await t.step(c.name, () => {
      assert.ok(Math.abs(normalizedMutualInfo(c.yTrue, c.yPred) - c.nmi) <= 1e-12, "nmi");
      assert.ok(Math.abs(adjustedRandScore(c.yTrue, c.yPred) - c.ari) <= 1e-12, "ari");
      const acc = clusterAccuracy(c.yTrue, c.yPred);
      assert.equal(acc.matched, c.matched);
      assert.ok(Math.abs(acc.accuracy - c.accuracy) <= 1e-12, "accuracy");
    });
  }
});

Deno.test("clusterAccuracy maps surplus clusters to nothing and returns the mapping", () => {
  // Three clusters for two classes: cluster 2 (one sample) stays unmapped.
  const r = clusterAccuracy([0, 0, 0, 1, 1, 1], [1, 1, 2, 0, 0, 0]);
  assert.equal(r.accuracy, 5 / 6);
  assert.deepEqual([...r.mapping.entries()].sort(), [[0, 1], [1, 0]]);
  assert.deepEqual(Array.from(r.contingency.counts.data), [0, 2, 1, 3, 0, 0]);
  // Every sample mapped under the mapping counts once.
  const yTrue = [0, 0, 0, 1, 1, 1], yPred = [1, 1, 2, 0, 0, 0];
  const hits = yPred.filter((p, i) => r.mapping.get(p) === yTrue[i]).length;
  assert.equal(hits, r.matched);
});

Deno.test("clustering metrics reject mismatched or non-integer labels", () => {
  assert.throws(() => normalizedMutualInfo([0, 1], [0]), {
    name: "RangeError",
    message: /label arrays differ in length: yTrue=2, yPred=1/,
  });
  assert.throws(() => adjustedRandScore([0, 1.5], [0, 1]), {
    name: "TypeError",
    message: /labels must be integers: yTrue\[1\]=1.5/,
  });
  assert.throws(() => clusterAccuracy([], []), /no samples: n=0/);
  assert.deepEqual(Array.from(contingencyMatrix([-1, 3], [2, 2]).classes), [-1, 3]);
});

Deno.test("clustering metrics keep labels beyond the int32 range apart", () => {
  // scikit-learn 1.2.1 on these int64 labels: classes [0, 2⁴⁰, 2⁴⁰ + 1], NMI, ARI and
  // accuracy 1. An Int32Array of the labels wrapped 2⁴⁰ and 2⁴⁰ + 1 to 0 and 1.
  const a = [2 ** 40, 2 ** 40 + 1, 0, 0, -(2 ** 31) - 1], b = [0, 1, 2, 2, 3];
  assert.deepEqual(Array.from(contingencyMatrix(a, b).classes), [
    -(2 ** 31) - 1,
    0,
    2 ** 40,
    2 ** 40 + 1,
  ]);
  assert.equal(normalizedMutualInfo(a, b), 1);
  assert.equal(adjustedRandScore(a, b), 1);
  const acc = clusterAccuracy(a, b);
  assert.equal(acc.accuracy, 1);
  assert.equal(acc.mapping.get(0), 2 ** 40);
});

Deno.test("linearSumAssignment reaches SciPy's optimum on rectangular problems", async (t) => {
  for (const [i, a] of fixture.assignments.entries()) {
    await t.step(`${a.cost.length}x${a.cost[0].length} maximize=${a.maximize} (#${i})`, () => {
      const r = linearSumAssignment(fromRows(a.cost), { maximize: a.maximize });
      assert.ok(Math.abs(r.cost - a.total) <= 1e-9 * Math.max(1, Math.abs(a.total)));
      assert.deepEqual(Array.from(r.rowInd), a.rowInd);
      assert.equal(new Set(r.colInd).size, r.colInd.length, "a column used twice");
    });
  }
});

Deno.test("linearSumAssignment equals brute force over all permutations", () => {
  const rs = new RandomState(5);
  const permutations = (m: number): number[][] =>
    m === 0
      ? [[]]
      : permutations(m - 1).flatMap((p) =>
        Array.from({ length: m }, (_, k) => [...p.slice(0, k), m - 1, ...p.slice(k)])
      );
  for (let trial = 0; trial < 30; trial++) {
    const r = 1 + (trial % 5), c = r + (trial % 3);
    const cost = Float64Array.from(rs.randint(0, 9, r * c));
    // All injective maps rows → columns: choose r columns of a permutation of c.
    let best = Infinity;
    for (const p of permutations(c)) {
      let s = 0;
      for (let i = 0; i < r; i++) s += cost[i * c + p[i]];
      best = Math.min(best, s);
    }
    const got = linearSumAssignment(matrix(r, c, cost));
    assert.equal(got.cost, best, `trial ${trial}`);
  }
  assert.throws(() => linearSumAssignment(fromRows([[1, NaN]])), /cost\[0\]\[1\]=NaN/);
  assert.equal(linearSumAssignment(matrix(0, 3)).rowInd.length, 0);
});
