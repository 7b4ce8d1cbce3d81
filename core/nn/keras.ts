/**
 * Keras defaults the cookbook's models rely on, rebuilt on TensorFlow.js:
 * seeded glorot-uniform Dense layers with zero biases, Adadelta configured as
 * Keras does, and binary cross-entropy with Keras' clipping.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { heapView, type WasmBackend } from "./wasm_heap.ts";
import { type HeapBackend, heapGemm } from "./matmul_kernels.ts";
import type { Gemm } from "../wasm/gemm.ts";

/** Keras' fuzz factor (`keras.backend.epsilon()`). */
export const KERAS_EPSILON = 1e-7;

/** A Dense layer's kernel initialiser: Keras' default, or DEC's (see {@linkcode decUniform}). */
export type KernelInit = "glorotUniform" | "decUniform";

/**
 * DEC's kernel initialiser, `VarianceScaling(scale = 1/3, mode = "fan_in",
 * distribution = "uniform")`: U(−√(1/fan_in), √(1/fan_in)), variance
 * 1/(3·fan_in) (the original's choice, PyTorch's default for Linear
 * weights). Seeded.
 *
 * @example
 * ```ts ignore
 * const w = decUniform(7).apply([500, 2000]); // |w| ≤ √(1/500)
 * ```
 */
export function decUniform(seed: number): ReturnType<typeof tf.initializers.varianceScaling> {
  return tf.initializers.varianceScaling({
    scale: 1 / 3,
    mode: "fanIn",
    distribution: "uniform",
    seed,
  });
}

/**
 * A Dense layer as Keras builds it: glorot-uniform kernel by default (or
 * `init`), seeded so that a given seed gives the same initial weights, and a
 * zero bias.
 */
export function denseLayer(
  units: number,
  activation: "relu" | "elu" | "sigmoid" | "linear",
  seed: number,
  inputShape?: number[],
  init: KernelInit = "glorotUniform",
): tf.layers.Layer {
  return tf.layers.dense({
    units,
    activation,
    kernelInitializer: init === "decUniform"
      ? decUniform(seed)
      : tf.initializers.glorotUniform({ seed }),
    biasInitializer: "zeros",
    ...(inputShape ? { inputShape } : {}),
  });
}

/**
 * Keras' `BatchNormalization()` with its defaults: momentum 0.99, epsilon
 * 1e-3, γ = 1, β = 0, moving mean 0, moving variance 1. In training
 * (`apply(x, { training: true })`) it normalises by the batch's mean and
 * biased variance and moves the running statistics,
 * m ← m − (m − μ_B)·(1 − momentum); in inference it uses the running ones:
 * y = γ·(x − m)/√(v + ε) + β. (Keras' non-fused path, which 2-D inputs take.)
 *
 * @example
 * ```ts ignore
 * tf.sequential({ layers: [denseLayer(8, "linear", 1, [4]), batchNormalization(), leakyReLU()] });
 * ```
 */
export function batchNormalization(): tf.layers.Layer {
  return tf.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3 });
}

/**
 * Keras' `LeakyReLU()`: y = x for x > 0, α·x otherwise, with Keras'
 * default α = 0.3 (tfjs and Keras agree on it).
 */
export function leakyReLU(alpha = 0.3): tf.layers.Layer {
  return tf.layers.leakyReLU({ alpha });
}

/** What `tf.Optimizer.applyGradients` receives. */
type Gradients = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];

