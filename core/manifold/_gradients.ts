/**
 * The gradient of t-SNE's objective KL(P‖Q) with respect to the embedding,
 * with the Student-t kernel q_ij ∝ (1 + ‖yᵢ − yⱼ‖²/ν)^(−(ν+1)/2):
 *
 *   ∂C/∂yᵢ = c · Σⱼ (p_ij − q_ij) · w_ij · (yᵢ − yⱼ),  c = 2(ν + 1)/ν,
 *
 * with w_ij the unnormalised kernel. Split as scikit-learn splits it: an
 * attractive term over P's non-zeros, and a repulsive term Σⱼ w_ij² (yᵢ − yⱼ)
 * / Z, Z = Σ_{k≠l} w_kl, which Barnes–Hut approximates with one
 * space-partitioning tree per iteration (van der Maaten, "Accelerating t-SNE
 * using tree-based algorithms", JMLR 15, 2014).
 *
 * @module
 */
import type { SparseRows } from "./_affinities.ts";
import { DUPLICATE_EPSILON, SpaceTree } from "./_space_tree.ts";
import { repulsion2d } from "./_repulsion.ts";
import { CHUNK, layout, Slot, views } from "./_bh_protocol.ts";
import { awaitWorkers, startWorker, type WorkerHandle } from "../workers.ts";
import { log } from "../math.ts";

/** float32's smallest normal number: scikit-learn's floor inside the Barnes–Hut error. */
const FLOAT32_TINY = 1.1754943508222875e-38;

/**
 * w^(m/2) for an integer m ≥ 1, by products and one square root, which
 * every engine computes alike (`Math.pow` is left to each engine).
 */
function halfPower(w: number, m: number): number {
  let r = m % 2 === 1 ? Math.sqrt(w) : 1;
  for (let e = m >> 1, b = w; e > 0; e >>= 1, b *= b) if (e & 1) r *= b;
  return r;
}

/** The kernel w = (ν / (ν + d²))^((ν+1)/2). */
function kernel(d2: number, dof: number): number {
  const w = dof / (dof + d2);
  return dof === 1 ? w : halfPower(w, dof + 1);
}

/** Embeddings with fewer points stay on one core. */
const MIN_PARALLEL_POINTS = 1000;

/**
 * The second-core worker and the memory it shares. It starts with the first
 * large 2-D gradient and stops shortly after the last one (a `tsne` call is
 * synchronous, so that is once it has returned).
 */
interface Pool {
  worker: WorkerHandle;
  memory: WebAssembly.Memory;
  ctrl: Int32Array;
}
let pool: Pool | undefined;
let poolFailed = false;
let poolAllowed = true;
/** Workers chunks of the pools started so far (for tests). */
let stoppedChunks = 0;
/** How long an idle repulsion worker lives. */
const IDLE_MS = 100;

/**
 * Lets the 2-D repulsion use the second-core worker (the default) or not;
 * the results are the same either way (tests check it).
 */
export function useRepulsionWorker(on: boolean): void {
  poolAllowed = on;
}

/** Chunks of repulsion the worker has computed in this process (0 without a worker). */
export function repulsionWorkerChunks(): number {
  return stoppedChunks + (pool ? Atomics.load(pool.ctrl, Slot.WorkerChunks) : 0);
}

/**
 * Starts the repulsion worker without waiting for it: until it is ready,
 * the main thread takes every chunk itself. Undefined where no worker can
 * run (`../workers.ts`), or after one failed.
 */
function startPool(): Pool | undefined {
  if (pool && !pool.worker.running) dropPool(); // stopped when idle
  if (pool || poolFailed) return pool;
  try {
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 16384, shared: true });
    const ctrl = new Int32Array(memory.buffer, 0, 16);
    const worker = startWorker(new URL("./_bh_worker.ts", import.meta.url), { memory }, {
      wake: () => {
        Atomics.store(ctrl, Slot.Stop, 1);
        Atomics.add(ctrl, Slot.Gen, 1);
        Atomics.notify(ctrl, Slot.Gen);
      },
      onFail: () => {
        poolFailed = true;
        dropPool();
      },
    });
    if (!worker) return undefined;
    pool = { worker, memory, ctrl };
  } catch {
    poolFailed = true; // no shared memory here
  }
  return pool;
}

