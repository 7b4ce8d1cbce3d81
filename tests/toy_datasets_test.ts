/** core/datasets/toy_datasets.ts, make_circles.ts and core/preprocessing/standard_scaler.ts against scikit-learn 1.9.1. */
import assert from "node:assert/strict";
import { toyDatasets } from "../core/datasets/toy_datasets.ts";
import { makeCircles, makeMoons } from "../core/datasets/make_circles.ts";
import { makeBlobs } from "../core/datasets/make_blobs.ts";
import { standardScaler } from "../core/preprocessing/standard_scaler.ts";
import { minMaxScaler } from "../core/preprocessing/min_max_scaler.ts";
import { fromRows, linspace } from "../core/matrix.ts";

const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/sklearn_cluster_comparison.json", import.meta.url)),
);

Deno.test("toyDatasets() + standardScaler() give scikit-learn's scaled points (1 coordinate in 6,000 off by an ulp)", () => {
  const ours = toyDatasets();
  let differing = 0;
  for (const [k, set] of fixture.sets.entries()) {
    assert.equal(ours[k].name, set.name);
    const Z = standardScaler(ours[k].X).transform(ours[k].X);
    for (let i = 0; i < 500; i++) {
      for (let j = 0; j < 2; j++) {
        const a = Z.data[2 * i + j], b = set.X[i][j];
        if (a === b) continue;
        differing++;
        assert.ok(Math.abs(a - b) <= 2 * Number.EPSILON * Math.abs(b), `${set.name}[${i}][${j}]`);
      }
    }
    if (set.y === null) assert.equal(ours[k].y, null);
    else assert.deepEqual(Array.from(ours[k].y!), set.y, set.name);
  }
  assert.ok(differing <= 1, `${differing} coordinates differ`);
});

Deno.test("standardScaler(): scikit-learn's constant-column rule and errors", () => {
  // 0.1 three times: the variance is rounding noise, so the scale is 1.
  const s = standardScaler(fromRows([[0.1, 1], [0.1, 2], [0.1, 3]]));
  assert.equal(s.scale[0], 1);
  assert.equal(s.scale[1], Math.sqrt(2 / 3));
  assert.throws(() => standardScaler(fromRows([[NaN]])), /non-finite value: X\[0\]\[0\]=NaN/);
  assert.throws(() => s.transform(fromRows([[1]])), /fitted on 2 columns: X.cols=1/);
});

Deno.test("makeCircles(), makeMoons(), makeBlobs(clusterStd[]) reject bad options", () => {
  assert.throws(() => makeCircles({ factor: 1 }), /factor must be in \[0, 1\): factor=1/);
  assert.throws(() => makeMoons({ noise: -1 }), /noise must be/);
  assert.throws(() => makeMoons({ nSamples: 0 }), /nSamples must be an integer >= 1/);
  assert.throws(
    () => makeBlobs({ clusterStd: [1, 2] }),
    /clusterStd must have one value per centre: length=2, centers=3/,
  );
  assert.throws(() => toyDatasets(2), /nSamples must be an integer >= 3/);
  // Without shuffle the outer circle comes first, on the unit circle.
  const { X, y } = makeCircles({ nSamples: 4, shuffle: false });
  assert.deepEqual(Array.from(y), [0, 0, 1, 1]);
  assert.equal(X.data[0], 1);
  assert.equal(X.data[4], 0.8);
});

Deno.test("makeMoons() with 1 to 3 samples, linspace() of one point, makeBlobs() refuses centers < 1", () => {
  // scikit-learn 1.2.1: make_moons(3, shuffle=False) is [[1, 0], [0, 0.5], [2, 0.5]] (the inner
  // moon's single point is linspace(0, π, 1) = [0]; a step of π/0 made it NaN). Our cos/sin leave
  // one value an ulp off.
  const want = [1, 0, 0, 0.5, 2, 0.5];
  makeMoons({ nSamples: 3, shuffle: false }).X.data.forEach((v, i) => {
    assert.ok(Math.abs(v - want[i]) <= 2 * Number.EPSILON, `X[${i}] = ${v}`);
  });
  assert.deepEqual(Array.from(makeMoons({ nSamples: 1, shuffle: false }).X.data), [0, 0.5]);
  assert.deepEqual(Array.from(linspace(3, 7, 1)), [3]);
  assert.deepEqual(Array.from(linspace(3, 7, 1, false)), [3]);
  for (const centers of [0, -2, 1.5]) {
    assert.throws(() => makeBlobs({ nSamples: 3, centers }), {
      name: "RangeError",
      message: `Cannot make blobs as centers must be an integer >= 1: centers=${centers}`,
    });
  }
});

Deno.test("minMaxScaler(): a range below 10·eps counts as constant, as scikit-learn's", () => {
  // MinMaxScaler().fit([[1e-16], [2e-16]]): scale 1 (range 1e-16 < 2.2e-15), so [0, 1e-16].
  const X = fromRows([[1e-16, 0], [2e-16, 1e-14]]);
  const s = minMaxScaler(X);
  assert.equal(s.scale[0], 1);
  assert.equal(s.scale[1], 1e14);
  assert.deepEqual(Array.from(s.transform(X).data), [0, 0, 1e-16, 1]);
});
