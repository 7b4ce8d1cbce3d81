/**
 * core/decomposition/randomized_svd.ts and PCA's randomized solver against
 * scikit-learn 1.2.1's `randomized_svd` and PCA(svd_solver="randomized"), and
 * the small factorisations (`_thin_factorizations.ts`) against SciPy's LU and
 * by their defining properties. Fixtures: tests/fixtures/sklearn_pca.json,
 * written by scripts/crosscheck/sklearn_pca_fixture.py from data rebuilt
 * in tests/_pca_fixture.ts with NumPy's RandomState.
 */
import assert from "node:assert/strict";
import { assertAllClose as close } from "./_assert.ts";
import { pca } from "../core/decomposition/pca.ts";
import { randomizedSvd } from "../core/decomposition/randomized_svd.ts";
import {
  allowWasmProducts,
  centredProducts,
  transposed,
} from "../core/decomposition/_centred_products.ts";
import {
  type Columns,
  luPermutedL,
  thinQr,
  thinSvd,
} from "../core/decomposition/_thin_factorizations.ts";
import { fromRows, type Matrix, matrix } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";
import { pcaFixture, rebuildPcaData } from "./_pca_fixture.ts";

/** The rows (indices) of M the fixture kept, one after another. */
function pick(M: Matrix, rows: number[]): Float64Array {
  const out = new Float64Array(rows.length * M.cols);
  rows.forEach((r, i) => out.set(M.data.subarray(r * M.cols, (r + 1) * M.cols), i * M.cols));
  return out;
}

/** scikit-learn's option names as ours. */
function pcaOptions(o: Record<string, unknown>) {
  return {
    randomState: o.random_state as number,
    iteratedPower: (o.iterated_power ?? "auto") as number | "auto",
    nOversamples: o.n_oversamples as number | undefined,
    powerIterationNormalizer: o.power_iteration_normalizer as "QR" | "LU" | "none" | undefined,
  };
}

Deno.test("pca({ svdSolver: 'randomized' }) equals scikit-learn's randomized PCA: components, variances, scores", async (t) => {
  assert.equal(pcaFixture.sklearn, "1.2.1");
  assert.equal(pcaFixture.randomized.length, 9);
  for (const c of pcaFixture.randomized) {
    await t.step(`${c.name} k=${c.k} ${JSON.stringify(c.options)}`, () => {
      const X = rebuildPcaData(c.name);
      const model = pca(X, { nComponents: c.k, svdSolver: "randomized", ...pcaOptions(c.options) });
      // Measured: 1e-13 at worst (rounding). Without a normaliser (2 power
      // iterations on "lowrank"), (AᵀA)² leaves the five noise directions
      // to rounding against five factors 100 times stronger: there both
      // codes' components agree to 1.7e-7 and their singular values to 1e-8.
      const unnormalised = c.options.iterated_power === 2;
      const [vecTol, valTol] = unnormalised ? [1e-6, 1e-7] : [1e-9, 1e-10];
      close(pick(model.components, c.rows), c.components, 0, vecTol);
      close(model.explainedVariance, c.explainedVariance, valTol, 0);
      close(model.explainedVarianceRatio, c.explainedVarianceRatio, valTol, 0);
      close(model.singularValues, c.singularValues, valTol, 0);
      const scores = model.transform(matrix(5, X.cols, X.data.slice(0, 5 * X.cols)));
      const scale = Math.max(...c.transformFirst5.map(Math.abs));
      close(scores.data, c.transformFirst5, 0, vecTol * scale);
    });
  }
});

Deno.test("randomized PCA is an approximation: it differs from the exact solver where the spectrum is flat", () => {
  // pixels, k = 20, 4 power iterations: the trailing components are not
  // converged, as in scikit-learn (so the fixture above is not the full one).
  const X = rebuildPcaData("pixels");
  const exact = pca(X, { nComponents: 20 });
  const approx = pca(X, { nComponents: 20, svdSolver: "randomized" });
  let first = 0, last = 0;
  for (let a = 0; a < 144; a++) {
    first = Math.max(first, Math.abs(exact.components.data[a] - approx.components.data[a]));
    last = Math.max(
      last,
      Math.abs(exact.components.data[19 * 144 + a] - approx.components.data[19 * 144 + a]),
    );
  }
  assert.ok(last > 1e-3, `last component within ${last}`);
  assert.ok(approx.explainedVariance[19] < exact.explainedVariance[19]);
  assert.ok(first < last);
});

