/**
 * Nearest neighbours: exact k-NN queries, the k-NN connectivity graph and
 * its connected components, and a radius index for DBSCAN-style queries.
 *
 * @module
 */
export * from "./graph.ts";
export * from "./knn.ts";
export * from "./radius_index.ts";
