/** core/cluster/spectral_clustering.ts against hand-computed cases and scikit-learn 1.2.1. */
import assert from "node:assert/strict";
import {
  spectralClustering,
  spectralClusteringAffinity,
  type SpectralClusteringOptions,
} from "../core/cluster/spectral_clustering.ts";
import { fromRows, type Matrix } from "../core/matrix.ts";
import { adjustedRandScore } from "../core/metrics/clustering.ts";
import { symmetricEigen } from "../core/linalg.ts";
import { samePartition } from "./_golden.ts";
import { RandomState } from "../core/random.ts";

interface Fixture {
  data: Record<
    string,
    {
      X: number[][];
      nClusters: number;
      gamma: number;
      nNeighbors: number;
      nComponents: number | null;
    }
  >;
  cases: {
    data: string;
    affinity: "rbf" | "nearest_neighbors";
    seed: number;
    assignLabels: "kmeans" | "discretize" | "cluster_qr";
    labels: number[];
  }[];
  embeddings: {
    data: string;
    affinity: "rbf" | "nearest_neighbors";
    seed: number;
    nGraphComponents: number;
    eigenvalues: number[];
    rayleigh: number[];
    embedding: number[][];
  }[];
}

const sk: Fixture = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/sklearn_spectral.json", import.meta.url)),
);

function optionsOf(name: string, affinity: "rbf" | "nearest_neighbors"): SpectralClusteringOptions {
  const d = sk.data[name];
  return {
    nClusters: d.nClusters,
    nComponents: d.nComponents ?? undefined,
    gamma: d.gamma,
    nNeighbors: d.nNeighbors,
    affinity,
  };
}

/** Orthonormal basis (columns, modified Gram–Schmidt twice) of the columns of an n × k matrix. */
function orthonormal(data: ArrayLike<number>, n: number, k: number): Float64Array[] {
  const Q: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = data[i * k + j];
    for (let pass = 0; pass < 2; pass++) {
      for (const q of Q) {
        let h = 0;
        for (let i = 0; i < n; i++) h += q[i] * v[i];
        for (let i = 0; i < n; i++) v[i] -= h * q[i];
      }
    }
    const norm = Math.hypot(...v);
    Q.push(v.map((x) => x / norm));
  }
  return Q;
}

/** Sine of the largest principal angle between the column spaces: ‖(I − P₁)Q₂‖₂. */
function largestAngleSine(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  k: number,
): number {
  const Q1 = orthonormal(a, n, k), Q2 = orthonormal(b, n, k);
  const R = Q2.map((v) => {
    const r = v.slice();
    for (const q of Q1) {
      let h = 0;
      for (let i = 0; i < n; i++) h += q[i] * v[i];
      for (let i = 0; i < n; i++) r[i] -= h * q[i];
    }
    return r;
  });
  // Largest singular value of R from the k × k Gram matrix RᵀR.
  const G = fromRows(R.map((x) => R.map((y) => x.reduce((s, v, i) => s + v * y[i], 0))));
  return Math.sqrt(Math.max(0, symmetricEigen(G).values[0]));
}

/** Relative gap (λ_{k+1} − λ_k)/λ_{k+1} of scikit-learn's eigenvalues. */
function gapOf(name: string, affinity: string): number {
  const e = embeddingOf(name, affinity);
  const ev = e.eigenvalues, k = ev.length - 1;
  return (ev[k] - ev[k - 1]) / Math.abs(ev[k]);
}

Deno.test("spectralClusteringAffinity(): eigenvalues of a triangle's Laplacian, by hand", () => {
  // K3: L = I − ½(J − I) has eigenvalues 0, 3/2, 3/2; the first vector is 1/√3.
  const A = fromRows([[0, 1, 1], [1, 0, 1], [1, 1, 0]]);
  const r = spectralClusteringAffinity(A, { nClusters: 2, assignLabels: "cluster_qr" });
  assert.ok(Math.abs(r.eigenvalues[0]) < 1e-12);
  assert.ok(Math.abs(r.eigenvalues[1] - 1.5) < 1e-12);
  // Embedding column 0: (1/√3)/√2 for every node (degree 2).
  for (let i = 0; i < 3; i++) {
    assert.ok(Math.abs(r.embedding.data[i * 2] - 1 / Math.sqrt(6)) < 1e-12);
  }
  assert.equal(r.nGraphComponents, 1);
});

