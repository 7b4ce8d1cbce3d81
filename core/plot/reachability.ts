/**
 * OPTICS's reachability plot: one bar per sample in the cluster ordering,
 * its height the reachability distance, coloured by cluster (noise black).
 * Valleys are clusters; the first sample of each connected region has no
 * reachability (∞), drawn as a grey bar to the top.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { VL_SCHEMA } from "./render.ts";
import { clusterName, PALETTE } from "./layers.ts";

/** Options of {@linkcode reachabilityChart}. */
export interface ReachabilityChartOptions {
  title: string;
  description: string;
  /** Sample indices in the cluster ordering. */
  ordering: ArrayLike<number>;
  /** Reachability of each sample (by sample index; ∞ where undefined). */
  reachability: ArrayLike<number>;
  /** Cluster of each sample (by sample index), −1 noise. */
  labels: ArrayLike<number>;
  /** A horizontal rule, e.g. the eps of a DBSCAN cut. @default none */
  cut?: number;
}

/**
 * The reachability plot as a Vega-Lite bar chart.
 *
 * @example An infinite first bar is drawn to the top in grey
 * ```ts
 * import { reachabilityChart } from "./reachability.ts";
 * import assert from "node:assert/strict";
 * const spec = reachabilityChart({
 *   title: "t", description: "d",
 *   ordering: [0, 1, 2], reachability: [Infinity, 0.5, 2], labels: [0, 0, -1],
 * }) as unknown as { layer: { data: { values: { r: number; cluster: string }[] } }[] };
 * const bars = spec.layer[0].data.values;
 * assert.deepEqual(bars.map((b) => b.r), [2, 0.5, 2]);
 * assert.deepEqual(bars.map((b) => b.cluster), ["∞", "cluster 0", "noise"]);
 * ```
 */
export function reachabilityChart(o: ReachabilityChartOptions): TopLevelSpec {
  let top = 0;
  for (let i = 0; i < o.reachability.length; i++) {
    const r = o.reachability[i];
    if (Number.isFinite(r) && r > top) top = r;
  }
  if (o.cut !== undefined && o.cut > top) top = o.cut;
  const values = Array.from(o.ordering, (s, position) => {
    const r = o.reachability[s];
    return {
      position,
      sample: s,
      r: Number.isFinite(r) ? r : top,
      cluster: Number.isFinite(r) ? clusterName(o.labels[s]) : "∞",
    };
  });
  const found = [...new Set(Array.from(o.labels))].sort((a, b) => a - b);
  const domain = [...found.map(clusterName), "∞"];
  const range = [
    ...found.map((
      c,
      i,
    ) => (c < 0 ? "black" : PALETTE[(i - (found[0] < 0 ? 1 : 0)) % PALETTE.length])),
    "#cccccc",
  ];
  const layer: Record<string, unknown>[] = [{
    data: { values },
    mark: { type: "bar", width: { band: 1 } },
    encoding: {
      x: {
        field: "position",
        type: "ordinal",
        title: "samples in the cluster ordering",
        axis: null,
      },
      y: { field: "r", type: "quantitative", title: "reachability distance" },
      color: { field: "cluster", type: "nominal", scale: { domain, range }, title: null },
      tooltip: [{ field: "sample" }, { field: "r", title: "reachability" }],
    },
  }];
  if (o.cut !== undefined) {
    layer.push({
      data: { values: [{ eps: o.cut }] },
      mark: { type: "rule", strokeDash: [4, 3], color: "black" },
      encoding: { y: { field: "eps", type: "quantitative" } },
    });
  }
  return {
    $schema: VL_SCHEMA,
    description: o.description,
    title: o.title,
    width: 560,
    height: 260,
    layer,
  } as unknown as TopLevelSpec;
}
