/**
 * core/linalg.ts's symmetricEigenTridiagonal (against the Jacobi solver and by
 * hand), core/decomposition/_sample_covariance.ts (against a two-pass sum) and
 * core/decomposition/pca.ts against scikit-learn 1.2.1's
 * PCA(svd_solver="full") (tests/fixtures/sklearn_pca.json, written by
 * scripts/crosscheck/sklearn_pca_fixture.py from data rebuilt in
 * tests/_pca_fixture.ts with NumPy's RandomState).
 */
import assert from "node:assert/strict";
import { assertAllClose } from "./_assert.ts";
import { symmetricEigen, symmetricEigenTridiagonal } from "../core/linalg.ts";
import { pca } from "../core/decomposition/pca.ts";
import { sampleCovariance } from "../core/decomposition/_sample_covariance.ts";
import { columnMeans, fromRows, type Matrix, matrix } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";
import { pcaFixture, rebuildPcaData } from "./_pca_fixture.ts";

/** A random symmetric n × n matrix with N(0, 1) entries. */
function randomSymmetric(n: number, seed: number): Matrix {
  const rs = new RandomState(seed);
  const A = matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) A.data[i * n + j] = A.data[j * n + i] = rs.nextGauss();
  }
  return A;
}

/** Q·diag(values)·Qᵀ with Q a random orthogonal matrix (Gram–Schmidt of Gaussian columns). */
function withSpectrum(values: number[], seed: number): { A: Matrix; Q: Float64Array } {
  const n = values.length, rs = new RandomState(seed);
  const Q = rs.randn(n * n); // column c: Q[r * n + c]
  for (let c = 0; c < n; c++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < c; b++) {
        let dot = 0;
        for (let r = 0; r < n; r++) dot += Q[r * n + c] * Q[r * n + b];
        for (let r = 0; r < n; r++) Q[r * n + c] -= dot * Q[r * n + b];
      }
    }
    let norm = 0;
    for (let r = 0; r < n; r++) norm += Q[r * n + c] ** 2;
    for (let r = 0; r < n; r++) Q[r * n + c] /= Math.sqrt(norm);
  }
  const A = matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += Q[i * n + c] * values[c] * Q[j * n + c];
      A.data[i * n + j] = s;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) A.data[j * n + i] = A.data[i * n + j];
  }
  return { A, Q };
}

/** Asserts each column j of `vectors` is a unit eigenvector of A for values[j], all orthogonal. */
function assertEigenpairs(A: Matrix, values: Float64Array, vectors: Matrix, tol: number) {
  const n = A.rows, k = vectors.cols;
  let norm = 0;
  for (const v of A.data) norm = Math.max(norm, Math.abs(v));
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += A.data[i * n + c] * vectors.data[c * k + j];
      const r = Math.abs(s - values[j] * vectors.data[i * k + j]);
      assert.ok(r <= tol * Math.max(norm, 1) * n, `residual ${r} at (${i}, ${j})`);
    }
    for (let b = 0; b <= j; b++) {
      let dot = 0;
      for (let c = 0; c < n; c++) dot += vectors.data[c * k + j] * vectors.data[c * k + b];
      assert.ok(Math.abs(dot - (b === j ? 1 : 0)) <= tol * n, `vᵀv (${j}, ${b}) = ${dot}`);
    }
  }
}

const close = assertAllClose;

Deno.test("symmetricEigenTridiagonal() equals the Jacobi solver on random symmetric matrices", async (t) => {
  for (const n of [2, 3, 5, 17, 40, 90]) {
    await t.step(`n=${n}`, () => {
      const A = randomSymmetric(n, n);
      const ours = symmetricEigenTridiagonal(A);
      const jacobi = symmetricEigen(A);
      const scale = Math.max(Math.abs(jacobi.values[0]), Math.abs(jacobi.values[n - 1]));
      for (let j = 0; j < n; j++) {
        assert.ok(
          Math.abs(ours.values[j] - jacobi.values[j]) <= 1e-10 * scale,
          `λ${j}: ${ours.values[j]} vs ${jacobi.values[j]}`,
        );
        // Random spectra are simple: each vector equals Jacobi's up to sign.
        let dot = 0;
        for (let a = 0; a < n; a++) {
          dot += ours.vectors.data[a * n + j] * jacobi.vectors.data[a * n + j];
        }
        assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-9, `|v${j}·w${j}| = ${Math.abs(dot)}`);
      }
      assertEigenpairs(A, ours.values, ours.vectors, 1e-14);
    });
  }
});