Deno.test("randomizedSvd() equals scikit-learn's randomized_svd (tall, wide/transposed, l > d, no sign flip)", async (t) => {
  for (const c of pcaFixture.randomizedSvd) {
    await t.step(`${c.name} k=${c.k} ${JSON.stringify(c.options)}`, () => {
      const o = c.options;
      const { U, s, Vt } = randomizedSvd(rebuildPcaData(c.name), c.k, {
        randomState: o.random_state,
        nIter: o.n_iter ?? "auto",
        nOversamples: o.n_oversamples,
        transpose: o.transpose ?? "auto",
        flipSign: o.flip_sign ?? true,
      });
      close(s, c.s, 1e-10, 0);
      if (o.flip_sign === false) {
        // Unflipped signs are each SVD code's own (LAPACK's gesdd there):
        // align each triplet's sign on Vt's first entry, U's with it.
        for (let j = 0; j < c.k; j++) {
          if (Math.sign(Vt.data[j * Vt.cols]) === Math.sign(c.Vt[j * Vt.cols])) continue;
          for (let a = 0; a < Vt.cols; a++) Vt.data[j * Vt.cols + a] *= -1;
          for (let i = 0; i < U.rows; i++) U.data[i * c.k + j] *= -1;
        }
      }
      close(pick(Vt, c.rows), c.Vt, 0, 1e-9);
      close(U.data.subarray(0, 5 * c.k), c.UFirst5, 0, 1e-9);
    });
  }
});

Deno.test("randomizedSvd()'s 'auto' rules take scikit-learn's side at their boundaries", () => {
  const X = rebuildPcaData("lowrank"); // 300 × 120
  const bits = (k: number, o: Parameters<typeof randomizedSvd>[2]) =>
    randomizedSvd(X, k, o).Vt.data;
  // normaliser: "none" for nIter ≤ 2, "LU" above.
  assert.deepEqual(bits(5, { nIter: 2 }), bits(5, { nIter: 2, powerIterationNormalizer: "none" }));
  assert.notDeepEqual(bits(5, { nIter: 2 }), bits(5, { nIter: 2, powerIterationNormalizer: "LU" }));
  assert.deepEqual(bits(5, { nIter: 3 }), bits(5, { nIter: 3, powerIterationNormalizer: "LU" }));
  // nIter: 7 when k < 0.1·min(n, d) = 12, else 4.
  assert.deepEqual(bits(11, {}), bits(11, { nIter: 7 }));
  assert.deepEqual(bits(12, {}), bits(12, { nIter: 4 }));
  assert.notDeepEqual(bits(12, {}), bits(12, { nIter: 7 }));
  // transpose: only when n < d (not for a square matrix).
  const S = matrix(120, 120, X.data.slice(0, 120 * 120));
  const square = (o: Parameters<typeof randomizedSvd>[2]) => randomizedSvd(S, 5, o).Vt.data;
  assert.deepEqual(square({}), square({ transpose: false }));
  assert.notDeepEqual(square({}), square({ transpose: true }));
});

Deno.test("the sparse products give the same bits in WebAssembly and JavaScript", () => {
  const X = rebuildPcaData("pixels"); // about 21% non-zero: the sparse path
  assert.equal(centredProducts(X, 30).kind, "sparse-wasm");
  const fit = () => pca(X, { nComponents: 20, svdSolver: "randomized", iteratedPower: 3 });
  const wasm = fit();
  const was = allowWasmProducts(false);
  try {
    const js = fit();
    assert.deepEqual(js.components.data, wasm.components.data);
    assert.deepEqual(js.singularValues, wasm.singularValues);
  } finally {
    allowWasmProducts(was);
  }
  // An odd number of columns (k + p = 13) takes the kernel's scalar tail.
  const odd = () => randomizedSvd(X, 3, { nOversamples: 10 }).Vt.data;
  const w = odd();
  allowWasmProducts(false);
  try {
    assert.deepEqual(odd(), w);
  } finally {
    allowWasmProducts(was);
  }
});

