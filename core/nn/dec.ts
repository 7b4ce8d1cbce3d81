/**
 * Deep embedded clustering (J. Xie, R. Girshick and A. Farhadi,
 * "Unsupervised deep embedding for clustering analysis", ICML 2016), as its
 * public Keras implementation trains it: a clustering layer of trainable
 * centres on top of a pretrained encoder, Student-t soft assignments Q, a
 * sharpened target P recomputed on all samples every `updateInterval`
 * iterations, and KL(P‖Q) minimised by SGD with momentum over batches taken
 * in order.
 *
 * The soft assignments and the target are here twice: in float64 on plain
 * matrices (for Q on all samples, and as the tests' reference) and as
 * tfjs ops (for the gradient through the encoder).
 *
 * @module
 */
import { tf } from "./tf.ts";
import { KERAS_EPSILON, KerasSGD } from "./keras.ts";
import { predictMatrix } from "./models.ts";
import { Progress } from "../cli.ts";
import { checkInterrupt } from "../interrupt.ts";
import { type Matrix, matrix } from "../matrix.ts";

/**
 * Student-t soft assignments: q_ij ∝ (1 + ‖z_i − μ_j‖²/α)^(−(α+1)/2),
 * normalised per row (float64).
 *
 * @example
 * ```ts
 * import { softAssignment } from "./dec.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const q = softAssignment(fromRows([[0, 0]]), fromRows([[0, 0], [1, 0]]));
 * assert.deepEqual(Array.from(q.data), [2 / 3, 1 / 3]); // 1 and 1/2, normalised
 * ```
 * @throws {RangeError} when `z` and `centers` differ in dimension.
 */
export function softAssignment(z: Matrix, centers: Matrix, alpha = 1): Matrix {
  if (z.cols !== centers.cols) {
    throw new RangeError(
      `Cannot compute soft assignments as the embeddings and centres differ in dimension: ${z.cols} and ${centers.cols}`,
    );
  }
  const n = z.rows, k = centers.rows, d = z.cols, power = -(alpha + 1) / 2;
  const q = matrix(n, k);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = z.data[i * d + t] - centers.data[j * d + t];
        s += diff * diff;
      }
      const v = alpha === 1 ? 1 / (1 + s) : (1 + s / alpha) ** power;
      q.data[i * k + j] = v;
      total += v;
    }
    for (let j = 0; j < k; j++) q.data[i * k + j] /= total;
  }
  return q;
}

/**
 * DEC's target distribution: p_ij ∝ q_ij² / f_j with f_j = Σ_i q_ij (the
 * soft cluster sizes), normalised per row. It sharpens Q and evens out the
 * clusters' weight.
 *
 * @example
 * ```ts
 * import { targetDistribution } from "./dec.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const p = targetDistribution(fromRows([[0.5, 0.5], [0.9, 0.1]]));
 * // f = (1.4, 0.6): row 0 ∝ (0.25/1.4, 0.25/0.6), row 1 ∝ (0.81/1.4, 0.01/0.6)
 * assert.ok(Math.abs(p.data[0] - 0.3) < 1e-12);
 * assert.ok(p.data[2] > 0.9);
 * ```
 */
export function targetDistribution(q: Matrix): Matrix {
  const n = q.rows, k = q.cols;
  const f = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) f[j] += q.data[i * k + j];
  const p = matrix(n, k);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let j = 0; j < k; j++) {
      const v = q.data[i * k + j] ** 2 / f[j];
      p.data[i * k + j] = v;
      total += v;
    }
    for (let j = 0; j < k; j++) p.data[i * k + j] /= total;
  }
  return p;
}

/** The index of the largest entry of each row (ties: the first). */
export function rowArgmax(m: Matrix): Int32Array {
  const out = new Int32Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let best = 0;
    for (let j = 1; j < m.cols; j++) {
      if (m.data[i * m.cols + j] > m.data[i * m.cols + best]) best = j;
    }
    out[i] = best;
  }
  return out;
}

