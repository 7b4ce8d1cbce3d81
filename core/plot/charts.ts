/**
 * Figure builders returning typed Vega-Lite specs with `$schema` and a
 * `description`: layered x/y figures, bar and line charts, annotated
 * heatmaps and image grids.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import type { GrayImage } from "../io/image.ts";
import { VL_SCHEMA } from "./render.ts";
import { grayImageLayer, type Layer } from "./layers.ts";

/** Options of {@linkcode layeredFigure}. */
export interface FigureOptions {
  title: string;
  description: string;
  layers: Layer[];
  xTitle?: string;
  yTitle?: string;
  /** Fixed axis domains (no nicing, no zero); else fitted to the data. */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** @default 480 */
  width?: number;
  /** @default 480 */
  height?: number;
}

/** Layers sharing one pair of quantitative x/y axes. */
export function layeredFigure(o: FigureOptions): TopLevelSpec {
  const scale = (d?: [number, number]) =>
    d ? { domain: d, nice: false, zero: false } : { zero: false, nice: true };
  return {
    $schema: VL_SCHEMA,
    description: o.description,
    title: o.title,
    width: o.width ?? 480,
    height: o.height ?? 480,
    encoding: {
      x: { type: "quantitative", title: o.xTitle ?? "x", scale: scale(o.xDomain) },
      y: { type: "quantitative", title: o.yTitle ?? "y", scale: scale(o.yDomain) },
    },
    layer: o.layers,
    resolve: { scale: { color: "independent", shape: "independent" } },
  } as unknown as TopLevelSpec;
}

/** Figures placed side by side (each a spec without `$schema`). */
export function sideBySide(
  title: string,
  description: string,
  panels: TopLevelSpec[],
): TopLevelSpec {
  const strip = (p: TopLevelSpec) => {
    const { $schema: _s, config: _c, ...rest } = p as unknown as Record<string, unknown>;
    return rest;
  };
  return {
    $schema: VL_SCHEMA,
    description,
    title,
    hconcat: panels.map(strip),
  } as unknown as TopLevelSpec;
}

/** Bar chart of `values` against categorical `categories`, best bar highlighted. */
export function barChart(o: {
  title: string;
  description: string;
  categories: (string | number)[];
  values: number[];
  xTitle: string;
  yTitle: string;
  highlight?: number;
  labelFormat?: string;
}): TopLevelSpec {
  const values = o.categories.map((c, i) => ({
    c: String(c),
    v: o.values[i],
    best: i === o.highlight ? "best" : "other",
  }));
  return {
    $schema: VL_SCHEMA,
    description: o.description,
    title: o.title,
    width: 420,
    height: 300,
    data: { values },
    encoding: {
      x: { field: "c", type: "ordinal", title: o.xTitle, sort: null, axis: { labelAngle: 0 } },
      y: { field: "v", type: "quantitative", title: o.yTitle },
    },
    layer: [
      {
        mark: { type: "bar", width: { band: 0.7 } },
        encoding: {
          color: {
            field: "best",
            type: "nominal",
            scale: { domain: ["best", "other"], range: ["#e15759", "#4e79a7"] },
            legend: null,
          },
        },
      },
      {
        mark: { type: "text", dy: -7, fontSize: 10 },
        encoding: { text: { field: "v", type: "quantitative", format: o.labelFormat ?? ".3f" } },
      },
    ],
  } as TopLevelSpec;
}

/** Line chart of one or more named series over a shared x. */
export function lineChart(o: {
  title: string;
  description: string;
  series: { name: string; x: ArrayLike<number>; y: ArrayLike<number> }[];
  xTitle: string;
  yTitle: string;
  yScale?: "linear" | "log";
}): TopLevelSpec {
  const values = o.series.flatMap((s) =>
    Array.from(s.x, (x, i) => ({ series: s.name, x, y: s.y[i] }))
  );
  return {
    $schema: VL_SCHEMA,
    description: o.description,
    title: o.title,
    width: 480,
    height: 300,
    data: { values },
    mark: { type: "line", point: values.length <= 200 },
    encoding: {
      x: { field: "x", type: "quantitative", title: o.xTitle },
      y: {
        field: "y",
        type: "quantitative",
        title: o.yTitle,
        scale: o.yScale === "log" ? { type: "log" } : { zero: false },
      },
      color: { field: "series", type: "nominal", title: null },
    },
  } as TopLevelSpec;
}

/** Heatmap with each cell's value written in it. */
export function annotatedHeatmap(o: {
  title: string;
  description: string;
  rows: string[];
  cols: string[];
  /** Row-major `rows × cols` values. */
  values: ArrayLike<number>;
  xTitle: string;
  yTitle: string;
  format?: string;
  scheme?: string;
  domainMid?: number;
}): TopLevelSpec {
  const values = [];
  for (let i = 0; i < o.rows.length; i++) {
    for (let j = 0; j < o.cols.length; j++) {
      values.push({ r: o.rows[i], c: o.cols[j], v: o.values[i * o.cols.length + j] });
    }
  }
  const cell = Math.max(14, Math.min(40, Math.floor(560 / Math.max(o.rows.length, o.cols.length))));
  let lo = Infinity, hi = -Infinity;
  for (const { v } of values) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  const darkFrom = o.domainMid === undefined ? lo + 0.6 * (hi - lo) : Infinity;
  return {
    $schema: VL_SCHEMA,
    description: o.description,
    title: o.title,
    width: cell * o.cols.length,
    height: cell * o.rows.length,
    data: { values },
    encoding: {
      x: { field: "c", type: "ordinal", sort: o.cols, title: o.xTitle },
      y: { field: "r", type: "ordinal", sort: o.rows, title: o.yTitle },
    },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "v",
            type: "quantitative",
            title: null,
            scale: {
              scheme: o.scheme ?? "blues",
              ...(o.domainMid === undefined ? {} : { domainMid: o.domainMid }),
            },
          },
        },
      },
      ...(cell >= 22
        ? [{
          mark: { type: "text", fontSize: 9 },
          encoding: {
            text: { field: "v", type: "quantitative", format: o.format ?? ".2f" },
            // Light text on the dark end of a sequential scale, so every value stays readable.
            ...(Number.isFinite(darkFrom)
              ? {
                color: {
                  condition: { test: `datum.v > ${darkFrom}`, value: "white" },
                  value: "black",
                },
              }
              : {}),
          },
        }]
        : []),
    ],
  } as TopLevelSpec;
}

/** Grid of grayscale images (e.g. digits): `rows` of panels, each titled. */
export function imageGrid(o: {
  title: string;
  description: string;
  images: GrayImage[][];
  rowTitles?: string[];
  /** Display size of each image in px. @default 64 */
  size?: number;
}): TopLevelSpec {
  const size = o.size ?? 64;
  return {
    $schema: VL_SCHEMA,
    description: o.description,
    title: o.title,
    vconcat: o.images.map((row, r) => ({
      title: o.rowTitles?.[r],
      hconcat: row.map((img) => ({
        width: size,
        height: size,
        ...grayImageLayer(img, size, size),
        view: { stroke: null },
      })),
      spacing: 4,
    })),
    spacing: 6,
  } as TopLevelSpec;
}
