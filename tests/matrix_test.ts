/**
 * core/matrix.ts: the finiteness check every estimator runs on its data
 * names the first non-finite cell, wherever it falls in the check's blocks
 * of eight; the row gather copies the rows asked for, across its groups.
 */
import assert from "node:assert/strict";
import { assertFinite, gatherRows, type Matrix, matrix, takeRows } from "../core/matrix.ts";
import { validateData } from "../core/validate.ts";
import { gaussianMixture, hdbscan, kmeans, meanShift, miniBatchKMeans } from "../core/mod.ts";

Deno.test("assertFinite names the first NaN or ±∞, at every position of its blocks of eight", () => {
  for (const cols of [1, 3, 8]) {
    for (const length of [1, 7, 8, 9, 16, 19, 37]) {
      if (length % cols !== 0) continue;
      const finite = Float64Array.from({ length }, (_, i) => [1e308, -0, -1e308, 0.5][i % 4]);
      assert.doesNotThrow(() => assertFinite(matrix(length / cols, cols, finite)));
      for (const bad of [NaN, Infinity, -Infinity]) {
        for (let p = 0; p < length; p++) {
          const data = finite.slice();
          data[p] = bad;
          if (p + 3 < length) data[p + 3] = NaN; // a later one is not the one named
          const [i, j] = [Math.floor(p / cols), p % cols];
          assert.throws(
            () => assertFinite(matrix(length / cols, cols, data), "X"),
            new RangeError(`Cannot use X as it holds a non-finite value: X[${i}][${j}]=${bad}`),
            `${length} values, ${bad} at ${p}`,
          );
        }
      }
    }
  }
});

Deno.test("gatherRows copies the rows asked for into place, across its groups of 64 rows", () => {
  for (const d of [3, 64, 70, 600]) {
    const n = 200;
    const m = matrix(n, d, Float64Array.from({ length: n * d }, (_, i) => i + 0.5));
    const indices = Int32Array.from({ length: 150 }, (_, i) => (i * 37 + 11) % n);
    const [from, count, at] = [5, 130, 2 * d + 1];
    const out = new Float64Array(at + count * d + 3).fill(-1);
    gatherRows(m, indices, from, count, out, at);
    for (let p = 0; p < out.length; p++) {
      const r = Math.floor((p - at) / d), j = (p - at) % d;
      const want = p < at || r >= count ? -1 : m.data[indices[from + r] * d + j];
      assert.equal(out[p], want, `d=${d} element ${p}`);
    }
    assert.deepEqual(
      takeRows(m, [7, 0, 199]).data,
      Float64Array.from([7, 0, 199].flatMap((i) => [...m.data.subarray(i * d, (i + 1) * d)])),
    );
  }
});

Deno.test("validateData rejects a matrix whose data is shorter than its shape, in one line", () => {
  assert.throws(
    () => validateData("fit k-means", { rows: 3, cols: 2, data: new Float64Array(5) }),
    {
      name: "RangeError",
      message: "Cannot fit k-means as the data holds fewer values than its 3 x 2 shape: length=5",
    },
  );
  validateData("fit k-means", { rows: 3, cols: 2, data: new Float64Array(6) });
});

Deno.test("every estimator refuses data that is not a Float64Array, and HDBSCAN a short one", () => {
  // A JavaScript caller can pass a plain array or a Float32Array: some
  // estimators failed inside ("x.subarray is not a function"), others ran;
  // HDBSCAN, which sets NaN rows aside, read the missing values as NaN rows.
  // deno-lint-ignore no-explicit-any
  const as = (data: unknown) => ({ rows: 3, cols: 2, data }) as any;
  const fits: [string, (X: Matrix) => unknown][] = [
    ["fit k-means", (X) => kmeans(X, { nClusters: 2 })],
    ["fit the Gaussian mixture", (X) => gaussianMixture(X, { nComponents: 1 })],
    ["fit mean shift", (X) => meanShift(X, { bandwidth: 1 })],
    ["fit mini-batch k-means", (X) => miniBatchKMeans(X, { nClusters: 2 })],
    ["fit HDBSCAN", (X) => hdbscan(X, { minClusterSize: 2 })],
  ];
  for (const [action, fit] of fits) {
    for (
      const [data, kind] of [[[1, 2, 3, 4, 5, 6], "Array"], [new Float32Array(6), "Float32Array"]]
    ) {
      assert.throws(() => fit(as(data)), {
        name: "TypeError",
        message:
          `Cannot ${action} as the data must be a Float64Array (matrix() or fromRows() makes one): data=${kind}`,
      });
    }
  }
  assert.throws(() => hdbscan(as(new Float64Array(5)), { minClusterSize: 2 }), {
    name: "RangeError",
    message: "Cannot fit HDBSCAN as the data holds fewer values than its 3 x 2 shape: length=5",
  });
});
