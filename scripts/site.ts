/**
 * # `deno task site`: the cookbook in a browser tab
 *
 * Builds `out/site/`, a static folder: an index page of the whole cookbook
 * and one page per recipe. The nine classical recipes and autoencoder_kmeans
 * run live: a form built from the recipe's own flag table, a Run and a Stop
 * button, the report in the terminal's words, the `--json` object and the
 * figures. The recipe's own `compute` runs in a worker (`worker-<recipe>.js`:
 * the engine `site/recipe_worker.ts`, that recipe and the parts of the
 * library, Vega and tfjs it uses, bundled by `deno bundle`, with the helper
 * threads it starts bundled beside it); the page script (`page.js`) stays
 * small. The shipped data is copied beside the pages; the network's 0s and
 * 1s are written as gzipped IDX files, and tfjs's `.wasm` binaries copied.
 * The longer neural recipes get a page of their last command-line run.
 *
 *   deno task site [--out DIR]                       # build
 *   deno task site --serve [--port N] [--hostname H] # build, then serve it locally
 *
 * The server (`site/server.ts`) sends the cross-origin-isolation headers and
 * serves the folder and nothing else.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { allFlags, flagHelp, type FlagSpec, type RecipeCli } from "../core/cli_values.ts";
import { escapeHtml } from "../core/plot/gallery.ts";
import { bundleWithWorkers } from "./bundle.ts";
import { recipeFigures, recipeHeader, RECIPES as COOKBOOK } from "./gallery.ts";
import { galleryHtml } from "../core/plot/gallery.ts";
import { idxFiles, loadMnist } from "../core/datasets/mnist.ts";
import { CLI as AGGLOMERATIVE } from "../recipes/agglomerative.ts";
import {
  CLI as AUTOENCODER_KMEANS,
  SITE_FILES as MNIST_01_FILES,
  siteSubset,
} from "../recipes/autoencoder_kmeans.ts";
import { CLI as COMPARE } from "../recipes/compare_clustering.ts";
import { CLI as CUSTOMERS } from "../recipes/customer_segmentation.ts";
import { CLI as DBSCAN } from "../recipes/dbscan.ts";
import { CLI as KMEANS } from "../recipes/kmeans.ts";
import { CLI as KMEANS_STEPS } from "../recipes/kmeans_steps.ts";
import { CLI as SILHOUETTE } from "../recipes/silhouette.ts";
import { CLI as STOCK_MARKET } from "../recipes/stock_market.ts";
import { CLI as VECTOR_QUANTIZATION } from "../recipes/vector_quantization.ts";
import { siteInput } from "../site/site_data.ts";
import type { FieldSpec, PageSpec } from "../site/page.ts";
import { serveSite } from "../site/server.ts";

/** The recipes the site runs live, in the cookbook's order. */
const LIVE: RecipeCli[] = [
  KMEANS,
  VECTOR_QUANTIZATION,
  AGGLOMERATIVE,
  SILHOUETTE,
  DBSCAN,
  STOCK_MARKET,
  CUSTOMERS,
  AUTOENCODER_KMEANS,
  KMEANS_STEPS,
  COMPARE,
];

/** The neural recipe trained in the page, on the 0s and 1s shipped gzipped beside it. */
const NEURAL_LIVE = new Set<string>([AUTOENCODER_KMEANS.name]);

/** Flags that make no sense in a page (output files, terminal modes, the data file). */
const NOT_IN_FORM = new Set(["help", "out", "json", "no-plot", "quiet", "input-file", "backend"]);

/** A recipe's form: its own flags, then `--seed`, each with its `--help` text. */
export function pageSpec(cli: RecipeCli): PageSpec {
  const fields: FieldSpec[] = [];
  const flags = allFlags(cli);
  const order = [...Object.keys(cli.flags ?? {}), "seed"];
  for (const name of order) {
    const f: FlagSpec = flags[name];
    // Files come from the picker or a drop, not from a typed path.
    if (NOT_IN_FORM.has(name) || f.type === "path") continue;
    const d = f.type === "boolean"
      ? undefined
      : f.type === "list"
      ? f.default?.join(",")
      : f.default === undefined
      ? undefined
      : String(f.default);
    fields.push({
      name,
      type: f.type,
      help: flagHelp(f),
      ...(d === undefined ? {} : { default: d }),
      ...(f.type === "choice" ? { choices: f.choices } : {}),
      ...(f.type === "integer" || f.type === "number" ? { min: f.min, max: f.max } : {}),
    });
  }
  return { recipe: cli.name, task: cli.name, fields };
}

