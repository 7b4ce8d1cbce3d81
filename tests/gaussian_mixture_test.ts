/**
 * core/mixture: the Gaussian mixture against scikit-learn 1.2.1's
 * `GaussianMixture` on synthetic data (tests/fixtures/gmm_sklearn.json,
 * written by scripts/crosscheck/issue22_gmm.py): every covariance type,
 * every `initParams`, two seeds, `nInit` 1 and 3; then bad input, singular
 * covariances, runs stopped before convergence and the model's methods.
 *
 * Targets (issue 22): the same labels, means and covariances within 1e-6
 * relative, the lower bound within 1e-9 absolute, BIC and AIC within 1e-6
 * relative. The fixture's "holdout" data sets (other make_blobs seeds and
 * transforms) were not looked at while the implementation was written.
 *
 * One allowance: with `nInit` > 1, restarts that reach the same optimum have
 * lower bounds a few ulps apart, and which one is kept depends on the last
 * bits of scikit-learn's BLAS sums (its own choice is not portable). Where
 * the fixture's per-restart lower bounds show such a tie (within 1e-9), the
 * labels must agree up to a renaming of the components, and the parameters
 * are compared after that renaming.
 */
import assert from "node:assert/strict";
import {
  type CovarianceType,
  gaussianMixture,
  type GaussianMixtureInit,
  type GaussianMixtureModel,
} from "../core/mixture/mod.ts";
import { fromRows, type Matrix, matrix } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";
import { allowWasmKernels } from "../core/mixture/_wasm_steps.ts";
import { makeBlobs } from "../core/datasets/make_blobs.ts";

interface Case {
  data: string;
  k: number;
  covarianceType: CovarianceType;
  initParams: GaussianMixtureInit;
  seed: number;
  nInit: number;
  maxIter: number;
  labels: string;
  weights: number[];
  means: number[];
  covariances: number[];
  lowerBound: number;
  nIter: number;
  converged: boolean;
  bic: number;
  aic: number;
  score: number;
  scoreSamples: number[];
  predictProba: number[];
  initLowerBounds?: number[];
  initNIters?: number[];
}
interface DataSet {
  group: "tuning" | "holdout";
  rows: number;
  cols: number;
  data: number[];
  query: number[];
}

const fx: {
  sklearn_version: string;
  datasets: Record<string, DataSet>;
  cases: Case[];
  rng: {
    choice: { seed: number; n: number; k: number; indices: number[] }[];
    uniform: { seed: number; shape: [number, number]; values: number[] };
  };
} = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/gmm_sklearn.json", import.meta.url)),
);

const X = (name: string): Matrix => {
  const ds = fx.datasets[name];
  return matrix(ds.rows, ds.cols, Float64Array.from(ds.data));
};
const Q = (name: string): Matrix => {
  const ds = fx.datasets[name];
  return matrix(ds.query.length / ds.cols, ds.cols, Float64Array.from(ds.query));
};

/** Element-wise relative closeness; entries below 1e-3 of the array's largest are compared to that. */
function assertRel(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rel: number,
  what: string,
) {
  assert.equal(actual.length, expected.length, what);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const ref = Math.max(Math.abs(expected[i]), 1e-3 * scale);
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= rel * ref,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

/** Component c of ours is component perm[c] of scikit-learn's, from the labels (null if none). */
function renaming(ours: Int32Array, theirs: string, k: number): Int32Array | null {
  const perm = new Int32Array(k).fill(-1);
  for (let i = 0; i < ours.length; i++) {
    const t = theirs.charCodeAt(i) - 48;
    if (perm[ours[i]] === -1) perm[ours[i]] = t;
    else if (perm[ours[i]] !== t) return null;
  }
  const seen = new Set(perm);
  return seen.size === k && !seen.has(-1) ? perm : null;
}

/** `values` (k blocks of `size`) with block c moved to perm[c]. */
function permuted(values: ArrayLike<number>, perm: Int32Array, size: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let c = 0; c < perm.length; c++) {
    for (let j = 0; j < size; j++) out[perm[c] * size + j] = values[c * size + j];
  }
  return out;
}

