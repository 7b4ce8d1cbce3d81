/**
 * Boolean options of the estimators and data sets: anything but true or
 * false is refused in one line (scikit-learn's parameter validation raises
 * there too), where a truthy string once switched an option on.
 */
import assert from "node:assert/strict";
import { kmeans } from "../core/cluster/kmeans.ts";
import { meanShift } from "../core/cluster/mean_shift.ts";
import { MiniBatchKMeans } from "../core/cluster/minibatch_kmeans.ts";
import { logisticRegression } from "../core/linear_model/logistic_regression.ts";
import { makeCircles } from "../core/datasets/mod.ts";
import { fromRows } from "../core/matrix.ts";

Deno.test("boolean options refuse other values in one line", () => {
  const X = fromRows([[0, 0], [0, 1], [5, 5], [5, 6]]);
  const no = (v: unknown) => v as boolean;
  const cases: [() => unknown, string][] = [
    [
      () => kmeans(X, { nClusters: 2, refine: no("no") }),
      'Cannot fit k-means as refine must be one of true, false: refine="no"',
    ],
    [
      () => meanShift(X, { bandwidth: 2, binSeeding: no("yes") }),
      'Cannot fit mean shift as binSeeding must be one of true, false: binSeeding="yes"',
    ],
    [
      () => meanShift(X, { bandwidth: 2, clusterAll: no(0) }),
      "Cannot fit mean shift as clusterAll must be one of true, false: clusterAll=0",
    ],
    [
      () => new MiniBatchKMeans({ computeLabels: no(1) }),
      "Cannot partially fit mini-batch k-means as computeLabels must be one of true, false: computeLabels=1",
    ],
    [
      () => logisticRegression(X, [0, 0, 1, 1], { fitIntercept: no("y") }),
      'Cannot fit logistic regression as fitIntercept must be one of true, false: fitIntercept="y"',
    ],
    [
      () => makeCircles({ shuffle: no("t") }),
      'Cannot make circles as shuffle must be one of true, false: shuffle="t"',
    ],
  ];
  for (const [call, message] of cases) assert.throws(call, { name: "RangeError", message });
  // true and false themselves pass.
  assert.equal(
    meanShift(X, { bandwidth: 2, binSeeding: true, clusterAll: false }).labels.length,
    4,
  );
});
