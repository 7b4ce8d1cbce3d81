/** core/cli.ts and core/plot: flag parsing, error lines, and every chart helper rendering. */
import assert from "node:assert/strict";
import {
  choiceFlag,
  helpText,
  intFlag,
  numberFlag,
  parseCli,
  type RecipeCli,
  runMain,
  UsageError,
} from "../core/cli.ts";
import {
  annotatedHeatmap,
  barChart,
  imageGrid,
  layeredFigure,
  lineChart,
} from "../core/plot/charts.ts";
import { centroidsLayer, labelGridPng, pointsLayer } from "../core/plot/layers.ts";
import { renderSvg } from "../core/plot/render.ts";
import { decodeGray } from "../core/io/image.ts";
import { fromRows } from "../core/matrix.ts";

const cli: RecipeCli = {
  name: "demo",
  summary: "Demo recipe.",
  command: "deno run demo.ts",
  defaultInput: "data/x.txt",
  flags: { "k": { type: "string", value: "K", description: "Clusters.", default: "3" } },
};

Deno.test("parseCli: defaults, shared flags, recipe flags", () => {
  const a = parseCli(cli, [])!;
  assert.deepEqual([a.seed, a.out, a.json, a.plot, a.inputFile], [
    0,
    "out/demo",
    false,
    true,
    "data/x.txt",
  ]);
  const b = parseCli(cli, [
    "--seed",
    "4294967295",
    "--out",
    "o",
    "--json",
    "--no-plot",
    "--k",
    "5",
  ])!;
  assert.deepEqual([b.seed, b.out, b.json, b.plot, b.quiet, b.flags.k], [
    4294967295,
    "o",
    true,
    false,
    true,
    "5",
  ]);
  assert.throws(() => parseCli(cli, ["extra"]), UsageError);
  assert.throws(() => parseCli(cli, ["--seed", "4294967296"]), /--seed must be an integer/);
});

Deno.test("helpText lists every flag with its default", () => {
  const h = helpText(cli);
  assert.match(h, /^Demo recipe\.\n\nUsage:\n {2}deno run demo\.ts \[options\]/);
  assert.match(h, /--k K +Clusters\. \(default: 3\)/);
  assert.match(h, /--input-file FILE .*\(default: data\/x\.txt\)/);
  assert.match(h, /--out DIR .*\(default: out\/demo\)/);
});

Deno.test("flag parsers name the flag, the range and the value", () => {
  assert.equal(intFlag("7", "k", 1, 10), 7);
  assert.throws(() => intFlag("7.5", "k", 1, 10), {
    message: "Cannot run as --k must be an integer in [1, 10]: --k=7.5",
  });
  assert.equal(numberFlag("0.5", "eps", { min: 0, exclusiveMin: true }), 0.5);
  assert.throws(() => numberFlag("0", "eps", { min: 0, exclusiveMin: true }), {
    message: "Cannot run as --eps must be a number > 0: --eps=0",
  });
  assert.throws(() => numberFlag("abc", "eps"), /--eps=abc/);
  assert.equal(choiceFlag("ward", "linkage", ["ward", "single"]), "ward");
  assert.throws(
    () => choiceFlag("x", "linkage", ["ward", "single"]),
    /one of ward, single: --linkage=x/,
  );
});

Deno.test("runMain: one error line, exit code 2 for input errors and 1 otherwise", async () => {
  const errors: string[] = [];
  const orig = console.error;
  console.error = (m: string) => errors.push(m);
  try {
    await runMain("demo", () => Promise.reject(new RangeError("Cannot x as y\nsecond line")));
    assert.equal(Deno.exitCode, 2);
    await runMain("demo", () => Promise.reject(new Error("boom")));
    assert.equal(Deno.exitCode, 1);
  } finally {
    console.error = orig;
    Deno.exitCode = 0;
  }
  assert.deepEqual(errors, ["demo: error: Cannot x as y", "demo: error: boom"]);
});

Deno.test("every chart helper renders an SVG", async () => {
  const X = fromRows([[0, 0], [1, 1], [5, 5]]);
  const specs = [
    layeredFigure({
      title: "t",
      description: "d",
      layers: [
        pointsLayer(X, { labels: Int32Array.from([0, 0, 1]) }),
        centroidsLayer(fromRows([[0.5, 0.5]])),
      ],
    }),
    barChart({
      title: "t",
      description: "d",
      categories: [2, 3],
      values: [0.5, 0.7],
      xTitle: "k",
      yTitle: "s",
      highlight: 1,
    }),
    lineChart({
      title: "t",
      description: "d",
      series: [{ name: "a", x: [1, 2], y: [3, 4] }],
      xTitle: "x",
      yTitle: "y",
    }),
    annotatedHeatmap({
      title: "t",
      description: "d",
      rows: ["a", "b"],
      cols: ["c"],
      values: [1, 2],
      xTitle: "x",
      yTitle: "y",
    }),
    imageGrid({
      title: "t",
      description: "d",
      images: [[{ width: 2, height: 2, data: Uint8Array.from([0, 80, 160, 255]) }]],
    }),
  ];
  for (const spec of specs) {
    const svg = await renderSvg(spec);
    assert.match(svg, /^<svg/);
    assert.ok(svg.includes(">t<"), "title drawn");
  }
});

Deno.test("labelGridPng colours each label cell", () => {
  const png = labelGridPng(Int32Array.from([0, 1, 1, 0]), 2, 2);
  const img = decodeGray(png);
  assert.deepEqual([img.width, img.height], [2, 2]);
  assert.equal(img.data[0], img.data[3]);
  assert.notEqual(img.data[0], img.data[1]);
});