/** The gradients as [variable name, gradient] pairs, from either form. */
function gradientList(grads: Gradients): (readonly [string, tf.Tensor])[] {
  return Array.isArray(grads)
    ? grads.map((g) => [g.name, g.tensor] as const)
    : Object.entries(grads);
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
    readonly epsilon: number = KERAS_EPSILON,
  ) {
    super();
  }

  override applyGradients(grads: Gradients): void {
    const list = gradientList(grads);
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

/**
 * Replaces `variable` by `step(gradient, weights, out)`, an elementwise
 * loop over float32 arrays. On the WASM backend the three arrays are views of
 * the heap (reading tensors out costs more than the update itself).
 */
function updateInPlace(
  variable: tf.Variable,
  grad: tf.Tensor,
  step: (g: Float32Array, w: Float32Array, out: Float32Array) => void,
): void {
  let next: tf.Tensor;
  if (tf.getBackend() === "wasm") {
    const b = tf.backend() as WasmBackend;
    const info = b.makeOutput(variable.shape, "float32");
    next = tf.engine().makeTensorFromTensorInfo(info);
    step(heapView(b, grad), heapView(b, variable), heapView(b, info));
  } else {
    const out = new Float32Array(variable.size);
    step(grad.dataSync() as Float32Array, variable.dataSync() as Float32Array, out);
    next = tf.tensor(out, variable.shape, "float32");
  }
  variable.assign(next);
  next.dispose();
}

let heapOptimizers = true;

/**
 * Whether the optimisers run their elementwise update in our WebAssembly
 * module, straight on the WASM backend's heap (the default), or in
 * JavaScript. Both give the same weights bit for bit (the tests compare
 * them); the module is about 3× faster.
 */
export function useHeapOptimizers(on: boolean): void {
  heapOptimizers = on;
}

/** Our module and the backend's heap, when the updates can run there. */
function heapKernels(): { gemm: Gemm; backend: HeapBackend } | null {
  if (!heapOptimizers || tf.getBackend() !== "wasm") return null;
  const backend = tf.backend() as HeapBackend;
  const own = heapGemm(backend);
  return own ? { gemm: own.gemm, backend } : null;
}

/**
 * Replaces `variable` by a new heap tensor that `step(address of gradient,
 * of weights, of output)` fills.
 */
function updateOnHeap(
  heap: { backend: HeapBackend },
  variable: tf.Variable,
  grad: tf.Tensor,
  step: (g: number, w: number, out: number) => void,
): void {
  const info = heap.backend.makeOutput(variable.shape, "float32");
  const at = (t: tf.TensorInfo) => heap.backend.getMemoryOffset(t.dataId);
  step(at(grad), at(variable), at(info));
  const next = tf.engine().makeTensorFromTensorInfo(info);
  variable.assign(next);
  next.dispose();
}

/** Zero-filled optimiser state on the heap, kept out of any enclosing `tf.tidy`. */
function heapZeros(heap: { backend: HeapBackend }, shape: number[]): [tf.Tensor, number] {
  const t = tf.keep(tf.zeros(shape, "float32"));
  return [t, heap.backend.getMemoryOffset(t.dataId)];
}

/**
 * Adam with TensorFlow's update (`ApplyAdam`, as Keras uses it), one fused
 * loop per variable:
 *   m ← m + (g − m)(1 − β₁);   v ← v + (g² − v)(1 − β₂)
 *   w ← w − lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)
 * tfjs' `tf.train.adam` adds ε to the bias-corrected √v̂ instead (a
 * different step while √v is near ε) and runs about ten tensor ops per
 * variable; on the 3.3 M weights of the 784-500-500-2000-10 autoencoder
 * one step took 42.6 ms that way, 16.6 ms with this loop in JavaScript and 7 ms
 * in our WebAssembly module (`adamStep`, the same weights). The moments are
 * kept in float32, as TensorFlow keeps them.
 */
export class KerasAdam extends tf.Optimizer {
  static get className(): string {
    return "KerasAdam";
  }
  readonly #m = new Map<string, Float32Array>();
  readonly #v = new Map<string, Float32Array>();
  /** The moments on the WASM heap, when the update runs there. */
  readonly #heap = new Map<string, [tf.Tensor, number, tf.Tensor, number]>();
  #t = 0;

  constructor(
    readonly learningRate = 0.001,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon: number = KERAS_EPSILON,
  ) {
    super();
  }

  override applyGradients(grads: Gradients): void {
    const list = gradientList(grads);
    this.#t++;
    const { beta1, beta2, epsilon } = this;
    const lrT = this.learningRate * Math.sqrt(1 - beta2 ** this.#t) / (1 - beta1 ** this.#t);
    for (const [name, grad] of list) {
      if (grad == null) continue;
      const variable = tf.engine().registeredVariables[name];
      const heap = heapKernels();
      if (heap) {
        if (!this.#heap.has(name)) {
          this.#heap.set(name, [
            ...heapZeros(heap, variable.shape),
            ...heapZeros(heap, variable.shape),
          ]);
        }
        const [, m, , v] = this.#heap.get(name)!;
        updateOnHeap(
          heap,
          variable,
          grad,
          (g, w, out) =>
            heap.gemm.adamStep(variable.size, g, w, out, m, v, 1 - beta1, 1 - beta2, lrT, epsilon),
        );
        continue;
      }
      if (!this.#m.has(name)) {
        this.#m.set(name, new Float32Array(variable.size));
        this.#v.set(name, new Float32Array(variable.size));
      }
      const m = this.#m.get(name)!, v = this.#v.get(name)!;
      updateInPlace(variable, grad, (g, w, out) => {
        for (let i = 0; i < out.length; i++) {
          const gi = g[i];
          const mi = (m[i] += (gi - m[i]) * (1 - beta1));
          const vi = (v[i] += (gi * gi - v[i]) * (1 - beta2));
          out[i] = w[i] - lrT * mi / (Math.sqrt(vi) + epsilon);
        }
      });
    }
    this.incrementIterations();
  }

  override dispose(): void {
    this.#m.clear();
    this.#v.clear();
    for (const [m, , v] of this.#heap.values()) tf.dispose([m, v]);
    this.#heap.clear();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
    };
  }
}

