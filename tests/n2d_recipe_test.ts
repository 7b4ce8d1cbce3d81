/**
 * recipes/n2d.ts on a small subset of MNIST, as a user runs it: the --json
 * schema, the saved autoencoder and codes, --pretrained giving the same
 * clustering as the run that trained it, --cluster kmeans agreeing with the
 * ablation of the default run, and the plots.
 */
import assert from "node:assert/strict";
import { ROOT, runJson, runTask } from "./_recipes.ts";

interface Scores {
  acc: number;
  nmi: number;
  ari: number;
  seconds: number;
}

interface Report {
  images: number;
  pretrain: {
    epochs: number;
    optimizer: string;
    loss: number;
    seconds: number;
    loadedFrom: string | null;
  };
  umap: { nComponents: number; nNeighbors: number; minDist: number; edges: number };
  cluster: string;
  n2d: Scores;
  ablation: Record<string, Scores>;
  seconds: number;
}

const SMALL = ["--train-limit", "600", "--pretrain-epochs", "2"];
const strip = (s: Scores) => ({ ...s, seconds: 0 });

Deno.test("n2d: 600 images, then --pretrained and --cluster kmeans reproduce its numbers", async () => {
  const out = "out/test-fixtures/n2d-small";
  const r = await runJson("n2d", [...SMALL, "--out", out]) as Report;
  assert.equal(r.images, 600);
  assert.equal(r.cluster, "gmm");
  assert.deepEqual(
    [r.pretrain.epochs, r.pretrain.optimizer, r.pretrain.loadedFrom],
    [2, "adam", null],
  );
  assert.ok(r.pretrain.loss > 0 && r.pretrain.loss < 0.1, `loss ${r.pretrain.loss}`);
  assert.deepEqual(
    [r.umap.nComponents, r.umap.nNeighbors, r.umap.minDist],
    [10, 20, 0],
    "the original's UMAP settings are the defaults",
  );
  // A symmetric 20-NN graph of 600 points: between 20·600/2 and 2·20·600 directed entries.
  assert.ok(r.umap.edges >= 6000 && r.umap.edges <= 24000, `edges ${r.umap.edges}`);
  assert.deepEqual(Object.keys(r.ablation).sort(), ["aeGmm", "aeKmeans", "umapKmeans"]);
  for (const s of [r.n2d, ...Object.values(r.ablation)]) {
    for (const v of [s.acc, s.nmi]) assert.ok(v > 0.1 && v <= 1, `${v}`);
    assert.ok(s.ari > -0.1 && s.ari <= 1);
  }
  for (const file of ["pretrained/model.json", "pretrained/weights.bin", "labels.json"]) {
    assert.ok(Deno.statSync(`${ROOT}/${out}/${file}`).size > 0, file);
  }
  assert.equal(Deno.statSync(`${ROOT}/${out}/codes.f64`).size, 600 * 10 * 8);
  const labels = JSON.parse(Deno.readTextFileSync(`${ROOT}/${out}/labels.json`));
  assert.deepEqual(Object.keys(labels).sort(), [
    "aeGmm",
    "aeKmeans",
    "digits",
    "n2d",
    "umapKmeans",
  ]);
  for (const v of Object.values(labels) as number[][]) assert.equal(v.length, 600);

  // The saved autoencoder gives the same codes, so the same clusters.
  const again = await runJson("n2d", [
    ...SMALL,
    "--out",
    "out/test-fixtures/n2d-again",
    "--pretrained",
    `${out}/pretrained`,
  ]) as Report;
  assert.equal(again.pretrain.loadedFrom, `${out}/pretrained`);
  assert.equal(again.pretrain.loss, r.pretrain.loss);
  assert.deepEqual(strip(again.n2d), strip(r.n2d));
  for (const k of Object.keys(r.ablation)) {
    assert.deepEqual(strip(again.ablation[k]), strip(r.ablation[k]), k);
  }

  // --cluster kmeans swaps the last step: its N2D is the default run's UMAP + k-means, and its
  // ablation's UMAP + GMM is the default run's N2D.
  const km = await runJson("n2d", [
    ...SMALL,
    "--out",
    "out/test-fixtures/n2d-kmeans",
    "--pretrained",
    `${out}/pretrained`,
    "--cluster",
    "kmeans",
  ]) as Report;
  assert.equal(km.cluster, "kmeans");
  assert.deepEqual(strip(km.n2d), strip(r.ablation.umapKmeans));
  assert.deepEqual(strip(km.ablation.umapGmm), strip(r.n2d));
});

Deno.test("n2d: plots of a quick run (2-D UMAP with digits, confusion matrix, rows of digits)", async () => {
  const out = "out/test-fixtures/n2d-plots";
  const r = await runTask("n2d", [
    "--train-limit",
    "300",
    "--pretrain-epochs",
    "1",
    "--umap-dim",
    "3",
    "--out",
    out,
    "--quiet",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /== 4\. Ablation on the same codes ==/);
  assert.match(r.stdout, /N2D \(UMAP \+ GMM\) +ACC 0\.\d{4}/);
  for (const name of ["umap_2d", "confusion", "samples"]) {
    const svg = Deno.readTextFileSync(`${ROOT}/${out}/${name}.svg`);
    assert.match(svg, /^<svg/, name);
  }
  const umap2d = Deno.readTextFileSync(`${ROOT}/${out}/umap_2d.svg`);
  assert.match(umap2d, /N2D clusters of 300 MNIST digits/);
  assert.ok((umap2d.match(/<image/g) ?? []).length >= 100, "digits drawn on the embedding");
});

Deno.test("n2d --pretrained takes the autoencoder DEC's recipe saved", async () => {
  const dec = "out/test-fixtures/n2d-from-dec";
  const pre = await runTask("dec", [
    "--stage",
    "pretrain",
    "--train-limit",
    "300",
    "--pretrain-epochs",
    "1",
    "--out",
    dec,
    "--quiet",
    "--no-plot",
  ]);
  assert.equal(pre.code, 0, pre.stderr);
  const r = await runJson("n2d", [
    "--train-limit",
    "300",
    "--pretrained",
    `${dec}/pretrained`,
    "--out",
    "out/test-fixtures/n2d-dec-codes",
  ]) as Report;
  assert.equal(r.pretrain.loadedFrom, `${dec}/pretrained`);
  assert.deepEqual([r.pretrain.epochs, r.pretrain.optimizer], [1, "adam"]);
  assert.equal(r.images, 300);
});
