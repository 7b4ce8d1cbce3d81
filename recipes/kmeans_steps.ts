/**
 * # k-means step by step
 *
 * Shows Lloyd's algorithm at work on three Gaussian blobs: start from k
 * random centres inside the data's bounding box, then repeat
 *   1. assign: c(i) = argmin_j ‖xᵢ − μⱼ‖²
 *   2. update: μⱼ = mean{xᵢ : c(i) = j}
 * drawing one panel per iteration, with arrows from each centre's old
 * position to its new one.
 *
 * Data: `make_blobs(random_state=6)` (100 points, 3 centres), regenerated
 * exactly with the NumPy-compatible generator; or `--input-file` (x,y lines).
 *
 * Run:
 *   deno run --cached-only --allow-read=data,out --allow-write=out recipes/kmeans_steps.ts
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
import { loadPoints2D } from "../core/io/points.ts";
import { makeBlobs } from "../core/datasets/make_blobs.ts";
import { kmeansSteps } from "../core/cluster/kmeans.ts";
import { columnExtent, type Matrix, matrix, toRows } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";
import { arrowsLayer, centroidsLayer, pointsLayer } from "../core/plot/layers.ts";
import { layeredFigure, sideBySide } from "../core/plot/charts.ts";

export const CLI = {
  name: "kmeans_steps",
  summary: "k-means (Lloyd) iteration by iteration on make_blobs data, one panel per step.",
  command: "deno run --cached-only --allow-read=data,out --allow-write=out recipes/kmeans_steps.ts",
  // Seed 2 starts from three centres that all move visibly (seed 0 empties one).
  defaultSeed: 2,
  flags: {
    "input-file": {
      type: "path",
      value: "FILE",
      description: "x,y points to use instead of make_blobs(random_state=6).",
    },
    "clusters": {
      type: "integer",
      value: "K",
      min: 1,
      max: 10,
      default: 3,
      description: "Number of centres.",
    },
    "iterations": {
      type: "integer",
      value: "N",
      min: 1,
      max: 50,
      default: 3,
      description: "Iterations to show.",
    },
  },
} as const satisfies RecipeCli;

/** The command line, checked and typed up front (`undefined` after `--help`). */
export function options(argv: string[]) {
  const args = parseCli(CLI, argv);
  return args && settings(args);
}

/** The recipe's settings from its typed flags (the command line's or the site's form's). */
export function settings(args: CliArgs<FlagsOf<typeof CLI>>) {
  const { clusters: k, iterations, "input-file": file } = args.flags;
  return { args, k, iterations, file };
}

export async function main(argv: string[]): Promise<void> {
  const parsed = options(argv);
  if (!parsed) return;
  const { args, file } = parsed;
  // Step 1. The data: three blobs, exactly as make_blobs(random_state=6), or a file.
  await finishRecipe(CLI.name, args, compute(parsed, file ? await loadPoints2D(file) : undefined));
}

/**
 * Steps 2–5, runtime-neutral (the command line and the browser site both
 * call it): the iterations, the report, the figure. Without points, the
 * original's blobs.
 */
export function compute(parsed: ReturnType<typeof settings>, points?: Matrix): RecipeOutput {
  const { args, k, iterations } = parsed;
  const X = points ?? makeBlobs({ randomState: 6 }).X;
  if (X.rows < k) {
    throw new RangeError(`Cannot run k-means as n_samples=${X.rows} should be >= n_clusters=${k}`);
  }

  // Step 2. k random initial centres, uniform inside the bounding box.
  const rng = new RandomState(args.seed);
  const { min, max } = columnExtent(X);
  const init = matrix(k, 2);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < 2; j++) {
      init.data[2 * c + j] = min[j] + (max[j] - min[j]) * rng.nextDouble();
    }
  }

  // Step 3. Iterate assign/update, keeping every step.
  const steps = [...kmeansSteps(X, init, { maxIter: iterations })];

  // Step 4. Report how the centres moved.
  const lines = [
    `Initial centres: ${toRows(init).map(([x, y]) => `(${fmt(x, 4)}, ${fmt(y, 4)})`).join(" ")}`,
  ];
  for (const s of steps) {
    lines.push(
      `Iteration ${s.iteration}: inertia ${fmt(s.inertia, 6)}, centres ${
        toRows(s.centers).map(([x, y]) => `(${fmt(x, 4)}, ${fmt(y, 4)})`).join(" ")
      }, total squared shift ${fmt(s.centerShift, 4)}`,
    );
  }
  if (steps.length < iterations) lines.push(`Converged after ${steps.length} iterations.`);
  const json = {
    init: toRows(init),
    steps: steps.map((s) => ({ centers: toRows(s.centers), labels: Array.from(s.labels) })),
  };
  if (!args.plot) return { lines, json, figures: [] };
  // Step 5. One panel per iteration: points coloured by their assignment,
  // old centres (large, grey) and arrows to the updated centres (black).
  const panels = steps.map((s) =>
    layeredFigure({
      title: `Iteration ${s.iteration}`,
      description: `Assignment to the centres of iteration ${s.iteration} and the centre update`,
      layers: [
        pointsLayer(X, { labels: s.labels, size: 30 }),
        centroidsLayer(s.centersBefore, { color: "#999999", size: 260 }),
        arrowsLayer(s.centersBefore, s.centers),
        centroidsLayer(s.centers, { size: 200 }),
      ],
      width: 300,
      height: 300,
    })
  );
  return {
    lines,
    json,
    figures: [{
      name: "steps",
      spec: sideBySide(
        "k-means step by step: assign, then move each centre to its cluster's mean",
        `${steps.length} Lloyd iterations from ${k} random centres`,
        panels,
      ),
    }],
  };
}

if (import.meta.main) await runMain(CLI, main);