Deno.test("symmetricEigenTridiagonal() spans repeated eigenvalues' eigenspaces", () => {
  const spectrum = [5, 5, 5, 1, 1, -2, 0.5];
  const { A, Q } = withSpectrum(spectrum, 11);
  const n = spectrum.length;
  const { values, vectors } = symmetricEigenTridiagonal(A);
  close(values, [5, 5, 5, 1, 1, 0.5, -2], 0, 1e-13);
  assertEigenpairs(A, values, vectors, 1e-14);
  // The first three vectors lie in span(Q₀, Q₁, Q₂): their projections there have unit norm.
  for (let j = 0; j < 3; j++) {
    let norm = 0;
    for (let c = 0; c < 3; c++) {
      let dot = 0;
      for (let r = 0; r < n; r++) dot += vectors.data[r * n + j] * Q[r * n + c];
      norm += dot * dot;
    }
    assert.ok(Math.abs(norm - 1) < 1e-12, `projection² ${norm}`);
  }
});

Deno.test("symmetricEigenTridiagonal() sorts a diagonal matrix and returns unit vectors", () => {
  const { values, vectors } = symmetricEigenTridiagonal(
    fromRows([[3, 0, 0, 0], [0, -1, 0, 0], [0, 0, 7, 0], [0, 0, 0, 0]]),
  );
  assert.deepEqual(Array.from(values), [7, 3, 0, -1]);
  assert.deepEqual(
    Array.from(vectors.data, Math.abs),
    [0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0],
  );
});

Deno.test("symmetricEigenTridiagonal() handles 1 × 1, zero and tridiagonal matrices", () => {
  const one = symmetricEigenTridiagonal(fromRows([[4]]));
  assert.deepEqual(Array.from(one.values), [4]);
  assert.deepEqual(Array.from(one.vectors.data), [1]);
  const zero = symmetricEigenTridiagonal(matrix(3, 3));
  assert.deepEqual(Array.from(zero.values), [0, 0, 0]);
  assert.deepEqual(Array.from(zero.vectors.data, Math.abs), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  // Path graph Laplacian on 4 nodes: eigenvalues 2 − 2cos(kπ/4).
  const L = fromRows([[1, -1, 0, 0], [-1, 2, -1, 0], [0, -1, 2, -1], [0, 0, -1, 1]]);
  const { values, vectors } = symmetricEigenTridiagonal(L);
  close(values, [3, 2, 1].map((k) => 2 - 2 * Math.cos((k * Math.PI) / 4)).concat([0]), 0, 1e-14);
  assertEigenpairs(L, values, vectors, 1e-15);
});

Deno.test("symmetricEigenTridiagonal() with count returns the leading columns of the full result", () => {
  const A = randomSymmetric(30, 5);
  const full = symmetricEigenTridiagonal(A);
  const top = symmetricEigenTridiagonal(A, 4);
  assert.deepEqual(top.values, full.values);
  assert.equal(top.vectors.rows, 30);
  assert.equal(top.vectors.cols, 4);
  for (let a = 0; a < 30; a++) {
    for (let j = 0; j < 4; j++) {
      assert.equal(top.vectors.data[a * 4 + j], full.vectors.data[a * 30 + j]);
    }
  }
  assert.equal(symmetricEigenTridiagonal(A, 0).vectors.cols, 0);
});

Deno.test("symmetricEigenTridiagonal() rejects a non-square matrix and a bad count", () => {
  assert.throws(
    () => symmetricEigenTridiagonal(matrix(2, 3)),
    {
      name: "RangeError",
      message: "Cannot decompose the matrix as it is not square: rows=2, cols=3",
    },
  );
  assert.throws(
    () => symmetricEigenTridiagonal(matrix(3, 3), 4),
    { name: "RangeError", message: "count must be an integer >= 0 and <= 3: count=4" },
  );
  assert.throws(
    () => symmetricEigenTridiagonal(matrix(3, 3), 1.5),
    { name: "RangeError", message: "count must be an integer >= 0 and <= 3: count=1.5" },
  );
});

/** The two-pass covariance, summed in the simplest order. */
function naiveCovariance(X: Matrix): Float64Array {
  const n = X.rows, d = X.cols, mean = columnMeans(X), C = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        s += (X.data[i * d + a] - mean[a]) * (X.data[i * d + b] - mean[b]);
      }
      C[a * d + b] = s / (n - 1);
    }
  }
  return C;
}