Deno.test("spectralClusteringAffinity(): two disconnected edges embed as their indicators and warn", () => {
  const A = fromRows([[0, 2, 0, 0], [2, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]);
  const warnings: string[] = [];
  for (const assignLabels of ["kmeans", "discretize", "cluster_qr"] as const) {
    const r = spectralClusteringAffinity(A, {
      nClusters: 2,
      assignLabels,
      onWarning: (m) => warnings.push(m),
    });
    assert.deepEqual(Array.from(r.eigenvalues), [0, 0]);
    assert.ok(samePartition(Array.from(r.labels), [0, 0, 1, 1]), assignLabels);
    // The null space is spanned by √d·1_C: every column is constant on each edge.
    const E = r.embedding.data;
    for (let j = 0; j < 2; j++) {
      assert.ok(Math.abs(E[j] - E[2 + j]) < 1e-15 && Math.abs(E[4 + j] - E[6 + j]) < 1e-15);
    }
    assert.equal(r.nGraphComponents, 2);
  }
  assert.deepEqual(warnings, [
    "Graph is not fully connected, spectral embedding may not work as expected.",
    "Graph is not fully connected, spectral embedding may not work as expected.",
    "Graph is not fully connected, spectral embedding may not work as expected.",
  ]);
});

/** Whether scikit-learn's vectors span its k smallest eigenvectors (ARPACK can miss a copy of a repeated eigenvalue). */
function sklearnSpans(e: Fixture["embeddings"][number]): boolean {
  return e.rayleigh.every((v, j) => Math.abs(v - e.eigenvalues[j]) < 1e-9);
}

/** Whether two of the k smallest eigenvalues coincide (to 1e-9): ARPACK's basis there is arbitrary. */
function repeated(e: Fixture["embeddings"][number]): boolean {
  const ev = e.eigenvalues;
  for (let j = 0; j + 2 < ev.length; j++) if (ev[j + 1] - ev[j] < 1e-9) return true;
  return false;
}

const embeddingOf = (name: string, affinity: string) =>
  sk.embeddings.find((e) => e.data === name && e.affinity === affinity)!;

Deno.test("spectralClustering() embedding spans scikit-learn's subspace (principal angle ≤ 1e-6) with its eigenvalues", () => {
  let checked = 0;
  for (const e of sk.embeddings) {
    const what = `${e.data} ${e.affinity}`;
    const X = fromRows(sk.data[e.data].X);
    const warnings: string[] = [];
    const r = spectralClustering(X, {
      ...optionsOf(e.data, e.affinity),
      randomState: e.seed,
      onWarning: (m) => warnings.push(m),
    });
    const n = X.rows, k = r.embedding.cols;
    assert.equal(k, e.embedding[0].length, what);
    assert.equal(r.nGraphComponents, e.nGraphComponents, what);
    assert.equal(warnings.length, e.nGraphComponents > 1 ? 1 : 0, what);
    for (let j = 0; j < k; j++) {
      assert.ok(Math.abs(r.eigenvalues[j] - e.eigenvalues[j]) < 1e-10, `${what} λ${j}`);
    }
    const sine = largestAngleSine(r.embedding.data, e.embedding.flat(), n, k);
    if (!sklearnSpans(e)) {
      // ARPACK missed the third zero of a 3-component graph: ours has it.
      assert.ok(sine > 0.1, `${what}: sin θ = ${sine}`);
      continue;
    }
    assert.ok(sine <= 1e-6, `${what}: sin θ = ${sine}`);
    checked++;
    // Where the eigenvalues are simple, each column equals scikit-learn's (sign fixed alike).
    for (let j = 0; j < k; j++) {
      const ev = e.eigenvalues;
      const simple = (j === 0 || ev[j] - ev[j - 1] > 1e-3) && ev[j + 1] - ev[j] > 1e-3;
      if (!simple) continue;
      let err = 0, scale = 0;
      for (let i = 0; i < n; i++) {
        err = Math.max(err, Math.abs(r.embedding.data[i * k + j] - e.embedding[i][j]));
        scale = Math.max(scale, Math.abs(e.embedding[i][j]));
      }
      assert.ok(err <= 1e-8 * scale, `${what} column ${j}: ${err}`);
    }
  }
  assert.equal(checked, sk.embeddings.length - 1);
});

Deno.test("spectralClustering() labels equal scikit-learn's for both affinities, all three assignments, two seeds", () => {
  let exact = 0, skipped = 0;
  for (const c of sk.cases) {
    const what = `${c.data} ${c.affinity} ${c.assignLabels} seed ${c.seed}`;
    const X = fromRows(sk.data[c.data].X);
    const r = spectralClustering(X, {
      ...optionsOf(c.data, c.affinity),
      assignLabels: c.assignLabels,
      randomState: c.seed,
      onWarning: () => {},
    });
    const e = embeddingOf(c.data, c.affinity);
    const ari = adjustedRandScore(c.labels, r.labels);
    if (!sklearnSpans(e)) {
      // scikit-learn's embedding lacks a component's indicator (see the
      // embedding test, where ours has the true eigenvalues): not comparable.
      skipped++;
    } else if (
      gapOf(c.data, c.affinity) > 1e-3 && !(c.assignLabels === "discretize" && repeated(e))
    ) {
      assert.ok(samePartition(Array.from(r.labels), c.labels), `${what}: ARI ${ari}`);
      exact++;
    } else {
      // Discretize is not invariant to a rotation of a repeated eigenvalue's
      // vectors, which ARPACK picks from rounding.
      assert.ok(ari >= 0.95, `${what}: ARI ${ari}`);
    }
  }
  assert.equal(skipped, 6);
  // 72 cases: 54 exact, 12 discretize on a repeated eigenvalue (ARI ≥ 0.95), 6 skipped.
  assert.equal(exact, 54);
});

Deno.test("discretize with an isolated point (a zero embedding row) labels the blobs as scikit-learn 1.2.1", () => {
  // Blobs of nPer points around k corners (NumPy: np.repeat(C, nPer, 0) +
  // 0.3 * RandomState(seed).randn(k * nPer, 2)), and one point at (100, 100)
  // with no rbf affinity to any other. Its embedding row is zero here and
  // rounding noise in scikit-learn: that point's own label is arbitrary, the
  // others' are scikit-learn's. Once its row was divided by its zero norm,
  // and every point fell into one cluster.
  const corners = [[0, 0], [5, 0], [0, 5]];
  // [nPer, k, data seed, randomState, scikit-learn's labels]; with randomState 23 the
  // start's random row is the isolated one.
  const cases: [number, number, number, number, number[]][] = [
    [4, 2, 0, 0, [0, 0, 0, 0, 1, 1, 1, 1, 0]],
    [5, 2, 0, 0, [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]],
    [10, 3, 1, 0, [...Array(10).fill(2), ...Array(10).fill(0), ...Array(10).fill(1), 0]],
    [10, 3, 1, 23, [...Array(10).fill(1), ...Array(10).fill(0), ...Array(10).fill(2), 0]],
    [20, 2, 2, 0, [...Array(20).fill(0), ...Array(20).fill(1), 1]],
  ];
  for (const [nPer, k, seed, randomState, want] of cases) {
    const noise = new RandomState(seed).randn(k * nPer * 2);
    const rows = Array.from({ length: k * nPer }, (_, i) => {
      const c = corners[Math.floor(i / nPer)];
      return [c[0] + 0.3 * noise[2 * i], c[1] + 0.3 * noise[2 * i + 1]];
    });
    const warnings: string[] = [];
    const { labels } = spectralClustering(fromRows([...rows, [100, 100]]), {
      nClusters: k,
      affinity: "rbf",
      gamma: 1,
      assignLabels: "discretize",
      randomState,
      onWarning: (m) => warnings.push(m),
    });
    const blobs = [...labels.subarray(0, k * nPer)], theirs = want.slice(0, k * nPer);
    // From another start than scikit-learn's (noise of no direction), the same partition.
    if (randomState === 23) assert.ok(samePartition(blobs, theirs), `${nPer} x ${k}: ${blobs}`);
    else assert.deepEqual(blobs, theirs, `${nPer} x ${k}`);
    assert.deepEqual(warnings, [
      "Graph is not fully connected, spectral embedding may not work as expected.",
    ]);
  }
});

Deno.test("spectralClustering() with the k-NN affinity on 20 000 points stays sparse", () => {
  // Four groups on a 100 × 50 lattice each: every row's 5 nearest are on its group.
  const rows: number[][] = [];
  for (let g = 0; g < 4; g++) {
    for (let i = 0; i < 5000; i++) rows.push([g * 1000 + (i % 100), Math.floor(i / 100)]);
  }
  const r = spectralClustering(fromRows(rows), {
    nClusters: 4,
    affinity: "nearest_neighbors",
    nNeighbors: 5,
    onWarning: () => {},
  });
  assert.equal(r.nGraphComponents, 4);
  const truth = rows.map((_, i) => Math.floor(i / 5000));
  assert.ok(samePartition(Array.from(r.labels), truth));
});

Deno.test("spectralClustering() rejects bad input with scikit-learn's checks", async (t) => {
  const X: Matrix = fromRows([[0, 0], [1, 0], [0, 1], [5, 5]]);
  const cases: [string, () => unknown, ErrorConstructor, string][] = [
    [
      "NaN",
      () => spectralClustering(fromRows([[0, 0], [NaN, 1], [2, 2]]), { nClusters: 2 }),
      RangeError,
      "Cannot use X as it holds a non-finite value: X[1][0]=NaN",
    ],
    [
      "nClusters > n",
      () => spectralClustering(X, { nClusters: 5 }),
      RangeError,
      "Cannot fit spectral clustering as n_samples=4 should be >= n_clusters=5",
    ],
    [
      "nNeighbors > n",
      () => spectralClustering(X, { nClusters: 2, affinity: "nearest_neighbors", nNeighbors: 5 }),
      RangeError,
      "Cannot fit spectral clustering as n_neighbors=5 should be <= n_samples=4",
    ],
    [
      "one sample",
      () => spectralClustering(fromRows([[1, 2]]), { nClusters: 1 }),
      RangeError,
      "Cannot fit spectral clustering as the data needs at least 2 row(s) and 1 column: rows=1, cols=2",
    ],
    [
      "gamma < 0",
      () => spectralClustering(X, { gamma: -1 }),
      RangeError,
      "Cannot fit spectral clustering as gamma must be a number >= 0: gamma=-1",
    ],
    [
      "assignLabels",
      // @ts-expect-error: not an assignment strategy
      () => spectralClustering(X, { nClusters: 2, assignLabels: "qr" }),
      RangeError,
      'Cannot fit spectral clustering as assignLabels must be one of "kmeans", "discretize", "cluster_qr": assignLabels="qr"',
    ],
    [
      "nInit 0",
      () => spectralClustering(X, { nClusters: 2, nInit: 0 }),
      RangeError,
      "Cannot fit spectral clustering as nInit must be an integer >= 1: nInit=0",
    ],
    [
      "non-square affinity",
      () => spectralClusteringAffinity(fromRows([[0, 1, 1], [1, 0, 1]]), { nClusters: 2 }),
      RangeError,
      "Cannot fit spectral clustering as the affinity must be square: shape=2x3",
    ],
  ];
  for (const [name, f, cls, message] of cases) {
    await t.step(name, () => assert.throws(f, { name: cls.name, message }));
  }
});

Deno.test("spectralClusteringAffinity() rejects a malformed, non-finite or negative affinity", () => {
  const A = fromRows([[0, 1, 0], [1, 0, 1], [0, 1, NaN]]);
  assert.throws(
    () => spectralClusteringAffinity(A, { nClusters: 2 }),
    /affinity must be finite and non-negative: entry 8=NaN/,
  );
  const neg = fromRows([[0, -1], [-1, 0]]);
  assert.throws(() => spectralClusteringAffinity(neg, { nClusters: 1 }), /entry 1=-1/);
  const csr = {
    indptr: Int32Array.of(0, 1, 2),
    indices: Int32Array.of(1, 5),
    values: Float64Array.of(1, 1),
  };
  assert.throws(() => spectralClusteringAffinity(csr, { nClusters: 1 }), /column out of range: 5/);
});
