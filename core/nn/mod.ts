/**
 * Neural networks on TensorFlow.js (WebAssembly backend): the backend
 * set-up, Keras-compatible layers, optimisers and losses, the cookbook's
 * autoencoders, training with progress and Ctrl-C, saving and loading
 * models, and deep embedded clustering (DEC).
 *
 * @module
 */
export * from "./backend.ts";
export * from "./dec.ts";
export * from "./images.ts";
export * from "./keras.ts";
export * from "./model_io.ts";
export * from "./models.ts";
export { matMulThreads, startMatMulWorker, stopMatMulWorker } from "./parallel_matmul.ts";
export * from "./train.ts";
