/**
 * The eigenproblem of one connected component of UMAP's graph
 * ({@linkcode componentEigenvectors}), and the components of a
 * disconnected graph solved on two cores (see `../workers.ts`): the
 * sub-graphs and the answers live in one SharedArrayBuffer; the calling
 * thread and a worker (`_umap_spectral_worker.ts`) take components from a
 * shared counter, largest first. Each component is solved alone by the
 * same code, so every answer is the one-core answer, bit for bit, whoever
 * computed it; `_umap_spectral.ts` then draws from the random state and
 * warns in component order, as one core does. Private helper of
 * `_umap_spectral.ts`.
 *
 * @module
 */
import { eigshSmallest } from "../sparse_eigen.ts";
import { JobSlot, shareJob } from "../workers.ts";
import type { UmapGraph } from "./_umap_graph.ts";

/**
 * Eigenvectors 1..dim (n × dim, row-major) of the symmetric normalised
 * Laplacian I − D^−½ G D^−½ of a connected graph with more than dim + 1
 * vertices, as umap-learn's `_spectral_layout` finds them (eigsh with
 * which="SM", v0 = ones, ncv = max(2k + 1, √n), tol 1e-4, k = dim + 1);
 * undefined when the eigensolver does not converge.
 */
export function componentEigenvectors(G: UmapGraph, dim: number): Float64Array | undefined {
  const n = G.rows, k = dim + 1;
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
  const r = eigshSmallest(matvec, n, k, {
    tol: 1e-4,
    ncv: ncvOf(n, k),
    maxRestarts: 1000,
    checkMultiplicity: false,
  });
  if (!r.converged) return undefined;
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) out[i * dim + d] = r.vectors.data[i * k + d + 1];
  }
  return out;
}

/** umap-learn's Krylov basis size for k eigenpairs of order n. */
function ncvOf(n: number, k: number): number {
  return Math.max(2 * k + 1, Math.floor(Math.sqrt(n)));
}

/** Header slots (Int32 indices) after {@linkcode JobSlot}'s (each thread adds 1 to `Next`). */
export const Slot = {
  ...JobSlot,
  /** Components to solve, largest first. */
  Jobs: 2,
  Dim: 3,
  /** Their rows and edges in all. */
  Rows: 4,
  Nnz: 5,
  /** Components the worker solved (for tests). */
  WorkerJobs: 6,
} as const;

/** What became of a component. */
export const Status = { Pending: 0, Converged: 1, NotConverged: 2, Threw: 3 } as const;

/** Bytes before the arrays. */
const HEADER_BYTES = 64;

/** Byte offsets of the arrays (float64 ones first, so all aligned), and the bytes needed. */
function layout(jobs: number, rows: number, nnz: number, dim: number) {
  const values = HEADER_BYTES;
  const out = values + 8 * nnz;
  const jobRows = out + 8 * rows * dim;
  const jobNnz = jobRows + 4 * jobs;
  const status = jobNnz + 4 * jobs;
  const indptr = status + 4 * jobs;
  const indices = indptr + 4 * (rows + jobs);
  return { values, out, jobRows, jobNnz, status, indptr, indices, bytes: indices + 4 * nnz };
}

/** One component's sub-graph and its answer. */
interface Job {
  graph: UmapGraph;
  out: Float64Array;
}

/** The components, their answers and their status as views of `buffer` (both threads). */
export function sharedViews(buffer: SharedArrayBuffer): {
  header: Int32Array;
  status: Int32Array;
  jobs: Job[];
  dim: number;
} {
  const header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  const J = header[Slot.Jobs], dim = header[Slot.Dim];
  const o = layout(J, header[Slot.Rows], header[Slot.Nnz], dim);
  const jobRows = new Int32Array(buffer, o.jobRows, J);
  const jobNnz = new Int32Array(buffer, o.jobNnz, J);
  const jobs: Job[] = [];
  let row = 0, entry = 0;
  for (let j = 0; j < J; j++) {
    const n = jobRows[j], m = jobNnz[j];
    jobs.push({
      graph: {
        rows: n,
        cols: n,
        indptr: new Int32Array(buffer, o.indptr + 4 * (row + j), n + 1),
        indices: new Int32Array(buffer, o.indices + 4 * entry, m),
        values: new Float64Array(buffer, o.values + 8 * entry, m),
      },
      out: new Float64Array(buffer, o.out + 8 * row * dim, n * dim),
    });
    row += n;
    entry += m;
  }
  return { header, status: new Int32Array(buffer, o.status, J), jobs, dim };
}

