/**
 * recipes/dec.ts on a small subset of MNIST, as a user runs it: every
 * stage, the --json schema, the plots, and a pretrained autoencoder reused
 * with --pretrained giving the same clustering as the run that trained it.
 */
import assert from "node:assert/strict";
import { ROOT, runJson, runTask } from "./_recipes.ts";

interface Report {
  baseline: { acc: number; nmi: number; ari: number; inertia: number; seconds: number } | null;
  pretrain: { epochs: number; loss: number; seconds: number } | null;
  aeKmeans: { acc: number; nmi: number; ari: number } | null;
  dec: {
    acc: number;
    nmi: number;
    ari: number;
    iterations: number;
    converged: boolean;
    seconds: number;
    history: { iteration: number; acc: number; nmi: number; deltaLabel: number }[];
  } | null;
}

const SMALL = [
  "--train-limit",
  "600",
  "--pretrain-epochs",
  "3",
  "--n-init",
  "2",
  "--update-interval",
  "10",
  "--max-iter",
  "30",
  "--tol",
  "0",
];

Deno.test("dec: all stages on 600 images, then --stage dec from the saved autoencoder gives the same DEC", async () => {
  const out = "out/test-fixtures/dec-small";
  const all = await runJson("dec", [...SMALL, "--out", out]) as Report;
  const { baseline, pretrain, aeKmeans, dec } = all;
  assert.ok(baseline && pretrain && aeKmeans && dec);
  // k-means on pixels of 600 digits: far better than chance (0.1), below DEC's range.
  assert.ok(baseline.acc > 0.3 && baseline.acc < 0.8, `baseline ACC ${baseline.acc}`);
  assert.ok(baseline.nmi > 0.2 && baseline.ari > 0.1 && baseline.inertia > 0);
  assert.equal(pretrain.epochs, 3);
  assert.ok(pretrain.loss > 0 && pretrain.loss < 0.08, `pretraining loss ${pretrain.loss}`);
  for (const s of [aeKmeans, dec]) {
    for (const v of [s.acc, s.nmi, s.ari]) assert.ok(v > 0 && v <= 1, `${v}`);
  }
  // tol 0: updates at 0, 10, 20 and a last one at the end; 600 images = 3 batches, the last of 88.
  assert.equal(dec.iterations, 30);
  assert.equal(dec.converged, false);
  assert.deepEqual(dec.history.map((h) => h.iteration), [0, 10, 20, 30]);
  assert.equal(dec.history[0].acc, aeKmeans.acc, "DEC starts from the k-means clustering");
  assert.equal(dec.history.at(-1)!.acc, dec.acc);
  for (const file of ["model.json", "weights.bin", "pretrain.json"]) {
    assert.ok(Deno.statSync(`${ROOT}/${out}/pretrained/${file}`).size > 0, file);
  }
  assert.ok(Deno.statSync(`${ROOT}/${out}/dec_model/centers.json`).size > 0);
  const labels = JSON.parse(Deno.readTextFileSync(`${ROOT}/${out}/labels.json`));
  for (const stage of ["digits", "baseline", "aeKmeans", "dec"]) {
    assert.equal(labels[stage].length, 600, stage);
  }

  const again = await runJson("dec", [...SMALL, "--out", out, "--stage", "dec"]) as Report;
  assert.equal(again.baseline, null);
  assert.equal(again.pretrain?.epochs, 3, "the saved pretraining is reported");
  assert.equal(again.pretrain?.loss, pretrain.loss);
  const strip = (s: object) => ({ ...s, seconds: 0 });
  assert.deepEqual(strip(again.aeKmeans!), strip(aeKmeans));
  assert.deepEqual(
    strip(again.dec!),
    strip(dec),
    "the same autoencoder and seed give the same DEC run",
  );
});

Deno.test("dec --stage baseline prints the k-means scores and writes the confusion matrix", async () => {
  const out = "out/test-fixtures/dec-baseline";
  const r = await runTask("dec", [
    "--stage",
    "baseline",
    "--train-limit",
    "300",
    "--n-init",
    "2",
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /== 1\. Baseline: k-means \(k = 10, n_init 2\) on the raw pixels ==/);
  assert.match(r.stdout, /ACC 0\.\d{4} {2}NMI 0\.\d{4} {2}ARI 0\.\d{4} {2}inertia \d+\.\d{3}/);
  assert.doesNotMatch(r.stdout, /Pretraining/);
  const svg = Deno.readTextFileSync(`${ROOT}/${out}/confusion_baseline.svg`);
  assert.match(svg, /^<svg /);
  assert.match(svg, /confusion matrix \(ACC 0\.\d{4}, \d+ of 300\)/);
});

Deno.test("dec writes the loss, confusion, history and sample-digit plots", async () => {
  const out = "out/test-fixtures/dec-plots";
  const r = await runTask("dec", [
    ...SMALL.map((a) => (a === "600" ? "300" : a)),
    "--stage",
    "all",
    "--quiet",
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  for (
    const plot of ["pretrain_loss", "confusion_baseline", "confusion_dec", "history", "samples"]
  ) {
    assert.match(Deno.readTextFileSync(`${ROOT}/${out}/${plot}.svg`), /^<svg /, plot);
  }
  // Ten rows of (up to) ten digits.
  const images = Deno.readTextFileSync(`${ROOT}/${out}/samples.svg`).match(/<image /g) ?? [];
  assert.ok(images.length > 50 && images.length <= 100, `${images.length} images`);
  assert.match(
    r.stdout,
    /DEC ACC 0\.\d{4} {2}NMI 0\.\d{4} {2}ARI -?0\.\d{4} {2}after 30 iterations/,
  );
});
