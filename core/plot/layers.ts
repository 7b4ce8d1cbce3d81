/**
 * Vega-Lite layers for clustering figures: points with a marker shape per
 * cluster (hollow or filled), large centroid markers, arrows between two
 * positions, and a raster image (decision regions) spanning the axes.
 *
 * @module
 */

import type { Matrix } from "../matrix.ts";
import type { GrayImage } from "../io/image.ts";
import { encodePng, encodePngRgba } from "../io/image.ts";
import { encodeBase64 } from "./_base64.ts";

/**
 * A layer of a layered figure: a Vega-Lite unit or layer spec as plain JSON
 * (checked by Vega-Lite's compiler when the figure is rendered).
 */
export type Layer = { [key: string]: unknown };

/** Marker shapes, cycled per cluster. */
export const SHAPES = [
  "circle",
  "square",
  "triangle-up",
  "diamond",
  "cross",
  "triangle-down",
  "triangle-left",
  "triangle-right",
  "wedge",
  "stroke",
] as const;

/** A five-pointed star as a Vega symbol path (unit size), for cluster centres. */
export const STAR =
  "M0,-1L0.2245,-0.309L0.9511,-0.309L0.3633,0.118L0.5878,0.809L0,0.382L-0.5878,0.809L-0.3633,0.118L-0.9511,-0.309L-0.2245,-0.309Z";

/** Colours (Tableau 10), cycled per cluster; noise is drawn in black. */
export const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
] as const;

/** Options of {@linkcode pointsLayer}. */
export interface PointsOptions {
  /** Cluster of each point (−1 = noise): one shape and colour per cluster. @default none */
  labels?: ArrayLike<number>;
  /** Draw hollow markers. @default false */
  hollow?: boolean;
  /** Marker area in px². @default 40 */
  size?: number;
  /** Single colour when there are no labels. @default "black" */
  color?: string;
  /** Legend title for the clusters. @default "cluster" */
  legendTitle?: string;
  /** Vary the shape per cluster (else colour only). @default true */
  shapes?: boolean;
  /** Opacity. @default 0.85 */
  opacity?: number;
  /** Legend text of a label. @default clusterName ("cluster 3", "noise") */
  labelName?: (label: number) => string;
}

/** Label text of a cluster number (noise for −1). */
export function clusterName(c: number): string {
  return c < 0 ? "noise" : `cluster ${c}`;
}

/** Scatter layer of the rows of a 2-column matrix. */
export function pointsLayer(X: Matrix, options: PointsOptions = {}): Layer {
  const labels = options.labels;
  const values = [];
  for (let i = 0; i < X.rows; i++) {
    const v: Record<string, number | string> = { x: X.data[2 * i], y: X.data[2 * i + 1] };
    if (labels) v.cluster = (options.labelName ?? clusterName)(labels[i]);
    values.push(v);
  }
  const mark = {
    type: "point" as const,
    filled: !options.hollow,
    size: options.size ?? 40,
    opacity: options.opacity ?? 0.85,
    strokeWidth: 1.2,
  };
  if (!labels) {
    return {
      data: { values },
      mark: { ...mark, color: options.color ?? "black" },
      encoding: {
        x: { field: "x", type: "quantitative" },
        y: { field: "y", type: "quantitative" },
      },
    };
  }
  return {
    data: { values },
    mark,
    encoding: {
      x: { field: "x", type: "quantitative" },
      y: { field: "y", type: "quantitative" },
      ...clusterEncoding(
        labels,
        options.legendTitle ?? "cluster",
        options.shapes !== false,
        options.labelName,
      ),
    },
  };
}

/** Colour (and shape) encodings of the `cluster` field: one per cluster, noise black. */
function clusterEncoding(
  labels: ArrayLike<number>,
  title: string,
  shapes: boolean,
  name: (label: number) => string = clusterName,
) {
  const domain = [...new Set(Array.from(labels))].sort((a, b) => a - b).map(name);
  const colors = domain.map((d, i) => d === "noise" ? "black" : PALETTE[i % PALETTE.length]);
  const legend = { title };
  return {
    color: { field: "cluster", type: "nominal", scale: { domain, range: colors }, legend },
    ...(shapes
      ? {
        shape: {
          field: "cluster",
          type: "nominal",
          scale: { domain, range: domain.map((_, i) => SHAPES[i % SHAPES.length]) },
          legend,
        },
      }
      : {}),
  };
}

/**
 * DBSCAN's picture: a marker shape and colour per cluster, core samples
 * large and hollow, border samples small and hollow, noise as small black dots.
 */
export function densityLayer(
  X: Matrix,
  labels: ArrayLike<number>,
  coreSampleIndices: ArrayLike<number>,
): Layer {
  const core = new Set(Array.from(coreSampleIndices));
  const values = [];
  for (let i = 0; i < X.rows; i++) {
    const kind = labels[i] < 0 ? "noise" : core.has(i) ? "core" : "border";
    values.push({ x: X.data[2 * i], y: X.data[2 * i + 1], cluster: clusterName(labels[i]), kind });
  }
  const kinds = ["core", "border", "noise"];
  return {
    data: { values },
    mark: { type: "point", filled: false, strokeWidth: 1.3, opacity: 0.9 },
    encoding: {
      x: { field: "x", type: "quantitative" },
      y: { field: "y", type: "quantitative" },
      ...clusterEncoding(labels, "cluster", true),
      size: {
        field: "kind",
        type: "ordinal",
        scale: { domain: kinds, range: [110, 22, 10] },
        legend: { title: "sample" },
      },
      fill: {
        condition: { test: "datum.kind === 'noise'", value: "black" },
        value: "transparent",
      },
    },
  };
}

