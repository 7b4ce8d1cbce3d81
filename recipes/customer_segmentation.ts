/**
 * # Customer segmentation with mean shift
 *
 * Mean shift finds the modes of the data's density without being told how
 * many there are: every seed climbs to the mean of the customers within a
 * bandwidth h of it, m ← mean{xᵢ : ‖xᵢ − m‖ ≤ h}, until it stops moving;
 * the distinct end points are the segments. h is estimated from the data as
 * the mean distance of a customer to its ⌊0.8·n⌋-th nearest neighbour.
 *
 * Data: `data/wholesale.csv` (UCI "Wholesale customers"): a header, then
 * Channel, Region and six annual spending columns (Fresh, Milk, Grocery,
 * Frozen, Detergents_Paper, Delicassen) — the features are those six.
 * Reference (scikit-learn 1.2): bandwidth 25921.198908257655; 8 clusters; the
 * largest (428 customers) has centroid 9632 4671 6593 2570 2296 1248.
 *
 * Run:
 *   deno run --cached-only --allow-read=data,out --allow-write=out recipes/customer_segmentation.ts
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
import { loadWholesale, parseWholesale, type Spending } from "../core/datasets/wholesale.ts";
import { estimateBandwidth, meanShift } from "../core/cluster/mean_shift.ts";
import { matrix, toRows } from "../core/matrix.ts";
import { centroidsLayer, pointsLayer } from "../core/plot/layers.ts";
import { layeredFigure } from "../core/plot/charts.ts";

export const CLI = {
  name: "customer_segmentation",
  summary: "Segments wholesale customers by their spending with mean shift.",
  command:
    "deno run --cached-only --allow-read=data,out --allow-write=out recipes/customer_segmentation.ts",
  defaultInput: "data/wholesale.csv",
  flags: {
    "quantile": {
      type: "number",
      value: "Q",
      min: 0,
      exclusiveMin: true,
      max: 1,
      description: "Neighbour fraction for the bandwidth estimate.",
      defaultHelp: "0.8",
    },
    "bandwidth": {
      type: "number",
      value: "H",
      min: 0,
      exclusiveMin: true,
      description: "Use this bandwidth instead of estimating it.",
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
  const { quantile, bandwidth } = args.flags;
  if (quantile !== undefined && bandwidth !== undefined) {
    throw new UsageError("Cannot run as --quantile and --bandwidth exclude each other");
  }
  return { args, quantile: quantile ?? 0.8, fixedBandwidth: bandwidth };
}

/** The data from the file's bytes (the site hands them over; the command line reads the file). */
export function parseInput(bytes: Uint8Array, source: string): Spending {
  return parseWholesale(new TextDecoder().decode(bytes), source);
}

export async function main(argv: string[]): Promise<void> {
  const parsed = options(argv);
  if (!parsed) return;
  // Step 1. Load the spending columns (from the third on), with their names.
  await finishRecipe(
    CLI.name,
    parsed.args,
    compute(parsed, await loadWholesale(parsed.args.inputFile)),
  );
}

/**
 * Steps 2–5 on the loaded spending, runtime-neutral (the command line and the
 * browser site both call it): bandwidth, mean shift, report, figures.
 */
export function compute(parsed: ReturnType<typeof settings>, data: Spending): RecipeOutput {
  const { args, quantile, fixedBandwidth } = parsed;
  const { X, names } = data;
  const d = names.length;

  // Step 2. Bandwidth: mean distance to the ⌊quantile·n⌋-th nearest customer
  // (as estimate_bandwidth(X, quantile, n_samples=len(X))).
  const bandwidth = fixedBandwidth ??
    estimateBandwidth(X, { quantile, nSamples: X.rows, randomState: args.seed });

  // Step 3. Mean shift with bin seeding (one seed per occupied cell of side h).
  const model = meanShift(X, { bandwidth, binSeeding: true });
  const k = model.centers.rows;
  const sizes = new Array(k).fill(0);
  for (const l of model.labels) sizes[l]++;

  // Step 4. Report: centroids truncated to integers, as the original.
  const centers = toRows(model.centers);
  const lines = [
    `Bandwidth = ${bandwidth}`,
    `Number of clusters in input data = ${k}`,
    "Centroids of clusters:",
    [...names.map((n) => n.slice(0, 3)), "customers"].join("\t"),
    ...centers.map((c, i) => [...c.map((v) => String(Math.trunc(v))), String(sizes[i])].join("\t")),
  ];
  const json = { bandwidth, centers, labels: Array.from(model.labels) };
  if (!args.plot) return { lines, json, figures: [] };
  // Step 5. Centroids on the milk/grocery plane, axes padded by 20% of the range.
  const xCol = Math.max(names.indexOf("Milk"), 0);
  const yCol = names.indexOf("Grocery") >= 0 ? names.indexOf("Grocery") : Math.min(1, d - 1);
  const project = (M: { rows: number; cols: number; data: Float64Array }) => {
    const P = matrix(M.rows, 2);
    for (let i = 0; i < M.rows; i++) {
      P.data[2 * i] = M.data[i * M.cols + xCol];
      P.data[2 * i + 1] = M.data[i * M.cols + yCol];
    }
    return P;
  };
  const C = project(model.centers);
  const padded = (col: number): [number, number] => {
    let lo = Infinity, hi = -Infinity;
    for (let c = 0; c < C.rows; c++) {
      (lo = Math.min(lo, C.data[2 * c + col])), (hi = Math.max(hi, C.data[2 * c + col]));
    }
    const pad = 0.2 * (hi - lo || Math.abs(hi) || 1);
    return [lo - pad, hi + pad];
  };
  return {
    lines,
    json,
    figures: [{
      name: "centroids",
      spec: layeredFigure({
        title: `Mean shift: ${k} customer segments (centroids)`,
        description: `Centroids of the ${k} mean-shift clusters of ${args.inputFile} on the ${
          names[xCol]
        }/${names[yCol]} plane, bandwidth ${Math.round(bandwidth)}`,
        layers: [centroidsLayer(C, { size: 260 })],
        xTitle: names[xCol],
        yTitle: names[yCol],
        xDomain: padded(0),
        yDomain: padded(1),
      }),
    }, {
      name: "customers",
      spec: layeredFigure({
        title: `Customers by segment (${names[xCol]} vs ${names[yCol]})`,
        description: `All ${X.rows} customers of ${args.inputFile} coloured by mean-shift cluster`,
        layers: [
          pointsLayer(project(X), { labels: model.labels, size: 25, hollow: true }),
          centroidsLayer(C, { size: 200 }),
        ],
        xTitle: names[xCol],
        yTitle: names[yCol],
      }),
    }],
  };
}

if (import.meta.main) await runMain(CLI, main);
