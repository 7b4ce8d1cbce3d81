/**
 * BIRCH clustering with scikit-learn's `Birch` semantics (results equal to
 * scikit-learn 1.2.1's).
 *
 * Step 1 streams the samples, once each, into a clustering-feature tree
 * (`_birch_tree.ts`): a sample joins the closest leaf subcluster if the
 * merged radius √(SS/n − ‖LS/n‖²) stays ≤ `threshold`, else starts a new
 * one; a node holding more than `branchingFactor` subclusters splits around
 * its farthest pair. Step 2 clusters the leaf subclusters' centroids (read
 * leaf by leaf, left to right) with Ward's agglomerative clustering into
 * `nClusters` groups (or keeps each subcluster as a cluster). Step 3 labels
 * each sample by its nearest subcluster centroid. Memory is O(n·d) for the
 * input plus O(subclusters·d): no n × n matrix.
 *
 * References: T. Zhang, R. Ramakrishnan, M. Livny, "BIRCH: an efficient data
 * clustering method for very large databases" (SIGMOD 1996); scikit-learn
 * `sklearn/cluster/_birch.py`.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { matrix } from "../matrix.ts";
import { rowSqNorms } from "../distance.ts";
import { checkOptions, optionNames, validate, validateData } from "../validate.ts";
import { agglomerative } from "./agglomerative.ts";
import { nearestCenter } from "./_kmeans_common.ts";
import { CFNode, splitNode, Subcluster } from "./_birch_tree.ts";

/** Options of {@linkcode birch} and {@linkcode BirchModel}. */
export interface BirchOptions {
  /** Largest radius of a leaf subcluster that absorbs a sample (> 0). @default 0.5 */
  threshold?: number;
  /** Most subclusters per node before it splits (> 1). @default 50 */
  branchingFactor?: number;
  /** Clusters of the global (Ward) step; `null` keeps every subcluster as a cluster. @default 3 */
  nClusters?: number | null;
  /** Label the fitted samples. @default true */
  computeLabels?: boolean;
  /** Receives scikit-learn's warning when fewer subclusters than nClusters are found. @default ignore */
  onWarning?: (message: string) => void;
}

/** {@linkcode BirchOptions}'s names, for {@linkcode checkOptions}. */
const BIRCH_OPTIONS = optionNames<BirchOptions>({
  threshold: true,
  branchingFactor: true,
  nClusters: true,
  computeLabels: true,
  onWarning: true,
});

/** A BIRCH clustering. */
export interface BirchResult {
  /** Cluster of each fitted sample (of the last batch for {@linkcode BirchModel.partialFit}); undefined without `computeLabels`. */
  readonly labels: Int32Array | undefined;
  /** Centroids of the leaf subclusters, in leaf order, `nSubclusters × d`. */
  readonly subclusterCenters: Matrix;
  /** Global cluster of each subcluster. */
  readonly subclusterLabels: Int32Array;
}

const ACTION = "fit BIRCH";

/**
 * An incrementally fitted BIRCH (scikit-learn's `Birch` with `partial_fit`):
 * each {@linkcode BirchModel.partialFit} inserts a batch into the same tree
 * and reruns the global step.
 *
 * @example Two batches
 * ```ts
 * import { BirchModel } from "./birch.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const m = new BirchModel({ threshold: 1, nClusters: 2 });
 * m.partialFit(fromRows([[0, 0], [0.5, 0], [10, 10]]));
 * m.partialFit(fromRows([[10.5, 10], [0, 0.5]]));
 * assert.equal(m.subclusterCenters.rows, 2);
 * const [a, b] = m.predict(fromRows([[0, 1], [9, 9]]));
 * assert.notEqual(a, b);
 * ```
 */
export class BirchModel {
  readonly #threshold: number;
  readonly #branchingFactor: number;
  readonly #nClusters: number | null;
  readonly #computeLabels: boolean;
  readonly #warn: (message: string) => void;
  #root: CFNode | undefined;
  #dummy: CFNode | undefined;
  #d = 0;
  #centers: Matrix = matrix(0, 0);
  #norms: Float64Array = new Float64Array(0);
  #subLabels: Int32Array = new Int32Array(0);
  #labels: Int32Array | undefined;

  /** @throws {RangeError} on an option out of range. */
  constructor(options: BirchOptions = {}) {
    checkOptions(ACTION, options, BIRCH_OPTIONS);
    const o = {
      threshold: options.threshold ?? 0.5,
      branchingFactor: options.branchingFactor ?? 50,
      computeLabels: options.computeLabels ?? true,
    };
    const nClusters = options.nClusters === undefined ? 3 : options.nClusters;
    validate(ACTION, o, {
      threshold: { kind: "number", min: 0, minExclusive: true },
      branchingFactor: { kind: "int", min: 2 },
      computeLabels: { kind: "oneOf", values: [true, false] },
    });
    if (nClusters !== null) {
      validate(ACTION, { nClusters }, { nClusters: { kind: "int", min: 1 } });
    }
    this.#threshold = o.threshold;
    this.#branchingFactor = o.branchingFactor;
    this.#computeLabels = o.computeLabels;
    this.#nClusters = nClusters;
    this.#warn = options.onWarning ?? (() => {});
  }

