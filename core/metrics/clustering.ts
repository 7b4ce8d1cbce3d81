/**
 * External clustering metrics: how well predicted clusters match known
 * labels, as scikit-learn 1.2 and SciPy compute them. Labels may be any
 * integers; the numbers of classes and clusters may differ.
 *
 * @module
 */
import { type Matrix, matrix } from "../matrix.ts";
import { linearSumAssignment } from "../optimize/linear_sum_assignment.ts";

/** A contingency table: `counts[i][j]` samples have class `classes[i]` and cluster `clusters[j]`. */
export interface Contingency {
  /** Distinct true labels, ascending (any integers, as NumPy's int64 labels). */
  readonly classes: Float64Array;
  /** Distinct predicted labels, ascending. */
  readonly clusters: Float64Array;
  /** `classes.length × clusters.length` counts. */
  readonly counts: Matrix;
}

function checkLabels(action: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  if (yTrue.length !== yPred.length) {
    throw new RangeError(
      `Cannot ${action} as the label arrays differ in length: yTrue=${yTrue.length}, yPred=${yPred.length}`,
    );
  }
  for (const [name, y] of [["yTrue", yTrue], ["yPred", yPred]] as const) {
    for (let i = 0; i < y.length; i++) {
      if (!Number.isInteger(y[i])) {
        throw new TypeError(
          `Cannot ${action} as labels must be integers: ${name}[${i}]=${y[i]}`,
        );
      }
    }
  }
}

/**
 * The distinct labels (ascending) and each sample's index among them. The
 * labels stay float64: an Int32Array wrapped 2³¹ and beyond, which merged
 * distinct labels.
 */
function codes(y: ArrayLike<number>): { values: Float64Array; code: Int32Array } {
  const values = Float64Array.from(new Set(Array.from(y))).sort();
  const index = new Map<number, number>();
  values.forEach((v, i) => index.set(v, i));
  return { values, code: Int32Array.from(y, (v) => index.get(v)!) };
}

/**
 * The contingency table of two labellings (scikit-learn's
 * `contingency_matrix`): rows are the classes of `yTrue`, columns the
 * clusters of `yPred`, both in ascending label order.
 *
 * @example
 * ```ts
 * import { contingencyMatrix } from "./clustering.ts";
 * import assert from "node:assert/strict";
 * const c = contingencyMatrix([0, 0, 1, 1], [5, 7, 7, 7]);
 * assert.deepEqual(Array.from(c.clusters), [5, 7]);
 * assert.deepEqual(Array.from(c.counts.data), [1, 1, 0, 2]);
 * ```
 * @throws {RangeError} when the lengths differ; {TypeError} for a non-integer label.
 */
export function contingencyMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): Contingency {
  checkLabels("build a contingency table", yTrue, yPred);
  const t = codes(yTrue), p = codes(yPred);
  const counts = matrix(t.values.length, p.values.length);
  for (let i = 0; i < t.code.length; i++) counts.data[t.code[i] * counts.cols + p.code[i]]++;
  return { classes: t.values, clusters: p.values, counts };
}

/** Result of {@linkcode clusterAccuracy}. */
export interface ClusterAccuracy {
  /** Fraction of samples whose cluster is mapped to their label. */
  readonly accuracy: number;
  /** Samples matched under the best mapping. */
  readonly matched: number;
  /** The label each cluster is mapped to (`undefined`-free: unmatched clusters are absent). */
  readonly mapping: ReadonlyMap<number, number>;
  /** The contingency table the mapping was found on. */
  readonly contingency: Contingency;
}

