/**
 * recipes/autoencoder_features.ts as a user runs it, on the shipped data
 * with 2 epochs and small codes: the exact baseline, the --json schema, the
 * encoder saved alone and reloaded (the same accuracy from --encoder), the
 * plots, and bad input.
 */
import assert from "node:assert/strict";
import { fixture, runJson, runTask } from "./_recipes.ts";

/** Runs the recipe with --json (plots written) and parses its stdout. */
async function runWithPlots(args: string[]): Promise<unknown> {
  const r = await runTask("autoencoder_features", [...args, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

interface Report {
  baselineAccuracy: number;
  baselineConverged: boolean;
  runs: {
    bottleneck: number;
    history: { loss: number[]; valLoss: number[] };
    encodedAccuracy: number;
    converged: boolean;
    nIter: number;
    encoder: string;
  }[];
}

Deno.test("autoencoder_features: exact baseline, saved encoders, --encoder reuse and plots", async () => {
  const out = "out/test-fixtures/af";
  const r = await runWithPlots([
    "--epochs",
    "2",
    "--bottleneck",
    "12,6",
    "--out",
    out,
  ]) as Report;
  // scikit-learn 1.2's LogisticRegression() on the same scaled rows: 295 of 330.
  assert.equal(r.baselineAccuracy, 0.8939393939393939);
  assert.ok(r.baselineConverged);
  assert.deepEqual(r.runs.map((x) => x.bottleneck), [12, 6]);
  for (const run of r.runs) {
    assert.equal(run.history.loss.length, 2);
    assert.equal(run.history.valLoss.length, 2);
    assert.ok(run.history.loss[1] < run.history.loss[0]);
    assert.ok(run.encodedAccuracy > 0.5 && run.encodedAccuracy <= 1);
    assert.equal(run.encoder, `${out}/encoder_${run.bottleneck}`);
    const model = JSON.parse(Deno.readTextFileSync(`${run.encoder}/model.json`));
    // The encoder alone: two Dense-BN-LeakyReLU blocks and the code layer.
    const layers = model.modelTopology.config.layers.map((l: { class_name: string }) =>
      l.class_name
    );
    assert.equal(layers.filter((c: string) => c === "Dense").length, 3);
    assert.equal(layers.filter((c: string) => c === "BatchNormalization").length, 2);
  }
  for (const f of ["loss_12.svg", "loss_6.svg", "accuracy.svg", "accuracy.vl.json"]) {
    assert.ok(Deno.statSync(`${out}/${f}`).size > 0, f);
  }
  const again = await runJson("autoencoder_features", [
    "--encoder",
    `${out}/encoder_6`,
    "--out",
    `${out}-reuse`,
    "--no-plot",
  ]) as Report;
  assert.equal(again.runs.length, 1);
  assert.equal(again.runs[0].bottleneck, 6);
  assert.deepEqual(again.runs[0].history, { loss: [], valLoss: [] });
  assert.equal(again.runs[0].encodedAccuracy, r.runs[1].encodedAccuracy);
});

Deno.test("autoencoder_features warns when logistic regression stops at --max-iter", async () => {
  const r = await runTask("autoencoder_features", [
    "--epochs",
    "1",
    "--bottleneck",
    "4",
    "--max-iter",
    "2",
    "--no-plot",
    "--quiet",
    "--out",
    "out/test-fixtures/af-maxiter",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /autoencoder_features: warning: logistic regression \(raw features\) stopped at max-iter=2/,
  );
});

const header = "split,y,a,b\n";
const BAD: [string, () => string[], RegExp][] = [
  [
    "one class",
    () => [
      "--input-file",
      fixture("af-one.csv", header + "train,1,0,1\ntrain,1,1,0\ntest,1,2,2\n"),
    ],
    /Cannot fit logistic regression as y holds a single class: classes=\[1\]/,
  ],
  [
    "NaN",
    () => ["--input-file", fixture("af-nan.csv", header + "train,0,NaN,1\ntest,1,1,0\n")],
    /line 2, column 3 is not finite: a=NaN/,
  ],
  [
    "inf",
    () => ["--input-file", fixture("af-inf.csv", header + "train,0,1,inf\ntest,1,1,0\n")],
    /line 2, column 4 is not (finite|a number)/,
  ],
  [
    "no split column",
    () => ["--input-file", fixture("af-nosplit.csv", "y,a,b\n0,1,2\n")],
    /has no column "split": columns=y,a,b/,
  ],
  [
    "no label column",
    () => ["--input-file", fixture("af-nolabel.csv", "split,a,b\ntrain,1,2\n")],
    /has no column "y": columns=split,a,b/,
  ],
  [
    "bad split value",
    () => ["--input-file", fixture("af-split.csv", header + "train,0,1,2\nvalid,1,1,0\n")],
    /line 3's split is not train or test: split="valid"/,
  ],
  [
    "ragged row",
    () => ["--input-file", fixture("af-ragged.csv", header + "train,0,1\n")],
    /line 2 has 3 cells, the header 4/,
  ],
  ["missing file", () => ["--input-file", "out/test-fixtures/af-missing.csv"], /af-missing\.csv/],
  [
    "encoder folder without a model",
    () => ["--encoder", "out/test-fixtures/no-model"],
    /Cannot load an encoder as there is no model\.json in out\/test-fixtures\/no-model/,
  ],
  ["bottleneck", () => ["--bottleneck", "50,0"], /--bottleneck must be an integer in \[1, 10000\]/],
  ["epochs", () => ["--epochs", "x"], /--epochs must be an integer/],
];

for (const [what, argv, message] of BAD) {
  Deno.test(`autoencoder_features rejects bad input (${what}) with one line and exit 2`, async () => {
    const r = await runTask("autoencoder_features", [
      ...argv(),
      "--no-plot",
      "--out",
      "out/test-fixtures/af-bad",
    ]);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split("\n").filter((l) => !l.includes("Task"));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^autoencoder_features: error: /);
    assert.match(lines[0], message);
  });
}
