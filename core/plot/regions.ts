/**
 * Decision regions: labels predicted over a regular mesh, as the Python
 * original's `np.meshgrid(np.arange(x_min, x_max, step), …)`, painted as a
 * raster layer.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { columnExtent, matrix } from "../matrix.ts";
import { labelGridPng, type Layer, rasterLayer } from "./layers.ts";

/** The mesh extent: data range padded by `pad` on every side. */
export interface Extent {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** Bounding box of a 2-column matrix, padded by `pad`. */
export function paddedExtent(X: Matrix, pad: number): Extent {
  const { min, max } = columnExtent(X);
  return { xMin: min[0] - pad, xMax: max[0] + pad, yMin: min[1] - pad, yMax: max[1] + pad };
}

/**
 * Equal x and y domains around a 2-column matrix (the larger of the two
 * ranges, padded by 5 %), so a square plot keeps distances undistorted, as
 * an embedding's scatter should.
 *
 * @example
 * ```ts
 * import { squareDomains } from "./regions.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const { x, y } = squareDomains(fromRows([[0, 0], [10, 2]]));
 * assert.deepEqual(x, [-0.25, 10.25]);
 * assert.deepEqual(y, [-4.25, 6.25]);
 * ```
 */
export function squareDomains(X: Matrix): { x: [number, number]; y: [number, number] } {
  const { min, max } = columnExtent(X);
  const half = (Math.max(max[0] - min[0], max[1] - min[1]) * 1.05) / 2 || 1;
  const cx = (min[0] + max[0]) / 2, cy = (min[1] + max[1]) / 2;
  return { x: [cx - half, cx + half], y: [cy - half, cy + half] };
}

/** Labels over the mesh; row 0 is the top row (largest y) for painting. */
export interface RegionGrid {
  readonly nx: number;
  readonly ny: number;
  readonly labels: Int32Array;
  /** Extent actually covered by the mesh points. */
  readonly extent: Extent;
}

/**
 * Predicts a label at every mesh point `x = xMin + i·step < xMax`,
 * `y = yMin + j·step < yMax` (as `np.arange`).
 *
 * @example
 * ```ts
 * import { meshLabels } from "./regions.ts";
 * import assert from "node:assert/strict";
 * const g = meshLabels((P) => Int32Array.from({ length: P.rows }, (_, i) => P.data[2 * i] < 0.5 ? 0 : 1),
 *   { xMin: 0, xMax: 1, yMin: 0, yMax: 1 }, 0.25);
 * assert.deepEqual([g.nx, g.ny], [4, 4]);
 * assert.deepEqual(Array.from(g.labels.subarray(0, 4)), [0, 0, 1, 1]);
 * ```
 */
export function meshLabels(
  predict: (points: Matrix) => Int32Array,
  extent: Extent,
  step: number,
): RegionGrid {
  const nx = Math.ceil((extent.xMax - extent.xMin) / step);
  const ny = Math.ceil((extent.yMax - extent.yMin) / step);
  const P = matrix(nx * ny, 2);
  for (let r = 0; r < ny; r++) {
    const y = extent.yMin + (ny - 1 - r) * step; // top row first
    for (let c = 0; c < nx; c++) {
      P.data[2 * (r * nx + c)] = extent.xMin + c * step;
      P.data[2 * (r * nx + c) + 1] = y;
    }
  }
  return {
    nx,
    ny,
    labels: predict(P),
    extent: {
      xMin: extent.xMin - step / 2,
      xMax: extent.xMin + (nx - 0.5) * step,
      yMin: extent.yMin - step / 2,
      yMax: extent.yMin + (ny - 0.5) * step,
    },
  };
}

/** The mesh painted in the cluster palette, as a raster layer for a width × height plot. */
export function regionsLayer(grid: RegionGrid, width: number, height: number): Layer {
  return rasterLayer(labelGridPng(grid.labels, grid.nx, grid.ny), grid.extent, { width, height });
}
