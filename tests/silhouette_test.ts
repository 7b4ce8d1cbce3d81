/** core/metrics/silhouette.ts against hand computation and scikit-learn. */
import assert from "node:assert/strict";
import { silhouetteSamples, silhouetteScore } from "../core/metrics/silhouette.ts";
import { loadPoints2D } from "../core/io/points.ts";
import { fromRows, matrix } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";

Deno.test("silhouette of four points on a line, by hand", () => {
  const X = fromRows([[0], [1], [4], [5]]);
  const s = silhouetteSamples(X, [0, 0, 1, 1]);
  // x=0: a=1, b=(4+5)/2=4.5 → 1−1/4.5; x=1: a=1, b=(3+4)/2=3.5 → 1−1/3.5; symmetric.
  const expect = [1 - 1 / 4.5, 1 - 1 / 3.5, 1 - 1 / 3.5, 1 - 1 / 4.5];
  expect.forEach((e, i) => assert.ok(Math.abs(s[i] - e) < 1e-15, `${i}: ${s[i]}`));
  assert.ok(Math.abs(silhouetteScore(X, [0, 0, 1, 1]) - (expect[0] + expect[1]) / 2) < 1e-15);
});

Deno.test("a singleton cluster scores 0 and labels may be any integers", () => {
  const X = fromRows([[0], [1], [9]]);
  const s = silhouetteSamples(X, [-1, -1, 7]);
  assert.equal(s[2], 0);
  assert.ok(Math.abs(s[0] - (1 - 1 / 9)) < 1e-15);
});

Deno.test("silhouette equals scikit-learn's on the shipped data", async () => {
  const sk = JSON.parse(
    Deno.readTextFileSync(new URL("./fixtures/sklearn_kmeans.json", import.meta.url)),
  ).silhouette;
  const X = await loadPoints2D(`data/${sk.data}`);
  const s = silhouetteSamples(X, sk.labels);
  sk.samples_first_10.forEach((e: number, i: number) => assert.ok(Math.abs(s[i] - e) < 1e-12));
  assert.ok(Math.abs(silhouetteScore(X, sk.labels) - sk.score) < 1e-12);
});

Deno.test("sampleSize scores a seeded subset; the full size equals the exact score", () => {
  const rs = new RandomState(0);
  const X = matrix(300, 2, Float64Array.from(rs.rand(600)));
  const labels = Array.from({ length: 300 }, (_, i) => (X.data[2 * i] > 0.5 ? 1 : 0));
  const a = silhouetteScore(X, labels, { sampleSize: 100, randomState: 3 });
  assert.equal(a, silhouetteScore(X, labels, { sampleSize: 100, randomState: 3 }));
  assert.notEqual(a, silhouetteScore(X, labels, { sampleSize: 100, randomState: 4 }));
  assert.ok(Math.abs(a - silhouetteScore(X, labels)) < 0.1);
  assert.throws(() => silhouetteScore(X, labels, { sampleSize: 1 }), /sampleSize/);
  // Larger than n: all n in the permutation's order, as scikit-learn's slice.
  const all = silhouetteScore(X, labels, { sampleSize: 1000, randomState: 3 });
  assert.equal(all, silhouetteScore(X, labels, { sampleSize: 300, randomState: 3 }));
  assert.ok(Math.abs(all - silhouetteScore(X, labels)) < 1e-12);
});

Deno.test("silhouette needs 2 ≤ clusters ≤ n − 1", () => {
  const X = fromRows([[0], [1], [2]]);
  assert.throws(() => silhouetteScore(X, [0, 0, 0]), RangeError);
  assert.throws(() => silhouetteScore(X, [0, 1, 2]), RangeError);
  assert.throws(() => silhouetteScore(X, [0, 1]), RangeError);
});
