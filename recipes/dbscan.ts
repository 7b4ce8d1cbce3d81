/**
 * # DBSCAN: estimating the number of clusters
 *
 * DBSCAN needs no k: a core sample has at least `min_samples` samples within
 * distance ε (itself included); clusters grow from core samples through their
 * ε-neighbours; samples no cluster reaches are noise. This recipe sweeps ε,
 * scores each labelling by its silhouette (noise counted as one more group,
 * as the original did), keeps the best ε, and reports the clusters it finds.
 *
 * Data: `data/data_perf.txt` (x,y per line), or `--input-file`.
 * Reference (scikit-learn 1.2): silhouette 0.3 → 0.1287, 0.4 → 0.3594,
 * 0.5 → 0.5134, 0.6 → 0.6165, 0.7 → 0.6322, 0.8 → 0.6366, 0.9 → 0.5142,
 * 1.0 → 0.5629, 1.1 → 0.5629, 1.2 → 0.5629; best ε 0.8; 5 clusters.
 *
 * Run:
 *   deno run --cached-only --allow-read=data,out --allow-write=out recipes/dbscan.ts
 *
 * @module
 */
import { emit, fmt, parseCli, pyFloat, type RecipeCli, runMain } from "../core/cli.ts";
import { loadPoints2D } from "../core/io/points.ts";
import { dbscan, type DbscanResult } from "../core/cluster/dbscan.ts";
import { silhouetteScore } from "../core/metrics/silhouette.ts";
import { linspace } from "../core/matrix.ts";
import { densityLayer } from "../core/plot/layers.ts";
import { barChart, layeredFigure } from "../core/plot/charts.ts";
import { savePlot } from "../core/plot/render.ts";

export const CLI = {
  name: "dbscan",
  summary: "DBSCAN over a sweep of eps, choosing eps by silhouette score.",
  command: "deno run --cached-only --allow-read=data,out --allow-write=out recipes/dbscan.ts",
  defaultInput: "data/data_perf.txt",
  flags: {
    "eps": {
      type: "number",
      value: "EPS",
      min: 0,
      exclusiveMin: true,
      description: "Run this one eps instead of the sweep (0.3, 0.4, …, 1.2).",
    },
    "min-samples": {
      type: "integer",
      value: "N",
      min: 1,
      max: 1e9,
      default: 5,
      description: "Samples within eps (itself included) that make a core sample.",
    },
  },
} as const satisfies RecipeCli;

/** The original's sweep: np.linspace(0.3, 1.2, num=10). */
const EPS_GRID = linspace(0.3, 1.2, 10);

/** One point of the sweep. */
interface SweepRow {
  eps: number;
  score: number | null;
  clusters: number;
  noise: number;
}

/** The command line, checked and typed up front (`undefined` after `--help`). */
export function options(argv: string[]) {
  const args = parseCli(CLI, argv);
  if (!args) return undefined;
  const { eps, "min-samples": minSamples } = args.flags;
  return { args, minSamples, grid: eps === undefined ? Array.from(EPS_GRID) : [eps] };
}

export async function main(argv: string[]): Promise<void> {
  const parsed = options(argv);
  if (!parsed) return;
  const { args, minSamples, grid } = parsed;

  // Step 1. Load the points.
  const X = await loadPoints2D(args.inputFile);

  // Step 2. Cluster at each ε; score by silhouette with noise as one more group.
  // (The silhouette needs 2 ≤ groups ≤ n − 1; otherwise it is undefined.)
  const sweep: SweepRow[] = [];
  const models: DbscanResult[] = [];
  for (const eps of grid) {
    const model = dbscan(X, { eps, minSamples });
    const groups = model.nClusters + (model.nNoise > 0 ? 1 : 0);
    const score = groups >= 2 && groups <= X.rows - 1 ? silhouetteScore(X, model.labels) : null;
    sweep.push({ eps, score, clusters: model.nClusters, noise: model.nNoise });
    models.push(model);
  }
  // The best ε has the highest score rounded to 4 places (the first on ties), as the original.
  const round4 = (s: number | null) => (s === null ? -Infinity : Math.round(s * 1e4) / 1e4);
  let best = 0;
  sweep.forEach((r, i) => {
    if (round4(r.score) > round4(sweep[best].score)) best = i;
  });
  const model = models[best];

  // Step 3. Report.
  emit(args, [
    ...sweep.map((r) =>
      `Epsilon: ${pyFloat(r.eps, 10)} --> silhouette score: ${
        r.score === null ? "undefined (fewer than 2 groups)" : round4(r.score).toFixed(4)
      } (${r.clusters} clusters, ${r.noise} noise)`
    ),
    `Best epsilon = ${pyFloat(sweep[best].eps, 10)}`,
    `Estimated number of clusters = ${model.nClusters}`,
    `Core samples: ${model.coreSampleIndices.length}, border samples: ${
      X.rows - model.coreSampleIndices.length - model.nNoise
    }, noise: ${model.nNoise}`,
  ], {
    sweep,
    bestEps: sweep[best].eps,
    labels: Array.from(model.labels),
    coreSampleIndices: Array.from(model.coreSampleIndices),
  });

  if (!args.plot) return;
  // Step 4. The sweep and the best clustering.
  const written = [
    await savePlot(
      barChart({
        title: "Silhouette score vs epsilon",
        description:
          `Silhouette of DBSCAN labellings (min_samples ${minSamples}) of ${args.inputFile}`,
        categories: sweep.map((r) => fmt(r.eps)),
        values: sweep.map((r) => r.score ?? 0),
        xTitle: "epsilon",
        yTitle: "silhouette score",
        highlight: best,
      }),
      `${args.out}/scores`,
    ),
    await savePlot(
      layeredFigure({
        title: `DBSCAN, eps = ${fmt(sweep[best].eps)}: ${model.nClusters} clusters`,
        description:
          `Clusters of ${args.inputFile}: core samples large and hollow, border samples small, noise as black dots`,
        layers: [densityLayer(X, model.labels, model.coreSampleIndices)],
      }),
      `${args.out}/clusters`,
    ),
  ];
  if (!args.json) console.log(`Plots: ${written.join(", ")}`);
}

if (import.meta.main) await runMain(CLI, main);