  /** Leaf subcluster centroids, in leaf order. */
  get subclusterCenters(): Matrix {
    return this.#centers;
  }
  /** Global cluster of each subcluster. */
  get subclusterLabels(): Int32Array {
    return this.#subLabels;
  }
  /** Labels of the last batch fitted (undefined without `computeLabels`). */
  get labels(): Int32Array | undefined {
    return this.#labels;
  }

  /**
   * Inserts the rows of `X` into the tree, reruns the global clustering and
   * (with `computeLabels`) labels `X`.
   *
   * @throws {RangeError} on non-finite data, a feature count unlike the first batch's, or one subcluster with nClusters = 1.
   */
  partialFit(X: Matrix): this {
    validateData(ACTION, X);
    const d = X.cols;
    if (this.#root === undefined) {
      this.#d = d;
      this.#root = new CFNode(d, this.#threshold, this.#branchingFactor, true);
      this.#dummy = new CFNode(d, this.#threshold, this.#branchingFactor, true);
      this.#dummy.next = this.#root;
      this.#root.prev = this.#dummy;
    } else if (d !== this.#d) {
      throw new RangeError(
        `Cannot ${ACTION} as X has ${d} features, but Birch is expecting ${this.#d} features as input: cols=${d}`,
      );
    }
    // Step 1. Insert each sample; a root that overflows splits under a new root.
    for (let i = 0; i < X.rows; i++) {
      const sub = new Subcluster(d, X.data.slice(i * d, (i + 1) * d));
      if (this.#root.insert(sub)) {
        const [s1, s2] = splitNode(this.#root);
        this.#root = new CFNode(d, this.#threshold, this.#branchingFactor, false);
        this.#root.append(s1);
        this.#root.append(s2);
      }
    }
    let count = 0;
    for (let leaf = this.#dummy!.next; leaf !== null; leaf = leaf.next) count += leaf.subs.length;
    const centers = matrix(count, d);
    let r = 0;
    for (let leaf = this.#dummy!.next; leaf !== null; leaf = leaf.next) {
      centers.data.set(leaf.centroids.subarray(0, leaf.subs.length * d), r * d);
      r += leaf.subs.length;
    }
    this.#centers = centers;
    this.#norms = rowSqNorms(centers);

    // Step 2. The global clustering of the subcluster centroids.
    const k = this.#nClusters;
    if (k === null || count < k) {
      this.#subLabels = Int32Array.from({ length: count }, (_, i) => i);
      if (k !== null) {
        this.#warn(
          `Number of subclusters found (${count}) by BIRCH is less than (${k}). Decrease the threshold.`,
        );
      }
    } else {
      if (count < 2) {
        throw new RangeError(
          `Cannot ${ACTION} as AgglomerativeClustering needs a minimum of 2 subclusters: found ${count}`,
        );
      }
      this.#subLabels = agglomerative(centers, { nClusters: k, linkage: "ward" }).labels;
    }
    // Step 3. Label each sample by its nearest subcluster.
    this.#labels = this.#computeLabels ? this.#predict(X) : undefined;
    return this;
  }

  /**
   * Global cluster of each row of `X`: that of its nearest subcluster centroid.
   *
   * @throws {RangeError} before any fit, on non-finite data, or on a feature count unlike the fitted one.
   */
  predict(X: Matrix): Int32Array {
    if (this.#root === undefined) {
      throw new RangeError(
        "Cannot predict as this BirchModel is not fitted yet: call partialFit first",
      );
    }
    validateData("predict", X);
    if (X.cols !== this.#d) {
      throw new RangeError(
        `Cannot predict as X has ${X.cols} features but the subclusters have ${this.#d}: cols=${X.cols}`,
      );
    }
    return this.#predict(X);
  }

  #predict(X: Matrix): Int32Array {
    const d = X.cols, m = this.#centers.rows, c = this.#centers.data;
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      out[i] = this.#subLabels[nearestCenter(X.data, i * d, c, this.#norms, d, m)];
    }
    return out;
  }
}

/**
 * Clusters the rows of `X` with BIRCH (scikit-learn's `Birch().fit(X)`).
 *
 * @example Three groups
 * ```ts
 * import { birch } from "./birch.ts";
 * import { fromRows } from "../matrix.ts";
 * import assert from "node:assert/strict";
 * const X = fromRows([[0, 1], [0.3, 1], [-0.3, 1], [0, -1], [0.3, -1], [-0.3, -1]]);
 * const r = birch(X, { nClusters: null });
 * // scikit-learn 1.2.1: subcluster_centers_ [[0, 1], [0, -1]], labels_ [0, 0, 0, 1, 1, 1]
 * assert.deepEqual(Array.from(r.labels!), [0, 0, 0, 1, 1, 1]);
 * assert.equal(r.subclusterCenters.rows, 2);
 * ```
 * @throws {RangeError} on an option out of range or non-finite data.
 */
export function birch(X: Matrix, options: BirchOptions = {}): BirchResult {
  const m = new BirchModel(options).partialFit(X);
  return {
    labels: m.labels,
    subclusterCenters: m.subclusterCenters,
    subclusterLabels: m.subclusterLabels,
  };
}
