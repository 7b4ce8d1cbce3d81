/**
 * Synthetic data sets, bit-compatible with the NumPy/scikit-learn originals.
 *
 * @module
 */
export * from "./make_blobs.ts";
export * from "./curves.ts";