Deno.test("centredProducts(): A·Q and Aᵀ·P equal the dense products, blocked or not, sparse or dense, wasm or not", () => {
  // 700 × 300 with 300-column operands: blocks of 256 rows, so 3 row blocks
  // and 2 column blocks; 20% non-zero (sparse path), then dense.
  const n = 700, d = 300, l = 300, rs = new RandomState(6);
  const sparseX = matrix(n, d, rs.randn(n * d).map((v) => (v > 0.85 ? v : 0)));
  const denseX = matrix(n, d, rs.randn(n * d).map((v) => v + 2));
  const Q = rs.randn(d * l), P = rs.randn(n * l);
  for (const [name, X] of [["sparse", sparseX], ["dense", denseX]] as const) {
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) mean[a] += X.data[i * d + a] / n;
    for (const m of [mean, undefined]) {
      const A = (i: number, a: number) => X.data[i * d + a] - (m ? m[a] : 0);
      const AQ = new Float64Array(n * l), AtP = new Float64Array(d * l);
      for (let i = 0; i < n; i++) {
        for (let a = 0; a < d; a++) {
          const v = A(i, a);
          for (let j = 0; j < l; j++) {
            AQ[i * l + j] += v * Q[a * l + j];
            AtP[a * l + j] += v * P[i * l + j];
          }
        }
      }
      const got: Float64Array[] = [];
      for (const wasm of [true, false]) {
        const was = allowWasmProducts(wasm);
        try {
          const op = centredProducts(X, l, m);
          assert.equal(op.kind, name === "dense" ? "dense" : wasm ? "sparse-wasm" : "sparse");
          const y = new Float64Array(n * l), z = new Float64Array(d * l);
          op.times(Q, l, y);
          op.timesT(P, l, z);
          let scale = 0;
          for (const v of [...AQ, ...AtP]) scale = Math.max(scale, Math.abs(v));
          close(y, AQ, 0, 1e-12 * scale);
          close(z, AtP, 0, 1e-12 * scale);
          // The transpose swaps the two.
          const t = transposed(op), y2 = new Float64Array(d * l);
          t.times(P, l, y2);
          assert.deepEqual(y2, z);
          got.push(y, z);
        } finally {
          allowWasmProducts(was);
        }
      }
      assert.deepEqual(got[0], got[2], `${name}: A·Q bits, wasm vs JavaScript`);
      assert.deepEqual(got[1], got[3], `${name}: Aᵀ·P bits, wasm vs JavaScript`);
    }
  }
});

Deno.test("pca({ svdSolver: 'auto' }) follows scikit-learn 1.2's rule", () => {
  const rs = new RandomState(4);
  const X = matrix(600, 30, rs.randn(600 * 30).map((v, t) => v * (1 + (t % 30))));
  const same = (a: Matrix, b: Matrix) => assert.deepEqual(a.data, b.data);
  // max(n, d) > 500 and k < 0.8·min(n, d): randomized.
  same(
    pca(X, { nComponents: 5, svdSolver: "auto" }).components,
    pca(X, { nComponents: 5, svdSolver: "randomized" }).components,
  );
  // k ≥ 0.8·30 = 24: full.
  same(
    pca(X, { nComponents: 24, svdSolver: "auto" }).components,
    pca(X, { nComponents: 24 }).components,
  );
  // max(n, d) ≤ 500: full.
  const Y = matrix(500, 30, X.data.slice(0, 500 * 30));
  same(
    pca(Y, { nComponents: 5, svdSolver: "auto" }).components,
    pca(Y, { nComponents: 5 }).components,
  );
  // The default stays the exact solver.
  assert.notDeepEqual(
    pca(X, { nComponents: 5 }).components.data,
    pca(X, { nComponents: 5, svdSolver: "randomized" }).components.data,
  );
});

Deno.test("luPermutedL() equals SciPy's lu(A, permute_l=True)", () => {
  for (const c of pcaFixture.lu) {
    const m = c.rows, n = c.cols, r = Math.min(m, n);
    const cols = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) cols[j * m + i] = c.A[i * n + j];
    const out = new Float64Array(m * r);
    assert.equal(luPermutedL({ rows: m, cols: n, data: cols }, out, new Int32Array(m)), r);
    close(out, c.PL, 0, 1e-11);
  }
});

/** An m × n matrix column by column, N(0, 1) times column scales. */
function columns(m: number, n: number, seed: number, scales?: number[]): Columns {
  const data = new RandomState(seed).randn(m * n);
  if (scales) { for (let t = 0; t < m * n; t++) data[t] *= scales[Math.floor(t / m)]; }
  return { rows: m, cols: n, data };
}

/** max |(AᵀB)ᵢⱼ − δᵢⱼ| over columns of two column-by-column matrices. */
function orthonormality(Q: Columns): number {
  let worst = 0;
  for (let i = 0; i < Q.cols; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < Q.rows; t++) s += Q.data[i * Q.rows + t] * Q.data[j * Q.rows + t];
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

Deno.test("thinQr(): orthonormal Q, upper triangular R, Q·R = A (tall, wide, a zero column)", () => {
  for (const [m, n] of [[50, 7], [6, 9], [12, 12]]) {
    const A = columns(m, n, m + n);
    if (m === 50) A.data.fill(0, 2 * m, 3 * m); // column 2 is zero
    const copy = A.data.slice();
    const { Q, R } = thinQr(A);
    const r = Math.min(m, n);
    assert.equal(Q.cols, r);
    assert.ok(orthonormality(Q) < 1e-14, `QᵀQ − I ${orthonormality(Q)}`);
    for (let c = 0; c < n; c++) {
      for (let i = c + 1; i < r; i++) assert.equal(R.data[c * r + i], 0);
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let t = 0; t < r; t++) s += Q.data[t * m + i] * R.data[c * r + t];
        assert.ok(Math.abs(s - copy[c * m + i]) < 1e-13, `(QR)[${i}][${c}]`);
      }
    }
  }
});