function fit(c: Case): GaussianMixtureModel {
  return gaussianMixture(X(c.data), {
    nComponents: c.k,
    covarianceType: c.covarianceType,
    initParams: c.initParams,
    randomState: c.seed,
    nInit: c.nInit,
    maxIter: c.maxIter,
  });
}

const caseName = (c: Case) =>
  `${c.data} ${c.covarianceType} ${c.initParams} seed=${c.seed} nInit=${c.nInit} maxIter=${c.maxIter}`;

/** Checks one fixture case against the targets; returns whether the labels were equal as they stand. */
function checkCase(c: Case): boolean {
  const name = caseName(c);
  const gm = fit(c);
  const Xc = X(c.data);
  const k = c.k, d = Xc.cols;
  let perm: Int32Array = Int32Array.from({ length: k }, (_, i) => i);
  const exact = Array.from(gm.labels).join("") === c.labels;
  if (!exact) {
    // Only a tie between restarts may keep another (renamed) copy of the optimum.
    const bounds = c.initLowerBounds ?? [c.lowerBound];
    const tied = bounds.filter((b) => c.lowerBound - b <= 1e-9);
    assert.ok(tied.length > 1, `${name}: labels differ and no restarts tie`);
    const p = renaming(gm.labels, c.labels, k);
    assert.ok(p, `${name}: labels differ beyond a renaming of the components`);
    perm = p;
    const nIters = c.initNIters!.filter((_, j) => c.lowerBound - bounds[j] <= 1e-9);
    assert.ok(nIters.includes(gm.nIter), `${name}: nIter ${gm.nIter} not a tied restart's`);
  } else {
    assert.equal(gm.nIter, c.nIter, `${name}: nIter`);
  }
  assert.equal(gm.converged, c.converged, `${name}: converged`);
  assert.ok(Math.abs(gm.lowerBound - c.lowerBound) <= 1e-9, `${name}: lowerBound`);
  assertRel(permuted(gm.weights, perm, 1), c.weights, 1e-6, `${name}: weights`);
  assertRel(permuted(gm.means.data, perm, d), c.means, 1e-6, `${name}: means`);
  const covSize = { full: d * d, tied: 0, diag: d, spherical: 1 }[c.covarianceType];
  const cov = covSize === 0 ? gm.covariances : permuted(gm.covariances, perm, covSize);
  assertRel(cov, c.covariances, 1e-6, `${name}: covariances`);
  assert.ok(Math.abs(gm.bic(Xc) - c.bic) <= 1e-6 * Math.abs(c.bic), `${name}: bic`);
  assert.ok(Math.abs(gm.aic(Xc) - c.aic) <= 1e-6 * Math.abs(c.aic), `${name}: aic`);
  assert.ok(Math.abs(gm.score(Xc) - c.score) <= 1e-9, `${name}: score`);
  const ss = gm.scoreSamples(Q(c.data));
  for (let i = 0; i < ss.length; i++) {
    assert.ok(
      Math.abs(ss[i] - c.scoreSamples[i]) <= 1e-8 * Math.max(1, Math.abs(c.scoreSamples[i])),
      `${name}: scoreSamples[${i}] ${ss[i]} vs ${c.scoreSamples[i]}`,
    );
  }
  const q2 = matrix(2, d, Q(c.data).data.slice(0, 2 * d));
  const proba = gm.predictProba(q2).data;
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < k; j++) {
      const got = proba[i * k + j];
      const want = c.predictProba[i * k + perm[j]];
      assert.ok(Math.abs(got - want) <= 1e-6, `${name}: predictProba[${i}][${j}]`);
    }
  }
  // fit's labels are predict's on the training data.
  assert.deepEqual(gm.predict(Xc), gm.labels, `${name}: predict`);
  return exact;
}

for (const group of ["tuning", "holdout"] as const) {
  for (const type of ["full", "tied", "diag", "spherical"] as const) {
    Deno.test(`scikit-learn's GaussianMixture, ${group} data, ${type}`, () => {
      const cases = fx.cases.filter((c) =>
        fx.datasets[c.data].group === group && c.covarianceType === type
      );
      assert.ok(cases.length >= 16);
      for (const c of cases) checkCase(c);
    });
  }
}

