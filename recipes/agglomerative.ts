/**
 * # Agglomerative clustering with connectivity
 *
 * Hierarchical clustering merges the two closest clusters until k are left.
 * With ward linkage the cost of a merge is the rise in within-cluster
 * variance, |A||B|/(|A|+|B|)·‖μ_A − μ_B‖², so on a spiral it cuts the arms
 * into spatial blobs. Restricting merges to clusters joined in the
 * 10-nearest-neighbour graph makes the clusters follow the arms instead.
 *
 * Data: 500 points on a noisy spiral, as the original (np.random.seed(2);
 * t = 2.5π(1 + 2·rand); x = t·cos t, y = t·sin t; + 0.5·randn), or `--shape
 * rose|hypotrochoid`, or `--input-file` (x,y lines).
 * Reference: scikit-learn 1.2 `AgglomerativeClustering(linkage="ward",
 * n_clusters=3)` with and without `kneighbors_graph(X, 10, include_self=False)`.
 *
 * Run:
 *   deno run --cached-only --allow-read=data,out --allow-write=out recipes/agglomerative.ts
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
} from "../core/cli.ts";
import { loadPoints2D } from "../core/io/points.ts";
import { CURVES, makeCurve } from "../core/datasets/curves.ts";
import type { Matrix } from "../core/matrix.ts";
import { agglomerative, type Linkage, LINKAGES } from "../core/cluster/agglomerative.ts";
import { kneighborsGraph } from "../core/neighbors/graph.ts";
import { pointsLayer } from "../core/plot/layers.ts";
import { layeredFigure, sideBySide } from "../core/plot/charts.ts";
import { dendrogram } from "../core/plot/dendrogram.ts";

export const CLI = {
  name: "agglomerative",
  summary: "Hierarchical clustering of a spiral, without and with a k-NN connectivity graph.",
  command:
    "deno run --cached-only --allow-read=data,out --allow-write=out recipes/agglomerative.ts",
  defaultSeed: 2,
  flags: {
    "input-file": {
      type: "path",
      value: "FILE",
      description: "x,y points to cluster instead of a generated curve.",
    },
    "shape": {
      type: "choice",
      value: "NAME",
      choices: CURVES,
      default: "spiral",
      description: "Generated curve.",
    },
    "linkage": {
      type: "choice",
      value: "NAME",
      choices: [...LINKAGES, "all"],
      default: "ward",
      description: "Linkage (all: each in turn).",
    },
    "clusters": {
      type: "integer",
      value: "K",
      min: 1,
      max: 1e6,
      default: 3,
      description: "Number of clusters.",
    },
    "neighbors": {
      type: "integer",
      value: "K",
      min: 1,
      max: 1e6,
      default: 10,
      description: "Neighbours per sample in the connectivity graph.",
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
  const { shape, linkage: which, clusters: k, neighbors, "input-file": file } = args.flags;
  return { args, shape, which, k, neighbors, file };
}

export async function main(argv: string[]): Promise<void> {
  const parsed = options(argv);
  if (!parsed) return;
  const { args, file } = parsed;
  // Step 1. The data: a generated curve (seeded like the original) or a file.
  await finishRecipe(CLI.name, args, compute(parsed, file ? await loadPoints2D(file) : undefined));
}

/**
 * Steps 2–5, runtime-neutral (the command line and the browser site both
 * call it): the graph, the clusterings, the report, the figures. Without
 * points, the generated curve.
 */
export function compute(parsed: ReturnType<typeof settings>, points?: Matrix): RecipeOutput {
  const { args, shape, which, k, neighbors, file } = parsed;
  const X = points ?? makeCurve(shape, { seed: args.seed });
  const source = file ?? `${shape} (seed ${args.seed})`;
  if (neighbors >= X.rows) {
    throw new RangeError(
      `Cannot build the connectivity as --neighbors must be < n_samples=${X.rows}: --neighbors=${neighbors}`,
    );
  }

  // Step 2. The connectivity: each sample's `neighbors` nearest others.
  const graph = kneighborsGraph(X, neighbors, { includeSelf: false });

  // Step 3. Cluster with and without it, for each linkage asked for.
  const linkages: Linkage[] = which === "all" ? [...LINKAGES] : [which];
  const cases = linkages.flatMap((linkage) =>
    [false, true].map((connected) => {
      const r = agglomerative(X, {
        nClusters: k,
        linkage,
        connectivity: connected ? graph : undefined,
      });
      return { linkage, connectivity: connected, result: r };
    })
  );

  // Step 4. Report cluster sizes.
  const lines = [`Data: ${X.rows} points from ${source}; ${k} clusters.`];
  const warnings: string[] = [];
  for (const c of cases) {
    const sizes = new Array(k).fill(0);
    for (const l of c.result.labels) sizes[l]++;
    lines.push(
      `${c.linkage} linkage, ${
        c.connectivity ? `${neighbors}-NN connectivity` : "no connectivity"
      }: cluster sizes ${sizes.join(", ")}`,
    );
    if (c.result.nComponents > 1) {
      warnings.push(
        `the ${neighbors}-NN graph has ${c.result.nComponents} components; completed with an edge between the closest samples of each pair`,
      );
    }
  }
  const json = {
    cases: cases.map((c) => ({
      linkage: c.linkage,
      connectivity: c.connectivity,
      labels: Array.from(c.result.labels),
    })),
  };
  if (!args.plot) return { lines, json, figures: [], warnings };
  // Step 5. One scatter per case (a marker per cluster), and each tree's dendrogram.
  const figures: RecipeOutput["figures"] = [];
  for (const linkage of linkages) {
    const pair = cases.filter((c) => c.linkage === linkage);
    figures.push({
      name: linkage,
      spec: sideBySide(
        `${linkage} linkage, ${k} clusters: without and with connectivity`,
        `Agglomerative clustering of ${source}; right: merges restricted to the ${neighbors}-NN graph`,
        pair.map((c) =>
          layeredFigure({
            title: c.connectivity ? `${neighbors}-NN connectivity` : "No connectivity",
            description: `${linkage} linkage ${c.connectivity ? "with" : "without"} connectivity`,
            layers: [pointsLayer(X, { labels: c.result.labels, size: 30 })],
            width: 380,
            height: 380,
          })
        ),
      ),
    });
    for (const c of pair) {
      figures.push({
        name: `${linkage}_${c.connectivity ? "connected" : "free"}_dendrogram`,
        spec: dendrogram({
          title: `Dendrogram: ${linkage} linkage, ${
            c.connectivity ? `${neighbors}-NN connectivity` : "no connectivity"
          } (last 30 merges)`,
          description: `Merge tree of ${source}; leaves are clusters, labelled by size`,
          nLeaves: X.rows,
          children: c.result.children,
          distances: c.result.distances,
          cutClusters: k,
        }),
      });
    }
  }
  return { lines, json, figures, warnings };
}

if (import.meta.main) await runMain(CLI, main);
