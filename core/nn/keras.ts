/**
 * Keras defaults the cookbook's models rely on, rebuilt on TensorFlow.js:
 * seeded glorot-uniform Dense layers with zero biases, Adadelta configured as
 * Keras does, and binary cross-entropy with Keras' clipping.
 *
 * @module
 */
import { tf } from "./backend.ts";

/** Keras' fuzz factor (`keras.backend.epsilon()`). */
export const KERAS_EPSILON = 1e-7;

/**
 * A Dense layer as Keras builds it by default: glorot-uniform kernel (seeded,
 * so a given seed gives the same initial weights) and zero bias.
 */
export function denseLayer(
  units: number,
  activation: "relu" | "elu" | "sigmoid" | "linear",
  seed: number,
  inputShape?: number[],
): tf.layers.Layer {
  return tf.layers.dense({
    units,
    activation,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: "zeros",
    ...(inputShape ? { inputShape } : {}),
  });
}

/**
 * Adadelta with TensorFlow's update rule (M. D. Zeiler, "ADADELTA: an
 * adaptive learning rate method", 2012):
 *   E[g²] ← ρ·E[g²] + (1 − ρ)·g²
 *   Δ = √(E[Δ²] + ε) / √(E[g²] + ε) · g      (with the *updated* E[g²])
 *   E[Δ²] ← ρ·E[Δ²] + (1 − ρ)·Δ²;   w ← w − lr·Δ
 * tfjs 4.22's `tf.train.adadelta` divides by the accumulator *before* its
 * update, so its first step is lr·g instead of ≈ lr·√ε·sign(g): training
 * follows a different path from Keras'. This class follows Keras.
 */
export class KerasAdadelta extends tf.Optimizer {
  static get className(): string {
    return "KerasAdadelta";
  }
  readonly #accum = new Map<string, tf.Variable>();
  readonly #accumUpdate = new Map<string, tf.Variable>();

  constructor(
    readonly learningRate = 1.0,
    readonly rho = 0.95,
    readonly epsilon = KERAS_EPSILON,
  ) {
    super();
  }

  override applyGradients(grads: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const list = Array.isArray(grads)
      ? grads.map((g) => [g.name, g.tensor] as const)
      : Object.entries(grads);
    for (const [name, g] of list) {
      if (g == null) continue;
      const value = tf.engine().registeredVariables[name];
      if (!this.#accum.has(name)) {
        this.#accum.set(name, tf.tidy(() => tf.zerosLike(value).variable(false)));
        this.#accumUpdate.set(name, tf.tidy(() => tf.zerosLike(value).variable(false)));
      }
      const accum = this.#accum.get(name)!, accumUpdate = this.#accumUpdate.get(name)!;
      tf.tidy(() => {
        const newAccum = tf.add(tf.mul(accum, this.rho), tf.mul(tf.square(g), 1 - this.rho));
        const update = tf.mul(
          tf.div(
            tf.sqrt(tf.add(accumUpdate, this.epsilon)),
            tf.sqrt(tf.add(newAccum, this.epsilon)),
          ),
          g,
        );
        accum.assign(newAccum);
        accumUpdate.assign(
          tf.add(tf.mul(accumUpdate, this.rho), tf.mul(tf.square(update), 1 - this.rho)),
        );
        value.assign(tf.sub(value, tf.mul(update, this.learningRate)));
      });
    }
    this.incrementIterations();
  }

  override dispose(): void {
    for (const v of [...this.#accum.values(), ...this.#accumUpdate.values()]) v.dispose();
    this.#accum.clear();
    this.#accumUpdate.clear();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }
}

/** Adadelta as Keras configures it: learning rate 1.0, rho 0.95, epsilon 1e-7. */
export function kerasAdadelta(): tf.Optimizer {
  return new KerasAdadelta(1.0, 0.95, KERAS_EPSILON);
}

/** Adam as Keras configures it: learning rate 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7. */
export function kerasAdam(): tf.Optimizer {
  return tf.train.adam(0.001, 0.9, 0.999, KERAS_EPSILON);
}

/**
 * Binary cross-entropy as Keras computes it from probabilities: p clipped
 * to [ε, 1 − ε], then −[y·log(p + ε) + (1 − y)·log(1 − p + ε)], averaged
 * over all elements (Keras averages over features, then over the batch).
 */
export function binaryCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(yPred, KERAS_EPSILON, 1 - KERAS_EPSILON);
    const pos = tf.mul(yTrue, tf.log(tf.add(p, KERAS_EPSILON)));
    const neg = tf.mul(tf.sub(1, yTrue), tf.log(tf.add(tf.sub(1, p), KERAS_EPSILON)));
    return tf.neg(tf.mean(tf.add(pos, neg))) as tf.Scalar;
  });
}

/** Mean squared error over all elements. */
export function meanSquaredError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(yTrue, yPred)) as tf.Scalar);
}
