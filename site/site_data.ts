/**
 * The shipped file each live recipe opens in the browser site when the
 * recipe has no default `--input-file` of its own (its `deno task` names
 * one instead).
 *
 * @example
 * ```ts
 * import { siteInput } from "./site_data.ts";
 * import assert from "node:assert/strict";
 * assert.equal(siteInput("vector_quantization", undefined), "data/flower_image.jpg");
 * assert.equal(siteInput("kmeans", "data/data_multivar.txt"), "data/data_multivar.txt");
 * assert.equal(siteInput("agglomerative", undefined), undefined);
 * ```
 * @module
 */

/** Files named by a recipe's `deno task` command rather than by its flag table. */
export const SITE_DATA: Readonly<Record<string, string>> = {
  vector_quantization: "data/flower_image.jpg",
};

/** The file a recipe's page opens: its default input, else the site's choice, else none. */
export function siteInput(recipe: string, defaultInput: string | undefined): string | undefined {
  return defaultInput ?? SITE_DATA[recipe];
}