/**
 * The clustering layer as tfjs ops: Student-t soft assignments of the
 * embeddings `z` ([n, d]) to the centres `mu` ([k, d]), normalised per row;
 * differentiable in both.
 */
export function studentT(z: tf.Tensor2D, mu: tf.Tensor2D, alpha = 1): tf.Tensor2D {
  return tf.tidy(() => {
    const d2 = tf.sum(tf.square(tf.sub(tf.expandDims(z, 1), tf.expandDims(mu, 0))), 2);
    const base = tf.add(1, alpha === 1 ? d2 : tf.div(d2, alpha));
    const q = alpha === 1 ? tf.reciprocal(base) : tf.pow(base, -(alpha + 1) / 2);
    return tf.div(q, tf.sum(q, 1, true)) as tf.Tensor2D;
  });
}

/**
 * Keras' `kullback_leibler_divergence` loss: both sides clipped to [ε, 1],
 * Σ_j p·log(p/q) per sample, averaged over the batch.
 */
export function klDivergence(p: tf.Tensor, q: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const pc = tf.clipByValue(p, KERAS_EPSILON, 1), qc = tf.clipByValue(q, KERAS_EPSILON, 1);
    return tf.mean(tf.sum(tf.mul(pc, tf.log(tf.div(pc, qc))), -1)) as tf.Scalar;
  });
}

/** One target update of {@linkcode decFit}. */
export interface DecUpdate {
  /** Training iterations (batches) done before this update. */
  readonly iteration: number;
  /** argmax of Q on all samples. */
  readonly labels: Int32Array;
  /** Fraction of samples whose label changed since the previous update. */
  readonly deltaLabel: number;
  /** Mean KL(P‖Q) of the batches since the previous update (NaN at iteration 0). */
  readonly loss: number;
}

/** Options of {@linkcode decFit}. */
export interface DecOptions {
  /** Initial centres, `k × d` (k-means on the embeddings, in the original). */
  readonly centers: Matrix;
  /** The labels the first update's change is measured against (the k-means labels). */
  readonly labels: ArrayLike<number>;
  /** Degrees of freedom of the Student-t kernel. @default 1 */
  readonly alpha?: number;
  /** @default 256 */
  readonly batchSize?: number;
  /** Iterations between recomputations of Q and P on all samples. @default 140 */
  readonly updateInterval?: number;
  /** Stop when fewer than this fraction of labels changed (never at iteration 0). @default 0.001 */
  readonly tol?: number;
  /** @default 8000 */
  readonly maxIter?: number;
  /** SGD learning rate. @default 0.01 */
  readonly learningRate?: number;
  /** SGD momentum. @default 0.9 */
  readonly momentum?: number;
  /** No progress bar. */
  readonly quiet?: boolean;
  /** Called at every target update, and once more at the end without convergence. */
  readonly onUpdate?: (update: DecUpdate) => void;
}

/** Result of {@linkcode decFit}. */
export interface DecResult {
  /** Final hard assignments (argmax of Q). */
  readonly labels: Int32Array;
  /** Final centres, `k × d`. */
  readonly centers: Matrix;
  /** Training iterations run. */
  readonly iterations: number;
  /** True when the label change fell below `tol`. */
  readonly converged: boolean;
  /** Every target update, in order. */
  readonly history: DecUpdate[];
}

/**
 * Fine-tunes `encoder` (a model whose output is the embedding) and a set
 * of cluster centres by DEC's self-training, in place. The loop follows
 * the original exactly: at iterations 0, 140, 280, … Q is computed on all of
 * `x`, P from it, and the fraction of changed labels; below `tol` (after
 * iteration 0) it stops. Between updates, batch b (of ⌈n/256⌉, in order,
 * the last one short) takes one SGD step on KL(P_b‖Q_b) for the encoder's
 * weights and the centres. When `maxIter` is reached first, a last update
 * gives the final labels.
 *
 * @example
 * ```ts ignore
 * const r = decFit(encoder, x, { centers: km.centers, labels: km.labels });
 * console.log(r.iterations, r.converged);
 * ```
 * @throws {RangeError} when the centres do not match the embedding, or the labels `x`.
 */