/**
 * Clustering accuracy: the fraction of samples labelled correctly under the
 * best one-to-one mapping of clusters to labels, found exactly by the
 * Hungarian method on the contingency table (as the DEC paper's `acc`, with
 * SciPy's `linear_sum_assignment`). With more clusters than classes the
 * surplus clusters map to nothing and count as wrong.
 *
 * @example
 * ```ts
 * import { clusterAccuracy } from "./clustering.ts";
 * import assert from "node:assert/strict";
 * const r = clusterAccuracy([0, 0, 1, 1, 2], [1, 1, 0, 0, 0]);
 * assert.equal(r.accuracy, 0.8);
 * assert.equal(r.mapping.get(1), 0);
 * assert.equal(r.mapping.get(0), 1);
 * ```
 * @throws {RangeError} when the lengths differ or there are no samples.
 */
export function clusterAccuracy(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
): ClusterAccuracy {
  if (yTrue.length === 0) {
    throw new RangeError("Cannot compute the cluster accuracy as there are no samples: n=0");
  }
  const contingency = contingencyMatrix(yTrue, yPred);
  const { classes, clusters, counts } = contingency;
  const a = linearSumAssignment(counts, { maximize: true });
  const mapping = new Map<number, number>();
  for (let t = 0; t < a.rowInd.length; t++) {
    mapping.set(clusters[a.colInd[t]], classes[a.rowInd[t]]);
  }
  return { accuracy: a.cost / yTrue.length, matched: a.cost, mapping, contingency };
}

/** Entropy (natural log) of a labelling's cluster sizes, as scikit-learn's `entropy`. */
function entropyOf(sizes: Float64Array): number {
  const nz = sizes.filter((s) => s > 0);
  if (nz.length <= 1) return 0;
  let total = 0;
  for (const s of nz) total += s;
  const logTotal = Math.log(total);
  let h = 0;
  for (const s of nz) h += (s / total) * (Math.log(s) - logTotal);
  return -h;
}

/**
 * Mutual information of two labellings (natural log) from their contingency
 * table, as scikit-learn's `mutual_info_score`.
 */
function mutualInfo(c: Contingency): { mi: number; rowSums: Float64Array; colSums: Float64Array } {
  const { rows, cols, data } = c.counts;
  const rowSums = new Float64Array(rows), colSums = new Float64Array(cols);
  let n = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      rowSums[i] += data[i * cols + j];
      colSums[j] += data[i * cols + j];
      n += data[i * cols + j];
    }
  }
  if (rows === 1 || cols === 1) return { mi: 0, rowSums, colSums };
  const logN = Math.log(n);
  let mi = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const nij = data[i * cols + j];
      if (nij === 0) continue;
      const pij = nij / n;
      // pij·(log nij − log n) + pij·(log n + log n − log(aᵢ·bⱼ)), term by term as scikit-learn.
      const term = pij * (Math.log(nij) - logN) +
        pij * (-Math.log(rowSums[i] * colSums[j]) + logN + logN);
      if (Math.abs(term) >= Number.EPSILON) mi += term;
    }
  }
  return { mi: Math.max(mi, 0), rowSums, colSums };
}

/**
 * Normalised mutual information with scikit-learn's default arithmetic
 * normaliser: NMI = MI(U, V) / ((H(U) + H(V)) / 2). Two single-cluster
 * labellings score 1; otherwise zero mutual information scores 0.
 *
 * @example
 * ```ts
 * import { normalizedMutualInfo } from "./clustering.ts";
 * import assert from "node:assert/strict";
 * assert.equal(normalizedMutualInfo([0, 0, 1, 1], [3, 3, 9, 9]), 1);
 * assert.equal(normalizedMutualInfo([0, 1, 0, 1], [0, 0, 1, 1]), 0);
 * ```
 * @throws {RangeError} when the lengths differ.
 */
export function normalizedMutualInfo(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const c = contingencyMatrix(yTrue, yPred);
  const k = c.classes.length, m = c.clusters.length;
  if ((k === 1 && m === 1) || (k === 0 && m === 0)) return 1;
  const { mi, rowSums, colSums } = mutualInfo(c);
  if (mi === 0) return 0;
  return mi / ((entropyOf(rowSums) + entropyOf(colSums)) / 2);
}

