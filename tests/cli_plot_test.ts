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
import { flagHelp } from "../core/cli_values.ts";
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

const cli = {
  name: "demo",
  summary: "Demo recipe.",
  command: "deno run demo.ts",
  defaultInput: "data/x.txt",
  flags: {
    "k": { type: "integer", value: "K", min: 1, max: 10, default: 3, description: "Clusters." },
  },
} as const satisfies RecipeCli;

/** One flag of every type, as a recipe declares them. */
const every = {
  name: "every",
  summary: "Every flag type.",
  command: "deno run every.ts",
  flags: {
    "clusters": {
      type: "integer",
      value: "K",
      min: 1,
      max: 1000,
      default: 4,
      description: "Number of clusters.",
    },
    "limit": { type: "integer", min: 2, max: 1e9, description: "First N only." },
    "quantile": {
      type: "number",
      min: 0,
      exclusiveMin: true,
      max: 1,
      default: 0.8,
      description: "Neighbour fraction.",
    },
    "eps": { type: "number", min: 0, exclusiveMin: true, description: "Radius." },
    "rate": {
      type: "number",
      min: 0,
      exclusiveMin: true,
      keywords: ["auto"],
      default: 100,
      description: "Learning rate.",
    },
    "linkage": {
      type: "choice",
      choices: ["ward", "single", "all"],
      default: "ward",
      description: "Linkage.",
    },
    "sizes": {
      type: "list",
      integer: true,
      min: 1,
      max: 100,
      default: [100, 50],
      description: "Code sizes.",
    },
    "perplexities": { type: "list", min: 0, exclusiveMin: true, description: "Perplexities." },
    "model": { type: "path", value: "DIR", description: "Saved model." },
    "symbols": { type: "path", value: "FILE", default: "data/s.json", description: "Symbols." },
    "input-file": { type: "path", value: "FILE", required: true, description: "Image." },
    "name": { type: "string", default: "x", description: "A name." },
    "fast": { type: "boolean", description: "Go fast." },
  },
} as const satisfies RecipeCli;

Deno.test("parseCli: defaults, shared flags, recipe flags", () => {
  const a = parseCli(cli, [])!;
  assert.deepEqual([a.seed, a.out, a.json, a.plot, a.inputFile, a.flags.k], [
    0,
    "out/demo",
    false,
    true,
    "data/x.txt",
    3,
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
    5,
  ]);
  assert.throws(() => parseCli(cli, ["extra"]), UsageError);
  assert.throws(() => parseCli(cli, ["--seed", "4294967296"]), /--seed must be an integer/);
});

Deno.test("parseCli types every flag type from the table", () => {
  const f = parseCli(every, [
    "--clusters",
    "7",
    "--limit",
    "500",
    "--quantile",
    "0.5",
    "--eps=1e-3",
    "--rate",
    "auto",
    "--linkage",
    "single",
    "--sizes",
    "3, 2,1",
    "--perplexities",
    "5,15.5",
    "--model",
    "out/m",
    "--symbols",
    "s.json",
    "--input-file",
    "a.png",
    "--name",
    "y",
    "--fast",
  ])!.flags;
  // The annotations are the test of the types: each must compile.
  const clusters: number = f.clusters;
  const limit: number | undefined = f.limit;
  const quantile: number = f.quantile;
  const eps: number | undefined = f.eps;
  const rate: number | "auto" = f.rate;
  const linkage: "ward" | "single" | "all" = f.linkage;
  const sizes: number[] = f.sizes;
  const perplexities: number[] | undefined = f.perplexities;
  const model: string | undefined = f.model;
  const symbols: string = f.symbols;
  const inputFile: string = f["input-file"];
  const name: string = f.name;
  const fast: boolean = f.fast;
  assert.deepEqual(
    [clusters, limit, quantile, eps, rate, linkage, sizes, perplexities],
    [7, 500, 0.5, 0.001, "auto", "single", [3, 2, 1], [5, 15.5]],
  );
  assert.deepEqual(
    [model, symbols, inputFile, name, fast],
    ["out/m", "s.json", "a.png", "y", true],
  );
  assert.equal(parseCli(every, ["--input-file", "a", "--rate", "0.5"])!.flags.rate, 0.5);
});

