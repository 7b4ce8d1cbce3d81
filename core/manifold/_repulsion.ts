/**
 * The Barnes–Hut repulsion of 2-D t-SNE (ν = 1, kernel w = 1/(1 + d²)) for
 * a range of points, shared by the main thread and the second-core worker
 * (`_bh_worker.ts`). For each point i it writes Σ_cells m·w²·(yᵢ − y_cell)
 * into `neg` and Σ m·w into `z`, walking the tree depth first and
 * summarising a cell by its barycentre when it is a leaf or its squared
 * width is below angle² times its squared distance (scikit-learn's
 * `_QuadTree.summarize`). Per-point results do not depend on which thread
 * computes them.
 *
 * @module
 */
import { DUPLICATE_EPSILON } from "./_space_tree.ts";

/** The tree's arrays, as `SpaceTree` holds them (2-D: 4 children per cell). */
export interface TreeArrays {
  children: Int32Array;
  size: Float64Array;
  barycenter: Float64Array;
  squaredWidth: Float64Array;
  leaf: Uint8Array;
}

/**
 * Repulsion of the points `order[from..to)` (see the module doc); `stack`
 * needs room for one entry per cell.
 */
export function repulsion2d(
  Y: Float64Array,
  order: Int32Array,
  from: number,
  to: number,
  tree: TreeArrays,
  theta2: number,
  stack: Int32Array,
  neg: Float64Array,
  z: Float64Array,
): void {
  const { children, size, barycenter, squaredWidth, leaf } = tree;
  const eps = DUPLICATE_EPSILON;
  for (let t = from; t < to; t++) {
    const i = order[t];
    const y0 = Y[2 * i], y1 = Y[2 * i + 1];
    let f0 = 0, f1 = 0, zi = 0;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const cell = stack[--top];
      const r0 = y0 - barycenter[2 * cell], r1 = y1 - barycenter[2 * cell + 1];
      const d2 = r0 * r0 + r1 * r1;
      if (leaf[cell] === 1) {
        if (r0 <= eps && r0 >= -eps && r1 <= eps && r1 >= -eps) continue; // itself
      } else if (squaredWidth[cell] >= theta2 * d2) {
        const oc = 4 * cell;
        let c = children[oc + 3];
        if (c >= 0) stack[top++] = c;
        c = children[oc + 2];
        if (c >= 0) stack[top++] = c;
        c = children[oc + 1];
        if (c >= 0) stack[top++] = c;
        c = children[oc];
        if (c >= 0) stack[top++] = c;
        continue;
      }
      const w = 1 / (1 + d2);
      const m = size[cell];
      zi += m * w;
      const mult = m * w * w;
      f0 += mult * r0;
      f1 += mult * r1;
    }
    neg[2 * i] = f0;
    neg[2 * i + 1] = f1;
    z[i] = zi;
  }
}
