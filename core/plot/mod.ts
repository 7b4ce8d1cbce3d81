/**
 * Vega-Lite figures rendered headless to SVG: layers, charts, decision
 * regions, clusters against classes, dendrograms, and the gallery page.
 *
 * @module
 */
export * from "./charts.ts";
export * from "./clustering_grid.ts";
export * from "./cluster_charts.ts";
export * from "./dendrogram.ts";
export * from "./gallery.ts";
export * from "./layers.ts";
export * from "./reachability.ts";
export * from "./regions.ts";
export * from "./render.ts";
