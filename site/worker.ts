/**
 * The browser site's worker: runs a recipe's own `compute` on the shipped
 * data (or the user's file) with the form's flag values, off the page's
 * thread, and posts back the report, the JSON and the figures as SVG.
 *
 * Message in: `{ recipe, values, data?: { name, text } }` (values as the
 * command line's raw flag values). Out: `{ ok: true, lines, json, figures }`
 * or `{ ok: false, error }` (the command line's one-line message).
 *
 * @module
 */
import { flagsFromValues, type RecipeCli, type RecipeOutput } from "../core/cli_values.ts";
import { parsePoints2D } from "../core/io/points.ts";
import { renderSvg } from "../core/plot/render.ts";
import * as agglomerative from "../recipes/agglomerative.ts";
import * as compareClustering from "../recipes/compare_clustering.ts";
import * as customerSegmentation from "../recipes/customer_segmentation.ts";
import * as dbscan from "../recipes/dbscan.ts";
import * as kmeans from "../recipes/kmeans.ts";
import * as kmeansSteps from "../recipes/kmeans_steps.ts";
import * as silhouette from "../recipes/silhouette.ts";
import * as vectorQuantization from "../recipes/vector_quantization.ts";
import { siteInput } from "./site_data.ts";

/** A request from the page. */
export interface RunRequest {
  recipe: string;
  values: Record<string, string | boolean>;
  /** The user's file instead of the shipped data. */
  data?: { name: string; bytes: Uint8Array };
}

/**
 * A recipe the site runs live: its table, settings and computation on 2-D
 * points (its shipped file's, the user's, or — without a shipped file — its
 * own generated data).
 */
interface PointsRecipe<S> {
  CLI: RecipeCli;
  settings(args: never): S;
  compute(
    settings: S,
    data: never,
    progress?: (done: number, total: number) => void,
  ): RecipeOutput;
  /** The recipe's data from a file's bytes; 2-D points (`parsePoints2D`) when absent. */
  parseInput?(bytes: Uint8Array, source: string): unknown;
}

/** The recipes the site runs live. */
const RECIPES: Record<string, PointsRecipe<unknown>> = {
  kmeans: kmeans as PointsRecipe<unknown>,
  agglomerative: agglomerative as PointsRecipe<unknown>,
  silhouette: silhouette as PointsRecipe<unknown>,
  dbscan: dbscan as PointsRecipe<unknown>,
  kmeans_steps: kmeansSteps as PointsRecipe<unknown>,
  customer_segmentation: customerSegmentation as PointsRecipe<unknown>,
  compare_clustering: compareClustering as PointsRecipe<unknown>,
  vector_quantization: vectorQuantization as PointsRecipe<unknown>,
};

async function handle(req: RunRequest) {
  const recipe = RECIPES[req.recipe];
  if (!recipe) throw new RangeError(`Cannot run as the site has no recipe ${req.recipe}`);
  // The data: the user's file, else the shipped one, else the recipe generates its own.
  let source = siteInput(req.recipe, recipe.CLI.defaultInput);
  let bytes: Uint8Array | undefined;
  if (req.data) {
    source = req.data.name;
    bytes = req.data.bytes;
  } else if (source !== undefined) {
    const r = await fetch(new URL(`./${source}`, self.location.href));
    if (!r.ok) throw new Error(`Cannot read ${source} as the server answered ${r.status}`);
    bytes = new Uint8Array(await r.arrayBuffer());
  }
  const values = source === undefined ? req.values : { ...req.values, "input-file": source };
  const args = flagsFromValues(recipe.CLI, values);
  const data = bytes === undefined
    ? undefined
    : recipe.parseInput
    ? recipe.parseInput(bytes, source!)
    : parsePoints2D(new TextDecoder().decode(bytes), source);
  const out = recipe.compute(
    recipe.settings(args as never),
    data as never,
    (done, total) => self.postMessage({ progress: [done, total] }),
  );
  const figures = [];
  for (const f of out.figures) {
    figures.push({
      name: f.name,
      title: String(f.spec.title ?? f.name),
      svg: await renderSvg(f.spec),
    });
  }
  return {
    ok: true,
    lines: out.lines,
    json: out.json,
    figures,
    warnings: out.warnings ?? [],
    files: out.files ?? [],
  };
}

self.onmessage = async (e: MessageEvent<RunRequest>) => {
  try {
    self.postMessage(await handle(e.data));
  } catch (err) {
    self.postMessage({ ok: false, error: (err as Error).message.split("\n")[0] });
  }
};
