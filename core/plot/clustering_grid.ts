/**
 * The grid of scikit-learn's "Comparing different clustering algorithms on
 * toy datasets": one row per data set, one column per estimator, each cell
 * the points coloured by cluster (the example's nine colours, cycled; noise
 * black), the axes fixed to [−2.5, 2.5] and blank, and the fit's time in
 * the lower-right corner.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import type { Matrix } from "../matrix.ts";
import { VL_SCHEMA } from "./render.ts";

/** The example's colours, cycled over clusters; noise (−1) is black. */
export const COMPARISON_COLORS = [
  "#377eb8",
  "#ff7f00",
  "#4daf4a",
  "#f781bf",
  "#a65628",
  "#984ea3",
  "#999999",
  "#e41a1c",
  "#dede00",
] as const;

/** One cell of the grid. */
export interface GridCell {
  /** Row: the data set. */
  readonly row: string;
  /** Column: the estimator ("\n" breaks the header line). */
  readonly column: string;
  /** The (scaled) points, n × 2. */
  readonly X: Matrix;
  /** Cluster of each point, −1 for noise. */
  readonly labels: ArrayLike<number>;
  /** Seconds the fit took, printed in the corner. */
  readonly seconds: number;
  /** Printed in the corner instead of the time (e.g. "failed"). @default the time */
  readonly note?: string;
}

/** Options of {@linkcode clusteringGrid}. */
export interface ClusteringGridOptions {
  title: string;
  description: string;
  /** Cells in any order; rows and columns appear in order of first appearance. */
  cells: readonly GridCell[];
  /** Side of a cell in px. @default 110 */
  cellSize?: number;
  /** Axis range of every cell (the example's xlim and ylim). @default [-2.5, 2.5] */
  domain?: [number, number];
}

/** The example's time label: two decimals, the leading zero dropped (".05s"). */
export function secondsLabel(s: number): string {
  return `${s.toFixed(2).replace(/^0(?=\.)/, "")}s`;
}

/**
 * The comparison grid as one faceted Vega-Lite spec.
 *
 * @example Two cells
 * ```ts
 * import { clusteringGrid, secondsLabel } from "./clustering_grid.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0, 0], [1, 1]]);
 * const spec = clusteringGrid({
 *   title: "t", description: "d",
 *   cells: [
 *     { row: "blobs", column: "k-means", X, labels: [0, 1], seconds: 0.012 },
 *     { row: "blobs", column: "DBSCAN", X, labels: [-1, 0], seconds: 1.5 },
 *   ],
 * });
 * const values = (spec as { data: { values: { c?: string }[] } }).data.values;
 * assert.deepEqual(values.filter((v) => v.c).map((v) => v.c), ["#377eb8", "#ff7f00", "#000000", "#377eb8"]);
 * assert.equal(secondsLabel(0.012), ".01s");
 * assert.equal(secondsLabel(1.5), "1.50s");
 * ```
 */
export function clusteringGrid(o: ClusteringGridOptions): TopLevelSpec {
  const size = o.cellSize ?? 110;
  const domain = o.domain ?? [-2.5, 2.5];
  const rows = [...new Set(o.cells.map((c) => c.row))];
  const columns = [...new Set(o.cells.map((c) => c.column))];
  const values: Record<string, string | number>[] = [];
  for (const cell of o.cells) {
    const { X, labels } = cell;
    for (let i = 0; i < X.rows; i++) {
      const l = labels[i];
      values.push({
        r: cell.row,
        k: cell.column,
        x: X.data[2 * i],
        y: X.data[2 * i + 1],
        c: l < 0 ? "#000000" : COMPARISON_COLORS[l % COMPARISON_COLORS.length],
      });
    }
    values.push({ r: cell.row, k: cell.column, t: cell.note ?? secondsLabel(cell.seconds) });
  }
  const axis = { domain, nice: false, zero: false };
  return {
    $schema: VL_SCHEMA,
    description: o.description,
    title: o.title,
    data: { values },
    facet: {
      row: { field: "r", type: "nominal", sort: rows, title: null, header: { labelFontSize: 12 } },
      column: {
        field: "k",
        type: "nominal",
        sort: columns,
        title: null,
        // A "\n" in a column name breaks its header line, as the example's "MiniBatch\nKMeans".
        header: {
          labelFontSize: 13,
          labelFontWeight: "bold",
          labelExpr: "split(datum.label, '\\n')",
        },
      },
    },
    spacing: 4,
    spec: {
      width: size,
      height: size,
      layer: [
        {
          transform: [{ filter: "isValid(datum.c)" }],
          mark: { type: "circle", size: 7, opacity: 1 },
          encoding: {
            x: { field: "x", type: "quantitative", scale: axis, axis: null },
            y: { field: "y", type: "quantitative", scale: axis, axis: null },
            color: { field: "c", type: "nominal", scale: null },
          },
        },
        {
          transform: [{ filter: "isValid(datum.t)" }],
          mark: { type: "text", align: "right", baseline: "bottom", fontSize: 12, dx: -3, dy: -2 },
          encoding: {
            x: { value: size },
            y: { value: size },
            text: { field: "t", type: "nominal" },
          },
        },
      ],
    },
    config: { view: { stroke: "#888" } },
  } as unknown as TopLevelSpec;
}
