/**
 * A seeded training loop for autoencoders (input = target): each epoch
 * visits the samples in an order drawn from our NumPy-compatible generator
 * (tfjs' own `fit` shuffles with `Math.random`), reports progress, and
 * records the training and validation loss.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { Progress } from "../cli.ts";
import type { RandomState } from "../random.ts";
import { Interrupted } from "../interrupt.ts";

/** Per-epoch losses. */
export interface History {
  loss: number[];
  valLoss: number[];
  /** Wall time of each epoch in seconds. */
  seconds: number[];
}

/** Options of {@linkcode trainAutoencoder}. */
export interface TrainOptions {
  epochs: number;
  batchSize: number;
  loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
  optimizer: tf.Optimizer;
  /** Shuffles the samples every epoch. */
  rng: RandomState;
  /** Held-out inputs for the validation loss. */
  validation?: tf.Tensor;
  /** No progress output. */
  quiet?: boolean;
  /** Called after each epoch. */
  onEpoch?: (epoch: number, history: History) => void;
  /** Called after each batch with the batches done and the run's total (all epochs). */
  onBatch?: (done: number, total: number) => void;
}

/** Sample-weighted mean loss of `model` on `x` (target = input), in batches. */
export function evaluate(
  model: tf.LayersModel,
  x: tf.Tensor,
  loss: TrainOptions["loss"],
  batchSize = 1024,
): number {
  const n = x.shape[0], rowShape = x.shape.slice(1), row = x.size / Math.max(1, n);
  // One read of x: on the WASM backend every `slice` first copies the whole tensor.
  const values = x.dataSync() as Float32Array;
  let total = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    total += tf.tidy(() => {
      const xb = tf.tensor(values.subarray(start * row, (start + size) * row), [size, ...rowShape]);
      // `apply`, as predict does per batch, minus predict's slice (a full copy on WASM).
      return loss(xb, model.apply(xb, { training: false }) as tf.Tensor).dataSync()[0] * size;
    });
  }
  return total / n;
}

/**
 * Trains `model` to reconstruct `x`. The loss reported for an epoch is the
 * sample-weighted mean of its batch losses, as Keras reports it. Ctrl-C
 * (`Interrupted`, at the next batch) leaves the weights of the last finished
 * epoch in `model` and their count in `completedEpochs`.
 */
export function trainAutoencoder(model: tf.LayersModel, x: tf.Tensor, o: TrainOptions): History {
  const n = x.shape[0];
  const history: History = { loss: [], valLoss: [], seconds: [] };
  const batches = Math.ceil(n / o.batchSize);
  // The weights after the last finished epoch, restored if Ctrl-C stops an epoch.
  let finished: tf.Tensor[] | undefined;
  let epoch = 1;
  try {
    for (; epoch <= o.epochs; epoch++) {
      runEpoch(epoch);
      tf.dispose(finished ?? []);
      finished = model.getWeights().map((w) => tf.clone(w));
    }
  } catch (e) {
    if (e instanceof Interrupted) {
      if (finished) model.setWeights(finished);
      e.completedEpochs = epoch - 1;
    }
    throw e;
  } finally {
    tf.dispose(finished ?? []);
  }
  return history;

  function runEpoch(epoch: number): void {
    const t0 = performance.now();
    const order = o.rng.permutation(n);
    const progress = new Progress(`epoch ${epoch}/${o.epochs}`, batches, o.quiet);
    let total = 0;
    for (let b = 0; b < batches; b++) {
      const idx = order.subarray(b * o.batchSize, Math.min(n, (b + 1) * o.batchSize));
      const batchLoss = tf.tidy(() => {
        const xb = tf.gather(x, tf.tensor1d(idx, "int32"));
        const cost = o.optimizer.minimize(
          () => o.loss(xb, model.apply(xb, { training: true }) as tf.Tensor),
          true,
        );
        return cost!.dataSync()[0];
      });
      total += batchLoss * idx.length;
      progress.update(b + 1, `loss ${(total / Math.min(n, (b + 1) * o.batchSize)).toFixed(4)}`);
      o.onBatch?.((epoch - 1) * batches + b + 1, o.epochs * batches);
    }
    history.loss.push(total / n);
    if (o.validation) history.valLoss.push(evaluate(model, o.validation, o.loss));
    history.seconds.push((performance.now() - t0) / 1000);
    progress.done();
    o.onEpoch?.(epoch, history);
  }
}
