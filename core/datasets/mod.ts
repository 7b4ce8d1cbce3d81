/**
 * Data sets: synthetic ones bit-compatible with the NumPy/scikit-learn
 * originals (blobs, circles, moons, curves), and loaders of the cookbook's data (MNIST IDX
 * files, the wholesale customers, the stock quotes, train/test tables). The
 * `parse…` functions are pure functions of bytes or text; the `load…` ones
 * read files (Deno).
 *
 * @module
 */
export * from "./curves.ts";
export * from "./make_blobs.ts";
export * from "./make_circles.ts";
export * from "./mnist.ts";
export * from "./split_table.ts";
export * from "./stock_quotes.ts";
export * from "./toy_datasets.ts";
export * from "./wholesale.ts";
