/** core/covariance/graphical_lasso.ts, core/cluster/affinity_propagation.ts, core/linalg.ts, core/io/xlsx.ts. */
import assert from "node:assert/strict";
import {
  empiricalCovariance,
  graphicalLasso,
  graphicalLassoCV,
} from "../core/covariance/graphical_lasso.ts";
import { affinityPropagation } from "../core/cluster/affinity_propagation.ts";
import { inverse, slogdet, symmetricEigen } from "../core/linalg.ts";
import { readWorkbook, sheetColumns } from "../core/io/xlsx.ts";
import { fromRows, toRows } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";
import { fixture, xlsxFixture } from "./_recipes.ts";

const sk = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/sklearn_covariance.json", import.meta.url)),
);
const near = (a: number[][], b: number[][], tol: number, what: string) =>
  a.forEach((r, i) =>
    r.forEach((v, j) =>
      assert.ok(Math.abs(v - b[i][j]) <= tol, `${what}[${i}][${j}]: ${v} vs ${b[i][j]}`)
    )
  );

Deno.test("graphicalLasso() equals scikit-learn's graphical_lasso", () => {
  const emp = empiricalCovariance(fromRows(sk.X));
  const r = graphicalLasso(emp, sk.glasso.alpha);
  assert.ok(r.converged);
  near(toRows(r.covariance), sk.glasso.covariance, 1e-6, "covariance");
  near(toRows(r.precision), sk.glasso.precision, 1e-5, "precision");
});

Deno.test("graphicalLassoCV() picks scikit-learn's alpha (3 folds)", () => {
  const r = graphicalLassoCV(fromRows(sk.X), { cv: 3 });
  assert.ok(Math.abs(r.alpha - sk.cv.alpha) <= 1e-9 * sk.cv.alpha, `${r.alpha} vs ${sk.cv.alpha}`);
  near(toRows(r.covariance), sk.cv.covariance, 1e-6, "covariance");
  assert.throws(
    () => graphicalLassoCV(fromRows([[1], [2], [3], [4]]), { cv: 2 }),
    /at least 2 features/,
  );
});

Deno.test("affinityPropagation() equals scikit-learn (same seeded noise)", () => {
  const r = affinityPropagation(fromRows(sk.ap.S), { randomState: 0 });
  assert.ok(r.converged);
  assert.deepEqual(Array.from(r.labels), sk.ap.labels);
  assert.deepEqual(Array.from(r.clusterCentersIndices), sk.ap.centers);
  assert.equal(r.nIter, sk.ap.n_iter);
});

Deno.test("affinityPropagation(): without convergence, scikit-learn 1.2.1's labels and warning", () => {
  const x = [0, 1, 2, 10, 11, 12];
  const S = fromRows(x.map((a) => x.map((b) => -((a - b) ** 2))));
  const warnings: string[] = [];
  const r = affinityPropagation(S, { maxIter: 5, onWarning: (m) => warnings.push(m) });
  assert.equal(r.converged, false);
  assert.equal(r.nIter, 5);
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, 1, 1, 1]);
  assert.deepEqual(Array.from(r.clusterCentersIndices), [1, 4]);
  assert.deepEqual(warnings, [
    "Affinity propagation did not converge, this model may return degenerate cluster centers and labels.",
  ]);
  assert.throws(() => affinityPropagation(fromRows([[1, 2]])), /S must be square: shape=1x2/);
  assert.throws(
    () => affinityPropagation(S, { damping: 0.2 }),
    /damping must be a number >= 0.5 and < 1: damping=0.2/,
  );
  assert.throws(() => affinityPropagation(S, { damping: 1 }), /damping=1$/);
  const bad = fromRows(x.map((a) => x.map((b) => -((a - b) ** 2))));
  bad.data[7] = NaN;
  assert.throws(() => affinityPropagation(bad), /non-finite value: X\[1\]\[1\]=NaN/);
});

