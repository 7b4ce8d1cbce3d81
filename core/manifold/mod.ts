/**
 * Manifold learning: t-SNE and the trustworthiness of an embedding.
 *
 * @module
 */
export * from "./tsne.ts";
export * from "./trustworthiness.ts";
export * from "./umap.ts";