Deno.test("parseCli: defaults are typed as declared; flags without one are undefined", () => {
  const f = parseCli(every, ["--input-file", "a.png"])!.flags;
  assert.deepEqual({ ...f }, {
    "clusters": 4,
    "limit": undefined,
    "quantile": 0.8,
    "eps": undefined,
    "rate": 100,
    "linkage": "ward",
    "sizes": [100, 50],
    "perplexities": undefined,
    "model": undefined,
    "symbols": "data/s.json",
    "input-file": "a.png",
    "name": "x",
    "fast": false,
  });
  // A list default is a copy: the table stays as declared.
  f.sizes.push(1);
  assert.deepEqual(every.flags.sizes.default, [100, 50]);
  // The table is plain data: it survives JSON, so a web form can be built from it.
  assert.deepEqual(JSON.parse(JSON.stringify(every)), every);
});

Deno.test("parseCli: a bad value of each flag type is one line naming the flag, range and value", () => {
  const bad: [string[], string][] = [
    [
      ["--clusters", "7.5"],
      "Cannot run as --clusters must be an integer in [1, 1000]: --clusters=7.5",
    ],
    [["--clusters", "0"], "Cannot run as --clusters must be an integer in [1, 1000]: --clusters=0"],
    [["--limit", "1"], "Cannot run as --limit must be an integer in [2, 1000000000]: --limit=1"],
    [
      ["--quantile", "1.5"],
      "Cannot run as --quantile must be a number > 0 and <= 1: --quantile=1.5",
    ],
    [["--eps", "0"], "Cannot run as --eps must be a number > 0: --eps=0"],
    [["--eps", "abc"], "Cannot run as --eps must be a number > 0: --eps=abc"],
    [["--rate", "fast"], "Cannot run as --rate must be a number > 0 or auto: --rate=fast"],
    [["--linkage", "x"], "Cannot run as --linkage must be one of ward, single, all: --linkage=x"],
    [["--sizes", "5,0"], "Cannot run as --sizes must be an integer in [1, 100]: --sizes=0"],
    [["--sizes", "5,,30"], "Cannot run as --sizes must be an integer in [1, 100]: --sizes="],
    [
      ["--perplexities", "5,x"],
      "Cannot run as --perplexities must be a number > 0: --perplexities=x",
    ],
    [
      ["--clusters", "1\n2"],
      'Cannot run as --clusters must be an integer in [1, 1000]: --clusters="1\\n2"',
    ],
  ];
  for (const [argv, message] of bad) {
    assert.throws(() => parseCli(every, ["--input-file", "a.png", ...argv]), { message });
  }
  for (const argv of [[], ["--input-file", ""]]) {
    assert.throws(() => parseCli(every, argv), {
      name: "UsageError",
      message: "Cannot run as --input-file is required: --input-file=(missing)",
    });
  }
  assert.throws(() => parseCli(every, ["--input-file", "a", "--fast=yes"]), /--fast/);
  assert.throws(() => parseCli(every, ["--input-file", "a", "--clusters"]), /argument missing/);
  // A long stray word is shown cut to 60 characters.
  assert.throws(() => parseCli(every, ["x".repeat(500)]), {
    message: `Cannot parse the command line as unexpected argument '${
      "x".repeat(60)
    }…'. This command does not take positional arguments (see --help)`,
  });
  // A negative number is a value (its range judges it), another dash is not.
  assert.throws(() => parseCli(every, ["--input-file", "a", "--eps", "-0.5"]), {
    message: "Cannot run as --eps must be a number > 0: --eps=-0.5",
  });
  assert.throws(() => parseCli(every, ["--input-file", "a", "--eps", "--fast"]), {
    message:
      "Cannot parse the command line as option '--eps' argument is ambiguous. Did you forget to specify the option argument for '--eps'? (write --eps=-VALUE for a value that starts with a dash; see --help)",
  });
});