Deno.test("the WebAssembly E- and M-steps give the JavaScript loops' bits", () => {
  // 1,001 samples: blocks of 256 and a last one of 233 (not a multiple of 4); zero
  // responsibilities (far blobs) leave samples out of a component's sums.
  const { X: Xb, y: yb } = makeBlobs({
    nSamples: 1001,
    nFeatures: 7,
    centers: 5,
    clusterStd: 3,
    randomState: 3,
  });
  // One blob moved far away: its samples' responsibilities elsewhere underflow to 0.
  for (let i = 0; i < Xb.rows; i++) {
    if (yb[i] === 4) { for (let j = 0; j < 7; j++) Xb.data[i * 7 + j] += 60; }
  }
  const Xq = matrix(5, 7, Float64Array.from({ length: 35 }, (_, i) => Math.sin(i) * 8));
  for (const covarianceType of ["full", "tied", "diag", "spherical"] as const) {
    const fit = () => {
      const gm = gaussianMixture(Xb, {
        nComponents: 5,
        covarianceType,
        randomState: 1,
        tol: 1e-10,
      });
      return {
        means: Array.from(gm.means.data),
        covariances: Array.from(gm.covariances),
        lowerBound: gm.lowerBound,
        nIter: gm.nIter,
        labels: Array.from(gm.labels),
        proba: Array.from(gm.predictProba(Xq).data),
        zeros: gm.predictProba(Xb).data.filter((v) => v === 0).length,
      };
    };
    const wasm = fit();
    const was = allowWasmKernels(false);
    try {
      assert.deepEqual(fit(), wasm, covarianceType);
    } finally {
      allowWasmKernels(was);
    }
    assert.ok(wasm.nIter > 2, `${covarianceType}: ${wasm.nIter} iterations`);
    assert.ok(wasm.zeros > 100, `${covarianceType}: ${wasm.zeros} zero responsibilities`);
  }
});

Deno.test("the fixture is scikit-learn 1.2.1's", () => {
  assert.equal(fx.sklearn_version, "1.2.1");
});

Deno.test("a RandomState instance is drawn from as scikit-learn draws from it", () => {
  // Fitting nInit times with one shared generator gives each restart's fit.
  for (const c of fx.cases.filter((c) => c.initLowerBounds && c.data === "varied5d")) {
    const rs = new RandomState(c.seed);
    for (let r = 0; r < c.nInit; r++) {
      const gm = gaussianMixture(X(c.data), {
        nComponents: c.k,
        covarianceType: c.covarianceType,
        initParams: c.initParams,
        randomState: rs,
      });
      assert.ok(Math.abs(gm.lowerBound - c.initLowerBounds![r]) <= 1e-9, caseName(c));
      assert.equal(gm.nIter, c.initNIters![r], caseName(c));
    }
  }
});

Deno.test("the draws behind 'random' and 'random_from_data' are NumPy's", () => {
  for (const { seed, n, k, indices } of fx.rng.choice) {
    // choice(n, k, replace=False) is permutation(n)[:k] in the legacy generator.
    assert.deepEqual(Array.from(new RandomState(seed).permutation(n).subarray(0, k)), indices);
  }
  const { seed, shape, values } = fx.rng.uniform;
  assert.deepEqual(Array.from(new RandomState(seed).uniform(0, 1, shape[0] * shape[1])), values);
});

