/** core/cluster/agglomerative.ts, core/neighbors/graph.ts and the dendrogram plot. */
import assert from "node:assert/strict";
import { agglomerative, type Linkage } from "../core/cluster/agglomerative.ts";
import { connectedComponents, kneighborsGraph, symmetrize } from "../core/neighbors/graph.ts";
import { fromRows } from "../core/matrix.ts";
import { dendrogram } from "../core/plot/dendrogram.ts";
import { renderSvg } from "../core/plot/render.ts";
import { samePartition } from "./_golden.ts";

Deno.test("agglomerative(): merge distances of each linkage on a line, by hand", () => {
  // Points 0, 1, 3, 7: merges {0,1}, then {0,1}+{3}, then +{7}.
  const X = fromRows([[0], [1], [3], [7]]);
  const d = (linkage: Linkage) => Array.from(agglomerative(X, { nClusters: 1, linkage }).distances);
  assert.deepEqual(d("single"), [1, 2, 4]);
  assert.deepEqual(d("complete"), [1, 3, 7]);
  assert.deepEqual(d("average"), [1, 2.5, (7 + 6 + 4) / 3]);
  // ward: √(2·|A||B|/(|A|+|B|))·‖μ_A − μ_B‖
  const w = d("ward");
  assert.ok(Math.abs(w[0] - 1) < 1e-12);
  assert.ok(Math.abs(w[1] - Math.sqrt((2 * 2) / 3) * 2.5) < 1e-12);
  assert.ok(Math.abs(w[2] - Math.sqrt((2 * 3) / 4) * (7 - 4 / 3)) < 1e-12);
  const r = agglomerative(X, { nClusters: 2, linkage: "single" });
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, 1]);
  // scikit-learn's single linkage keeps each merge's (tree, new point) order: [[0, 1], [4, 2], [5, 3]].
  assert.deepEqual(Array.from(r.children), [0, 1, 4, 2, 5, 3]);
  assert.deepEqual(Array.from(agglomerative(X, { nClusters: 2, linkage: "ward" }).children), [
    0,
    1,
    2,
    4,
    3,
    5,
  ]);
});

Deno.test("agglomerative() equals scikit-learn for every linkage and metric, with and without connectivity, ties included", () => {
  const sk = JSON.parse(
    Deno.readTextFileSync(new URL("./fixtures/sklearn_agglomerative.json", import.meta.url)),
  );
  for (const c of sk.cases) {
    const X = fromRows(c.X);
    // On the lattices k-th neighbours tie, and the fixture holds scikit-learn's graph.
    const connectivity = c.graph
      ? { n: X.rows, neighbors: c.graph.map((r: number[]) => Int32Array.from(r)) }
      : c.connectivity
      ? kneighborsGraph(X, c.neighbors)
      : undefined;
    const r = agglomerative(X, {
      nClusters: c.k,
      linkage: c.linkage,
      connectivity,
      metric: c.metric,
    });
    const what = `${c.data} ${c.linkage} ${c.metric ?? ""} ${
      c.connectivity ? "connected" : "free"
    }`;
    assert.ok(samePartition(Array.from(r.labels), c.labels), what);
    if (c.children) assert.deepEqual(Array.from(r.children), c.children.flat(), `${what} children`);
    if (c.data === "far" && c.connectivity) assert.equal(r.nComponents, 3, what);
  }
});

Deno.test("graph helpers: symmetrise, components in order of their lowest node", () => {
  const g = { n: 5, neighbors: [[1], [], [3], [3], []].map((r) => Int32Array.from(r)) };
  const s = symmetrize(g);
  assert.deepEqual(s.neighbors.map((r) => Array.from(r)), [[1], [0], [3], [2], []]);
  assert.deepEqual(Array.from(connectedComponents(s).labels), [0, 0, 1, 1, 2]);
});

Deno.test("agglomerative() rejects bad parameters", () => {
  // Finite samples whose distance overflows: SciPy's linkage refuses them, as here.
  for (const linkage of ["ward", "complete", "average"] as const) {
    assert.throws(
      () => agglomerative(fromRows([[1e308], [-1e308], [0]]), { nClusters: 2, linkage }),
      /condensed distance matrix must contain only finite values: distance\(0, 1\)=Infinity$/,
    );
  }
  // scikit-learn requires two samples (check_array's ensure_min_samples=2).
  assert.throws(
    () => agglomerative(fromRows([[1, 2]]), { nClusters: 1 }),
    /needs at least 2 row\(s\) and 1 column: rows=1, cols=2/,
  );
  const X = fromRows([[0], [1]]);
  assert.throws(() => agglomerative(X, { nClusters: 3 }), {
    name: "RangeError",
    message: "Cannot fit agglomerative clustering as n_samples=2 should be >= n_clusters=3",
  });
  assert.throws(() => agglomerative(X, { nClusters: 0 }), /nClusters must be an integer >= 1/);
  // @ts-expect-error: an unknown linkage
  assert.throws(() => agglomerative(X, { linkage: "median" }), /linkage must be one of/);
  assert.throws(
    () => agglomerative(X, { connectivity: { n: 3, neighbors: [] } }),
    /connectivity must have 2 nodes: n=3/,
  );
  assert.throws(
    () => agglomerative(X, { metric: "cityblock" }),
    /ward linkage only accepts Euclidean distances: metric=cityblock/,
  );
  // @ts-expect-error: an unknown metric
  assert.throws(() => agglomerative(X, { metric: "cosine" }), /metric must be one of/);
});

Deno.test("dendrogram() draws the last merges and the cut", async () => {
  const X = fromRows([[0], [1], [3], [7], [20]]);
  const r = agglomerative(X, { nClusters: 2, linkage: "average" });
  const spec = dendrogram({
    title: "tree",
    description: "d",
    nLeaves: 5,
    children: r.children,
    distances: r.distances,
    p: 3,
    cutClusters: 2,
  });
  const svg = await renderSvg(spec);
  assert.ok(svg.includes(">2 clusters<"));
  assert.ok(svg.includes(">(3)<")); // the cluster {0, 1, 3} shown as one leaf
});