export function decFit(encoder: tf.LayersModel, x: tf.Tensor2D, o: DecOptions): DecResult {
  const n = x.shape[0], k = o.centers.rows, dim = o.centers.cols;
  const embedding = (encoder.outputs[0].shape as number[])[1];
  if (embedding !== dim || o.labels.length !== n) {
    throw new RangeError(
      `Cannot run DEC as the centres are ${dim}-dimensional for a ${embedding}-dimensional embedding, or the ${o.labels.length} labels do not match the ${n} samples`,
    );
  }
  const alpha = o.alpha ?? 1, batchSize = o.batchSize ?? 256;
  const interval = o.updateInterval ?? 140, tol = o.tol ?? 0.001, maxIter = o.maxIter ?? 8000;
  const mu = tf.variable(tf.tensor2d(Float32Array.from(o.centers.data), [k, dim]), true);
  const optimizer = new KerasSGD(o.learningRate ?? 0.01, o.momentum ?? 0.9);
  const vars = [...encoder.trainableWeights.map((w) => w.read() as tf.Variable), mu];
  const history: DecUpdate[] = [];
  // Batches come from one copy of x: on the WASM backend every `slice` copies the whole tensor.
  const xs = x.dataSync() as Float32Array, d = x.shape[1];
  const progress = new Progress("DEC", maxIter, o.quiet);
  let last: Int32Array = Int32Array.from(o.labels);
  let p = new Float32Array(0);
  let lossSum = 0, lossCount = 0, index = 0, ite = 0, converged = false;

  const update = (): DecUpdate => {
    const z = predictMatrix(encoder, x, xs);
    const q = softAssignment(z, matrix(k, dim, readCenters()), alpha);
    p = Float32Array.from(targetDistribution(q).data);
    const labels = rowArgmax(q);
    let changed = 0;
    for (let i = 0; i < n; i++) if (labels[i] !== last[i]) changed++;
    last = labels;
    const u = { iteration: ite, labels, deltaLabel: changed / n, loss: lossSum / lossCount };
    lossSum = lossCount = 0;
    history.push(u);
    o.onUpdate?.(u);
    return u;
  };
  const readCenters = () => Float64Array.from(mu.dataSync());

  try {
    for (; ite < maxIter; ite++) {
      checkInterrupt();
      if (ite % interval === 0) {
        const u = update();
        progress.update(ite, `Δlabels ${(100 * u.deltaLabel).toFixed(2)}%`);
        if (ite > 0 && u.deltaLabel < tol) {
          converged = true;
          break;
        }
      }
      const start = index * batchSize, size = Math.min(batchSize, n - start);
      const xb = tf.tensor2d(xs.subarray(start * d, (start + size) * d), [size, d]);
      const pb = tf.tensor2d(p.subarray(start * k, (start + size) * k), [size, k]);
      const cost = optimizer.minimize(
        () =>
          klDivergence(
            pb,
            studentT(encoder.apply(xb, { training: true }) as tf.Tensor2D, mu, alpha),
          ),
        true,
        vars,
      )!;
      lossSum += cost.dataSync()[0];
      lossCount++;
      tf.dispose([xb, pb, cost]);
      index = (index + 1) * batchSize < n ? index + 1 : 0;
    }
    if (!converged) update();
    progress.update(maxIter);
    progress.done();
    return {
      labels: last,
      centers: matrix(k, dim, readCenters()),
      iterations: ite,
      converged,
      history,
    };
  } finally {
    optimizer.dispose();
    mu.dispose();
  }
}
