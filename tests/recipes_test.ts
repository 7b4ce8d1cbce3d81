/**
 * The recipes as a user runs them (subprocesses with their deno.json task's
 * permission flags): spec values, --help, plots, and a one-line error with
 * exit code 2 on every kind of bad input.
 */
import assert from "node:assert/strict";
import { encodePng } from "../core/io/image.ts";
import { idxFiles } from "../core/datasets/mnist.ts";
import { fixture, ROOT, runJson, runTask, taskWords, xlsxFixture } from "./_recipes.ts";

/** Recipes whose data is not one `--input-file`. */
const DATA_FLAG: Record<string, string> = {
  autoencoder_kmeans: "--data-dir",
  dec: "--data-dir",
  n2d: "--data-dir",
  latent_tsne: "--data-dir",
  autoencoder_mnist: "--data-dir",
  conv_autoencoder: "--data-dir",
  stock_market: "--xlsx",
};

/** Every recipe file, so a new recipe is covered without editing this list. */
const RECIPES = [...Deno.readDirSync(`${ROOT}/recipes`)]
  .filter((e) => e.isFile && e.name.endsWith(".ts"))
  .map((e) => e.name.slice(0, -3))
  .sort();

for (const name of RECIPES) {
  Deno.test(`${name}: deno.json task, CLI.command and header comment agree`, async () => {
    const { CLI } = await import(`../recipes/${name}.ts`);
    assert.equal(taskWords(name).join(" "), CLI.command);
    assert.ok(!/\s-A\b|--allow-all/.test(CLI.command), "no -A");
    const source = Deno.readTextFileSync(`${ROOT}/recipes/${name}.ts`);
    assert.ok(source.includes(CLI.command.split(" --input-file")[0]), "header shows the command");
  });

  Deno.test(`${name} --help prints usage and exits 0`, async () => {
    const r = await runTask(name, ["--help"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /Usage:\n {2}deno run --cached-only --allow-read(=data,out)? --allow-write=out/,
    );
    // The data flag: a folder of IDX files for the MNIST recipes, a workbook for stocks.
    const dataFlag = DATA_FLAG[name] ?? "--input-file";
    for (const flag of ["--seed", "--out", "--json", "--no-plot", "--quiet", dataFlag]) {
      assert.ok(r.stdout.includes(flag), flag);
    }
  });
}

Deno.test("kmeans prints the spec's centroids and writes its plots", async () => {
  const out = "out/test-fixtures/kmeans-plots";
  const r = await runTask("kmeans", ["--out", out]);
  assert.equal(r.code, 0, r.stderr);
  for (
    const c of [
      "(1.831, 1.9998)",
      "(3.1428, 5.2616)",
      "(5.911960784, 2.049803922)",
      "(7.073265306, 5.610612245)",
    ]
  ) {
    assert.ok(r.stdout.includes(c), `${c} in\n${r.stdout}`);
  }
  for (const plot of ["input", "regions"]) {
    const svg = Deno.readTextFileSync(`${ROOT}/${out}/${plot}.svg`);
    assert.match(svg, /^<svg [^>]*width="\d+" height="\d+"/);
    const spec = JSON.parse(Deno.readTextFileSync(`${ROOT}/${out}/${plot}.vl.json`));
    assert.equal(spec.config.aria, false);
    assert.doesNotMatch(svg, /<path[^>]*aria-label/, "no ARIA label per point");
    assert.match(spec.$schema, /vega-lite\/v6/);
    assert.ok(spec.description.length > 10);
  }
  assert.match(
    Deno.readTextFileSync(`${ROOT}/${out}/regions.svg`),
    /<image [^>]*href="data:image\/png;base64,/,
  );
});

Deno.test("silhouette: spec scores for k = 2, 4, 5 and best k 5 (§4)", async () => {
  const r = await runJson("silhouette") as {
    scores: { k: number; score: number }[];
    bestK: number;
  };
  const spec: Record<number, number> = {
    2: 0.5290397175472954,
    4: 0.5832757517829593,
    5: 0.6582796909760834,
  };
  for (const s of r.scores) {
    if (s.k in spec) assert.ok(Math.abs(s.score - spec[s.k]) < 1e-9, `k=${s.k}: ${s.score}`);
  }
  assert.equal(r.bestK, 5);
});

Deno.test("vector_quantization prints the spec's factor and rate lines (§2)", async () => {
  for (
    const [bits, factor, rate] of [["4", "2.0", "50.0"], ["2", "4.0", "75.0"], ["1", "8.0", "87.5"]]
  ) {
    const out = `out/test-fixtures/vq-${bits}`;
    const r = await runTask("vector_quantization", ["--num-bits", bits, "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`The size of the image will be reduced by a factor of ${factor}`));
    assert.ok(r.stdout.includes(`Compression rate = ${rate}%`));
    assert.deepEqual(
      Deno.readFileSync(`${ROOT}/${out}/compressed_${bits}bit.png`).subarray(1, 4),
      new TextEncoder().encode("PNG"),
    );
  }
});

Deno.test("kmeans_steps: each step is a Lloyd step from the previous centres", async () => {
  const r = await runJson("kmeans_steps") as {
    init: number[][];
    steps: { centers: number[][]; labels: number[] }[];
  };
  assert.equal(r.steps.length, 3);
  assert.equal(r.steps[0].labels.length, 100);
  assert.equal(new Set(r.steps.at(-1)!.labels).size, 3);
});

Deno.test("dbscan prints the spec's ten scores, best eps 0.8 and 5 clusters (§5)", async () => {
  const r = await runTask("dbscan", ["--no-plot"]);
  assert.equal(r.code, 0, r.stderr);
  const spec = [0.1287, 0.3594, 0.5134, 0.6165, 0.6322, 0.6366, 0.5142, 0.5629, 0.5629, 0.5629];
  const eps = ["0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0", "1.1", "1.2"];
  spec.forEach((score, i) =>
    assert.ok(
      r.stdout.includes(`Epsilon: ${eps[i]} --> silhouette score: ${score.toFixed(4)}`),
      `eps ${eps[i]}`,
    )
  );
  assert.ok(r.stdout.includes("Best epsilon = 0.8\nEstimated number of clusters = 5\n"));
});

Deno.test("dbscan --algorithm hdbscan|optics: scikit-learn's clusterings without an eps", async () => {
  // Checked by scripts/crosscheck/issue23_dbscan_recipe.py: HDBSCAN equal to scikit-learn 1.9.1's
  // (6 noise samples), OPTICS (xi) and its DBSCAN extraction equal to scikit-learn 1.2.1's.
  type Out = { nClusters: number; nNoise: number; ariVsDbscan: number; dbscanBestEps: number };
  const h = await runJson("dbscan", ["--algorithm", "hdbscan"]) as Out;
  assert.deepEqual([h.nClusters, h.nNoise, h.dbscanBestEps], [5, 6, 0.7999999999999999]); // linspace(0.3, 1.2, 10)[5]
  assert.ok(h.ariVsDbscan > 0.96 && h.ariVsDbscan < 0.97, `${h.ariVsDbscan}`);
  const o = await runJson("dbscan", ["--algorithm", "optics"]) as Out;
  assert.deepEqual([o.nClusters, o.nNoise], [15, 144]);
  const cut = await runJson("dbscan", ["--algorithm", "optics", "--eps", "0.8"]) as Out;
  assert.deepEqual([cut.nClusters, cut.nNoise], [5, 5]);
});

Deno.test("customer_segmentation: spec bandwidth, 8 clusters, largest centroid (§7)", async () => {
  const r = await runTask("customer_segmentation", ["--no-plot"]);
  assert.equal(r.code, 0, r.stderr);
  const bw = Number(/Bandwidth = (\S+)/.exec(r.stdout)![1]);
  assert.ok(Math.abs(bw - 25921.198908257655) <= 1e-9 * 25921.198908257655, `${bw}`);
  assert.ok(r.stdout.includes("Number of clusters in input data = 8"));
  assert.ok(r.stdout.includes("Fre\tMil\tGro\tFro\tDet\tDel"));
  assert.ok(r.stdout.includes("9632\t4671\t6593\t2570\t2296\t1248\t428"));
});

Deno.test("agglomerative: with connectivity each cluster follows one arm of the spiral (§3)", async () => {
  const { kneighborsGraph, connectedComponents, symmetrize } = await import(
    "../core/neighbors/graph.ts"
  );
  const { makeCurve } = await import("../core/datasets/curves.ts");
  const r = await runJson("agglomerative") as {
    cases: { linkage: string; connectivity: boolean; labels: number[] }[];
  };
  const X = makeCurve("spiral", { seed: 2 });
  const graph = symmetrize(kneighborsGraph(X, 10));
  // Pieces of each cluster in the 10-NN graph: 1 when the cluster is one stretch of arm.
  const pieces = (labels: number[]) =>
    [0, 1, 2].map((c) => {
      const keep = labels.map((l) => l === c);
      const sub = {
        n: X.rows,
        neighbors: graph.neighbors.map((row, i) =>
          keep[i] ? row.filter((j) => keep[j]) : new Int32Array()
        ),
      };
      const { labels: comp } = connectedComponents(sub);
      return new Set(comp.filter((_, i) => keep[i])).size;
    });
  const [free, connected] = r.cases;
  assert.deepEqual([free.connectivity, connected.connectivity], [false, true]);
  assert.deepEqual(pieces(connected.labels), [1, 1, 1]);
  assert.ok(pieces(free.labels).some((p) => p > 1), "without connectivity ward cuts across arms");
});

Deno.test("stock_market prints the spec's eight clusters (§6)", async () => {
  const r = await runJson("stock_market") as { alpha: number; clusters: string[][] };
  const spec = [
    ["Apple", "Amazon", "Yahoo"],
    [
      "AIG",
      "American express",
      "Bank of America",
      "DuPont de Nemours",
      "General Dynamics",
      "General Electrics",
      "Goldman Sachs",
      "GlaxoSmithKline",
      "Home Depot",
      "Kellogg",
    ],
    ["Boeing", "Canon", "Caterpillar", "Ford", "Honda"],
    ["Colgate-Palmolive", "Kimberly-Clark"],
    ["Cisco", "Dell", "HP", "IBM"],
    ["Comcast", "Cablevision"],
    ["CVS"],
    ["ConocoPhillips", "Chevron"],
  ];
  const norm = (cs: string[][]) => cs.map((c) => [...c].sort().join("|")).sort();
  assert.deepEqual(norm(r.clusters), norm(spec));
});

Deno.test("autoencoder_mnist draws the first test digits when --test-limit leaves fewer than 15", async () => {
  // It drew digits 10..14 and failed on an empty gather after training.
  const out = "out/test-autoencoder-mnist-few";
  await Deno.remove(`${ROOT}/${out}`, { recursive: true }).catch(() => {});
  const r = await runTask("autoencoder_mnist", [
    ...["--epochs", "1", "--train-limit", "64", "--test-limit", "3", "--out", out, "--quiet"],
  ]);
  assert.equal(r.code, 0, r.stderr);
  const svg = [...Deno.readDirSync(`${ROOT}/${out}`)].map((e) => e.name).filter((n) =>
    n.endsWith(".svg")
  );
  assert.equal(svg.length, 3, svg.join(", "));
  const grid = Deno.readTextFileSync(`${ROOT}/${out}/reconstructions.svg`);
  assert.equal(grid.match(/<image /g)?.length, 6, "three digits over their reconstructions");
});

Deno.test("latent_tsne refuses sizes its later steps cannot take before it trains", async () => {
  // A perplexity above the rows failed after the training, the model saved.
  const out = "out/test-latent-tsne-early";
  await Deno.remove(`${ROOT}/${out}`, { recursive: true }).catch(() => {});
  const r = await runTask("latent_tsne", [
    ...["--train-limit", "100", "--perplexity", "6000", "--epochs", "1", "--out", out, "--quiet"],
  ]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /perplexity must be less than n_samples: perplexity=6000, n_samples=100/);
  assert.throws(
    () => Deno.statSync(`${ROOT}/${out}/model`),
    Deno.errors.NotFound,
    "no model trained",
  );
});

Deno.test("autoencoder_mnist prints the spec's shapes and class counts (§8)", async () => {
  const r = await runTask("autoencoder_mnist", [
    "--epochs",
    "1",
    "--train-limit",
    "256",
    "--test-limit",
    "128",
    "--no-plot",
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.stderr);
  for (
    const line of [
      "X_train shape: (60000, 28, 28), Y_train shape: (60000,)",
      "X_test shape: (10000, 28, 28), Y_test shape: (10000,)",
      "Train labels: [0 1 2 3 4 5 6 7 8 9]",
      "Train class counts: {0: 5923, 1: 6742, 2: 5958, 3: 6131, 4: 5842, 5: 5421, 6: 5918, 7: 6265, 8: 5851, 9: 5949}",
      "Test class counts: {0: 980, 1: 1135, 2: 1032, 3: 1010, 4: 982, 5: 892, 6: 958, 7: 1028, 8: 974, 9: 1009}",
    ]
  ) assert.ok(r.stdout.includes(line), line);
  assert.match(r.stdout, /backend wasm/);
  assert.match(r.stdout, /Epoch 1\/1: loss 0\.\d+, val_loss 0\.\d+ \(\d+\.\d s\)/);
});

Deno.test("autoencoder_kmeans: the spec's 11,623 images of 0 and 1 (§11); a saved model is reused", async () => {
  const full = await runJson("autoencoder_kmeans", [
    "--epochs",
    "1",
    "--out",
    "out/test-fixtures/ak-full",
  ]) as {
    nImages: number;
    zeros: number;
    ones: number;
    accuracy: number;
  };
  assert.deepEqual([full.nImages, full.zeros, full.ones], [11623, 5444, 6179]);
  assert.ok(full.accuracy > 0.9, `one epoch already separates 0s from 1s: ${full.accuracy}`);
  const out = "out/test-fixtures/ak-reuse";
  const small = ["--train-limit", "500", "--epochs", "1"];
  const trained = await runJson("autoencoder_kmeans", [...small, "--out", out]);
  const reused = await runJson("autoencoder_kmeans", [...small, "--model", `${out}/model`]) as {
    history: { loss: number[] };
  };
  assert.deepEqual(reused.history.loss, [], "no training with --model");
  const { history: _h, ...a } = trained as Record<string, unknown>;
  const { history: _r, ...b } = reused as Record<string, unknown>;
  assert.deepEqual(b, a, "the reloaded model gives the same codes, clusters and accuracy");
});

Deno.test("latent_tsne writes the cluster grid, the scatter, the thumbnails and the small multiple; --model reuses the autoencoder", async () => {
  const out = "out/test-fixtures/lt-plots";
  const small = ["--train-limit", "300", "--tsne-samples", "200", "--n-init", "1", "--quiet"];
  const r = await runTask("latent_tsne", [
    ...small,
    "--epochs",
    "1",
    "--perplexities",
    "5,10",
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Features: 300 × 64 \(MNIST codes\)/);
  assert.match(r.stdout, /accuracy 0\.\d{4}, NMI 0\.\d{4}/);
  for (const plot of ["clusters", "tsne", "tsne_digits", "tsne_perplexities"]) {
    const svg = Deno.readTextFileSync(`${ROOT}/${out}/${plot}.svg`);
    assert.match(svg, /^<svg /, plot);
  }
  const thumbs = Deno.readTextFileSync(`${ROOT}/${out}/tsne_digits.svg`).match(/<image /g) ?? [];
  assert.equal(thumbs.length, 200, "one thumbnail per digit");
  const grid = Deno.readTextFileSync(`${ROOT}/${out}/clusters.svg`).match(/<image /g) ?? [];
  assert.equal(grid.length, 100, "ten rows of ten digits");
  const a = await runJson("latent_tsne", [...small, "--model", `${out}/model`]) as {
    latentShape: number[];
    kmeans: { inertia: number };
  };
  assert.deepEqual(a.latentShape, [300, 64]);
  const b = await runJson("latent_tsne", [...small, "--model", `${out}/model`]) as typeof a;
  assert.equal(a.kmeans.inertia, b.kmeans.inertia);
});

Deno.test("latent_tsne --embedding both: UMAP beside t-SNE, trustworthiness of each, a GMM on a 10-d UMAP", async () => {
  const out = "out/test-fixtures/lt-both";
  const args = ["--train-limit", "300", "--tsne-samples", "200", "--n-init", "1", "--epochs", "1"];
  const r = await runTask("latent_tsne", [...args, "--embedding", "both", "--out", out, "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /t-SNE of 200 × 64 .*trustworthiness \(10 neighbours\) 0\.\d{4}/);
  assert.match(r.stdout, /UMAP of 200 × 64 .*trustworthiness \(10 neighbours\) 0\.\d{4}/);
  assert.match(
    r.stdout,
    /GMM \(10 components, full\) on a 10-d UMAP of all 300 codes .*accuracy 0\.\d{4}, NMI 0\.\d{4}; k-means on the raw codes 0\.\d{4}/,
  );
  for (const plot of ["tsne", "umap", "tsne_vs_umap", "tsne_digits", "umap_digits"]) {
    assert.match(Deno.readTextFileSync(`${ROOT}/${out}/${plot}.svg`), /^<svg /, plot);
  }
  const thumbs = Deno.readTextFileSync(`${ROOT}/${out}/umap_digits.svg`).match(/<image /g) ?? [];
  assert.equal(thumbs.length, 200, "the same thumbnails on the UMAP");
  // --embedding umap alone: no t-SNE in the report; the same UMAP numbers.
  type Report = {
    tsne: unknown;
    umap: { trustworthiness: number };
    umapGmm: { accuracy: number; nmi: number; seconds: number };
  };
  const only = await runJson("latent_tsne", [
    ...args.slice(2),
    "--model",
    `${out}/model`,
    "--train-limit",
    "300",
    "--embedding",
    "umap",
  ]) as Report;
  assert.equal(only.tsne, null);
  assert.ok(only.umap.trustworthiness > 0.7 && only.umap.trustworthiness <= 1);
  assert.ok(only.umapGmm.accuracy > 0.2 && only.umapGmm.accuracy <= 1);
  const again = await runJson("latent_tsne", [
    ...args.slice(2),
    "--model",
    `${out}/model`,
    "--train-limit",
    "300",
    "--embedding",
    "both",
  ]) as Report;
  assert.equal(again.umap.trustworthiness, only.umap.trustworthiness);
  assert.deepEqual(again.umapGmm, { ...only.umapGmm, seconds: again.umapGmm.seconds });
});

Deno.test("latent_tsne --input-file clusters and embeds your own features", async () => {
  const rows = ["f1,f2,f3,label"];
  const rs = [0.3, 0.7, 0.1, 0.9, 0.5, 0.2];
  for (let i = 0; i < 60; i++) {
    const c = i % 3;
    rows.push([10 * c + rs[i % 6], 5 * c + rs[(i + 1) % 6], rs[(i + 2) % 6], c].join(","));
  }
  const file = fixture("lt-own.csv", rows.join("\n") + "\n");
  const r = await runJson("latent_tsne", [
    "--input-file",
    file,
    "--clusters",
    "3",
    "--perplexity",
    "5",
  ]) as {
    latentShape: number[];
    kmeans: { accuracy: number; nmi: number };
    tsne: { perplexity: number; trustworthiness: number };
  };
  assert.deepEqual(r.latentShape, [60, 3]);
  assert.equal(r.kmeans.accuracy, 1);
  assert.equal(r.kmeans.nmi, 1);
  assert.equal(r.tsne.perplexity, 5);
  assert.ok(r.tsne.trustworthiness > 0.8);
});

// Bad input: [recipe, args, message pattern]. Every case must exit 2 with one line.
const points = (name: string, text: string) => fixture(name, text);
/** A folder of the four MNIST files: `train` and `test` images of count × side × side. */
function idxFolder(name: string, train: [number, number], test: [number, number]): string {
  const write = (prefix: string, [count, side]: [number, number]) => {
    const set = {
      images: new Uint8Array(count * side * side).map((_, i) => (i * 37) % 256),
      labels: new Uint8Array(count).map((_, i) => i % 10),
      count,
      rows: side,
      cols: side,
    };
    const f = idxFiles(set);
    fixture(`${name}/${prefix}-images-idx3-ubyte`, f.images);
    fixture(`${name}/${prefix}-labels-idx1-ubyte`, f.labels);
  };
  write("train", train);
  write("t10k", test);
  return `out/test-fixtures/${name}`;
}
/** A saved model folder whose model.json is `json` and weights.bin `bytes` long (none: absent). */
function modelFolder(name: string, json: string, bytes?: number): string {
  fixture(`${name}/model.json`, json);
  if (bytes !== undefined) fixture(`${name}/weights.bin`, new Uint8Array(bytes));
  return `out/test-fixtures/${name}`;
}
const oneWeight = JSON.stringify({
  modelTopology: {},
  weightsManifest: [{
    paths: ["weights.bin"],
    weights: [{ name: "w", shape: [2, 2], dtype: "float32" }],
  }],
  format: "layers-model",
});
const BAD: [string, () => string[], RegExp][] = [
  [
    "kmeans",
    () => ["--input-file", "out/test-fixtures/missing.txt"],
    /^kmeans: error: Cannot read the file .*missing\.txt/,
  ],
  [
    "kmeans",
    () => ["--input-file", points("cell.txt", "1,2\n3,abc\n")],
    /line 2, column 2 is not a number: "abc"/,
  ],
  [
    "kmeans",
    () => ["--input-file", points("nan.txt", "1,2\nNaN,4\n")],
    /line 2, column 1 is not finite: "NaN"/,
  ],
  ["kmeans", () => ["--input-file", points("empty.txt", "")], /the file is empty/],
  [
    "kmeans",
    () => ["--input-file", points("three.txt", "1,2\n3,4\n5,6\n")],
    /n_samples=3 should be >= n_clusters=4/,
  ],
  [
    "kmeans",
    () => ["--clusters", "0"],
    /--clusters must be an integer in \[1, 1000\]: --clusters=0/,
  ],
  ["kmeans", () => ["--bogus"], /Cannot parse the command line as unknown option '--bogus'/],
  ["kmeans", () => ["--seed=-1"], /--seed must be an integer in \[0, 4294967295\]: --seed=-1/],
  ["kmeans", () => ["--seed", "1.5"], /--seed must be an integer in \[0, 4294967295\]: --seed=1.5/],
  ["silhouette", () => ["--input-file", "out/test-fixtures/missing.txt"], /missing\.txt/],
  [
    "silhouette",
    () => ["--input-file", points("cell.txt", "1,2\n3,abc\n")],
    /line 2, column 2 is not a number/,
  ],
  ["silhouette", () => ["--input-file", points("nan.txt", "1,2\nNaN,4\n")], /is not finite/],
  ["silhouette", () => ["--input-file", points("empty.txt", "")], /the file is empty/],
  [
    "silhouette",
    () => ["--input-file", points("five.txt", "1,2\n3,4\n5,6\n7,8\n9,9\n")],
    /k-max=9|n_samples=5/,
  ],
  [
    "silhouette",
    () => ["--k-min", "5", "--k-max", "4"],
    /--k-max must be an integer in \[5, 1000\]/,
  ],
  ["kmeans_steps", () => ["--input-file", points("cell.txt", "1,2\n3,abc\n")], /not a number/],
  ["kmeans_steps", () => ["--input-file", points("nan.txt", "1,2\nNaN,4\n")], /is not finite/],
  ["kmeans_steps", () => ["--input-file", points("empty.txt", "")], /the file is empty/],
  [
    "kmeans_steps",
    () => ["--input-file", points("two.txt", "1,2\n3,4\n")],
    /n_samples=2 should be >= n_clusters=3/,
  ],
  ["kmeans_steps", () => ["--input-file", "out/test-fixtures/missing.txt"], /missing\.txt/],
  [
    "conv_autoencoder",
    () => ["--activation", "sigmoid"],
    /--activation must be one of relu, elu, both: --activation=sigmoid/,
  ],
  [
    "conv_autoencoder",
    () => ["--models", "rnn"],
    /--models must be one of dense, conv, both: --models=rnn/,
  ],
  [
    "conv_autoencoder",
    () => ["--dense-activation", "all"],
    /--dense-activation must be one of none, code, expand, both: --dense-activation=all/,
  ],
  [
    "conv_autoencoder",
    () => ["--epochs", "0"],
    /--epochs must be an integer in \[1, 10000\]: --epochs=0/,
  ],
  [
    "conv_autoencoder",
    () => ["--data-dir", "out/test-fixtures/no-such-dir"],
    /no-such-dir\/train-images-idx3-ubyte/,
  ],
  [
    "autoencoder_mnist",
    () => ["--epochs", "0"],
    /--epochs must be an integer in \[1, 10000\]: --epochs=0/,
  ],
  ["autoencoder_mnist", () => ["--train-limit", "0"], /--train-limit must be an integer/],
  [
    "autoencoder_mnist",
    () => ["--data-dir", "out/test-fixtures/no-such-dir"],
    /Cannot read the file .*no-such-dir\/train-images-idx3-ubyte/,
  ],
  ["autoencoder_mnist", () => {
    for (
      const f of [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
      ]
    ) {
      fixture(`bad-idx/${f}`, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 9, 1, 2]));
    }
    return ["--data-dir", "out/test-fixtures/bad-idx"];
  }, /train-images-idx3-ubyte as it is truncated: bytes=10, expected=17/],
  ["autoencoder_mnist", () => {
    fixture("magic-idx/train-images-idx3-ubyte", new TextEncoder().encode("not an idx file"));
    return ["--data-dir", "out/test-fixtures/magic-idx"];
  }, /not an unsigned-byte IDX file: magic=0x6e6f7420/],
  [
    "latent_tsne",
    () => ["--input-file", fixture("lt-ten.csv", tenRows), "--perplexity", "10"],
    /perplexity must be less than n_samples: perplexity=10, n_samples=10/,
  ],
  [
    "latent_tsne",
    () => [
      "--input-file",
      fixture("lt-ten.csv", tenRows),
      "--perplexity",
      "2",
      "--perplexities",
      "2,12",
    ],
    /perplexity must be less than n_samples: perplexity=12, n_samples=10/,
  ],
  [
    "latent_tsne",
    () => ["--input-file", fixture("lt-cell.csv", "a,b\n1,2\n3,abc\n")],
    /line 3, column 2 is not a number: "abc"/,
  ],
  [
    "latent_tsne",
    () => ["--input-file", fixture("lt-nan.csv", "a,b\n1,2\nNaN,4\n")],
    /line 3, column 1 is not finite/,
  ],
  [
    "latent_tsne",
    () => ["--input-file", fixture("lt-label.csv", "a,label\n1,0\n2,0.5\n3,1\n")],
    /labels must be integers: row 3, label=0.5/,
  ],
  ["latent_tsne", () => ["--input-file", "out/test-fixtures/missing.csv"], /missing\.csv/],
  [
    "latent_tsne",
    () => ["--model", "out/test-fixtures/no-model"],
    /Cannot read the file as it does not exist: path=out\/test-fixtures\/no-model\/model\.json/,
  ],
  [
    "latent_tsne",
    () => ["--input-file", fixture("lt-ten.csv", tenRows), "--model", "x"],
    /--input-file and --model exclude each other/,
  ],
  ["latent_tsne", () => ["--perplexity", "0"], /--perplexity must be a number > 0: --perplexity=0/],
  [
    "latent_tsne",
    () => ["--perplexities", "5,x"],
    /--perplexities must be a number > 0: --perplexities=x/,
  ],
  ["latent_tsne", () => ["--learning-rate", "fast"], /--learning-rate must be a number > 0/],
  ["latent_tsne", () => ["--tsne-samples", "20"], /--tsne-samples must be an integer in \[21,/],
  [
    "autoencoder_kmeans",
    () => ["--model", "out/test-fixtures/no-model"],
    /Cannot read the file as it does not exist: path=out\/test-fixtures\/no-model\/model\.json/,
  ],
  [
    "autoencoder_kmeans",
    () => ["--epochs", "0"],
    /--epochs must be an integer in \[1, 10000\]: --epochs=0/,
  ],
  [
    "autoencoder_kmeans",
    () => ["--data-dir", "out/test-fixtures/no-such-dir"],
    /no-such-dir\/train-images-idx3-ubyte/,
  ],
  ["autoencoder_kmeans", () => ["--train-limit", "1"], /--train-limit must be an integer in \[2,/],
  ["dec", () => ["--stage", "finetune"], /--stage must be one of baseline, pretrain, dec, all/],
  [
    "dec",
    () => ["--pretrain-optimizer", "rmsprop"],
    /--pretrain-optimizer must be one of adam, sgd/,
  ],
  ["dec", () => ["--train-limit", "5"], /--train-limit must be an integer in \[10,/],
  ["dec", () => ["--pretrain-epochs", "0"], /--pretrain-epochs must be an integer in \[1, 10000\]/],
  ["dec", () => ["--tol", "2"], /--tol must be a number >= 0 and <= 1: --tol=2/],
  ["dec", () => ["--update-interval", "x"], /--update-interval must be an integer/],
  [
    "dec",
    () => ["--stage", "dec", "--out", "out/test-fixtures/dec-nothing"],
    /no model\.json at out\/test-fixtures\/dec-nothing\/pretrained \(run --stage pretrain first/,
  ],
  [
    "dec",
    () => ["--pretrained", "out/test-fixtures/no-model"],
    /no model\.json at out\/test-fixtures\/no-model/,
  ],
  [
    "dec",
    () => ["--data-dir", "out/test-fixtures/no-such-dir"],
    /no-such-dir\/train-images-idx3-ubyte/,
  ],
  ["n2d", () => ["--min-dist", "1.5"], /--min-dist must be a number >= 0 and <= 1: --min-dist=1.5/],
  ["n2d", () => ["--cluster", "dbscan"], /--cluster must be one of gmm, kmeans/],
  [
    "compare_clustering",
    () => ["--input-file", "out/test-fixtures/missing.txt"],
    /missing\.txt/,
  ],
  [
    "compare_clustering",
    () => ["--input-file", points("cc-nan.txt", "1,2\nNaN,4\n")],
    /is not finite/,
  ],
  [
    "compare_clustering",
    () => ["--only", "KMeans,DBSCAN"],
    /--only must list estimators among MiniBatchKMeans, .*: --only=KMeans,DBSCAN/,
  ],
  [
    "compare_clustering",
    () => ["--min-cluster-size", "2.5"],
    /--min-cluster-size must be a fraction in \(0, 1\] or a whole count: --min-cluster-size=2.5/,
  ],
  ["compare_clustering", () => ["--xi", "1"], /--xi must be a number >= 0 and < 1: --xi=1/],
  [
    "compare_clustering",
    () => ["--n-clusters", "0"],
    /--n-clusters must be an integer in \[1, 1000\]: --n-clusters=0/,
  ],
  [
    "compare_clustering",
    () => ["--n-samples", "20", "--n-clusters", "25", "--only", "Ward"],
    /n_samples=20 should be >= n_clusters=25/,
  ],
  [
    "compare_clustering",
    () => ["--n-samples", "20", "--n-neighbors", "25"],
    /Cannot find neighbours as k must be an integer in \[1, 19\]: k=25/,
  ],
  ["n2d", () => ["--umap-dim", "0"], /--umap-dim must be an integer in \[1, 100\]/],
  ["n2d", () => ["--umap-neighbors", "1"], /--umap-neighbors must be an integer in \[2, 200\]/],
  ["n2d", () => ["--train-limit", "20"], /--train-limit must be an integer in \[50,/],
  [
    "n2d",
    () => ["--pretrained", "out/test-fixtures/no-model"],
    /no model\.json at out\/test-fixtures\/no-model \(pass the folder of a saved autoencoder\)/,
  ],
  ["n2d", () => {
    fixture("n2d-magic/train-images-idx3-ubyte", new TextEncoder().encode("not an idx file"));
    return ["--data-dir", "out/test-fixtures/n2d-magic"];
  }, /not an unsigned-byte IDX file: magic=0x6e6f7420/],
  [
    "n2d",
    () => ["--train-limit", "60", "--umap-neighbors", "60", "--pretrain-epochs", "1"],
    /--umap-neighbors must be less than the number of images: --umap-neighbors=60, images=60/,
  ],
  ["stock_market", () => ["--symbols", "out/test-fixtures/missing.json"], /missing\.json/],
  [
    "stock_market",
    () => ["--symbols", fixture("bad.json", "{oops")],
    /Cannot parse JSON as it is malformed/,
  ],
  [
    "stock_market",
    () => ["--symbols", fixture("one.json", '{"AAPL": "Apple"}')],
    /must map at least 2 symbols/,
  ],
  [
    "stock_market",
    () => ["--symbols", fixture("unknown.json", '{"AAPL": "Apple", "ZZZ": "Nobody"}')],
    /has no sheet "ZZZ": sheet=ZZZ/,
  ],
  [
    "stock_market",
    () => [
      "--symbols",
      fixture("ab.json", '{"A": "a", "B": "b"}'),
      "--xlsx",
      xlsxFixture("nocol.xlsx", { A: [["open", "close"], [1, 2]], B: [["open"], [1]] }),
    ],
    /sheet B of .* has no column "close"/,
  ],
  [
    "stock_market",
    () => [
      "--symbols",
      fixture("ab.json", '{"A": "a", "B": "b"}'),
      "--xlsx",
      xlsxFixture("cell.xlsx", {
        A: [["open", "close"], [1, 2], [2, 3]],
        B: [["open", "close"], [1, "n/a"], [2, 3]],
      }),
    ],
    /row 2, column "close" is not a number: "n\/a"/,
  ],
  [
    "stock_market",
    () => ["--xlsx", fixture("fake.xlsx", "open,close\n")],
    /not an \.xlsx workbook/,
  ],
  ["agglomerative", () => ["--input-file", "out/test-fixtures/missing.txt"], /missing\.txt/],
  ["agglomerative", () => ["--input-file", points("cell.txt", "1,2\n3,abc\n")], /not a number/],
  ["agglomerative", () => ["--input-file", points("nan.txt", "1,2\nNaN,4\n")], /is not finite/],
  ["agglomerative", () => ["--input-file", points("empty.txt", "")], /the file is empty/],
  [
    "agglomerative",
    () => [
      "--input-file",
      points("agg-three.txt", "1,2\n3,4\n5,6\n"),
      "--neighbors",
      "1",
      "--clusters",
      "4",
    ],
    /n_samples=3 should be >= n_clusters=4/,
  ],
  [
    "agglomerative",
    () => ["--neighbors", "500"],
    /--neighbors must be < n_samples=500: --neighbors=500/,
  ],
  [
    "agglomerative",
    () => ["--clusters", "0"],
    /--clusters must be an integer in \[1, 1000000\]: --clusters=0/,
  ],
  [
    "agglomerative",
    () => ["--linkage", "median"],
    /--linkage must be one of ward, complete, average, single, all: --linkage=median/,
  ],
  [
    "agglomerative",
    () => ["--shape", "circle"],
    /--shape must be one of spiral, rose, hypotrochoid: --shape=circle/,
  ],
  ["dbscan", () => ["--input-file", "out/test-fixtures/missing.txt"], /missing\.txt/],
  ["dbscan", () => ["--input-file", points("cell.txt", "1,2\n3,abc\n")], /not a number/],
  ["dbscan", () => ["--input-file", points("nan.txt", "1,2\nNaN,4\n")], /is not finite/],
  ["dbscan", () => ["--input-file", points("empty.txt", "")], /the file is empty/],
  [
    "dbscan",
    () => ["--algorithm", "hdbscan", "--eps", "0.5"],
    /HDBSCAN takes no eps: --eps=0.5/,
  ],
  [
    "dbscan",
    () => ["--min-cluster-size", "10"],
    /--min-cluster-size is for --algorithm hdbscan or optics: --algorithm=dbscan/,
  ],
  ["dbscan", () => ["--algorithm", "kmeans"], /--algorithm must be one of dbscan, hdbscan, optics/],
  ["dbscan", () => ["--algorithm", "optics", "--xi", "2"], /--xi must be a number >= 0 and < 1/],
  [
    "dbscan",
    () => ["--algorithm", "optics", "--xi", "1"],
    /--xi must be a number >= 0 and < 1: --xi=1/,
  ],
  ["dbscan", () => ["--xi", "0.1"], /--xi is for --algorithm optics: --algorithm=dbscan/],
  [
    "dbscan",
    () => ["--algorithm", "optics", "--eps", "0.8", "--xi", "0.1"],
    /OPTICS cut at --eps takes no --xi: --eps=0.8, --xi=0.1/,
  ],
  [
    "customer_segmentation",
    () => ["--quantile", "0.5", "--bandwidth", "2000"],
    /--quantile and --bandwidth exclude each other/,
  ],
  ["dbscan", () => ["--algorithm", "hdbscan", "--xi", "0.1"], /--xi is for --algorithm optics/],
  [
    "dbscan",
    () => ["--algorithm", "optics", "--min-samples", "1"],
    /OPTICS needs --min-samples >= 2 \(1 would mean all samples\): --min-samples=1/,
  ],
  ["dbscan", () => ["--eps", "0"], /--eps must be a number > 0: --eps=0/],
  ["dbscan", () => ["--eps=-0.5"], /--eps must be a number > 0: --eps=-0.5/],
  ["dbscan", () => ["--min-samples", "0"], /--min-samples must be an integer in \[1, 1000000000\]/],
  [
    "customer_segmentation",
    () => ["--input-file", "out/test-fixtures/missing.csv"],
    /missing\.csv/,
  ],
  [
    "customer_segmentation",
    () => ["--input-file", points("c-cell.csv", "C,R,a,b\n1,2,3,x\n")],
    /line 2, column 4 is not a number: "x"/,
  ],
  [
    "customer_segmentation",
    () => ["--input-file", points("c-nan.csv", "C,R,a,b\n1,2,NaN,4\n")],
    /line 2, column 3 is not finite/,
  ],
  [
    "customer_segmentation",
    () => ["--input-file", points("c-header.csv", "C,R,a,b\n")],
    /no data rows/,
  ],
  [
    "customer_segmentation",
    () => ["--input-file", points("c-narrow.csv", "C,R\n1,2\n")],
    /needs spending columns after Channel and Region: cols=2/,
  ],
  [
    "customer_segmentation",
    () => ["--bandwidth", "0"],
    /--bandwidth must be a number > 0: --bandwidth=0/,
  ],
  [
    "customer_segmentation",
    () => ["--quantile", "1.5"],
    /--quantile must be a number > 0 and <= 1: --quantile=1.5/,
  ],
  [
    "customer_segmentation",
    () => ["--input-file", points("c-two.csv", "C,R,a\n1,2,3\n1,2,4\n"), "--quantile", "0.4"],
    /quantile·n_samples must be >= 1/,
  ],
  [
    "vector_quantization",
    () => ["--num-bits", "0"],
    /--num-bits must be an integer in \[1, 8\]: --num-bits=0/,
  ],
  [
    "vector_quantization",
    () => ["--num-bits", "9"],
    /--num-bits must be an integer in \[1, 8\]: --num-bits=9/,
  ],
  ["vector_quantization", () => ["--num-bits", "two"], /--num-bits=two/],
  [
    "vector_quantization",
    () => ["--input-file", points("not-image.txt", "1,2\n")],
    /not-image\.txt as it is not a JPEG or PNG image/,
  ],
  [
    "vector_quantization",
    () => [
      "--input-file",
      fixture("cut.png", encodePng({ width: 8, height: 8, data: new Uint8Array(64) }).slice(0, 40)),
    ],
    /cut\.png as the image is corrupt/,
  ],
  ["vector_quantization", () => ["--input-file", "out/test-fixtures/missing.jpg"], /missing\.jpg/],
  // Found by a command-line audit (2026-12-07): each used to exit 1 with an
  // internal message, or 0 with a wrong result, or fail only after training.
  ["kmeans", () => ["--out", ""], /Cannot run as --out must name a folder: --out=""/],
  [
    "kmeans",
    () => ["--out", fixture("an-out-file.txt", "x")],
    /Cannot write to the folder as a folder on its path is a file: path=out\/test-fixtures\/an-out-file\.txt/,
  ],
  ["autoencoder_mnist", () => ["--data-dir", ""], /--data-dir must name a folder: --data-dir=""/],
  [
    "autoencoder_mnist",
    () => ["--data-dir", idxFolder("idx-empty-train", [0, 28], [20, 28])],
    /idx-empty-train as train-images-idx3-ubyte holds no images: shape=0x28x28/,
  ],
  [
    "autoencoder_mnist",
    () => ["--data-dir", idxFolder("idx-sizes", [20, 5], [20, 28])],
    /idx-sizes as its training and test images differ in size: 5x5 and 28x28/,
  ],
  [
    "autoencoder_kmeans",
    () => ["--model", fixture("not-a-model-folder.txt", "x")],
    /Cannot read the file as a folder on its path is a file: path=out\/test-fixtures\/not-a-model-folder\.txt\/model\.json/,
  ],
  [
    "latent_tsne",
    () => ["--model", modelFolder("model-array", "[1, 2, 3]", 16)],
    /Cannot load the model in out\/test-fixtures\/model-array as its model\.json is not a saved tfjs layers model/,
  ],
  [
    "latent_tsne",
    () => ["--model", modelFolder("model-cut", oneWeight, 3)],
    /model-cut as its weights\.bin holds 3 bytes where model\.json describes 16/,
  ],
  [
    "dec",
    () => ["--pretrained", modelFolder("model-no-weights", oneWeight)],
    /model-no-weights as its weights\.bin is missing/,
  ],
];
/** Ten rows of two features and a label, for the latent_tsne CSV path. */
const tenRows = "x,y,label\n" +
  Array.from({ length: 10 }, (_, i) => `${i},${(i * 7) % 10},${i % 2}`).join("\n") + "\n";

for (const [name, args, pattern] of BAD) {
  Deno.test(`${name} bad input ${pattern.source.slice(0, 60)} → exit 2, one line`, async () => {
    const r = await runTask(name, args());
    assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
    assert.equal(r.stdout, "");
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `one line: ${r.stderr}`);
    assert.match(lines[0], new RegExp(`^${name}: error: `));
    assert.match(lines[0], pattern);
  });
}

Deno.test("vector_quantization without --input-file says it is required", async () => {
  const [, ...rest] = taskWords("vector_quantization");
  const words = rest.slice(0, rest.indexOf("--input-file"));
  const out = await new Deno.Command(Deno.execPath(), {
    args: words,
    cwd: ROOT,
    stderr: "piped",
    stdout: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.match(
    new TextDecoder().decode(out.stderr),
    /^vector_quantization: error: Cannot run as --input-file is required/,
  );
});

Deno.test("deno.json: every task has a one-line description (shown by `deno task`)", () => {
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`)).tasks;
  for (const [name, task] of Object.entries(tasks)) {
    const t = task as { description?: string; command?: string };
    assert.ok(typeof t.command === "string", `${name}: command`);
    assert.ok(
      typeof t.description === "string" && t.description.length > 10 &&
        !t.description.includes("\n"),
      `${name}: description`,
    );
  }
});
