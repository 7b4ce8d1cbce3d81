/**
 * # Evaluating clustering with the silhouette score
 *
 * Fits k-means (k-means++, 10 restarts) for k = 2..9 and scores each
 * labelling by the mean silhouette s(i) = (b − a) / max(a, b), where a is the
 * mean distance of a point to its own cluster and b to the nearest other one.
 * The k with the highest score is the best-separated clustering.
 *
 * Data: `data/data_perf.txt` (250 points, x,y per line).
 * Reference: k = 2: 0.5290397175472954, 4: 0.5832757517829593,
 * 5: 0.6582796909760834 (global optima); best k = 5.
 *
 * Run:
 *   deno run --cached-only --allow-read=data,out --allow-write=out recipes/silhouette.ts
 *
 * @module
 */
import {
  type CliArgs,
  finishRecipe,
  type FlagsOf,
  parseCli,
  type RecipeCli,
  type RecipeOutput,
  runMain,
  UsageError,
} from "../core/cli.ts";
import type { Matrix } from "../core/matrix.ts";
import { KMEANS_FLAGS } from "../core/cli_flags.ts";
import { loadPoints2D } from "../core/io/points.ts";
import { kmeans } from "../core/cluster/kmeans.ts";
import { silhouetteScore } from "../core/metrics/silhouette.ts";
import { RandomState } from "../core/random.ts";
import { pointsLayer } from "../core/plot/layers.ts";
import { barChart, layeredFigure } from "../core/plot/charts.ts";

export const CLI = {
  name: "silhouette",
  summary: "Silhouette score of k-means for a range of k, to pick the number of clusters.",
  command: "deno run --cached-only --allow-read=data,out --allow-write=out recipes/silhouette.ts",
  defaultInput: "data/data_perf.txt",
  flags: {
    "k-min": {
      type: "integer",
      value: "K",
      min: 2,
      max: 1000,
      default: 2,
      description: "Smallest k.",
    },
    "k-max": {
      type: "integer",
      value: "K",
      min: 2,
      max: 1000,
      default: 9,
      description: "Largest k (at least --k-min).",
    },
    "n-init": { ...KMEANS_FLAGS["n-init"], description: "k-means++ restarts per k." },
  },
} as const satisfies RecipeCli;

/** The command line, checked and typed up front (`undefined` after `--help`). */
export function options(argv: string[]) {
  const args = parseCli(CLI, argv);
  return args && settings(args);
}

/** The recipe's settings from its typed flags (the command line's or the site's form's). */
export function settings(args: CliArgs<FlagsOf<typeof CLI>>) {
  const { "k-min": kMin, "k-max": kMax, "n-init": nInit } = args.flags;
  if (kMax < kMin) {
    throw new UsageError(
      `Cannot run as --k-max must be an integer in [${kMin}, 1000]: --k-max=${kMax}`,
    );
  }
  return { args, kMin, kMax, nInit };
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
 * browser site both call it): the sweep, the report, the figures.
 */
export function compute(parsed: ReturnType<typeof settings>, X: Matrix): RecipeOutput {
  const { args, kMin, kMax, nInit } = parsed;
  if (kMax > X.rows - 1) {
    throw new RangeError(
      `Cannot score k = ${kMax} as the silhouette needs k <= n_samples - 1: k=${kMax}, n_samples=${X.rows}`,
    );
  }

  // Step 2. For each k: fit k-means, then the mean silhouette of its labels.
  // One generator for the whole sweep, seeded once.
  const rng = new RandomState(args.seed);
  const scores: { k: number; score: number; inertia: number }[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const model = kmeans(X, { nClusters: k, nInit, randomState: rng });
    scores.push({ k, score: silhouetteScore(X, model.labels), inertia: model.inertia });
  }
  const best = scores.reduce((a, b) => (b.score > a.score ? b : a));

  // Step 3. Report.
  const lines = [
    ...scores.map((s) => `Silhouette score for k = ${s.k}: ${s.score}`),
    `Best k = ${best.k}`,
  ];
  const json = { scores, bestK: best.k };
  if (!args.plot) return { lines, json, figures: [] };

  // Step 4. Plot the scores and the input data.
  return {
    lines,
    json,
    figures: [{
      name: "scores",
      spec: barChart({
        title: "Silhouette score vs number of clusters",
        description:
          `Mean silhouette of k-means labellings of ${args.inputFile}, k = ${kMin}..${kMax}`,
        categories: scores.map((s) => s.k),
        values: scores.map((s) => s.score),
        xTitle: "number of clusters k",
        yTitle: "silhouette score",
        highlight: scores.indexOf(best),
      }),
    }, {
      name: "input",
      spec: layeredFigure({
        title: "Input data",
        description: `${X.rows} points from ${args.inputFile}`,
        layers: [pointsLayer(X, { hollow: true, color: "black" })],
      }),
    }],
  };
}

if (import.meta.main) await runMain(CLI, main);