function dropPool(): void {
  if (!pool) return;
  stoppedChunks += Atomics.load(pool.ctrl, Slot.WorkerChunks);
  pool.worker.stop();
  pool = undefined;
}

/** Grows `memory` to at least `bytes`; false when it cannot. */
function reserve(memory: WebAssembly.Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (have >= bytes) return true;
  try {
    memory.grow(Math.ceil((bytes - have) / 65536));
    return true;
  } catch {
    return false;
  }
}

/**
 * Barnes–Hut gradient and (when `computeError`) the KL divergence, as
 * scikit-learn's `_barnes_hut_tsne.gradient`: the tree summarises a cell by
 * its barycentre when the cell is a leaf or its squared width over the
 * squared distance is below angle²; a leaf at the query point (itself or its
 * duplicates) is skipped. Points are visited in the tree's depth-first
 * order, so consecutive queries walk nearly the same cells. In 2-D a worker
 * thread takes chunks of the repulsion while the main thread computes the
 * attraction; every point's result is computed alone and the normaliser Z
 * is summed in index order, so the result is the same on one core or two.
 */
export class BarnesHut {
  readonly #tree: SpaceTree;
  readonly #neg: Float64Array;
  readonly #z: Float64Array;
  readonly #pos: Float64Array;
  #stack = new Int32Array(256);
  #orderBuf = new Int32Array(0);
  #cap = 0;

  constructor(readonly n: number, readonly dim: number) {
    this.#tree = new SpaceTree(dim);
    this.#neg = new Float64Array(n * dim);
    this.#z = new Float64Array(n);
    this.#pos = new Float64Array(n * dim);
  }