const STYLE = `
body { font: 15px/1.45 Helvetica, Arial, sans-serif; margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
.field { display: grid; grid-template-columns: 10rem 10rem 1fr; gap: .6rem; align-items: baseline; margin: .3rem 0; }
.field small { color: #555; }
button { font: inherit; padding: .35rem 1rem; margin-right: .5rem; }
pre { background: #f6f6f6; padding: .7rem; overflow-x: auto; }
#command { white-space: pre-wrap; }
figure { display: inline-block; margin: .5rem 1rem .5rem 0; }
figcaption { font-size: .9rem; color: #444; }
#status { margin-left: .5rem; color: #555; }
`;

function recipePage(cli: RecipeCli): string {
  const spec = pageSpec(cli);
  const neural = NEURAL_LIVE.has(cli.name);
  const data = siteInput(cli.name, cli.defaultInput) ??
    (cli.name === "stock_market"
      ? "data/symbol_map.json and data/stock_market_data.xlsx (drop a .json or .xlsx to replace one)"
      : neural
      ? "the 11,623 images of 0 and 1 of MNIST's training split (TensorFlow 1's), gzipped beside this page"
      : "generated by the recipe");
  const picker = neural ? `<p>data: <span id="data-name">${escapeHtml(data)}</span></p>` : `<p>
  <label for="file">Your own x,y points (or drop a file on the page):</label>
  <input type="file" id="file" accept=".txt,.csv,text/plain,text/csv">
  <span>data: <span id="data-name">${escapeHtml(data)}</span></span>
</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(cli.name)} — the unsupervised-learning cookbook</title>
<style>${STYLE}</style>
</head>
<body>
<p><a href="index.html">← all recipes</a></p>
<h1>${escapeHtml(cli.name)}</h1>
<p>${escapeHtml(cli.summary)}</p>
<form id="flags" aria-label="Settings"></form>
${picker}
<p>
  <button type="button" id="run">Run</button><button type="button" id="stop" disabled>Stop</button>
  <progress id="progress" max="1" value="0" aria-label="Progress"></progress>
  <span id="status" role="status" aria-live="polite"></span>
</p>
<p>Command line: <code id="command"></code></p>
<p id="warnings" role="alert"></p>
<h2>Report</h2>
<pre id="report" aria-live="polite"></pre>
<details><summary>JSON (as <code>--json</code>)</summary><pre id="json"></pre></details>
<h2>Figures</h2>
<p id="files"></p>
<div id="figures"></div>
<script type="application/json" id="page-spec">${
    JSON.stringify(spec).replaceAll("<", "\\u003c")
  }</script>
<script type="module" src="page.js"></script>
</body>
</html>
`;
}

