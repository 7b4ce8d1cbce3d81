/**
 * recipes/compare_clustering.ts against scikit-learn's example: the labels of
 * every cell (scikit-learn 1.9.1 for the deterministic estimators, 1.2.1 for
 * the seeded ones), the number of clusters of all 66, the figure.
 */
import assert from "node:assert/strict";
import { fixture, runJson, runTask } from "./_recipes.ts";
import { samePartition } from "./_golden.ts";
import { adjustedRandScore } from "../core/metrics/clustering.ts";

interface Cell {
  estimator: string;
  dataset: string;
  labels: number[];
  nClusters: number;
  seconds: number;
  ari: number | null;
}
interface RefCell {
  estimator: string;
  labels: number[];
  nClusters: number;
  /** HDBSCAN: the labels when scikit-learn sorts its spanning tree's edges stably. */
  labelsStableSort?: number[];
}
const read = (name: string) =>
  JSON.parse(Deno.readTextFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const current = read("sklearn_cluster_comparison.json");
const old = read("sklearn_cluster_comparison_1_2.json");
const SEEDED = new Set(["MiniBatchKMeans", "SpectralClustering", "GaussianMixture"]);

Deno.test("compare_clustering: 66 cells with scikit-learn's cluster counts and labels", async () => {
  const out = await runJson("compare_clustering") as { cells: Cell[] };
  assert.equal(out.cells.length, 66);
  const wrong: string[] = [];
  for (const [k, set] of current.sets.entries()) {
    for (const ref of set.cells as RefCell[]) {
      const cell = out.cells.find((c) => c.dataset === set.name && c.estimator === ref.estimator);
      const what = `${set.name} × ${ref.estimator}`;
      if (!cell) {
        wrong.push(`${what}: missing`);
        continue;
      }
      if (cell.nClusters !== ref.nClusters) {
        wrong.push(`${what}: ${cell.nClusters} clusters, scikit-learn ${ref.nClusters}`);
      }
      if (SEEDED.has(ref.estimator)) {
        // Seeded: scikit-learn 1.2.1's random-number order (1.3 changed k-means++'s first draw).
        const refOld = (old.sets[k].cells as RefCell[]).find((c) => c.estimator === ref.estimator)!;
        const ari = adjustedRandScore(cell.labels, refOld.labels);
        if (ari < 0.99) wrong.push(`${what}: ARI ${ari} against scikit-learn 1.2.1`);
      } else {
        // Same partition, and noise is noise in both. HDBSCAN: scikit-learn's np.argsort orders
        // tied spanning-tree edges arbitrarily (NumPy's AVX-512 sort); we equal its stable order.
        const expected = ref.labelsStableSort ?? ref.labels;
        const noiseAgrees = cell.labels.every((l, i) => (l === -1) === (expected[i] === -1));
        if (!samePartition(cell.labels, expected) || !noiseAgrees) {
          const ari = adjustedRandScore(cell.labels, expected);
          wrong.push(`${what}: labels differ (ARI ${ari.toFixed(4)})`);
        }
      }
      if ((set.y === null) !== (cell.ari === null)) wrong.push(`${what}: ARI against truth`);
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("compare_clustering: a parameter flag overrides every data set; the grid is drawn", async () => {
  const out = await runJson("compare_clustering", ["--only", "DBSCAN", "--eps", "0.25"]) as {
    cells: Cell[];
    params: Record<string, { eps: number }>;
  };
  assert.deepEqual(Object.values(out.params).map((p) => p.eps), Array(6).fill(0.25));
  assert.deepEqual(out.cells.map((c) => c.estimator), Array(6).fill("DBSCAN"));
  // The user's points as a seventh row: the perf data's 5 clusters (scikit-learn 1.9.1's HDBSCAN
  // labels exactly, with a stable edge sort; ARI 0.990 with its AVX-512 argsort's tie order).
  const own = await runJson("compare_clustering", [
    "--only",
    "HDBSCAN",
    "--input-file",
    "data/data_perf.txt",
  ]) as { cells: Cell[] };
  assert.deepEqual(own.cells.map((c) => c.dataset).at(-1), "data_perf.txt");
  assert.deepEqual([own.cells.at(-1)!.nClusters, own.cells.at(-1)!.ari], [5, null]);
  // An estimator that refuses a data set leaves its cell empty, with scikit-learn's one-line reason.
  const tiny = fixture("cc-five.txt", "0,0\n1,1\n5,5\n6,5\n9,0\n");
  const few = await runJson("compare_clustering", [
    "--only",
    "SpectralClustering,Ward",
    "--input-file",
    tiny,
  ]) as { cells: (Cell & { error?: string })[] };
  const failed = few.cells.filter((c) => c.error !== undefined);
  assert.deepEqual(failed.map((c) => [c.dataset, c.estimator, c.labels]), [
    ["cc-five.txt", "SpectralClustering", null],
  ]);
  assert.match(failed[0].error!, /n_neighbors=10 should be <= n_samples=5/);
  assert.equal(
    few.cells.find((c) => c.dataset === "cc-five.txt" && c.estimator === "Ward")!.nClusters,
    3,
  );
  const r = await runTask("compare_clustering", [
    "--only",
    "MeanShift,HDBSCAN",
    "--out",
    "out/test-compare-clustering",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const svg = Deno.readTextFileSync("out/test-compare-clustering/comparison.svg");
  assert.match(svg, /HDBSCAN/);
  assert.match(svg, /noisy_circles/);
  assert.match(svg, /fill="#000000"/); // HDBSCAN's noise
});