Deno.test("thinSvd(): U·diag(s)·Vᵀ = C with orthonormal factors, s descending; rank-deficient C completed", () => {
  const cases: [Columns, string][] = [
    [columns(40, 8, 1, [1e3, 1, 10, 1e-3, 5, 5, 1e-8, 2]), "graded"],
    [columns(9, 9, 2), "square"],
  ];
  const deficient = columns(30, 6, 3);
  deficient.data.set(deficient.data.subarray(0, 30), 4 * 30); // column 4 = column 0
  deficient.data.fill(0, 5 * 30, 6 * 30); // column 5 = 0
  cases.push([deficient, "rank 4"]);
  // Above 128 columns: the eigenvectors of [0 Rᵀ; R 0] (and a zero column completed).
  const wide = columns(300, 140, 4);
  wide.data.fill(0, 7 * 300, 8 * 300);
  cases.push([wide, "augmented, rank 139"]);
  for (const [C, name] of cases) {
    const m = C.rows, n = C.cols, copy = C.data.slice();
    const { U, s, Vt } = thinSvd(C);
    for (let k = 1; k < n; k++) assert.ok(s[k] <= s[k - 1], `${name}: s descending`);
    assert.ok(orthonormality(U) < 1e-13, `${name}: UᵀU − I ${orthonormality(U)}`);
    const V: Columns = { rows: n, cols: n, data: Vt }; // rows of Vt as columns
    assert.ok(orthonormality(V) < 1e-13, `${name}: VVᵀ − I`);
    for (let c = 0; c < n; c++) {
      for (let i = 0; i < m; i++) {
        let v = 0;
        for (let k = 0; k < n; k++) v += U.data[k * m + i] * s[k] * Vt[k * n + c];
        assert.ok(Math.abs(v - copy[c * m + i]) < 1e-12 * s[0], `${name}: (USVᵀ)[${i}][${c}]`);
      }
    }
    if (name === "rank 4") assert.ok(s[4] < 1e-13 * s[0] && s[5] < 1e-13 * s[0]);
    if (name.startsWith("augmented")) assert.ok(s[139] < 1e-13 * s[0] && s[138] > 0.1);
  }
  // Singular values of a graded matrix to full relative accuracy: diag(1e3, 1, 1e-3, 1e-8).
  const D = { rows: 4, cols: 4, data: new Float64Array(16) };
  [1e-3, 1e3, 1e-8, 1].forEach((v, i) => (D.data[i * 4 + i] = v));
  close(thinSvd(D).s, [1e3, 1, 1e-3, 1e-8], 1e-14, 0);
});

Deno.test("randomized PCA and randomizedSvd reject bad options with one-line messages", () => {
  const X = fromRows([[1, 2, 0], [3, 4, 1], [5, 7, 2], [0, 1, 1]]);
  assert.throws(() => pca(X, { svdSolver: "arpack" as "full" }), {
    name: "RangeError",
    message:
      'Cannot fit PCA as svdSolver must be one of "auto", "full", "randomized": svdSolver="arpack"',
  });
  assert.throws(() => pca(X, { svdSolver: "randomized", iteratedPower: -1 }), {
    name: "RangeError",
    message: "Cannot fit PCA as iteratedPower must be an integer >= 0: iteratedPower=-1",
  });
  assert.throws(() => pca(X, { nOversamples: 0 }), {
    name: "RangeError",
    message: "Cannot fit PCA as nOversamples must be an integer >= 1: nOversamples=0",
  });
  assert.throws(() => pca(X, { powerIterationNormalizer: "lu" as "LU" }), {
    name: "RangeError",
    message:
      'Cannot fit PCA as powerIterationNormalizer must be one of "auto", "QR", "LU", "none": powerIterationNormalizer="lu"',
  });
  assert.throws(() => randomizedSvd(X, 4), {
    name: "RangeError",
    message:
      "Cannot compute a randomized SVD as nComponents must be an integer >= 1 and <= 3: nComponents=4",
  });
  assert.throws(() => randomizedSvd(X, 2, { mean: new Float64Array(2) }), {
    name: "RangeError",
    message: "Cannot compute a randomized SVD as the mean has 2 entries, not 3: mean=2",
  });
  // scikit-learn raises "array must not contain infs or NaNs" there.
  assert.throws(
    () =>
      randomizedSvd(rebuildPcaData("lowrank"), 5, { nIter: 200, powerIterationNormalizer: "none" }),
    {
      name: "RangeError",
      message:
        'Cannot compute a randomized SVD as the power iterations overflowed (nIter=200, normalizer "none"): normalise them with "LU" or "QR"',
    },
  );
  assert.throws(() => randomizedSvd(fromRows([[1, Infinity]]), 1), {
    name: "RangeError",
    message: "Cannot use X as it holds a non-finite value: X[0][1]=Infinity",
  });
});