Deno.test("helpText lists every flag with its range or choices and its default", () => {
  const h = helpText(cli);
  assert.match(h, /^Demo recipe\.\n\nUsage:\n {2}deno run demo\.ts \[options\]/);
  assert.match(h, /--k K +Clusters, an integer in \[1, 10\] \(default: 3\)\n/);
  assert.match(h, /--input-file FILE .*\(default: data\/x\.txt\)/);
  assert.match(h, /--out DIR .*\(default: out\/demo\)/);
  assert.match(
    h,
    /--seed N +Seed of the random generator, an integer in \[0, 4294967295\] \(default: 0\)/,
  );
  const e = helpText(every);
  for (
    const line of [
      "  --clusters K             Number of clusters, an integer in [1, 1000] (default: 4)\n",
      "  --limit N                First N only, an integer in [2, 1000000000]\n",
      "  --quantile X             Neighbour fraction, a number > 0 and <= 1 (default: 0.8)\n",
      "  --eps X                  Radius, a number > 0\n",
      "  --rate X                 Learning rate, a number > 0 or auto (default: 100)\n",
      "  --linkage NAME           Linkage, one of: ward, single, all (default: ward)\n",
      "  --sizes LIST             Code sizes, comma-separated integers in [1, 100] (default: 100,50)\n",
      "  --perplexities LIST      Perplexities, comma-separated numbers > 0\n",
      "  --model DIR              Saved model\n",
      "  --symbols FILE           Symbols (default: data/s.json)\n",
      "  --input-file FILE        Image (required)\n",
      "  --name VALUE             A name (default: x)\n",
      "  --fast                   Go fast\n",
    ]
  ) assert.ok(e.includes(line), `${JSON.stringify(line)} in\n${e}`);
  // A flag whose absence the recipe tells apart shows its default from
  // defaultHelp; an exclusive maximum reads "<".
  const xi = {
    type: "number",
    min: 0,
    max: 1,
    exclusiveMax: true,
    defaultHelp: "0.05",
    description: "Steepness.",
  } as const;
  assert.equal(flagHelp(xi), "Steepness, a number >= 0 and < 1 (default: 0.05)");
  const parsed = parseCli({ ...cli, flags: { xi } }, [])!;
  assert.equal(parsed.flags.xi, undefined);
  assert.throws(() => parseCli({ ...cli, flags: { xi } }, ["--xi", "1"]), {
    message: "Cannot run as --xi must be a number >= 0 and < 1: --xi=1",
  });
});

Deno.test("every recipe's flag table: plain data, a range for each number, defaults in range", async () => {
  const dir = new URL("../recipes/", import.meta.url);
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.name.endsWith(".ts")) continue;
    const { CLI } = await import(new URL(entry.name, dir).href) as { CLI: RecipeCli };
    assert.deepEqual(JSON.parse(JSON.stringify(CLI)), CLI, `${entry.name}: JSON-serialisable`);
    const argv = CLI.name === "vector_quantization" ? ["--input-file", "x.png"] : [];
    const flags = parseCli(CLI, argv)!.flags;
    for (const [name, f] of Object.entries(CLI.flags ?? {})) {
      if (f.type === "integer") assert.ok(f.min <= f.max, `${entry.name} --${name} range`);
      if (f.type !== "boolean" && f.default !== undefined) {
        // The default, written out, parses back to itself: it is within the flag's range.
        const typed = Array.isArray(f.default) ? f.default.join(",") : String(f.default);
        const again = parseCli(CLI, [...argv, `--${name}=${typed}`])!.flags[name];
        assert.deepEqual(again, flags[name], `${entry.name} --${name} default`);
      }
    }
  }
});

Deno.test("no recipe converts a flag value itself: the flag table types them", () => {
  const dir = new URL("../recipes/", import.meta.url);
  const banned =
    /\b(?:intFlag|numberFlag|choiceFlag|listFlag)\(|String\((?:args\.)?(?:flags|f)\b[.[]|\bflags(?:\.[\w$]+|\[[^\]]+\])\s+as\s+(?:string|number)\b|\bf(?:\.[\w$]+|\[[^\]]+\])\s+as\s+(?:string|number)\b|\bas string\b/;
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.name.endsWith(".ts")) continue;
    const lines = Deno.readTextFileSync(new URL(entry.name, dir)).split("\n");
    lines.forEach((line, i) => {
      assert.doesNotMatch(line, banned, `recipes/${entry.name}:${i + 1}: ${line.trim()}`);
    });
  }
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
