/**
 * # k-means with decision boundaries
 *
 * Clusters 200 two-dimensional points into k = 4 groups with k-means
 * (k-means++ initialisation, 10 restarts), prints the centroids and the
 * inertia Σᵢ ‖xᵢ − μ_{c(i)}‖², and draws the decision regions: the label
 * k-means would predict at every point of a 0.01-step mesh.
 *
 * Data: `data/data_multivar.txt` (x,y per line).
 * Reference (scikit-learn 1.2): centroids (1.831, 1.9998),
 * (5.91196078, 2.04980392), (7.07326531, 5.61061224), (3.1428, 5.2616);
 * inertia 250.72168914445786.
 *
 * Run:
 *   deno run --cached-only --allow-read=data,out --allow-write=out recipes/kmeans.ts
 *
 * @module
 */
import {
  type CliArgs,
  finishRecipe,
  type FlagsOf,
  fmt,
  parseCli,
  type RecipeCli,
  type RecipeOutput,
  runMain,
} from "../core/cli.ts";
import { KMEANS_FLAGS } from "../core/cli_flags.ts";
import { loadPoints2D } from "../core/io/points.ts";
import { kmeans, predict } from "../core/cluster/kmeans.ts";
import { type Matrix, toRows } from "../core/matrix.ts";
import { centroidsLayer, pointsLayer } from "../core/plot/layers.ts";
import { layeredFigure } from "../core/plot/charts.ts";
import { meshLabels, paddedExtent, regionsLayer } from "../core/plot/regions.ts";

export const CLI = {
  name: "kmeans",
  summary: "k-means clustering of 2-D points, with the decision regions drawn as a raster.",
  command: "deno run --cached-only --allow-read=data,out --allow-write=out recipes/kmeans.ts",
  defaultInput: "data/data_multivar.txt",
  flags: {
    "clusters": {
      type: "integer",
      value: "K",
      min: 1,
      max: 1000,
      default: 4,
      description: "Number of clusters.",
    },
    ...KMEANS_FLAGS,
  },
} as const satisfies RecipeCli;

/** Mesh step of the decision-region raster, and the padding around the data. */
const MESH_STEP = 0.01;
const PAD = 1;
const SIZE = 480;

/** The command line, checked and typed up front (`undefined` after `--help`). */
export function options(argv: string[]) {
  const args = parseCli(CLI, argv);
  return args && settings(args);
}

/** The recipe's settings from its typed flags (the command line's or the site's form's). */
export function settings(args: CliArgs<FlagsOf<typeof CLI>>) {
  return { args, k: args.flags.clusters, nInit: args.flags["n-init"] };
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
 * browser site both call it): fit, report, figures.
 */
export function compute(parsed: ReturnType<typeof settings>, X: Matrix): RecipeOutput {
  const { args, k, nInit } = parsed;

  // Step 2. Fit k-means: minimise Σᵢ ‖xᵢ − μ_{c(i)}‖² from nInit k-means++ starts.
  const model = kmeans(X, { nClusters: k, nInit, init: "k-means++", randomState: args.seed });

  // Step 3. Report.
  const centers = toRows(model.centers);
  const lines = [
    `Centroids (k = ${k}, k-means++, n_init = ${nInit}):`,
    ...centers.map(([x, y]) => `  (${fmt(x)}, ${fmt(y)})`),
    `Inertia: ${model.inertia}`,
    ...(model.converged ? [] : [`Warning: did not converge in ${model.nIter} iterations`]),
  ];
  const json = { centers, labels: Array.from(model.labels), inertia: model.inertia };
  if (!args.plot) return { lines, json, figures: [] };

  // Step 4. Plot the input, then the regions predicted over a mesh covering
  // [min − 1, max + 1] with the points and centroids on top.
  const extent = paddedExtent(X, PAD);
  const xDomain: [number, number] = [extent.xMin, extent.xMax];
  const yDomain: [number, number] = [extent.yMin, extent.yMax];
  const grid = meshLabels((P) => predict(model.centers, P), extent, MESH_STEP);
  return {
    lines,
    json,
    figures: [
      {
        name: "input",
        spec: layeredFigure({
          title: "Input data",
          description: `${X.rows} points from ${args.inputFile}`,
          layers: [pointsLayer(X, { hollow: true, color: "black" })],
          xDomain,
          yDomain,
        }),
      },
      {
        name: "regions",
        spec: layeredFigure({
          title: `Boundaries of ${k} clusters (k-means)`,
          description:
            `Decision regions of k-means on a ${MESH_STEP}-step mesh, data and centroids`,
          layers: [
            regionsLayer(grid, SIZE, SIZE),
            pointsLayer(X, { hollow: true, color: "black" }),
            centroidsLayer(model.centers),
          ],
          xDomain: [grid.extent.xMin, grid.extent.xMax],
          yDomain: [grid.extent.yMin, grid.extent.yMax],
          width: SIZE,
          height: SIZE,
        }),
      },
    ],
  };
}

if (import.meta.main) await runMain(CLI, main);
