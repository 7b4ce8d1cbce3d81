/**
 * UMAP's spectral initialisation: umap-learn's `spectral_layout`,
 * `multi_component_layout` and `component_layout` (with scikit-learn's
 * `SpectralEmbedding` of the component centroids done densely). Private
 * helper of `umap.ts`.
 *
 * @module
 */
import { type Matrix, matrix } from "../matrix.ts";
import type { RandomState } from "../random.ts";
import { symmetricEigen } from "../linalg.ts";
import { eigshSmallest } from "../sparse_eigen.ts";
import { exp } from "../math.ts";
import type { UmapGraph } from "./_umap_graph.ts";

/**
 * Connected components of a symmetric graph, labelled in the order of their
 * lowest vertex (as SciPy's `connected_components`).
 */
export function connectedComponents(G: UmapGraph): { count: number; labels: Int32Array } {
  const n = G.rows;
  const labels = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  let count = 0;
  for (let s = 0; s < n; s++) {
    if (labels[s] >= 0) continue;
    let top = 0;
    stack[top++] = s;
    labels[s] = count;
    while (top > 0) {
      const v = stack[--top];
      for (let p = G.indptr[v]; p < G.indptr[v + 1]; p++) {
        const u = G.indices[p];
        if (labels[u] < 0) {
          labels[u] = count;
          stack[top++] = u;
        }
      }
    }
    count++;
  }
  return { count, labels };
}

/** The sub-graph on `members` (ascending vertex ids). */
function subgraph(G: UmapGraph, members: Int32Array): UmapGraph {
  const local = new Map<number, number>();
  members.forEach((v, i) => local.set(v, i));
  const indptr = new Int32Array(members.length + 1);
  const ind: number[] = [], val: number[] = [];
  members.forEach((v, i) => {
    for (let p = G.indptr[v]; p < G.indptr[v + 1]; p++) {
      const u = local.get(G.indices[p]);
      if (u === undefined) continue;
      ind.push(u);
      val.push(G.values[p]);
    }
    indptr[i + 1] = ind.length;
  });
  return {
    rows: members.length,
    cols: members.length,
    indptr,
    indices: Int32Array.from(ind),
    values: Float64Array.from(val),
  };
}

/**
 * Eigenvectors 1..dim of the symmetric normalised Laplacian I − D^−½ G D^−½
 * of a connected graph, as umap-learn's `_spectral_layout` (eigsh with
 * which="SM", v0 = ones, ncv = max(2k + 1, √n), tol 1e-4), drawing the same
 * n × (dim + 1) normals from `rng` that it draws (and does not use with
 * eigsh). On failure: a warning and uniform(−10, 10) coordinates.
 */
function connectedSpectral(
  G: UmapGraph,
  dim: number,
  rng: RandomState,
  warn: (m: string) => void,
): Float64Array {
  const n = G.rows, k = dim + 1;
  rng.randn(n * k);
  const fallback = (why: string) => {
    warn(
      `Spectral initialisation failed (${why}); falling back to random initialisation`,
    );
    return rng.uniform(-10, 10, n * dim);
  };
  if (k >= n) return fallback(`too few vertices: n=${n}`);
  const isd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = G.indptr[i]; p < G.indptr[i + 1]; p++) s += G.values[p];
    isd[i] = 1 / Math.sqrt(s);
  }
  const tmp = new Float64Array(n);
  const matvec = (x: Float64Array, y: Float64Array) => {
    for (let i = 0; i < n; i++) tmp[i] = isd[i] * x[i];
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let p = G.indptr[i]; p < G.indptr[i + 1]; p++) s += G.values[p] * tmp[G.indices[p]];
      y[i] = x[i] - isd[i] * s;
    }
  };
  const ncv = Math.max(2 * k + 1, Math.floor(Math.sqrt(n)));
  const r = eigshSmallest(matvec, n, k, {
    tol: 1e-4,
    ncv,
    maxRestarts: 1000,
    checkMultiplicity: false,
  });
  if (!r.converged) return fallback("the eigensolver did not converge");
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) out[i * dim + d] = r.vectors.data[i * k + d + 1];
  }
  return out;
}

/**
 * Embedding of the component centroids, as umap-learn's `component_layout`:
 * scikit-learn's `SpectralEmbedding` of exp(−‖cᵢ − cⱼ‖²) (normalised
 * Laplacian, eigenvectors divided by √degree, signs fixed so each vector's
 * largest |entry| is positive, first dropped), over its maximum. Draws the
 * ARPACK start vector (uniform(−1, 1, nc)) that scikit-learn draws.
 */