Deno.test("a run stopped by maxIter is a result: converged false, scikit-learn's warning, no exception", () => {
  const Xb = X("blobs2d");
  for (const covarianceType of ["full", "tied", "diag", "spherical"] as const) {
    const warnings: string[] = [];
    const gm = gaussianMixture(Xb, {
      nComponents: 3,
      covarianceType,
      maxIter: 1,
      tol: 0,
      nInit: 2,
      onWarning: (m) => warnings.push(m),
    });
    assert.equal(gm.converged, false);
    assert.equal(gm.nIter, 1);
    assert.ok(Number.isFinite(gm.lowerBound));
    // scikit-learn 1.2.1 names the last initialisation.
    assert.deepEqual(warnings, [
      "Initialization 2 did not converge. Try different init parameters, or increase max_iter, tol or check for degenerate data.",
    ]);
  }
  const quiet: string[] = [];
  gaussianMixture(Xb, { nComponents: 3, maxIter: 0, onWarning: (m) => quiet.push(m) });
  gaussianMixture(Xb, { nComponents: 3, onWarning: (m) => quiet.push(m) });
  assert.deepEqual(quiet, []);
  // The k-means start's warning comes through, as scikit-learn's KMeans warns inside the mixture.
  const same: string[] = [];
  gaussianMixture(fromRows(Array(20).fill([1.5, -2])), {
    nComponents: 2,
    covarianceType: "spherical",
    onWarning: (m) => same.push(m),
  });
  assert.deepEqual(same, [
    "Number of distinct clusters (1) found smaller than n_clusters (2). Possibly due to duplicate points in X.",
  ]);
  // Stopped after two iterations from random responsibilities, as scikit-learn.
  const stopped = fx.cases.filter((c) => c.maxIter === 2);
  assert.equal(stopped.length, 4);
  assert.ok(stopped.some((c) => !c.converged));
  for (const c of stopped) assert.ok(checkCase(c), caseName(c));
});

Deno.test("maxIter 0 keeps the initial parameters, as scikit-learn", () => {
  const gm = gaussianMixture(X("blobs2d"), { nComponents: 3, maxIter: 0, nInit: 2 });
  assert.equal(gm.nIter, 0);
  assert.equal(gm.converged, false);
  assert.equal(gm.lowerBound, -Infinity);
  assert.equal(gm.labels.length, 300);
});

Deno.test("predictProba: rows sum to 1, argmax is predict", () => {
  for (const covarianceType of ["full", "tied", "diag", "spherical"] as const) {
    const Xv = X("varied5d");
    const gm = gaussianMixture(Xv, { nComponents: 4, covarianceType, initParams: "random" });
    const p = gm.predictProba(Xv);
    assert.equal(p.rows, Xv.rows);
    assert.equal(p.cols, 4);
    const labels = gm.predict(Xv);
    for (let i = 0; i < p.rows; i++) {
      const row = p.data.subarray(i * 4, i * 4 + 4);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      assert.equal(row.indexOf(Math.max(...row)), labels[i]);
    }
  }
});

Deno.test("covariance(c), precisionsCholesky and nParameters agree with the type", () => {
  const Xv = X("aniso5d_k4");
  const d = 5, k = 4;
  const counts = { full: 4 * 15 + 20 + 3, tied: 15 + 20 + 3, diag: 20 + 20 + 3, spherical: 4 + 23 };
  for (const type of ["full", "tied", "diag", "spherical"] as const) {
    const gm = gaussianMixture(Xv, { nComponents: k, covarianceType: type });
    assert.equal(gm.nParameters(), counts[type]);
    assert.equal(
      gm.covariances.length,
      { full: k * d * d, tied: d * d, diag: k * d, spherical: k }[type],
    );
    assert.equal(gm.precisionsCholesky.length, gm.covariances.length);
    for (let c = 0; c < k; c++) {
      const S = gm.covariance(c);
      // P = L⁻ᵀ: Pᵀ Σ P = I.
      const P = new Float64Array(d * d);
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          const pc = gm.precisionsCholesky;
          P[a * d + b] = type === "full"
            ? pc[c * d * d + a * d + b]
            : type === "tied"
            ? pc[a * d + b]
            : a !== b
            ? 0
            : type === "diag"
            ? pc[c * d + a]
            : pc[c];
        }
      }
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          let v = 0;
          for (let i = 0; i < d; i++) {
            for (let j = 0; j < d; j++) v += P[i * d + a] * S.data[i * d + j] * P[j * d + b];
          }
          assert.ok(Math.abs(v - (a === b ? 1 : 0)) < 1e-9, `${type} c=${c} (${a},${b}) ${v}`);
        }
      }
    }
    assert.throws(() => gm.covariance(k), RangeError);
  }
});

