/**
 * Figures of a clustering against known classes: the confusion matrix with
 * clusters in the order of the class each maps to, and a row of member
 * images per cluster. Both map clusters to classes as the cluster accuracy
 * does (the best one-to-one mapping, Hungarian method).
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { clusterAccuracy } from "../metrics/clustering.ts";
import type { GrayImage } from "../io/image.ts";
import { annotatedHeatmap, imageGrid } from "./charts.ts";

/** The clusters in the order of the classes they map to (unmatched clusters last). */
function mappedClusterOrder(yTrue: ArrayLike<number>, labels: ArrayLike<number>) {
  const acc = clusterAccuracy(yTrue, labels);
  const { classes, clusters, counts } = acc.contingency;
  const byClass = [...clusters].sort((a, b) =>
    (acc.mapping.get(a) ?? Infinity) - (acc.mapping.get(b) ?? Infinity) || a - b
  );
  return { acc, classes, clusters, counts, byClass };
}

/**
 * Confusion matrix of `labels` against `yTrue`: classes as rows, clusters as
 * columns in mapped order, each cell's count written in it.
 *
 * @example
 * ```ts
 * import { confusionChart } from "./cluster_charts.ts";
 * import assert from "node:assert/strict";
 * const spec = confusionChart("toy", [0, 0, 1, 1], [1, 1, 0, 1]);
 * assert.match(String(spec.title), /ACC 0\.7500, 3 of 4/);
 * ```
 */
export function confusionChart(
  what: string,
  yTrue: ArrayLike<number>,
  labels: ArrayLike<number>,
  classTitle = "digit",
): TopLevelSpec {
  const { acc, classes, clusters, counts, byClass } = mappedClusterOrder(yTrue, labels);
  const values = new Float64Array(classes.length * byClass.length);
  byClass.forEach((c, j) => {
    const col = clusters.indexOf(c);
    for (let i = 0; i < classes.length; i++) {
      values[i * byClass.length + j] = counts.data[i * counts.cols + col];
    }
  });
  return annotatedHeatmap({
    title: `${what}: confusion matrix (ACC ${
      acc.accuracy.toFixed(4)
    }, ${acc.matched} of ${yTrue.length})`,
    description:
      `Samples per ${classTitle} (rows) and cluster (columns); clusters ordered by the ${classTitle} they map to`,
    rows: Array.from(classes, String),
    cols: byClass.map((c) => `c${c}→${acc.mapping.get(c) ?? "–"}`),
    values,
    xTitle: `cluster → mapped ${classTitle}`,
    yTitle: classTitle,
    format: "d",
  });
}

/**
 * A row of the first `perRow` members of each cluster (`image(i)` draws
 * sample i), clusters in the order of the class they map to.
 *
 * @example
 * ```ts
 * import { clusterSamplesChart } from "./cluster_charts.ts";
 * import assert from "node:assert/strict";
 * const dot = { width: 1, height: 1, data: new Uint8Array([255]) };
 * const spec = clusterSamplesChart("toy", [0, 1, 1], [1, 0, 0], () => dot) as { vconcat: unknown[] };
 * assert.equal(spec.vconcat.length, 2);
 * ```
 */
export function clusterSamplesChart(
  title: string,
  yTrue: ArrayLike<number>,
  labels: ArrayLike<number>,
  image: (i: number) => GrayImage,
  perRow = 10,
  classTitle = "digit",
): TopLevelSpec {
  const { acc, byClass } = mappedClusterOrder(yTrue, labels);
  const members = new Map<number, number[]>(byClass.map((c) => [c, []]));
  const sizes = new Map<number, number>(byClass.map((c) => [c, 0]));
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    sizes.set(c, sizes.get(c)! + 1);
    const row = members.get(c)!;
    if (row.length < perRow) row.push(i);
  }
  return imageGrid({
    title,
    description: `One row per cluster, in the order of the ${classTitle} it maps to`,
    images: byClass.map((c) => members.get(c)!.map(image)),
    rowTitles: byClass.map((c) =>
      `cluster ${c} → ${classTitle} ${acc.mapping.get(c) ?? "none"} (${sizes.get(c)} images)`
    ),
    size: 40,
  });
}