/**
 * The adjusted Rand index (Hubert and Arabie, 1985), as scikit-learn's
 * `adjusted_rand_score`: the Rand index over pairs of samples, corrected for
 * chance, 1 for identical partitions and about 0 for independent ones. The
 * pair counts are exact integers (BigInt), so large n loses nothing.
 *
 * @example
 * ```ts
 * import { adjustedRandScore } from "./clustering.ts";
 * import assert from "node:assert/strict";
 * assert.equal(adjustedRandScore([0, 0, 1, 1], [1, 1, 0, 0]), 1);
 * assert.equal(adjustedRandScore([0, 0, 1, 1], [0, 0, 1, 2]), 0.5714285714285714);
 * ```
 * @throws {RangeError} when the lengths differ.
 */
export function adjustedRandScore(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const { counts } = contingencyMatrix(yTrue, yPred);
  const { rows, cols, data } = counts;
  const n = BigInt(yTrue.length);
  const rowSums = new Array<bigint>(rows).fill(0n), colSums = new Array<bigint>(cols).fill(0n);
  let sumSquares = 0n;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = BigInt(data[i * cols + j]);
      rowSums[i] += v;
      colSums[j] += v;
      sumSquares += v * v;
    }
  }
  let sumRow2 = 0n, sumCol2 = 0n;
  for (const s of rowSums) sumRow2 += s * s;
  for (const s of colSums) sumCol2 += s * s;
  // The 2×2 pair confusion matrix (ordered pairs), as scikit-learn's pair_confusion_matrix.
  const tp = sumSquares - n;
  const fp = sumCol2 - sumSquares; // same cluster, different class
  const fn = sumRow2 - sumSquares; // same class, different cluster
  const tn = n * n - fp - fn - sumSquares;
  if (fn === 0n && fp === 0n) return 1;
  const num = 2n * (tp * tn - fn * fp);
  const den = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
  return bigRatio(num, den);
}

/** The three scores of a clustering against known classes. */
export interface ClusteringScores {
  /** {@linkcode clusterAccuracy}'s accuracy (best one-to-one mapping). */
  acc: number;
  /** {@linkcode normalizedMutualInfo}. */
  nmi: number;
  /** {@linkcode adjustedRandScore}. */
  ari: number;
}

/**
 * Accuracy, NMI and ARI of the clusters `yPred` against the classes
 * `yTrue`, as the deep-clustering papers report them.
 *
 * @example
 * ```ts
 * import { clusteringScores, formatScores } from "./clustering.ts";
 * import assert from "node:assert/strict";
 * const s = clusteringScores([0, 0, 1, 1], [1, 1, 0, 0]);
 * assert.deepEqual(s, { acc: 1, nmi: 1, ari: 1 });
 * assert.equal(formatScores(s), "ACC 1.0000  NMI 1.0000  ARI 1.0000");
 * ```
 */
export function clusteringScores(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
): ClusteringScores {
  return {
    acc: clusterAccuracy(yTrue, yPred).accuracy,
    nmi: normalizedMutualInfo(yTrue, yPred),
    ari: adjustedRandScore(yTrue, yPred),
  };
}

/** `ACC 0.9683  NMI 0.9197  ARI 0.9314`: the scores to four places. */
export function formatScores(s: ClusteringScores): string {
  return `ACC ${s.acc.toFixed(4)}  NMI ${s.nmi.toFixed(4)}  ARI ${s.ari.toFixed(4)}`;
}

/** num / den as the nearest double, even when both exceed 2⁵³. */
function bigRatio(num: bigint, den: bigint): number {
  // Python's int / int is correctly rounded; scale to keep 64 significant bits.
  const neg = (num < 0n) !== (den < 0n);
  let a = num < 0n ? -num : num;
  const b = den < 0n ? -den : den;
  if (a === 0n) return 0;
  const shift = 64 - (a.toString(2).length - b.toString(2).length);
  if (shift > 0) a <<= BigInt(shift);
  else a >>= BigInt(-shift);
  const q = Number(a / b) * 2 ** -shift;
  return neg ? -q : q;
}
