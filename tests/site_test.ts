/**
 * The browser site (`deno task site`) as a user meets it: built, served
 * with cross-origin isolation, the kmeans page opened in headless Chromium
 * with `run=1` links; its numbers must be the command line's `--json`, to the
 * last digit, and a bad value must show the command line's one-line error.
 */
import assert from "node:assert/strict";
import { fixture, ROOT, runJson, runTask } from "./_recipes.ts";
import { browserTest, openPage } from "./_browser.ts";
import { serveSite } from "../site/server.ts";
import { commandLine, formValues, type PageSpec } from "../site/page.ts";
import { pageSpec } from "../scripts/site.ts";
import { RECIPES as COOKBOOK } from "../scripts/gallery.ts";
import { CLI as KMEANS } from "../recipes/kmeans.ts";

const OUT = "out/test-fixtures/site";

Deno.test("site: each form field is the recipe's flag, with --help's text; the command box and URL", () => {
  const spec = pageSpec(KMEANS);
  assert.deepEqual(spec.fields.map((f) => f.name), ["clusters", "n-init", "seed"]);
  const clusters = spec.fields[0];
  assert.equal(clusters.help, "Number of clusters, an integer in [1, 1000] (default: 4)");
  assert.deepEqual([clusters.type, clusters.default, clusters.min, clusters.max], [
    "integer",
    "4",
    1,
    1000,
  ]);
  // Defaults are left out of the command and the URL.
  const values = formValues(
    spec as PageSpec,
    (name) => (name === "clusters" ? "3" : name === "seed" ? "0" : "10"),
  );
  assert.deepEqual(values, { clusters: "3" });
  assert.equal(
    commandLine(spec, { ...values, "input-file": "my points.csv" }),
    "deno task kmeans --clusters 3 --input-file 'my points.csv'",
  );
});

/** The result without its wall-clock times (compare_clustering reports each fit's). */
function untimed(json: unknown): unknown {
  return JSON.parse(JSON.stringify(json, (k, v) => (k === "seconds" ? undefined : v)));
}

/** A report with its times ("1.23s", "Total fit time: 4.56 s") blanked. */
function untimedText(report: string): string {
  return report.replace(/\d*\.\d\ds\b/g, "T").replace(/time: [\d.]+ s/, "time: T s");
}

/**
 * Opens `query` on a recipe's page, optionally drops a file on it and
 * presses Run, and waits for the run to finish.
 */
