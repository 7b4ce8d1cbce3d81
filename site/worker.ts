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
import type { Matrix } from "../core/matrix.ts";
import { parsePoints2D } from "../core/io/points.ts";
import { renderSvg } from "../core/plot/render.ts";
import * as dbscan from "../recipes/dbscan.ts";
import * as kmeans from "../recipes/kmeans.ts";
import * as silhouette from "../recipes/silhouette.ts";

/** A request from the page. */
export interface RunRequest {
  recipe: string;
  values: Record<string, string | boolean>;
  /** The user's file instead of the shipped data. */
  data?: { name: string; text: string };
}

/** A recipe of 2-D points the site runs live: its table, settings and computation. */
interface PointsRecipe<S> {
  CLI: RecipeCli;
  settings(args: never): S;
  compute(settings: S, X: Matrix): RecipeOutput;
}

/** The recipes the site runs live. */
const RECIPES: Record<string, PointsRecipe<unknown>> = {
  kmeans: kmeans as PointsRecipe<unknown>,
  silhouette: silhouette as PointsRecipe<unknown>,
  dbscan: dbscan as PointsRecipe<unknown>,
};

/** One run: the form's values through the recipe's own table, settings and compute. */
function runRecipe(
  r: PointsRecipe<unknown>,
  values: Record<string, string | boolean>,
  text: string,
  source: string,
): RecipeOutput {
  const args = flagsFromValues(r.CLI, { ...values, "input-file": source });
  return r.compute(r.settings(args as never), parsePoints2D(text, source));
}

async function handle(req: RunRequest) {
  const recipe = RECIPES[req.recipe];
  if (!recipe) throw new RangeError(`Cannot run as the site has no recipe ${req.recipe}`);
  let source: string = recipe.CLI.defaultInput ?? "";
  let text: string;
  if (req.data) {
    source = req.data.name;
    text = req.data.text;
  } else {
    const r = await fetch(new URL(`./${source}`, self.location.href));
    if (!r.ok) throw new Error(`Cannot read ${source} as the server answered ${r.status}`);
    text = await r.text();
  }
  const out = runRecipe(recipe, req.values, text, source);
  const figures = [];
  for (const f of out.figures) {
    figures.push({
      name: f.name,
      title: String(f.spec.title ?? f.name),
      svg: await renderSvg(f.spec),
    });
  }
  return { ok: true, lines: out.lines, json: out.json, figures };
}

self.onmessage = async (e: MessageEvent<RunRequest>) => {
  try {
    self.postMessage(await handle(e.data));
  } catch (err) {
    self.postMessage({ ok: false, error: (err as Error).message.split("\n")[0] });
  }
};
