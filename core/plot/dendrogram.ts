/**
 * Dendrogram of a merge tree (SciPy/scikit-learn format: merge t joins
 * `children[2t]` and `children[2t+1]` into node n + t at height
 * `distances[t]`), truncated to its last merges like SciPy's
 * `truncate_mode="lastp"`, with a dashed line where the tree is cut.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { VL_SCHEMA } from "./render.ts";

/** Options of {@linkcode dendrogram}. */
export interface DendrogramOptions {
  title: string;
  description: string;
  /** Number of leaves n. */
  nLeaves: number;
  children: ArrayLike<number>;
  distances: ArrayLike<number>;
  /** Show the last `p` clusters as leaves (labelled with their sizes). @default 30 */
  p?: number;
  /** Draw the cut that leaves this many clusters. @default none */
  cutClusters?: number;
  yTitle?: string;
}

/**
 * Vega-Lite spec of the truncated dendrogram.
 *
 * @example
 * ```ts
 * import { dendrogram } from "./dendrogram.ts";
 * import assert from "node:assert/strict";
 * const spec = dendrogram({
 *   title: "t", description: "d", nLeaves: 3, children: [0, 1, 2, 3], distances: [1, 4],
 * });
 * assert.equal(spec.description, "d");
 * ```
 */
export function dendrogram(o: DendrogramOptions): TopLevelSpec {
  const n = o.nLeaves;
  const merges = n - 1;
  const p = Math.min(o.p ?? 30, n);
  const firstShown = n + merges - (p - 1); // nodes ≥ this are drawn as merges
  const size = new Float64Array(n + merges);
  size.fill(1, 0, n);
  for (let t = 0; t < merges; t++) {
    size[n + t] = size[o.children[2 * t]] + size[o.children[2 * t + 1]];
  }
  const x = new Map<number, number>();
  const y = (node: number) => (node >= firstShown ? o.distances[node - n] : 0);
  const leaves: { x: number; label: string }[] = [];
  const segments: { x: number; y: number; x2: number; y2: number }[] = [];
  // Depth-first from the root: leaves get x = 0, 1, 2, …; a merge sits above the middle.
  const place = (node: number): number => {
    if (node < firstShown) {
      const pos = leaves.length;
      leaves.push({ x: pos, label: node < n ? String(node) : `(${size[node]})` });
      x.set(node, pos);
      return pos;
    }
    const t = node - n;
    const [a, b] = [o.children[2 * t], o.children[2 * t + 1]];
    const xa = place(a), xb = place(b);
    const h = y(node);
    segments.push({ x: xa, y: y(a), x2: xa, y2: h }, { x: xb, y: y(b), x2: xb, y2: h });
    segments.push({ x: xa, y: h, x2: xb, y2: h });
    const pos = (xa + xb) / 2;
    x.set(node, pos);
    return pos;
  };
  place(n + merges - 1);
  // Every layer that encodes x uses the same fixed leaf scale.
  const xScale = { domain: [-0.5, leaves.length - 0.5], nice: false, zero: false };
  const layers: unknown[] = [
    {
      data: { values: segments },
      mark: { type: "rule", color: "#333", strokeWidth: 1.4 },
      encoding: {
        x: {
          field: "x",
          type: "quantitative",
          axis: null,
          scale: xScale,
        },
        y: { field: "y", type: "quantitative", title: o.yTitle ?? "merge distance" },
        x2: { field: "x2" },
        y2: { field: "y2" },
      },
    },
    {
      data: { values: leaves },
      mark: { type: "text", angle: 270, align: "right", dx: -4, fontSize: 9, baseline: "middle" },
      encoding: {
        x: { field: "x", type: "quantitative", scale: xScale },
        y: { datum: 0 },
        text: { field: "label" },
      },
    },
  ];
  const k = o.cutClusters;
  if (k !== undefined && k >= 2 && k <= n) {
    // Between the merge that leaves k clusters and the next one.
    const lo = o.distances[n - k - 1] ?? 0, hi = o.distances[n - k];
    layers.push({
      data: { values: [{ y: (lo + hi) / 2, label: `${k} clusters` }] },
      layer: [
        {
          mark: { type: "rule", strokeDash: [6, 4], color: "#e15759" },
          encoding: { y: { field: "y", type: "quantitative" } },
        },
        {
          mark: { type: "text", align: "left", dy: -6, color: "#e15759" },
          encoding: {
            y: { field: "y", type: "quantitative" },
            x: { datum: -0.4 },
            text: { field: "label" },
          },
        },
      ],
    });
  }
  return {
    $schema: VL_SCHEMA,
    description: o.description,
    title: o.title,
    width: 640,
    height: 360,
    layer: layers,
  } as unknown as TopLevelSpec;
}
