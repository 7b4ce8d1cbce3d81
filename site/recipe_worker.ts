/**
 * The browser site's worker engine: runs one recipe's own `compute` on the
 * shipped data (or the user's file) with the form's flag values, off the
 * page's thread, and posts back the report, the JSON and the figures as SVG.
 * `scripts/site.ts` bundles one worker per recipe page, each an entry that
 * calls {@linkcode serveRecipe} with that recipe's module (so a page loads
 * only its recipe's code).
 *
 * Message in: `{ recipe, values, data?: { name, bytes } }` (values as the
 * command line's raw flag values). Out: `{ progress: [done, total] }` while
 * it runs, then `{ ok: true, lines, json, figures, warnings, files, cores }`
 * or `{ ok: false, error }` (the command line's one-line message).
 *
 * @module
 */
import { flagsFromValues, type RecipeCli, type RecipeOutput } from "../core/cli_values.ts";
import { parsePoints2D } from "../core/io/points.ts";
import { renderSvg } from "../core/plot/render.ts";
import { twoCores } from "../core/workers.ts";
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
 * own generated data), on several files, or on shipped data only (the
 * neural recipe's images).
 */
export interface PointsRecipe<S> {
  CLI: RecipeCli;
  settings(args: never): S;
  compute(
    settings: S,
    data: never,
    progress?: (done: number, total: number) => void,
  ): RecipeOutput | Promise<RecipeOutput & { net?: { dispose(): void } }>;
  /** The recipe's data from a file's bytes; 2-D points (`parsePoints2D`) when absent. */
  parseInput?(bytes: Uint8Array, source: string): unknown;
  /** Recipes of several files: each path flag and the extension that marks a dropped file as it. */
  INPUTS?: Readonly<Record<string, string>>;
  parseInputs?(files: Record<string, { name: string; bytes: Uint8Array }>): Promise<unknown>;
  /** Recipes on shipped data only (no file of the user's): the files, by role. */
  SITE_FILES?: Readonly<Record<string, string>>;
  parseSiteFiles?(files: Record<string, Uint8Array>): Promise<unknown>;
}

/** A shipped file's bytes, from the site folder. */
async function fetchBytes(path: string): Promise<Uint8Array> {
  const r = await fetch(new URL(`./${path}`, self.location.href));
  if (!r.ok) throw new Error(`Cannot read ${path} as the server answered ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/**
 * A several-file recipe's data: the shipped files its flags name, the user's
 * file in the place its extension says; the flags then name what was used.
 */
async function severalFiles(recipe: PointsRecipe<unknown>, req: RunRequest) {
  const inputs = recipe.INPUTS!;
  const values = { ...req.values };
  const defaults = flagsFromValues(recipe.CLI, values).flags as Record<string, unknown>;
  const files: Record<string, { name: string; bytes: Uint8Array }> = {};
  const dropped = req.data;
  if (dropped && !Object.values(inputs).some((e) => dropped.name.toLowerCase().endsWith(e))) {
    throw new RangeError(
      `Cannot use ${dropped.name} as this recipe takes ${Object.values(inputs).join(" or ")} files`,
    );
  }
  for (const [flag, ext] of Object.entries(inputs)) {
    if (dropped && dropped.name.toLowerCase().endsWith(ext)) {
      files[flag] = dropped;
      values[flag] = dropped.name;
    } else {
      const path = String(defaults[flag]);
      files[flag] = { name: path, bytes: await fetchBytes(path) };
    }
  }
  return { values, data: await recipe.parseInputs!(files) };
}

async function handle(recipe: PointsRecipe<unknown>, req: RunRequest) {
  // The data: the user's file, else the shipped one, else the recipe generates its own.
  let values: Record<string, string | boolean> = req.values;
  let data: unknown;
  if (recipe.SITE_FILES) {
    if (req.data) {
      throw new RangeError(`Cannot use ${req.data.name} as this recipe runs on its shipped data`);
    }
    const files: Record<string, Uint8Array> = {};
    for (const [role, path] of Object.entries(recipe.SITE_FILES)) {
      files[role] = await fetchBytes(path);
    }
    data = await recipe.parseSiteFiles!(files);
  } else if (recipe.INPUTS) {
    ({ values, data } = await severalFiles(recipe, req));
  } else {
    let source = siteInput(req.recipe, recipe.CLI.defaultInput);
    let bytes: Uint8Array | undefined;
    if (req.data) {
      source = req.data.name;
      bytes = req.data.bytes;
    } else if (source !== undefined) {
      bytes = await fetchBytes(source);
    }
    if (source !== undefined) values = { ...values, "input-file": source };
    data = bytes === undefined
      ? undefined
      : recipe.parseInput
      ? recipe.parseInput(bytes, source!)
      : parsePoints2D(new TextDecoder().decode(bytes), source);
  }
  const args = flagsFromValues(recipe.CLI, values);
  const out = await recipe.compute(
    recipe.settings(args as never),
    data as never,
    (done, total) => self.postMessage({ progress: [done, total] }),
  );
  // A neural recipe hands back its network, which the page does not keep.
  if ("net" in out) out.net?.dispose();
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
    // Two cores need shared memory, which a page has only when cross-origin isolated.
    cores: twoCores() ? 2 : 1,
  };
}

/**
 * Makes this worker run `recipe` (a recipe module: `CLI`, `settings`,
 * `compute`, and `parseInput` or `INPUTS`/`parseInputs` when its data is not
 * 2-D points) for every request.
 *
 * @example A worker entry (what `scripts/site.ts` writes for each page)
 * ```ts ignore
 * import { serveRecipe } from "../site/recipe_worker.ts";
 * import * as kmeans from "../recipes/kmeans.ts";
 * serveRecipe(kmeans);
 * ```
 */
export function serveRecipe(recipe: unknown): void {
  const r = recipe as PointsRecipe<unknown>;
  self.onmessage = async (e: MessageEvent<RunRequest>) => {
    try {
      if (e.data.recipe !== r.CLI.name) {
        throw new RangeError(`Cannot run ${e.data.recipe} as this worker runs ${r.CLI.name}`);
      }
      self.postMessage(await handle(r, e.data));
    } catch (err) {
      self.postMessage({ ok: false, error: (err as Error).message.split("\n")[0] });
    }
  };
}