  /**
   * Writes the gradient into `grad` (n × dim) for positions `Y`; returns the
   * KL divergence of P·`exaggeration` from Q, or NaN without `computeError`.
   */
  gradient(
    Y: Float64Array,
    P: SparseRows,
    angle: number,
    dof: number,
    exaggeration: number,
    grad: Float64Array,
    computeError: boolean,
  ): number {
    const { n, dim } = this;
    const tree = this.#tree;
    tree.build(Y, n);
    if (this.#stack.length < tree.count) this.#stack = new Int32Array(tree.count);
    const theta2 = angle * angle;
    let neg = this.#neg, z = this.#z;
    let shared: Pool | undefined;
    if (dim === 2 && dof === 1) {
      const order = this.#order(tree);
      shared = poolAllowed && n >= MIN_PARALLEL_POINTS ? startPool() : undefined;
      const v = shared && this.#publish(shared, Y, order, theta2);
      if (v) {
        neg = v.neg;
        z = v.z;
      } else shared = undefined;
      this.#attraction(Y, P, exaggeration, dof);
      if (shared) {
        const ctrl = shared.ctrl;
        for (;;) {
          const from = Atomics.add(ctrl, Slot.Next, CHUNK);
          if (from >= n) break;
          repulsion2d(Y, order, from, Math.min(n, from + CHUNK), tree, theta2, this.#stack, neg, z);
        }
        awaitWorkers(ctrl, Slot.Active);
        shared.worker.stopWhenIdle(IDLE_MS);
      } else repulsion2d(Y, order, 0, n, tree, theta2, this.#stack, neg, z);
    } else {
      this.#attraction(Y, P, exaggeration, dof);
      this.#repulsion(Y, theta2, dof);
    }
    let sumQ = 0;
    for (let i = 0; i < n; i++) sumQ += z[i];
    const c = (2 * (dof + 1)) / dof;
    const pos = this.#pos;
    for (let k = 0; k < n * dim; k++) grad[k] = c * (pos[k] - neg[k] / sumQ);
    return computeError ? this.#error(Y, P, exaggeration, dof, sumQ) : NaN;
  }

  /**
   * Copies this iteration's positions, order and tree into the shared memory
   * and wakes the worker; returns the shared views, or undefined when the
   * memory cannot grow (the main thread then works alone).
   */
  #publish(
    shared: Pool,
    Y: Float64Array,
    order: Int32Array,
    theta2: number,
  ): ReturnType<typeof views> | undefined {
    const { n } = this;
    const tree = this.#tree, count = tree.count;
    if (count > this.#cap) this.#cap = Math.ceil(count * 1.25);
    if (!reserve(shared.memory, layout(n, this.#cap).end)) return undefined;
    const v = views(shared.memory.buffer, n, this.#cap);
    v.Y.set(Y);
    v.order.set(order);
    v.tree.barycenter.set(tree.barycenter.subarray(0, 2 * count));
    v.tree.size.set(tree.size.subarray(0, count));
    v.tree.squaredWidth.set(tree.squaredWidth.subarray(0, count));
    v.tree.children.set(tree.children.subarray(0, 4 * count));
    v.tree.leaf.set(tree.leaf.subarray(0, count));
    const ctrl = shared.ctrl;
    new Float64Array(shared.memory.buffer, 0, 8)[Slot.Theta2 / 2] = theta2;
    ctrl[Slot.N] = n;
    ctrl[Slot.Cap] = this.#cap;
    Atomics.store(ctrl, Slot.Next, 0);
    Atomics.add(ctrl, Slot.Gen, 1);
    Atomics.notify(ctrl, Slot.Gen);
    return v;
  }

  /** Σⱼ p_ij·w_ij·(yᵢ − yⱼ) over P's non-zeros, into #pos. */
  #attraction(Y: Float64Array, P: SparseRows, exaggeration: number, dof: number): void {
    const { n, dim } = this;
    const pos = this.#pos;
    const { indptr, indices, values } = P;
    for (let i = 0; i < n; i++) {
      const oi = i * dim;
      let f0 = 0, f1 = 0, f2 = 0;
      for (let s = indptr[i]; s < indptr[i + 1]; s++) {
        const oj = indices[s] * dim;
        const b0 = Y[oi] - Y[oj];
        const b1 = dim > 1 ? Y[oi + 1] - Y[oj + 1] : 0;
        const b2 = dim > 2 ? Y[oi + 2] - Y[oj + 2] : 0;
        const pw = values[s] * exaggeration * kernel(b0 * b0 + b1 * b1 + b2 * b2, dof);
        f0 += pw * b0;
        f1 += pw * b1;
        f2 += pw * b2;
      }
      pos[oi] = f0;
      if (dim > 1) pos[oi + 1] = f1;
      if (dim > 2) pos[oi + 2] = f2;
    }
  }

  /** Σ p_ij log(p_ij / q_ij) over P's non-zeros, q_ij = w_ij / Z, both floored at float32's tiny. */
  #error(Y: Float64Array, P: SparseRows, exaggeration: number, dof: number, sumQ: number): number {
    const { n, dim } = this;
    const { indptr, indices, values } = P;
    let error = 0;
    for (let i = 0; i < n; i++) {
      for (let s = indptr[i]; s < indptr[i + 1]; s++) {
        const j = indices[s];
        let d2 = 0;
        for (let a = 0; a < dim; a++) d2 += (Y[i * dim + a] - Y[j * dim + a]) ** 2;
        const pij = values[s] * exaggeration;
        const qij = kernel(d2, dof) / sumQ;
        error += pij * log(Math.max(pij, FLOAT32_TINY) / Math.max(qij, FLOAT32_TINY));
      }
    }
    return error;
  }

  /** Points in the tree's depth-first leaf order. */
  #order(tree: SpaceTree): Int32Array {
    if (this.#orderBuf.length !== this.n) this.#orderBuf = new Int32Array(this.n);
    const out = this.#orderBuf;
    const stack = this.#stack;
    const nc = tree.nChildren;
    let top = 0, k = 0;
    stack[top++] = 0;
    while (top > 0) {
      const cell = stack[--top];
      if (tree.leaf[cell]) {
        for (let p = tree.point[cell]; p >= 0; p = tree.next[p]) out[k++] = p;
        continue;
      }
      for (let s = nc - 1; s >= 0; s--) {
        const c = tree.children[cell * nc + s];
        if (c >= 0) stack[top++] = c;
      }
    }
    return out;
  }

  /** Unnormalised repulsion Σ w² (yᵢ − y_cell) into #neg and Σ w into #z, per point, any dimension. */
  #repulsion(Y: Float64Array, theta2: number, dof: number): void {
    const { n, dim } = this;
    const tree = this.#tree;
    const { children, size, barycenter, squaredWidth, leaf } = tree;
    const nc = tree.nChildren;
    if (this.#stack.length < tree.count) this.#stack = new Int32Array(tree.count);
    const stack = this.#stack;
    const neg = this.#neg, z = this.#z;
    const r = new Float64Array(dim);
    for (let i = 0; i < n; i++) {
      const oi = i * dim;
      for (let a = 0; a < dim; a++) neg[oi + a] = 0;
      let zi = 0;
      let top = 0;
      stack[top++] = 0;
      while (top > 0) {
        const cell = stack[--top];
        let d2 = 0, duplicate = true;
        for (let a = 0; a < dim; a++) {
          const v = Y[oi + a] - barycenter[cell * dim + a];
          r[a] = v;
          d2 += v * v;
          duplicate &&= Math.abs(v) <= DUPLICATE_EPSILON;
        }
        const isLeaf = leaf[cell] === 1;
        if (isLeaf && duplicate) continue; // no self-interaction
        if (isLeaf || squaredWidth[cell] / d2 < theta2) {
          const w = kernel(d2, dof);
          const m = size[cell];
          zi += m * w;
          const mult = m * w * w;
          for (let a = 0; a < dim; a++) neg[oi + a] += mult * r[a];
        } else {
          const oc = cell * nc;
          for (let s = nc - 1; s >= 0; s--) {
            const child = children[oc + s];
            if (child >= 0) stack[top++] = child;
          }
        }
      }
      z[i] = zi;
    }
  }
}

/**
 * Exact gradient and (when `computeError`) KL divergence from the dense
 * joint P (n × n), as scikit-learn's `_kl_divergence`: Q_ij = w_ij / Σ w,
 * floored at machine epsilon, and KL = Σ_{i≠j} p_ij log(p_ij / Q_ij).
 */
export function exactGradient(
  Y: Float64Array,
  n: number,
  dim: number,
  P: Float64Array,
  dof: number,
  exaggeration: number,
  grad: Float64Array,
  computeError: boolean,
  W: Float64Array,
): number {
  let sumW = 0;
  for (let i = 0; i < n; i++) {
    W[i * n + i] = 0;
    for (let j = i + 1; j < n; j++) {
      let d2 = 0;
      for (let a = 0; a < dim; a++) {
        const t = Y[i * dim + a] - Y[j * dim + a];
        d2 += t * t;
      }
      const w = kernel(d2, dof);
      W[i * n + j] = w;
      W[j * n + i] = w;
      sumW += 2 * w;
    }
  }
  const c = (2 * (dof + 1)) / dof;
  let error = 0;
  grad.fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const w = W[i * n + j];
      const q = Math.max(w / sumW, Number.EPSILON);
      const p = P[i * n + j] * exaggeration;
      if (computeError && j > i) error += 2 * p * log(Math.max(p, Number.EPSILON) / q);
      const g = (p - q) * w;
      for (let a = 0; a < dim; a++) grad[i * dim + a] += g * (Y[i * dim + a] - Y[j * dim + a]);
    }
  }
  for (let k = 0; k < n * dim; k++) grad[k] *= c;
  return computeError ? error : NaN;
}
