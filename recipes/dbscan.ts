/**
 * # DBSCAN: estimating the number of clusters
 *
 * DBSCAN needs no k: a core sample has at least `min_samples` samples within
 * distance ε (itself included); clusters grow from core samples through their
 * ε-neighbours; samples no cluster reaches are noise. This recipe sweeps ε,
 * scores each labelling by its silhouette (noise counted as one more group,
 * as the original did), keeps the best ε, and reports the clusters it finds.
 *
 * eps is hard to choose, and the book says so. `--algorithm hdbscan` answers
 * it: HDBSCAN (Campello, Moulavi & Sander 2013; scikit-learn 1.3+) runs
 * DBSCAN at every eps at once, keeps the clusters that persist longest, and
 * needs only a minimum cluster size. `--algorithm optics` orders the samples
 * so that every eps's DBSCAN clustering can be read off one reachability
 * plot, and extracts clusters from its steep valleys (ξ). Both report how
 * their clustering compares with the best-eps DBSCAN of the sweep (ARI).
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
import {
  type CliArgs,
  finishRecipe,
  type FlagsOf,
  fmt,
  parseCli,
  pyFloat,
  type RecipeCli,
  type RecipeOutput,
  runMain,
  UsageError,
} from "../core/cli.ts";
import { loadPoints2D } from "../core/io/points.ts";
import { dbscan, type DbscanResult } from "../core/cluster/dbscan.ts";
import { hdbscan } from "../core/cluster/hdbscan.ts";
import { optics } from "../core/cluster/optics.ts";
import { adjustedRandScore } from "../core/metrics/clustering.ts";
import { pointsLayer } from "../core/plot/layers.ts";
import { reachabilityChart } from "../core/plot/reachability.ts";
import type { Matrix } from "../core/matrix.ts";
import { silhouetteScore } from "../core/metrics/silhouette.ts";
import { linspace } from "../core/matrix.ts";
import { densityLayer } from "../core/plot/layers.ts";
import { barChart, layeredFigure } from "../core/plot/charts.ts";

export const CLI = {
  name: "dbscan",
  summary:
    "DBSCAN over a sweep of eps, choosing eps by silhouette score; or HDBSCAN or OPTICS, which need no eps.",
  command: "deno run --cached-only --allow-read=data,out --allow-write=out recipes/dbscan.ts",
  defaultInput: "data/data_perf.txt",
  flags: {
    "algorithm": {
      type: "choice",
      value: "NAME",
      choices: ["dbscan", "hdbscan", "optics"],
      default: "dbscan",
      description:
        "dbscan: the book's eps sweep; hdbscan or optics: no eps, compared with the sweep's best DBSCAN.",
    },
    "min-cluster-size": {
      type: "integer",
      value: "N",
      min: 2,
      max: 1e9,
      description: "HDBSCAN's and OPTICS's smallest cluster.",
      defaultHelp: "5 for HDBSCAN, --min-samples for OPTICS",
    },
    "xi": {
      type: "number",
      min: 0,
      max: 1,
      exclusiveMax: true,
      description: "OPTICS's steepness (relative drop in reachability) that bounds a cluster.",
      defaultHelp: "0.05",
    },
    "eps": {
      type: "number",
      value: "EPS",
      min: 0,
      exclusiveMin: true,
      description:
        "Run this one eps instead of the sweep (0.3, 0.4, …, 1.2); with optics, cut its reachability at eps (DBSCAN extraction).",
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
  return args && settings(args);
}

/** The recipe's settings from its typed flags (the command line's or the site's form's). */
export function settings(args: CliArgs<FlagsOf<typeof CLI>>) {
  const { eps, "min-samples": minSamples, algorithm, xi } = args.flags;
  const minClusterSize = args.flags["min-cluster-size"];
  if (algorithm === "dbscan" && minClusterSize !== undefined) {
    throw new UsageError(
      "Cannot run as --min-cluster-size is for --algorithm hdbscan or optics: --algorithm=dbscan",
    );
  }
  if (algorithm === "optics" && minSamples < 2) {
    throw new UsageError(
      `Cannot run as OPTICS needs --min-samples >= 2 (1 would mean all samples): --min-samples=${minSamples}`,
    );
  }
  if (algorithm !== "optics" && xi !== undefined) {
    throw new UsageError(`Cannot run as --xi is for --algorithm optics: --algorithm=${algorithm}`);
  }
  if (algorithm === "hdbscan" && eps !== undefined) {
    throw new UsageError(`Cannot run as HDBSCAN takes no eps: --eps=${eps}`);
  }
  if (algorithm === "optics" && eps !== undefined) {
    // (a cut at eps, as DBSCAN's: ξ and the smallest cluster play no part)
    const unused = xi !== undefined
      ? "--xi"
      : minClusterSize !== undefined
      ? "--min-cluster-size"
      : "";
    if (unused) {
      throw new UsageError(
        `Cannot run as OPTICS cut at --eps takes no ${unused}: --eps=${eps}, ${unused}=${
          xi ?? minClusterSize
        }`,
      );
    }
  }
  const grid = eps === undefined || algorithm === "optics" ? Array.from(EPS_GRID) : [eps];
  return { args, minSamples, grid, algorithm, xi: xi ?? 0.05, minClusterSize, cut: eps };
}