async function runInPage(
  base: string,
  recipe: string,
  query: string,
  drop?: { name: string; text: string },
) {
  const page = await openPage(
    `${base}/${recipe}.html?${query}`,
    `${ROOT}/out/test-fixtures/chromium-site`,
  );
  try {
    if (drop) {
      // What a drag and drop delivers: a DataTransfer holding the file.
      await page.evaluate(`(() => {
        const dt = new DataTransfer();
        dt.items.add(new File([${JSON.stringify(drop.text)}], ${JSON.stringify(drop.name)}));
        document.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, cancelable: true }));
      })()`);
      for (let i = 0; i < 50; i++) {
        const name = await page.evaluate<string>(
          `document.getElementById("data-name").textContent`,
        );
        if (name === drop.name) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await page.evaluate(`document.getElementById("run").click()`);
    }
    for (let i = 0; i < 600; i++) {
      const state = await page.evaluate<string | undefined>("document.body.dataset.state");
      if (state === "done") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await page.evaluate<{
      result: string;
      json: string;
      report: string;
      status: string;
      command: string;
      figures: { w: number; h: number; label: string | null }[];
      isolated: boolean;
      labels: number;
    }>(`({
      result: document.body.dataset.result,
      json: document.getElementById("json").textContent,
      report: document.getElementById("report").textContent,
      status: document.getElementById("status").textContent,
      command: document.getElementById("command").textContent,
      figures: [...document.querySelectorAll("#figures svg")].map((s) => {
        const b = s.getBoundingClientRect();
        return { w: b.width, h: b.height, label: s.getAttribute("aria-label") };
      }),
      isolated: self.crossOriginIsolated,
      labels: [...document.querySelectorAll("#flags label")].filter((l) => document.getElementById(l.htmlFor)).length,
    })`);
    return { ...r, errors: [...page.errors] };
  } finally {
    await page.close();
  }
}

browserTest(
  "site: every live recipe's page gives the command line's numbers, defaults and flags",
  async () => {
    const build = await runTask("site", ["--out", OUT]);
    assert.equal(build.code, 0, build.stderr);
    // The index lists the whole cookbook in its order; the longer neural recipes have a page
    // of their last command-line run (or of the command to make one), linked back.
    const index = await Deno.readTextFile(`${ROOT}/${OUT}/index.html`);
    const linked = [...index.matchAll(/<li><a href="(\w+)\.html">/g)].map((m) => m[1]);
    assert.deepEqual(linked, COOKBOOK.map((r) => r.name));
    for (const name of ["autoencoder_mnist", "conv_autoencoder", "latent_tsne", "dec", "n2d"]) {
      const html = await Deno.readTextFile(`${ROOT}/${OUT}/${name}.html`);
      assert.match(html, new RegExp(`deno task ${name}<`), name);
      assert.match(html, /<a href="index.html">/, name);
      assert.match(html, /<svg|not run yet: run deno task/, name);
    }
    const ac = new AbortController();
    const server = serveSite(`${ROOT}/${OUT}`, { port: 0, signal: ac.signal });
    const base = `http://127.0.0.1:${server.addr.port}`;
    try {
      // [recipe, flags, form fields, command-line-only flags]
      const cases: [string, string[], number, string[]?][] = [
        ["kmeans", [], 3],
        ["kmeans", ["--clusters", "3", "--seed", "5"], 3],
        ["kmeans", ["--n-init", "1", "--seed", "7"], 3],
        ["silhouette", [], 4],
        ["silhouette", ["--k-max", "6", "--seed", "2"], 4],
        ["agglomerative", [], 5],
        ["agglomerative", ["--linkage", "average", "--clusters", "4", "--seed", "3"], 5],
        ["kmeans_steps", ["--seed", "4"], 3],
        ["customer_segmentation", [], 3],
        ["customer_segmentation", ["--quantile", "0.5"], 3],
        ["compare_clustering", ["--only", "DBSCAN,HDBSCAN,OPTICS", "--eps", "0.25"], 15],
        ["vector_quantization", ["--num-bits", "3"], 2],
        ["stock_market", [], 1],
        ["dbscan", [], 6],
        ["dbscan", ["--algorithm", "hdbscan", "--min-cluster-size", "8"], 6],
        ["dbscan", ["--algorithm", "optics", "--eps", "0.8"], 6],
        // The network trained in the page: tfjs's WebAssembly backend in the worker.
        ["autoencoder_kmeans", ["--epochs", "2", "--train-limit", "1500", "--seed", "3"], 5, [
          "--out",
          "out/test-fixtures/site-autoencoder_kmeans",
        ]],
      ];
      for (const [recipe, flags, fields, cliOnly = []] of cases) {
        const query = new URLSearchParams([["run", "1"]]);
        for (let i = 0; i < flags.length; i += 2) query.set(flags[i].slice(2), flags[i + 1]);
        const page = await runInPage(base, recipe, query.toString());
        const what = `${recipe} ${flags.join(" ") || "defaults"}`;
        assert.deepEqual(page.errors, [], what);
        assert.equal(page.result, "ok", `${what}: ${page.status}`);
        const cli = await runJson(recipe, [...flags, ...cliOnly]);
        assert.deepEqual(untimed(JSON.parse(page.json)), untimed(cli), what);
        // The report in the terminal's words (but where the terminal saved a model), and the
        // command that reproduces it.
        const terminal = await runTask(recipe, [...flags, ...cliOnly, "--no-plot"]);
        const printed = terminal.stdout.trimEnd().split("\n")
          .filter((l) => !l.startsWith("Saved the autoencoder")).join("\n");
        assert.equal(untimedText(page.report), untimedText(printed), what);
        assert.equal(
          page.command,
          `deno task ${recipe}${flags.length ? " " + flags.join(" ") : ""}`,
        );
        const figures = recipe === "agglomerative" || recipe === "autoencoder_kmeans"
          ? 3
          : recipe === "kmeans_steps" || recipe === "compare_clustering"
          ? 1
          : flags.includes("hdbscan")
          ? 1
          : 2;
        assert.equal(page.figures.length, figures, what);
        for (const f of page.figures) {
          assert.ok(f.w > 50 && f.h > 50 && f.label, `${what}: ${f.label}`);
        }
        assert.equal(page.isolated, true, "served with COOP/COEP: two cores available");
        assert.match(page.status, /on 2 cores$/, what);
        assert.equal(page.labels, fields, "every field has its label");
      }
      // A dropped file of your own points: --input-file's numbers; a malformed one: its error.
      const mine = "0,0\n0,1\n1,0\n5,5\n5,6\n6,5\n9,0\n9,1\n";
      const file = fixture("site-mine.txt", mine);
      const dropped = await runInPage(base, "kmeans", "clusters=3", {
        name: "mine.txt",
        text: mine,
      });
      assert.equal(dropped.result, "ok", dropped.status);
      const viaCli = await runJson("kmeans", ["--clusters", "3", "--input-file", file]);
      assert.deepEqual(JSON.parse(dropped.json), viaCli);
      assert.equal(dropped.command, "deno task kmeans --clusters 3 --input-file mine.txt");
      const broken = await runInPage(base, "kmeans", "", { name: "bad.txt", text: "1,2\n3,abc\n" });
      assert.equal(broken.result, "error");
      const cliBroken = await runTask("kmeans", [
        "--input-file",
        fixture("bad.txt", "1,2\n3,abc\n"),
      ]);
      assert.equal(cliBroken.code, 2);
      assert.match(broken.status, /not a number/);
      // The same one line, the file named as each was given it.
      assert.ok(
        cliBroken.stderr.replace("out/test-fixtures/bad.txt", "bad.txt")
          .includes(broken.status.replace(/^Error: /, "")),
        `${broken.status} vs ${cliBroken.stderr}`,
      );
      // Stop ends a long run at once, and the page keeps working.
      const page = await openPage(
        `${base}/silhouette.html?k-max=240&n-init=100&run=1`,
        `${ROOT}/out/test-fixtures/chromium-site`,
      );
      try {
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal(await page.evaluate<string>("document.body.dataset.state"), "running");
        const t0 = performance.now();
        await page.evaluate(`document.getElementById("stop").click()`);
        while (await page.evaluate<string>("document.body.dataset.state") !== "done") {
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.ok(performance.now() - t0 < 1000, `stopped after ${performance.now() - t0} ms`);
        assert.equal(
          await page.evaluate<string>(`document.getElementById("status").textContent`),
          "Stopped",
        );
        await page.evaluate(`(() => {
          document.getElementById("flag-k-max").value = "9";
          document.getElementById("flag-n-init").value = "10";
          document.getElementById("run").click();
        })()`);
        while (await page.evaluate<string>("document.body.dataset.state") !== "done") {
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.equal(await page.evaluate<string>("document.body.dataset.result"), "ok");
        assert.deepEqual(page.errors, []);
      } finally {
        await page.close();
      }
      // Served without the isolation headers (any static host): one core, the same numbers.
      const plain = Deno.serve(
        { port: 0, hostname: "127.0.0.1", onListen: () => {} },
        async (req) => {
          const path = new URL(req.url).pathname.replace(/^\/$/, "/index.html");
          if (path.includes("..")) return new Response("no", { status: 404 });
          const type = path.endsWith(".js")
            ? "text/javascript"
            : path.endsWith(".html")
            ? "text/html"
            : "application/octet-stream";
          try {
            return new Response(await Deno.readFile(`${ROOT}/${OUT}${path}`), {
              headers: { "content-type": type },
            });
          } catch {
            return new Response("missing", { status: 404 });
          }
        },
      );
      try {
        const one = await runInPage(`http://127.0.0.1:${plain.addr.port}`, "kmeans", "run=1");
        assert.equal(one.isolated, false);
        assert.match(one.status, /on 1 core$/);
        assert.deepEqual(JSON.parse(one.json), await runJson("kmeans", []));
      } finally {
        await plain.shutdown();
      }
      // A bad value: the command line's one-line error, in the page.
      const bad = await runInPage(base, "kmeans", "clusters=0&run=1");
      assert.equal(bad.result, "error");
      const cli = await runTask("kmeans", ["--clusters", "0", "--no-plot"]);
      assert.equal(cli.code, 2);
      assert.ok(
        cli.stderr.includes(bad.status.replace(/^Error: /, "")),
        `${bad.status} vs ${cli.stderr}`,
      );
    } finally {
      ac.abort();
      await server.finished;
    }
  },
);
