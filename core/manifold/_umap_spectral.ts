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
import { twoCores } from "../workers.ts";
import { exp } from "../math.ts";
import type { UmapGraph } from "./_umap_graph.ts";
import { componentEigenvectors, parallelComponentEigenvectors } from "./_umap_spectral_jobs.ts";

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

/**
 * The sub-graph on `members` (ascending vertex ids of one connected
 * component, so every edge of a member stays inside); `local` maps a
 * vertex to its position in `members` (scratch of length n).
 */
function subgraph(G: UmapGraph, members: Int32Array, local: Int32Array): UmapGraph {
  members.forEach((v, i) => local[v] = i);
  const indptr = new Int32Array(members.length + 1);
  let nnz = 0;
  members.forEach((v, i) => {
    nnz += G.indptr[v + 1] - G.indptr[v];
    indptr[i + 1] = nnz;
  });
  const indices = new Int32Array(nnz), values = new Float64Array(nnz);
  members.forEach((v, i) => {
    for (let p = G.indptr[v], q = indptr[i]; p < G.indptr[v + 1]; p++, q++) {
      indices[q] = local[G.indices[p]];
      values[q] = G.values[p];
    }
  });
  return { rows: members.length, cols: members.length, indptr, indices, values };
}

/**
 * umap-learn's `_spectral_layout` of a connected graph: draws the
 * n × (dim + 1) normals from `rng` that it draws (and does not use with
 * eigsh), then takes {@linkcode componentEigenvectors} (`solved`, when
 * already computed: `null` for no convergence). On failure: a warning and
 * uniform(−10, 10) coordinates.
 */
function connectedSpectral(
  G: UmapGraph,
  dim: number,
  rng: RandomState,
  warn: (m: string) => void,
  solved?: Float64Array | null,
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
  const vectors = solved === undefined ? componentEigenvectors(G, dim) : solved;
  return vectors ?? fallback("the eigensolver did not converge");
}

/** Whether the graph of the non-zero entries of W (nc × nc, symmetric) is connected. */
function denseConnected(W: Float64Array, nc: number): boolean {
  const seen = new Uint8Array(nc), stack = [0];
  seen[0] = 1;
  let reached = 1;
  while (stack.length) {
    const i = stack.pop()!;
    for (let j = 0; j < nc; j++) {
      if (!seen[j] && W[i * nc + j] !== 0) {
        seen[j] = 1;
        reached++;
        stack.push(j);
      }
    }
  }
  return reached === nc;
}

/**
 * Embedding of the component centroids, as umap-learn's `component_layout`:
 * scikit-learn's `SpectralEmbedding` of exp(−‖cᵢ − cⱼ‖²) (normalised
 * Laplacian, eigenvectors divided by √degree, signs fixed so each vector's
 * largest |entry| is positive, first dropped), over its maximum. Draws the
 * ARPACK start vector (uniform(−1, 1, nc)) that scikit-learn draws, and
 * warns as its `spectral_embedding` does when exp(−‖cᵢ − cⱼ‖²) underflows
 * to 0 between two groups of centroids (the affinity graph is disconnected).
 */
function componentLayout(
  X: Matrix,
  nc: number,
  labels: Int32Array,
  dim: number,
  rng: RandomState,
  warn: (m: string) => void,
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
  if (!denseConnected(W, nc)) {
    warn("Graph is not fully connected, spectral embedding may not work as expected.");
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
 * and scaled to half the distance to the nearest other component. The
 * components' eigenproblems are solved on two cores where that pays
 * (`_umap_spectral_jobs.ts`; `threads` forces it for the tests), with the
 * same bits, draws and warnings as on one. `G` must be symmetric (the
 * fuzzy union is), so that a component's edges stay inside it.
 */
export function spectralLayout(
  X: Matrix,
  G: UmapGraph,
  dim: number,
  rng: RandomState,
  warn: (m: string) => void,
  threads: { force?: boolean; workerOnly?: boolean } = {},
): Float64Array {
  const n = G.rows;
  const { count: nc, labels } = connectedComponents(G);
  if (nc === 1) return connectedSpectral(G, dim, rng, warn);
  let meta: Float64Array;
  if (nc > 2 * dim) {
    meta = componentLayout(X, nc, labels, dim, rng, warn);
  } else {
    const k = Math.ceil(nc / 2);
    meta = new Float64Array(nc * dim);
    for (let l = 0; l < nc; l++) meta[l * dim + (l % k)] = l < k ? 1 : -1;
  }
  // Members of each component, ascending (a counting sort by label).
  const start = new Int32Array(nc + 1);
  for (let i = 0; i < n; i++) start[labels[i] + 1]++;
  for (let l = 0; l < nc; l++) start[l + 1] += start[l];
  const sorted = new Int32Array(n), fill = start.slice(0, nc);
  for (let i = 0; i < n; i++) sorted[fill[labels[i]]++] = i;
  const membersOf = (l: number) => sorted.subarray(start[l], start[l + 1]);
  const tiny = (size: number) => size < 2 * dim || size <= dim + 1;
  // With two cores, the sub-graphs to solve are built first and their
  // eigenvectors found on both where it pays; with one, each when reached.
  const local = new Int32Array(n);
  const graphs = new Map<number, UmapGraph>();
  const solved = new Map<number, Float64Array | null>();
  if (twoCores()) {
    for (let l = 0; l < nc; l++) {
      if (!tiny(start[l + 1] - start[l])) graphs.set(l, subgraph(G, membersOf(l), local));
    }
    const ids = [...graphs.keys()];
    parallelComponentEigenvectors(ids.map((l) => graphs.get(l)!), dim, threads)
      ?.forEach((answer, j) => {
        if (answer !== undefined) solved.set(ids[j], answer);
      });
  }
  const out = new Float64Array(n * dim);
  for (let l = 0; l < nc; l++) {
    const members = membersOf(l);
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
    if (tiny(size)) {
      emb = rng.uniform(-range, range, size * dim);
    } else {
      const sub = graphs.get(l) ?? subgraph(G, members, local);
      graphs.delete(l);
      emb = connectedSpectral(sub, dim, rng, warn, solved.get(l));
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