export async function main(argv: string[]): Promise<void> {
  const parsed = options(argv);
  if (!parsed) return;
  const { args } = parsed;
  // Step 1. Load the points.
  const X = await loadPoints2D(args.inputFile);
  await finishRecipe(CLI.name, args, compute(parsed, X));
}

/**
 * Steps 2–4 on loaded points, runtime-neutral (the command line and the
 * browser site both call it): the sweep (or HDBSCAN, OPTICS), the report,
 * the figures.
 */
export function compute(parsed: ReturnType<typeof settings>, X: Matrix): RecipeOutput {
  const { args, minSamples, grid, algorithm } = parsed;

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
  if (algorithm !== "dbscan") return withoutEps(parsed, X, sweep[best].eps, model);

  // Step 3. Report.
  const lines = [
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
  ];
  const json = {
    sweep,
    bestEps: sweep[best].eps,
    labels: Array.from(model.labels),
    coreSampleIndices: Array.from(model.coreSampleIndices),
  };
  if (!args.plot) return { lines, json, figures: [] };
  // Step 4. The sweep and the best clustering.
  return {
    lines,
    json,
    figures: [{
      name: "scores",
      spec: barChart({
        title: "Silhouette score vs epsilon",
        description:
          `Silhouette of DBSCAN labellings (min_samples ${minSamples}) of ${args.inputFile}`,
        categories: sweep.map((r) => fmt(r.eps)),
        values: sweep.map((r) => r.score ?? 0),
        xTitle: "epsilon",
        yTitle: "silhouette score",
        highlight: best,
      }),
    }, {
      name: "clusters",
      spec: layeredFigure({
        title: `DBSCAN, eps = ${fmt(sweep[best].eps)}: ${model.nClusters} clusters`,
        description:
          `Clusters of ${args.inputFile}: core samples large and hollow, border samples small, noise as black dots`,
        layers: [densityLayer(X, model.labels, model.coreSampleIndices)],
      }),
    }],
  };
}

/**
 * HDBSCAN or OPTICS on the same points: their clusters, and how they compare
 * with DBSCAN at the sweep's best eps.
 */
function withoutEps(
  parsed: ReturnType<typeof settings>,
  X: Matrix,
  bestEps: number,
  best: DbscanResult,
): RecipeOutput {
  const { args, minSamples, algorithm, xi, cut } = parsed;
  let labels: Int32Array;
  let extra: Record<string, unknown> = {};
  let what: string;
  let reach: ReturnType<typeof optics> | undefined;
  if (algorithm === "hdbscan") {
    const minClusterSize = parsed.minClusterSize ?? 5;
    const r = hdbscan(X, { minClusterSize, minSamples });
    labels = r.labels;
    extra = { probabilities: Array.from(r.probabilities) };
    what = `HDBSCAN (min_cluster_size ${minClusterSize}, min_samples ${minSamples})`;
  } else {
    reach = optics(X, {
      minSamples,
      xi,
      minClusterSize: parsed.minClusterSize ?? null,
      ...(cut === undefined ? {} : { clusterMethod: "dbscan" as const, eps: cut }),
    });
    labels = reach.labels;
    extra = {
      ordering: Array.from(reach.ordering),
      reachability: Array.from(reach.reachability, (r) => (Number.isFinite(r) ? r : null)),
    };
    what = `OPTICS (min_samples ${minSamples}, ${
      cut === undefined ? `xi ${xi}` : `DBSCAN cut at eps ${cut}`
    })`;
  }
  const found = new Set(labels);
  const nClusters = found.size - (found.has(-1) ? 1 : 0);
  const nNoise = labels.filter((l) => l === -1).length;
  const groups = nClusters + (nNoise > 0 ? 1 : 0);
  const score = groups >= 2 && groups <= X.rows - 1 ? silhouetteScore(X, labels) : null;
  const ari = adjustedRandScore(best.labels, labels);
  const lines = [
    `${what}: ${nClusters} clusters, ${nNoise} noise`,
    `Silhouette score (noise as one group): ${score === null ? "undefined" : score.toFixed(4)}`,
    `DBSCAN at the sweep's best eps ${
      pyFloat(bestEps, 10)
    }: ${best.nClusters} clusters, ${best.nNoise} noise`,
    `Agreement with that DBSCAN (adjusted Rand index): ${ari.toFixed(4)}`,
  ];
  const json = {
    algorithm,
    labels: Array.from(labels),
    nClusters,
    nNoise,
    score,
    dbscanBestEps: bestEps,
    ariVsDbscan: ari,
    ...extra,
  };
  if (!args.plot) return { lines, json, figures: [] };
  const figures: RecipeOutput["figures"] = [{
    name: algorithm,
    spec: layeredFigure({
      title: `${
        algorithm === "hdbscan" ? "HDBSCAN" : "OPTICS"
      }: ${nClusters} clusters, no eps chosen`,
      description: `${what} clusters of ${args.inputFile}; noise in black`,
      layers: [pointsLayer(X, { labels, hollow: true })],
    }),
  }];
  if (reach) {
    figures.push({
      name: "reachability",
      spec: reachabilityChart({
        title: "OPTICS reachability plot: valleys are clusters",
        description: `Reachability of ${args.inputFile} in OPTICS's cluster ordering (${what})`,
        ordering: reach.ordering,
        reachability: reach.reachability,
        labels,
        cut,
      }),
    });
  }
  return { lines, json, figures };
}

if (import.meta.main) await runMain(CLI, main);
