/**
 * Headless Vega-Lite → SVG rendering (vega's `renderer: "none"` and
 * `toSVG()`), and saving a figure as `.svg` plus its `.vl.json` spec.
 *
 * Permissions: `--allow-write` on the output folder when saving.
 *
 * @module
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { writeAtomic } from "../io/files.ts";

/** The Vega-Lite schema every spec declares. */
export const VL_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Shared look: no ARIA attributes (smaller, deterministic SVG), readable fonts. */
export const BASE_CONFIG = {
  aria: false,
  font: "Helvetica, Arial, sans-serif",
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridOpacity: 0.4 },
  title: { fontSize: 14, anchor: "start" },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  view: { stroke: "#888" },
} as const;

/**
 * Renders a Vega-Lite spec to an SVG string without a browser or canvas.
 *
 * @example
 * ```ts
 * import { renderSvg, VL_SCHEMA } from "./render.ts";
 * import assert from "node:assert/strict";
 * const svg = await renderSvg({
 *   $schema: VL_SCHEMA,
 *   data: { values: [{ x: 1, y: 2 }] },
 *   mark: "point",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * assert.ok(svg.startsWith("<svg"));
 * ```
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vgSpec = compile(withBaseConfig(spec)).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** `spec` with {@linkcode BASE_CONFIG} under its own config. */
function withBaseConfig(spec: TopLevelSpec): TopLevelSpec {
  return { ...spec, config: { ...BASE_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
}

/**
 * Renders `spec` and writes `<path>.svg` and `<path>.vl.json` atomically
 * (`path` without extension); the stored spec carries the full config, so
 * any Vega-Lite renderer draws the same figure. Returns the SVG path.
 */
export async function savePlot(spec: TopLevelSpec, path: string): Promise<string> {
  const svg = await renderSvg(spec);
  await writeAtomic(`${path}.vl.json`, JSON.stringify(withBaseConfig(spec), null, 2) + "\n");
  await writeAtomic(`${path}.svg`, svg);
  return `${path}.svg`;
}
