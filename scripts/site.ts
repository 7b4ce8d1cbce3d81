/**
 * # `deno task site`: the cookbook in a browser tab
 *
 * Builds `out/site/`, a static folder: an index page and one page per
 * recipe the site runs live (so far `kmeans`, `silhouette` and `dbscan`), each with a form built from
 * the recipe's own flag table, a Run and a Stop button, the report in the
 * terminal's words, the `--json` object and the figures. The recipe's own
 * `compute` runs in a worker (`worker.js`, the library and Vega bundled by
 * `deno bundle`); the page script (`page.js`) stays small. The shipped data
 * is copied beside the pages.
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
import { CLI as DBSCAN } from "../recipes/dbscan.ts";
import { CLI as KMEANS } from "../recipes/kmeans.ts";
import { CLI as SILHOUETTE } from "../recipes/silhouette.ts";
import type { FieldSpec, PageSpec } from "../site/page.ts";
import { serveSite } from "../site/server.ts";

/** The recipes the site runs live, in the cookbook's order. */
const LIVE: RecipeCli[] = [KMEANS, SILHOUETTE, DBSCAN];

/** Flags that make no sense in a page (output files, terminal modes, the data file). */
const NOT_IN_FORM = new Set(["help", "out", "json", "no-plot", "quiet", "input-file"]);

/** A recipe's form: its own flags, then `--seed`, each with its `--help` text. */
export function pageSpec(cli: RecipeCli): PageSpec {
  const fields: FieldSpec[] = [];
  const flags = allFlags(cli);
  const order = [...Object.keys(cli.flags ?? {}), "seed"];
  for (const name of order) {
    if (NOT_IN_FORM.has(name)) continue;
    const f: FlagSpec = flags[name];
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
  const data = cli.defaultInput ?? "";
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
<p>
  <label for="file">Your own x,y points (or drop a file on the page):</label>
  <input type="file" id="file" accept=".txt,.csv,text/plain,text/csv">
  <span>data: <span id="data-name">${escapeHtml(data)}</span></span>
</p>
<p>
  <button type="button" id="run">Run</button><button type="button" id="stop" disabled>Stop</button>
  <span id="status" role="status" aria-live="polite"></span>
</p>
<p>Command line: <code id="command"></code></p>
<h2>Report</h2>
<pre id="report" aria-live="polite"></pre>
<details><summary>JSON (as <code>--json</code>)</summary><pre id="json"></pre></details>
<h2>Figures</h2>
<div id="figures"></div>
<script type="application/json" id="page-spec">${
    JSON.stringify(spec).replaceAll("<", "\\u003c")
  }</script>
<script type="module" src="page.js"></script>
</body>
</html>
`;
}

function indexPage(): string {
  const items = LIVE.map((cli) =>
    `<li><a href="${cli.name}.html">${escapeHtml(cli.name)}</a>: ${escapeHtml(cli.summary)}</li>`
  ).join("\n");
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
<p>Each recipe runs in this tab, on the shipped data or your own, with the command line's numbers.</p>
<ul>
${items}
</ul>
</body>
</html>
`;
}

async function bundle(entry: string, output: string): Promise<void> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", "--format", "esm", "-o", output, entry],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!r.success) {
    const err = new TextDecoder().decode(r.stderr).trim().split("\n").at(-1);
    throw new Error(`Cannot bundle ${entry} as deno bundle failed: ${err}`);
  }
}

/** Builds the site into `out` and returns the files written. */
export async function buildSite(out: string): Promise<string[]> {
  await Deno.mkdir(`${out}/data`, { recursive: true });
  const written: string[] = [];
  await bundle("site/worker.ts", `${out}/worker.js`);
  await bundle("site/page.ts", `${out}/page.js`);
  written.push(`${out}/worker.js`, `${out}/page.js`);
  for (const cli of LIVE) {
    if (cli.defaultInput) {
      await Deno.copyFile(cli.defaultInput, `${out}/${cli.defaultInput}`);
      written.push(`${out}/${cli.defaultInput}`);
    }
    await Deno.writeTextFile(`${out}/${cli.name}.html`, recipePage(cli));
    written.push(`${out}/${cli.name}.html`);
  }
  await Deno.writeTextFile(`${out}/index.html`, indexPage());
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