/**
 * Takes components from the shared counter until none are left, and
 * solves each: its answer into `out`, then its status. An exception is a
 * status (the calling thread solves that component again in turn, and so
 * throws it where one core would); `worker` counts its components.
 */
export function runJobs(v: ReturnType<typeof sharedViews>, worker: boolean): void {
  const h = v.header, J = h[Slot.Jobs];
  for (;;) {
    const j = Atomics.add(h, Slot.Next, 1);
    if (j >= J) break;
    let status: number = Status.Threw;
    try {
      const vectors = componentEigenvectors(v.jobs[j].graph, v.dim);
      if (vectors) v.jobs[j].out.set(vectors);
      status = vectors ? Status.Converged : Status.NotConverged;
    } catch {
      // Left to the calling thread, which throws it in component order.
    }
    Atomics.store(v.status, j, status);
    if (worker) Atomics.add(h, Slot.WorkerJobs, 1);
  }
}

/** Components the worker solved in the last call (0 when it ran on one core; for tests). */
export let lastWorkerJobs = 0;

/** Below this many rows outside the largest component, the worker's start (about 0.1 s) does not pay. */
const MIN_REST_ROWS = 5000;

/**
 * {@linkcode componentEigenvectors} of each graph, on two cores: each
 * entry the eigenvectors, `null` where the eigensolver did not converge,
 * or `undefined` where that component threw (solve it again to throw the
 * same). Returns undefined where a second core cannot be used or the
 * components outside the largest are too small to pay for it. For the
 * tests: `force` uses the worker whatever the sizes, and `workerOnly`
 * leaves it every component.
 */
export function parallelComponentEigenvectors(
  graphs: UmapGraph[],
  dim: number,
  test: { force?: boolean; workerOnly?: boolean } = {},
): (Float64Array | null | undefined)[] | undefined {
  lastWorkerJobs = 0;
  const J = graphs.length;
  if (J < 2) return undefined;
  let rows = 0, nnz = 0, largest = 0;
  for (const g of graphs) {
    rows += g.rows;
    nnz += g.indices.length;
    largest = Math.max(largest, g.rows);
  }
  if (!test.force && rows - largest < MIN_REST_ROWS) return undefined;
  if (typeof SharedArrayBuffer !== "function") return undefined;
  // Largest work first (a solve costs about n·ncv² per restart), so the
  // other thread takes the next while the first is solved.
  const cost = (g: UmapGraph) => g.rows * ncvOf(g.rows, dim + 1) ** 2;
  const order = [...graphs.keys()].sort((a, b) => cost(graphs[b]) - cost(graphs[a]) || a - b);
  const o = layout(J, rows, nnz, dim);
  let buffer: SharedArrayBuffer;
  try {
    buffer = new SharedArrayBuffer(o.bytes);
  } catch {
    return undefined; // out of memory: one core
  }
  const h = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  h[Slot.Jobs] = J;
  h[Slot.Dim] = dim;
  h[Slot.Rows] = rows;
  h[Slot.Nnz] = nnz;
  const jobRows = new Int32Array(buffer, o.jobRows, J);
  const jobNnz = new Int32Array(buffer, o.jobNnz, J);
  order.forEach((c, j) => {
    jobRows[j] = graphs[c].rows;
    jobNnz[j] = graphs[c].indices.length;
  });
  const v = sharedViews(buffer);
  order.forEach((c, j) => {
    const g = v.jobs[j].graph;
    g.indptr.set(graphs[c].indptr);
    g.indices.set(graphs[c].indices);
    g.values.set(graphs[c].values);
  });
  const url = new URL("./_umap_spectral_worker.ts", import.meta.url);
  if (!shareJob(url, { buffer }, h, J, () => runJobs(v, false), test.workerOnly)) {
    return undefined;
  }
  lastWorkerJobs = Atomics.load(h, Slot.WorkerJobs);
  const answers: (Float64Array | null | undefined)[] = new Array(J);
  order.forEach((c, j) => {
    const s = Atomics.load(v.status, j);
    answers[c] = s === Status.Converged
      ? v.jobs[j].out.slice()
      : s === Status.NotConverged
      ? null
      : undefined; // threw, or left by a worker that failed
  });
  return answers;
}