Deno.test("sampleCovariance() equals the two-pass covariance on its dense and sparse paths", async (t) => {
  const rs = new RandomState(4);
  const sparseData = matrix(203, 37, rs.randn(203 * 37).map((v) => Math.max(0, v - 1)));
  const denseData = matrix(203, 37, rs.randn(203 * 37));
  // Mostly zeros but one column far from zero relative to its spread: centred (dense) path.
  const offset = matrix(203, 37, sparseData.data.slice());
  for (let i = 0; i < 203; i++) offset.data[i * 37 + 5] = 100 + rs.nextDouble();
  for (
    const [name, X, sparse] of [
      ["mostly zeros", sparseData, true],
      ["Gaussian", denseData, false],
      ["mostly zeros, one offset column", offset, false],
    ] as const
  ) {
    await t.step(name, () => {
      const got = sampleCovariance(X, columnMeans(X));
      assert.equal(got.sparse, sparse);
      const want = naiveCovariance(X);
      let scale = 0;
      for (const v of want) scale = Math.max(scale, Math.abs(v));
      close(got.covariance, want, 0, 1e-13 * scale);
      for (let a = 0; a < 37; a++) {
        for (let b = 0; b < a; b++) {
          assert.equal(got.covariance[a * 37 + b], got.covariance[b * 37 + a]);
        }
      }
    });
  }
});

Deno.test("pca() equals scikit-learn's PCA(svd_solver='full'): components with signs, variances, scores", async (t) => {
  assert.equal(pcaFixture.sklearn, "1.2.1");
  for (const c of pcaFixture.cases) {
    await t.step(`${c.name} ${c.n}x${c.d} k=${c.k}`, () => {
      const X = rebuildPcaData(c.name);
      let sum = 0, nonZero = 0;
      for (const v of X.data) {
        sum += v;
        if (v !== 0) nonZero++;
      }
      assert.ok(Math.abs(sum - c.checksum) <= 1e-9 * Math.abs(c.checksum), `checksum ${sum}`);
      assert.equal(nonZero, c.nonZero);
      close(X.data.subarray(0, c.first.length), c.first, 1e-12, 0);
      const model = pca(X, { nComponents: c.k });
      assert.equal(model.components.rows, c.k);
      assert.equal(model.components.cols, c.d);
      close(model.mean, c.mean, 1e-12, 1e-12);
      // Unit vectors: absolute tolerance (the fixture keeps 13 digits).
      close(model.components.data, c.components, 0, 1e-9);
      close(model.explainedVariance, c.explainedVariance, 1e-10, 0);
      close(model.explainedVarianceRatio, c.explainedVarianceRatio, 1e-10, 0);
      close(model.singularValues, c.singularValues, 1e-10, 0);
      const scores = model.transform(matrix(5, c.d, X.data.slice(0, 5 * c.d)));
      let scale = 0;
      for (const v of c.transformFirst5) scale = Math.max(scale, Math.abs(v));
      close(scores.data, c.transformFirst5, 0, 1e-9 * scale);
    });
  }
});