Deno.test("affinityPropagation() on three blobs as scikit-learn 1.2.1: converged, stopped early, no exemplar", () => {
  // NumPy: X = r_[randn(10, 2), randn(10, 2) + [6, 0], randn(10, 2) + [0, 6]] from RandomState(0).
  const z = new RandomState(0).randn(60);
  const X = Array.from({ length: 30 }, (_, i) => {
    const [dx, dy] = i < 10 ? [0, 0] : i < 20 ? [6, 0] : [0, 6];
    return [z[2 * i] + dx, z[2 * i + 1] + dy];
  });
  const S = fromRows(X.map((a) => X.map((b) => -((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2))));
  const blobs = [...Array(10).fill(0), ...Array(10).fill(1), ...Array(10).fill(2)];
  const cases: [
    string,
    Parameters<typeof affinityPropagation>[1],
    number[],
    number[],
    number,
    string[],
  ][] = [
    ["default", {}, blobs, [6, 13, 25], 19, []],
    ["maxIter 5", { maxIter: 5 }, blobs, [6, 13, 25], 5, [
      "Affinity propagation did not converge, this model may return degenerate cluster centers and labels.",
    ]],
    ["damping 0.995", { damping: 0.995, maxIter: 50 }, Array(30).fill(-1), [], 50, [
      "Affinity propagation did not converge and this model will not have any cluster centers.",
    ]],
  ];
  for (const [what, options, labels, centers, nIter, warned] of cases) {
    const warnings: string[] = [];
    const r = affinityPropagation(S, {
      ...options,
      randomState: 0,
      onWarning: (m) => warnings.push(m),
    });
    assert.deepEqual(Array.from(r.labels), labels, what);
    assert.deepEqual(Array.from(r.clusterCentersIndices), centers, what);
    assert.equal(r.nIter, nIter, what);
    assert.equal(r.converged, warned.length === 0, what);
    assert.deepEqual(warnings, warned, what);
  }
});

Deno.test("affinityPropagation(): equal similarities run nothing, as scikit-learn (n or 1 exemplars)", () => {
  const S = fromRows(Array.from({ length: 8 }, () => Array(8).fill(0)));
  for (
    const [preference, labels, centers] of [
      [undefined, [0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3, 4, 5, 6, 7]],
      [-1, [0, 0, 0, 0, 0, 0, 0, 0], [0]],
    ] as const
  ) {
    const warnings: string[] = [];
    const r = affinityPropagation(S, { preference, onWarning: (m) => warnings.push(m) });
    assert.deepEqual(Array.from(r.labels), labels);
    assert.deepEqual(Array.from(r.clusterCentersIndices), centers);
    assert.equal(r.nIter, 0);
    assert.deepEqual(warnings, [
      "All samples have mutually equal similarities. Returning arbitrary cluster center(s).",
    ]);
  }
});

Deno.test("linalg: inverse, slogdet and symmetric eigenvectors on a 3 × 3", () => {
  const A = fromRows([[4, 1, 0], [1, 3, 1], [0, 1, 2]]);
  const inv = inverse(A);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += A.data[i * 3 + k] * inv.data[k * 3 + j];
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-14);
    }
  }
  assert.ok(Math.abs(slogdet(A).logdet - Math.log(18)) < 1e-14); // det = 4·5 − 1·2 = 18
  const { values, vectors } = symmetricEigen(A);
  assert.ok(values[0] >= values[1] && values[1] >= values[2]);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < 3; i++) {
      let av = 0;
      for (let k = 0; k < 3; k++) av += A.data[i * 3 + k] * vectors.data[k * 3 + c];
      assert.ok(Math.abs(av - values[c] * vectors.data[i * 3 + c]) < 1e-12);
    }
  }
  assert.throws(() => inverse(fromRows([[1, 2], [2, 4]])), /singular/);
});

Deno.test("xlsx: columns by header; missing sheet, column, bad cell, not a workbook", async () => {
  const path = xlsxFixture("wb.xlsx", {
    A: [["date", "open", "close"], ["d1", 1, 2], ["d2", 3, 4.5]],
    B: [["open", "close"], [1, "x"]],
    C: [["open"], [1]],
  });
  const wb = await readWorkbook(path);
  assert.deepEqual(Array.from(sheetColumns(wb, "A", ["close", "open"]).data), [2, 1, 4.5, 3]);
  assert.throws(() => sheetColumns(wb, "Z", ["open"]), {
    name: "RangeError",
    message: /has no sheet "Z": sheet=Z/,
  });
  assert.throws(
    () => sheetColumns(wb, "C", ["open", "close"]),
    /has no column "close": columns=open/,
  );
  assert.throws(() => sheetColumns(wb, "B", ["open", "close"]), {
    name: "SyntaxError",
    message: /sheet B of .*wb\.xlsx as row 2, column "close" is not a number: "x"/,
  });
  await assert.rejects(readWorkbook(fixture("not.xlsx", "1,2\n")), /not an \.xlsx workbook/);
});
