/**
 * Vega-Lite figures rendered headless to SVG: layers, charts, decision regions.
 *
 * @module
 */
export * from "./charts.ts";
export * from "./layers.ts";
export * from "./regions.ts";
export * from "./render.ts";