/** Adam as Keras configures it: learning rate 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7. */
export function kerasAdam(): tf.Optimizer {
  return new KerasAdam();
}

/**
 * SGD with momentum as Keras (TensorFlow 2) applies it
 * (`ResourceApplyKerasMomentum`, not Nesterov):
 *   v ← momentum·v − lr·g;   w ← w + v
 * (with a constant learning rate, the same path as PyTorch's
 * v ← momentum·v + g, w ← w − lr·v). Without momentum, w ← w − lr·g. The
 * velocities are kept in float32, starting at zero.
 *
 * @example
 * ```ts ignore
 * const optimizer = new KerasSGD(1, 0.9); // DEC's pretraining optimiser
 * ```
 */
export class KerasSGD extends tf.Optimizer {
  static get className(): string {
    return "KerasSGD";
  }
  readonly #velocity = new Map<string, Float32Array>();
  /** The velocities on the WASM heap, when the update runs there. */
  readonly #heap = new Map<string, [tf.Tensor, number]>();

  constructor(readonly learningRate = 0.01, readonly momentum = 0) {
    super();
  }

  override applyGradients(grads: Gradients): void {
    const { learningRate: lr, momentum } = this;
    for (const [name, grad] of gradientList(grads)) {
      if (grad == null) continue;
      const variable = tf.engine().registeredVariables[name];
      const heap = heapKernels();
      if (heap) {
        if (momentum !== 0 && !this.#heap.has(name)) {
          this.#heap.set(name, heapZeros(heap, variable.shape));
        }
        const vel = momentum === 0 ? 0 : this.#heap.get(name)![1];
        updateOnHeap(
          heap,
          variable,
          grad,
          (g, w, out) => heap.gemm.sgdStep(variable.size, g, w, out, vel, lr, momentum),
        );
        continue;
      }
      if (momentum === 0) {
        updateInPlace(variable, grad, (g, w, out) => {
          for (let i = 0; i < out.length; i++) out[i] = w[i] - lr * g[i];
        });
        continue;
      }
      if (!this.#velocity.has(name)) this.#velocity.set(name, new Float32Array(variable.size));
      const v = this.#velocity.get(name)!;
      updateInPlace(variable, grad, (g, w, out) => {
        for (let i = 0; i < out.length; i++) {
          const vi = (v[i] = Math.fround(momentum * v[i] - lr * g[i]));
          out[i] = w[i] + vi;
        }
      });
    }
    this.incrementIterations();
  }

  override dispose(): void {
    this.#velocity.clear();
    for (const [v] of this.#heap.values()) v.dispose();
    this.#heap.clear();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, momentum: this.momentum };
  }
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
