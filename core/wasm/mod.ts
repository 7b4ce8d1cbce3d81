/**
 * WebAssembly kernels shared by the library: the float32 relaxed-SIMD
 * matrix product, used by the neural networks (`core/nn`) and by k-means in
 * high dimension (`core/cluster`).
 *
 * @module
 */
export * from "./gemm.ts";
export * from "./module.ts";