Deno.test("collapsed samples with regCovar 0: scikit-learn's error, in one line", () => {
  const Xs = fromRows([[0, 0], [0, 0], [0, 0], [5, 5], [5, 5], [5, 5]]);
  for (const covarianceType of ["full", "tied", "diag", "spherical"] as const) {
    assert.throws(
      () => gaussianMixture(Xs, { nComponents: 2, covarianceType, regCovar: 0 }),
      {
        name: "RangeError",
        message: "Cannot fit the Gaussian mixture as some components have ill-defined " +
          "empirical covariance (for instance caused by singleton or collapsed samples); " +
          "decrease nComponents or increase regCovar: regCovar=0",
      },
    );
    // The default regCovar fits them (as scikit-learn: labels 1 1 1 0 0 0).
    const gm = gaussianMixture(Xs, { nComponents: 2, covarianceType });
    assert.deepEqual(Array.from(gm.labels), [1, 1, 1, 0, 0, 0]);
  }
});

Deno.test("bad parameters and data: one-line RangeErrors", () => {
  const Xb = fromRows([[0, 0], [1, 1], [2, 2]]);
  const cases: [() => unknown, string][] = [
    [
      () => gaussianMixture(Xb, { nComponents: 4 }),
      "Cannot fit the Gaussian mixture as n_samples=3 should be >= nComponents=4",
    ],
    [
      () => gaussianMixture(fromRows([[0, 0], [NaN, 1]])),
      "Cannot use X as it holds a non-finite value: X[1][0]=NaN",
    ],
    [
      () => gaussianMixture(Xb, { covarianceType: "ful" as CovarianceType }),
      'Cannot fit the Gaussian mixture as covarianceType must be one of "full", "tied", "diag", "spherical": covarianceType="ful"',
    ],
    [
      () => gaussianMixture(Xb, { initParams: "kmeans++" as GaussianMixtureInit }),
      'Cannot fit the Gaussian mixture as initParams must be one of "kmeans", "k-means++", "random", "random_from_data": initParams="kmeans++"',
    ],
    [
      () => gaussianMixture(Xb, { nComponents: 0 }),
      "Cannot fit the Gaussian mixture as nComponents must be an integer >= 1: nComponents=0",
    ],
    [
      () => gaussianMixture(Xb, { nInit: 0 }),
      "Cannot fit the Gaussian mixture as nInit must be an integer >= 1: nInit=0",
    ],
    [
      () => gaussianMixture(Xb, { maxIter: -1 }),
      "Cannot fit the Gaussian mixture as maxIter must be an integer >= 0: maxIter=-1",
    ],
    [
      () => gaussianMixture(Xb, { tol: -1e-3 }),
      "Cannot fit the Gaussian mixture as tol must be a number >= 0: tol=-0.001",
    ],
    [
      () => gaussianMixture(Xb, { regCovar: -1 }),
      "Cannot fit the Gaussian mixture as regCovar must be a number >= 0: regCovar=-1",
    ],
    [
      () => gaussianMixture(fromRows([[1, 2]])),
      "Cannot fit the Gaussian mixture as the data needs at least 2 row(s) and 1 column: rows=1, cols=2",
    ],
    [
      () => gaussianMixture(Xb, { randomState: -1 }),
      "Cannot seed the generator as the seed must be an integer in [0, 4294967295]: seed=-1",
    ],
  ];
  const gm = gaussianMixture(Xb, { nComponents: 1 });
  cases.push([
    () => gm.predict(fromRows([[1, 2, 3]])),
    "Cannot predict with the Gaussian mixture as X has 3 features but the mixture was fitted on 2: cols=3",
  ]);
  cases.push([
    () => gm.scoreSamples(fromRows([[Infinity, 2]])),
    "Cannot use X as it holds a non-finite value: X[0][0]=Infinity",
  ]);
  for (const [f, message] of cases) {
    assert.throws(f, (e: unknown) => {
      assert.ok(e instanceof RangeError, `${message}: ${e}`);
      assert.equal(e.message, message);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
});