Deno.test("pca() on a pixel-like 1000 x 256 set equals the Jacobi route of old", () => {
  // Mostly zeros (sparse covariance path), 256 features: compare with the
  // covariance by two passes and symmetricEigen, signs fixed the same way.
  const rs = new RandomState(9);
  const X = matrix(1000, 256, rs.randn(1000 * 256).map((v) => Math.max(0, v - 1.2)));
  const k = 8;
  const model = pca(X, { nComponents: k });
  const C = naiveCovariance(X);
  const { values, vectors } = symmetricEigen(matrix(256, 256, C));
  close(model.explainedVariance, values.subarray(0, k), 1e-10, 0);
  const mean = columnMeans(X);
  for (let j = 0; j < k; j++) {
    let best = 0, sign = 1;
    for (let i = 0; i < 1000; i++) {
      let s = 0;
      for (let a = 0; a < 256; a++) {
        s += (X.data[i * 256 + a] - mean[a]) * vectors.data[a * 256 + j];
      }
      if (Math.abs(s) > best) {
        best = Math.abs(s);
        sign = Math.sign(s);
      }
    }
    const want = Array.from({ length: 256 }, (_, a) => sign * vectors.data[a * 256 + j]);
    close(model.components.data.subarray(j * 256, (j + 1) * 256), want, 0, 1e-8);
  }
});

Deno.test("pca() rejects bad input with one-line messages", () => {
  assert.throws(() => pca(fromRows([[1, NaN], [2, 3]])), {
    name: "RangeError",
    message: "Cannot use X as it holds a non-finite value: X[0][1]=NaN",
  });
  assert.throws(() => pca(fromRows([[1, 2]])), {
    name: "RangeError",
    message: "Cannot fit PCA as the data needs at least 2 row(s) and 1 column: rows=1, cols=2",
  });
  assert.throws(() => pca(fromRows([[1, 2], [3, 4], [5, 7]]), { nComponents: 3 }), {
    name: "RangeError",
    message: "Cannot fit PCA as nComponents must be an integer >= 1 and <= 2: nComponents=3",
  });
  assert.throws(() => pca(fromRows([[1, 2], [3, 4], [5, 7]]), { nComponents: 0 }), {
    name: "RangeError",
    message: "Cannot fit PCA as nComponents must be an integer >= 1 and <= 2: nComponents=0",
  });
});

Deno.test("pca() and symmetricEigen() rotate small and huge matrices as unit ones", () => {
  // scikit-learn 1.2.1: PCA(2) of these rows times any scale gives components
  // [[-0.692, -0.722], [-0.722, 0.692]] and ratios [0.990, 0.010]. Jacobi's absolute
  // stopping test (off-diagonal squares below 1e-30) stopped before the first rotation
  // once the data's spread fell below about 1e-8, and returned the unrotated axes.
  const rows = [[0, 0], [1, 1], [2, 2.5], [3, 2.9]];
  const unit = pca(fromRows(rows), { nComponents: 2 });
  for (const scale of [1e-8, 1e-12, 1e-100, 1e-150, 1e100]) {
    const m = pca(fromRows(rows.map((r) => r.map((v) => v * scale))), { nComponents: 2 });
    close(m.components.data, unit.components.data, 0, 1e-12);
    close(m.explainedVarianceRatio, unit.explainedVarianceRatio, 1e-12, 0);
    close(m.explainedVariance, unit.explainedVariance.map((v) => v * scale * scale), 1e-12, 0);
  }
  // A power of two changes no rotation: the same vectors to the bit, the values scaled.
  const A = fromRows([[2, 1, 0.5], [1, 3, 0.25], [0.5, 0.25, 1]]);
  const one = symmetricEigen(A);
  const small = symmetricEigen(matrix(3, 3, A.data.map((v) => v * 2 ** -60)));
  assert.deepEqual(Array.from(small.vectors.data), Array.from(one.vectors.data));
  assert.deepEqual(Array.from(small.values), Array.from(one.values.map((v) => v * 2 ** -60)));
  assert.deepEqual(Array.from(symmetricEigen(matrix(2, 2)).values), [0, 0]);
});