function indexPage(gallery: boolean): string {
  const live = new Map(LIVE.map((cli) => [cli.name, cli]));
  const items = COOKBOOK.map(({ name }) => {
    const cli = live.get(name);
    const what = cli
      ? escapeHtml(cli.summary)
      : `${escapeHtml(recipeHeader(name).summary)} <em>(its last command-line run)</em>`;
    return `<li><a href="${name}.html">${escapeHtml(name)}</a>: ${what}</li>`;
  }).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>The unsupervised-learning cookbook, live</title>
<style>${STYLE}</style>
</head>
<body>
<h1>The unsupervised-learning cookbook, live</h1>
<p>Each recipe runs in this tab, on the shipped data or your own, with the command line's numbers.
The longer neural recipes show the figures and report of their last command-line run, with the command to run them.</p>
<ol>
${items}
</ol>
<p>${
    gallery
      ? `Every recipe's last figures on one page: <a href="gallery.html">the gallery</a>.`
      : "The gallery of every recipe's figures, the neural ones too: run <code>deno task gallery</code>, then build the site again."
  }</p>
</body>
</html>
`;
}

/**
 * A longer neural recipe's page: what its last command-line run left in
 * `out/<recipe>/` (figures, and the report when the gallery captured it),
 * drawn by the gallery's code, with the command to run it.
 */
async function lastRunPage(name: string, out: string): Promise<string[]> {
  const { title, summary } = recipeHeader(name);
  const figures = recipeFigures(`out/${name}`, "out");
  const written: string[] = [];
  for (const f of figures) {
    if (!f.spec) continue;
    await Deno.mkdir(`${out}/${name}`, { recursive: true });
    await Deno.copyFile(`out/${f.spec}`, `${out}/${f.spec}`);
    written.push(`${out}/${f.spec}`);
  }
  let report: string | undefined;
  try {
    report = (await Deno.readTextFile(`out/${name}/report.txt`)).trimEnd();
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const html = galleryHtml([{
    id: name,
    title,
    summary,
    command: `deno task ${name}`,
    report,
    note: figures.length
      ? "figures from its last command-line run (it trains for minutes: run it in a terminal)"
      : `not run yet: run deno task ${name} in a terminal, then build the site again`,
    figures,
  }], { title: name, back: { href: "index.html", text: "← all recipes" }, toc: false });
  await Deno.writeTextFile(`${out}/${name}.html`, html);
  return [...written, `${out}/${name}.html`];
}

/** The 0s and 1s the page trains on, gzipped IDX files as MNIST ships them. */
async function writeMnist01(out: string): Promise<string[]> {
  const { train } = await loadMnist();
  const files = idxFiles(siteSubset(train));
  const gzip = async (bytes: Uint8Array) =>
    new Uint8Array(
      await new Response(
        new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
          new CompressionStream("gzip"),
        ),
      ).arrayBuffer(),
    );
  await Deno.writeFile(`${out}/${MNIST_01_FILES.images}`, await gzip(files.images));
  await Deno.writeFile(`${out}/${MNIST_01_FILES.labels}`, await gzip(files.labels));
  return [`${out}/${MNIST_01_FILES.images}`, `${out}/${MNIST_01_FILES.labels}`];
}

/** tfjs's WebAssembly backend binaries, which the neural page's worker loads from beside it. */
async function copyTfjsWasm(out: string): Promise<string[]> {
  const dist = new URL("./", import.meta.resolve("@tensorflow/tfjs-backend-wasm"));
  const written = [];
  for (
    const f of [
      "tfjs-backend-wasm.wasm",
      "tfjs-backend-wasm-simd.wasm",
      "tfjs-backend-wasm-threaded-simd.wasm",
    ]
  ) {
    await Deno.copyFile(new URL(f, dist), `${out}/${f}`);
    written.push(`${out}/${f}`);
  }
  return written;
}

/** Builds the site into `out` and returns the files written. */
export async function buildSite(out: string): Promise<string[]> {
  await Deno.mkdir(`${out}/data`, { recursive: true });
  const written: string[] = [];
  const built = new Set<string>();
  // Minified (Vega's 1.8 MB becomes 0.9), and without tfjs's WebGPU backend, which only
  // `--backend webgpu` loads and the page does not offer.
  const how = { minify: true, external: ["@tensorflow/tfjs-backend-webgpu"] };
  written.push(...await bundleWithWorkers("site/page.ts", `${out}/page.js`, built, how));
  // One worker per page, so that a page loads only its recipe's code: a generated entry
  // (kept out of the site folder) that hands the recipe's module to the worker engine.
  const entries = "out/site-build";
  await Deno.mkdir(entries, { recursive: true });
  for (const cli of LIVE) {
    const entry = `${entries}/${cli.name}.ts`;
    await Deno.writeTextFile(
      entry,
      `import { serveRecipe } from "../../site/recipe_worker.ts";\n` +
        `import * as recipe from "../../recipes/${cli.name}.ts";\nserveRecipe(recipe);\n`,
    );
    // Its helper threads (the k-means pool, the networks' product) are bundled beside it.
    written.push(...await bundleWithWorkers(entry, `${out}/worker-${cli.name}.js`, built, how));
  }
  written.push(...await writeMnist01(out), ...await copyTfjsWasm(out));
  const live = new Set(LIVE.map((cli) => cli.name));
  for (const { name } of COOKBOOK) {
    if (!live.has(name)) written.push(...await lastRunPage(name, out));
  }
  for (const cli of LIVE) {
    // The shipped files: the site's choice, and every path flag's default (the data flags).
    const flags = allFlags(cli);
    const inputs = new Set<string>();
    const input = siteInput(cli.name, cli.defaultInput);
    if (input) inputs.add(input);
    for (const [name, f] of Object.entries(flags)) {
      if (f.type === "path" && f.default && name !== "out") inputs.add(f.default);
    }
    for (const path of inputs) {
      await Deno.copyFile(path, `${out}/${path}`);
      written.push(`${out}/${path}`);
    }
    await Deno.writeTextFile(`${out}/${cli.name}.html`, recipePage(cli));
    written.push(`${out}/${cli.name}.html`);
  }
  // The gallery (deno task gallery: every recipe's last figures, the neural ones too) is the
  // static record; it is one self-contained page, copied in when it was built.
  let gallery = false;
  try {
    await Deno.copyFile("out/index.html", `${out}/gallery.html`);
    written.push(`${out}/gallery.html`);
    gallery = true;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  await Deno.writeTextFile(`${out}/index.html`, indexPage(gallery));
  written.push(`${out}/index.html`);
  return written;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      out: { type: "string", default: "out/site" },
      serve: { type: "boolean", default: false },
      port: { type: "string", default: "8000" },
      hostname: { type: "string", default: "127.0.0.1" },
    },
  });
  const t0 = performance.now();
  const files = await buildSite(values.out!);
  console.log(
    `site: wrote ${files.length} files to ${values.out} in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s`,
  );
  if (values.serve) {
    const port = Number(values.port);
    serveSite(values.out!, {
      port,
      hostname: values.hostname,
      onListen: ({ hostname, port }) => console.log(`site: serving http://${hostname}:${port}/`),
    });
  }
}
