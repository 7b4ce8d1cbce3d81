/**
 * Every estimator, data set and scaler refuses an option it does not have
 * in one line, as scikit-learn raises on an unexpected keyword argument:
 * JavaScript callers get no compiler check, and a misspelt option
 * (`nCluster`, scikit-learn's `n_clusters`) or an unsupported one (PCA's
 * `whiten`) was ignored and its default used, a silently wrong result.
 */
import assert from "node:assert/strict";
import {
  affinityPropagation,
  agglomerative,
  BirchModel,
  bisectingKMeans,
  clusterOpticsXi,
  dbscan,
  estimateBandwidth,
  fuzzySimplicialSet,
  gaussianMixture,
  graphicalLasso,
  graphicalLassoCV,
  hdbscan,
  kmeans,
  kmeansPlusPlus,
  logisticRegression,
  meanShift,
  MiniBatchKMeans,
  miniBatchKMeans,
  minMaxScaler,
  optics,
  pca,
  randomizedSvd,
  silhouetteScore,
  spectralClustering,
  spectralClusteringAffinity,
  tsne,
  umap,
} from "../core/mod.ts";
import { makeBlobs, makeCircles, makeCurve, makeMoons } from "../core/datasets/mod.ts";
import { fromRows } from "../core/matrix.ts";
import { fitQuantizer } from "../core/cluster/quantize.ts";
import { kmeansSteps } from "../core/cluster/kmeans.ts";
import { kneighbors } from "../core/neighbors/knn.ts";
import { kneighborsGraph } from "../core/neighbors/graph.ts";
import { eigshSmallest } from "../core/sparse_eigen.ts";
import { lbfgs } from "../core/optimize/lbfgs.ts";
import { parseNumericCsv } from "../core/io/numeric_csv.ts";
import { CsvChunker } from "../core/io/csv_stream.ts";
import { RandomState } from "../core/random.ts";

Deno.test("every options object refuses a name it does not know, in one line", () => {
  const X = fromRows([[0, 0], [0, 1], [5, 5], [5, 6], [9, 0], [9, 1]]);
  const S = fromRows([[1, 0.5], [0.5, 1]]);
  // deno-lint-ignore no-explicit-any
  const bad = (o: Record<string, unknown> | null) => o as any;
  const cases: [string, (o: Record<string, unknown>) => unknown][] = [
    ["run affinity propagation", (o) => affinityPropagation(S, bad(o))],
    ["fit agglomerative clustering", (o) => agglomerative(X, bad(o))],
    ["fit BIRCH", (o) => new BirchModel(bad(o))],
    ["fit bisecting k-means", (o) => bisectingKMeans(X, bad(o))],
    [
      "extract xi clusters from OPTICS",
      (o) => clusterOpticsXi([Infinity, 1], [-1, 0], [0, 1], bad(o)),
    ],
    ["fit DBSCAN", (o) => dbscan(X, bad(o))],
    ["estimate the bandwidth", (o) => estimateBandwidth(X, bad(o))],
    ["build the fuzzy simplicial set", (o) => fuzzySimplicialSet(X, 2, bad(o))],
    ["fit the Gaussian mixture", (o) => gaussianMixture(X, bad(o))],
    ["fit the graphical lasso", (o) => graphicalLasso(S, 0.1, bad(o))],
    ["fit the graphical lasso", (o) => graphicalLassoCV(X, bad(o))],
    ["fit HDBSCAN", (o) => hdbscan(X, bad(o))],
    ["fit k-means", (o) => kmeans(X, bad(o))],
    ["run k-means++", (o) => kmeansPlusPlus(X, 2, new RandomState(0), bad(o))],
    ["fit logistic regression", (o) => logisticRegression(X, [0, 0, 1, 1, 0, 1], bad(o))],
    ["fit mean shift", (o) => meanShift(X, bad(o))],
    ["fit mini-batch k-means", (o) => miniBatchKMeans(X, bad(o))],
    ["partially fit mini-batch k-means", (o) => new MiniBatchKMeans(bad(o))],
    ["fit the scaler", (o) => minMaxScaler(X, bad(o))],
    ["fit OPTICS", (o) => optics(X, bad(o))],
    ["fit PCA", (o) => pca(X, bad(o))],
    ["compute a randomized SVD", (o) => randomizedSvd(X, 1, bad(o))],
    ["compute the silhouette", (o) => silhouetteScore(X, [0, 0, 1, 1, 2, 2], bad(o))],
    ["fit spectral clustering", (o) => spectralClustering(X, bad(o))],
    [
      "fit spectral clustering",
      (o) => spectralClusteringAffinity(fromRows([[1, 1], [1, 1]]), bad(o)),
    ],
    ["fit t-SNE", (o) => tsne(X, bad(o))],
    ["fit UMAP", (o) => umap(X, bad(o))],
    ["make blobs", (o) => makeBlobs(bad(o))],
    ["make circles", (o) => makeCircles(bad(o))],
    ["make moons", (o) => makeMoons(bad(o))],
    ["make a curve", (o) => makeCurve("spiral", bad(o))],
    ["fit the quantizer", (o) => fitQuantizer(new Uint8Array([1, 2, 3]), 2, bad(o))],
    ["find neighbours", (o) => kneighbors(X, 2, bad(o))],
    ["build the k-NN graph", (o) => kneighborsGraph(X, 2, bad(o))],
    ["find eigenpairs", (o) => eigshSmallest((v, out) => out.set(v), 4, 1, bad(o))],
    ["minimise with L-BFGS", (o) => lbfgs(() => 0, new Float64Array(1), bad(o))],
    ["run k-means steps", (o) => kmeansSteps(X, S, bad(o)).next()],
    ["parse CSV", (o) => parseNumericCsv("1,2\n", bad(o))],
    ["read CSV chunks", (o) => new CsvChunker(bad(o))],
  ];
  for (const [action, call] of cases) {
    assert.throws(() => call({ whiten: true }), (e: Error) => {
      assert.equal(e.name, "TypeError", action);
      const head = `Cannot ${action} as whiten is not one of its options (they are `;
      assert.ok(e.message.startsWith(head), e.message);
      assert.match(e.message.slice(head.length), /^[A-Za-z0-9, ]+\): whiten=true$/);
      return true;
    });
  }
  // scikit-learn's spelling and a wrong case name the option meant.
  assert.throws(() => kmeans(X, bad({ n_clusters: 2 })), {
    name: "TypeError",
    message:
      "Cannot fit k-means as n_clusters is not one of its options (did you mean nClusters?): n_clusters=2",
  });
  assert.throws(() => pca(X, bad({ ncomponents: 1 })), /did you mean nComponents\?/);
  assert.throws(() => umap(X, bad({ "min-dist": 0 })), /did you mean minDist\?/);
  assert.throws(() => dbscan(X, bad(null)), {
    name: "TypeError",
    message: "Cannot fit DBSCAN as its options must be an object: options=null",
  });
  // The options they have pass, undefined values included.
  assert.equal(kmeans(X, { nClusters: 2, randomState: undefined, nInit: 1 }).labels.length, 6);
});