function componentLayout(
  X: Matrix,
  nc: number,
  labels: Int32Array,
  dim: number,
  rng: RandomState,
): Float64Array {
  const d = X.cols;
  const cent = new Float64Array(nc * d), cnt = new Float64Array(nc);
  for (let i = 0; i < X.rows; i++) {
    cnt[labels[i]]++;
    for (let c = 0; c < d; c++) cent[labels[i] * d + c] += X.data[i * d + c];
  }
  for (let l = 0; l < nc; l++) for (let c = 0; c < d; c++) cent[l * d + c] /= cnt[l];
  const W = new Float64Array(nc * nc);
  for (let i = 0; i < nc; i++) {
    for (let j = 0; j < nc; j++) {
      if (i === j) continue; // the Laplacian ignores self-loops
      let s = 0;
      for (let c = 0; c < d; c++) {
        const t = cent[i * d + c] - cent[j * d + c];
        s += t * t;
      }
      W[i * nc + j] = exp(-s);
    }
  }
  const dd = new Float64Array(nc);
  for (let i = 0; i < nc; i++) {
    let s = 0;
    for (let j = 0; j < nc; j++) s += W[i * nc + j];
    dd[i] = s > 0 ? Math.sqrt(s) : 1;
  }
  const L = matrix(nc, nc);
  for (let i = 0; i < nc; i++) {
    for (let j = 0; j < nc; j++) {
      L.data[i * nc + j] = (i === j ? 1 : 0) - W[i * nc + j] / (dd[i] * dd[j]);
    }
  }
  rng.uniform(-1, 1, nc); // scikit-learn's ARPACK v0
  const eig = symmetricEigen(L); // descending
  const out = new Float64Array(nc * dim);
  for (let c = 0; c < dim; c++) {
    const col = nc - 2 - c; // skip the smallest eigenvalue's vector
    let best = 0;
    for (let i = 0; i < nc; i++) {
      const v = eig.vectors.data[i * nc + col] / dd[i];
      if (Math.abs(v) > Math.abs(best)) best = v;
    }
    const sign = best < 0 ? -1 : 1;
    for (let i = 0; i < nc; i++) out[i * dim + c] = (sign * eig.vectors.data[i * nc + col]) / dd[i];
  }
  let max = -Infinity;
  for (const v of out) if (v > max) max = v;
  for (let i = 0; i < out.length; i++) out[i] /= max;
  return out;
}

/**
 * The spectral layout of the (pruned) fuzzy graph, as umap-learn's
 * `spectral_layout`, with `multi_component_layout` for a disconnected
 * graph: components placed at ±unit vectors (≤ 2·dim components) or by
 * {@linkcode componentLayout}, each laid out spectrally (random when tiny)
 * and scaled to half the distance to the nearest other component.
 */
export function spectralLayout(
  X: Matrix,
  G: UmapGraph,
  dim: number,
  rng: RandomState,
  warn: (m: string) => void,
): Float64Array {
  const n = G.rows;
  const { count: nc, labels } = connectedComponents(G);
  if (nc === 1) return connectedSpectral(G, dim, rng, warn);
  let meta: Float64Array;
  if (nc > 2 * dim) {
    meta = componentLayout(X, nc, labels, dim, rng);
  } else {
    const k = Math.ceil(nc / 2);
    meta = new Float64Array(nc * dim);
    for (let l = 0; l < nc; l++) meta[l * dim + (l % k)] = l < k ? 1 : -1;
  }
  const out = new Float64Array(n * dim);
  for (let l = 0; l < nc; l++) {
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (labels[i] === l) members.push(i);
    let minD = Infinity;
    for (let m = 0; m < nc; m++) {
      let s = 0;
      for (let c = 0; c < dim; c++) {
        const t = meta[l * dim + c] - meta[m * dim + c];
        s += t * t;
      }
      const dist = Math.sqrt(s);
      if (dist > 0 && dist < minD) minD = dist;
    }
    const range = minD / 2;
    const size = members.length;
    let emb: Float64Array;
    if (size < 2 * dim || size <= dim + 1) {
      emb = rng.uniform(-range, range, size * dim);
    } else {
      emb = connectedSpectral(subgraph(G, Int32Array.from(members)), dim, rng, warn);
      let max = 0;
      for (const v of emb) max = Math.max(max, Math.abs(v));
      const expansion = range / max;
      for (let t = 0; t < emb.length; t++) emb[t] *= expansion;
    }
    members.forEach((v, i) => {
      for (let c = 0; c < dim; c++) out[v * dim + c] = emb[i * dim + c] + meta[l * dim + c];
    });
  }
  return out;
}