/** Large filled markers for cluster centres (2 columns). */
export function centroidsLayer(
  centers: Matrix,
  options: { color?: string; shape?: string; size?: number } = {},
): Layer {
  const values = [];
  for (let c = 0; c < centers.rows; c++) {
    values.push({ x: centers.data[2 * c], y: centers.data[2 * c + 1], centre: c });
  }
  return {
    data: { values },
    mark: {
      type: "point",
      filled: true,
      shape: options.shape ?? "circle",
      size: options.size ?? 320,
      color: options.color ?? "black",
      stroke: "white",
      strokeWidth: 1.5,
      opacity: 1,
    },
    encoding: {
      x: { field: "x", type: "quantitative" },
      y: { field: "y", type: "quantitative" },
      tooltip: [{ field: "centre" }, { field: "x" }, { field: "y" }],
    },
  };
}

/** Arrows (a segment and a head) from each row of `from` to the same row of `to`. */
export function arrowsLayer(from: Matrix, to: Matrix, color = "black"): Layer {
  const values = [];
  for (let c = 0; c < from.rows; c++) {
    const [x0, y0, x1, y1] = [
      from.data[2 * c],
      from.data[2 * c + 1],
      to.data[2 * c],
      to.data[2 * c + 1],
    ];
    // Vega's angle is clockwise from "up" on screen (y grows downwards).
    const angle = (Math.atan2(x1 - x0, y1 - y0) * 180) / Math.PI;
    values.push({ x0, y0, x1, y1, angle });
  }
  return {
    data: { values },
    layer: [
      {
        mark: { type: "rule", color, strokeWidth: 2 },
        encoding: {
          x: { field: "x0", type: "quantitative" },
          y: { field: "y0", type: "quantitative" },
          x2: { field: "x1" },
          y2: { field: "y1" },
        },
      },
      {
        mark: { type: "point", shape: "triangle-up", filled: true, color, size: 120, opacity: 1 },
        encoding: {
          x: { field: "x1", type: "quantitative" },
          y: { field: "y1", type: "quantitative" },
          angle: { field: "angle", type: "quantitative", scale: null },
        },
      },
    ],
  };
}

/** PNG bytes as a `data:` URI. */
export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${encodeBase64(png)}`;
}

/**
 * Image layer that fills a `width × height` px plot whose x and y scales span
 * exactly `extent` (set `scale: {domain, nice: false, zero: false}` on the
 * figure). Image row 0 is drawn at the top.
 */
export function rasterLayer(
  png: Uint8Array,
  extent: { xMin: number; xMax: number; yMin: number; yMax: number },
  size: { width: number; height: number },
): Layer {
  return {
    data: {
      values: [{
        url: pngDataUri(png),
        x: (extent.xMin + extent.xMax) / 2,
        y: (extent.yMin + extent.yMax) / 2,
      }],
    },
    mark: {
      type: "image",
      width: size.width,
      height: size.height,
      aspect: false,
      align: "center",
      baseline: "middle",
      opacity: 0.55,
    },
    encoding: {
      x: { field: "x", type: "quantitative" },
      y: { field: "y", type: "quantitative" },
      url: { field: "url", type: "nominal" },
    },
  };
}

/** A grayscale image as a PNG `data:` URI image layer of the given pixel size. */
export function grayImageLayer(img: GrayImage, width: number, height: number): Layer {
  return {
    data: { values: [{ url: pngDataUri(encodePng(img)) }] },
    mark: { type: "image", width, height, aspect: false, align: "left", baseline: "top" },
    encoding: { url: { field: "url", type: "nominal" }, x: { value: 0 }, y: { value: 0 } },
  };
}

/**
 * Small images drawn at their own (x, y) positions (e.g. digits at their
 * embedded coordinates), each `size` px square and centred on its point.
 * Each image is a grayscale picture drawn as ink of `colors[i]` whose
 * opacity is the pixel value, so thumbnails overlap without hiding each
 * other's background.
 */
export function thumbnailsLayer(
  positions: Matrix,
  images: readonly GrayImage[],
  options: { size?: number; colors?: readonly string[] } = {},
): Layer {
  const size = options.size ?? 24;
  const values = images.map((img, i) => {
    const [r, g, b] = hexToRgb(options.colors?.[i] ?? "#000000");
    const rgba = new Uint8Array(img.width * img.height * 4);
    for (let p = 0; p < img.width * img.height; p++) {
      rgba[4 * p] = r, rgba[4 * p + 1] = g, rgba[4 * p + 2] = b, rgba[4 * p + 3] = img.data[p];
    }
    return {
      x: positions.data[2 * i],
      y: positions.data[2 * i + 1],
      url: pngDataUri(encodePngRgba(img.width, img.height, rgba)),
    };
  });
  return {
    data: { values },
    mark: { type: "image", width: size, height: size, align: "center", baseline: "middle" },
    encoding: {
      x: { field: "x", type: "quantitative" },
      y: { field: "y", type: "quantitative" },
      url: { field: "url", type: "nominal" },
    },
  };
}

/** Parses "#rrggbb" into [r, g, b]. */
export function hexToRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/**
 * Paints a label grid (row 0 = top) in the cluster palette as RGBA PNG bytes.
 */
export function labelGridPng(labels: Int32Array, width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  const rgb = PALETTE.map(hexToRgb);
  for (let i = 0; i < width * height; i++) {
    const c = labels[i] < 0 ? [0, 0, 0] : rgb[labels[i] % rgb.length];
    rgba[4 * i] = c[0], rgba[4 * i + 1] = c[1], rgba[4 * i + 2] = c[2], rgba[4 * i + 3] = 255;
  }
  return encodePngRgba(width, height, rgba);
}
