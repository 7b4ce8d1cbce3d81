/**
 * The library in three runtimes: `core/mod.ts` bundled for the browser
 * (`scripts/bundle.ts`) gives exactly Deno's labels and numbers for
 * k-means, DBSCAN, agglomerative, mean shift and t-SNE on the shipped
 * data, under Node and in headless Chromium (on the page's thread, where
 * blocking is not allowed and one core is used, and in a Worker, where two
 * are).
 */
import assert from "node:assert/strict";
import * as core from "../core/mod.ts";
import { loadPoints2D } from "../core/io/points.ts";
import { loadWholesale } from "../core/datasets/wholesale.ts";
import { makeCurve } from "../core/datasets/curves.ts";
import { toRows } from "../core/matrix.ts";
import { buildBundle } from "../scripts/bundle.ts";
import { ROOT } from "./_recipes.ts";
import { browserTest, openPage } from "./_browser.ts";
// @ts-types="./fixtures/bundle/runs.d.ts"
import { runAll } from "./fixtures/bundle/runs.js";

const OUT = `${ROOT}/out/test-fixtures/bundle`;

/** The shipped data as plain rows (the wide table: 1000 × 100, labels 0/1). */
async function shippedData() {
  const text = await Deno.readTextFile(`${ROOT}/data/classification.csv`);
  const rows = text.trim().split("\n").slice(1).map((l) => l.split(",").slice(1).map(Number));
  return {
    multivar: toRows(await loadPoints2D(`${ROOT}/data/data_multivar.txt`)),
    perf: toRows(await loadPoints2D(`${ROOT}/data/data_perf.txt`)),
    spiral: toRows(makeCurve("spiral", { seed: 0 })),
    wholesale: toRows((await loadWholesale(`${ROOT}/data/wholesale.csv`)).X),
    wide: rows.map((r) => r.slice(1)),
    wideLabels: rows.map((r) => r[0]),
  };
}

let prepared: Promise<{ deno: ReturnType<typeof runAll> }> | undefined;

/** Builds the bundle and the page's folder once; Deno's own results. */
function prepare() {
  prepared ??= (async () => {
    await Deno.remove(OUT, { recursive: true }).catch(() => {});
    await buildBundle(OUT);
    const data = await shippedData();
    await Deno.writeTextFile(`${OUT}/data.json`, JSON.stringify(data));
    for (const f of ["runs.js", "index.html", "worker.js"]) {
      await Deno.copyFile(`${ROOT}/tests/fixtures/bundle/${f}`, `${OUT}/${f}`);
    }
    return { deno: JSON.parse(JSON.stringify(runAll(core, data))) as ReturnType<typeof runAll> };
  })();
  return prepared;
}

Deno.test("the bundle has no node: import and no Deno call", async () => {
  await prepare();
  const files = [
    "core.js",
    "_kmeans_worker.js",
    "_bh_worker.js",
    "_umap_sgd_worker.js",
    "_umap_spectral_worker.js",
    "_kd_worker.js",
    "_knn_gemm_worker.js",
  ];
  for (const f of files) {
    const code = await Deno.readTextFile(`${OUT}/${f}`);
    assert.doesNotMatch(code, /from\s*"node:|import\("node:|require\(/, f);
    assert.doesNotMatch(code, /\bDeno\./, f);
  }
});

Deno.test({
  name: "the bundle under Node gives Deno's numbers exactly",
  ignore: !haveNode(),
  fn: async () => {
    const { deno } = await prepare();
    const script = `import * as core from ${JSON.stringify(`file://${OUT}/core.js`)};
      import { runAll } from ${JSON.stringify(`file://${OUT}/runs.js`)};
      import { readFileSync } from "node:fs";
      const data = JSON.parse(readFileSync(${JSON.stringify(`${OUT}/data.json`)}, "utf8"));
      process.stdout.write(JSON.stringify(runAll(core, data)));`;
    const r = await new Deno.Command("node", {
      args: ["--input-type=module", "-e", script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(r.success, new TextDecoder().decode(r.stderr));
    const node = JSON.parse(new TextDecoder().decode(r.stdout));
    assert.equal(node.twoCores, false, "Node 20 has no global Worker: one core");
    assert.equal(deno.twoCores, (navigator.hardwareConcurrency ?? 1) >= 2);
    // Node 20's Math.exp and Math.log are fdlibm's, Deno's are correctly
    // rounded; t-SNE uses core/math.ts's, which are equal everywhere.
    assert.deepEqual({ ...node, twoCores: 0 }, { ...deno, twoCores: 0 });
  },
});

if (!haveNode()) console.warn("bundle under Node skipped: node is not on PATH");

function haveNode(): boolean {
  try {
    return new Deno.Command("node", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

browserTest(
  "the bundle in Chromium gives Deno's numbers exactly, on the page and in a Worker",
  async () => {
    const { deno } = await prepare();
    // Cross-origin isolated, so that shared memory exists: the page's thread
    // still may not block (one core), a Worker may (two).
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      async (req) => {
        const name = new URL(req.url).pathname.slice(1) || "index.html";
        if (name === "favicon.ico") return new Response(null, { status: 204 });
        const type = name.endsWith(".html")
          ? "text/html"
          : name.endsWith(".json")
          ? "application/json"
          : "text/javascript";
        try {
          if (!/^[\w.-]+$/.test(name)) throw new Error("not here");
          return new Response(await Deno.readFile(`${OUT}/${name}`), {
            headers: {
              "content-type": type,
              "cross-origin-opener-policy": "same-origin",
              "cross-origin-embedder-policy": "require-corp",
            },
          });
        } catch {
          return new Response("not found", { status: 404 });
        }
      },
    );
    const page = await openPage(
      `http://127.0.0.1:${server.addr.port}/index.html`,
      `${ROOT}/out/test-fixtures/chromium-bundle`,
    );
    try {
      const got = await page.evaluate<{ page: typeof deno; worker: typeof deno }>(
        `(async () => { while (!window.results) await new Promise((r) => setTimeout(r, 50)); return window.results; })()`,
      );
      assert.deepEqual(page.errors, []);
      assert.equal(got.page.twoCores, false, "the page's thread may not block");
      assert.equal(got.worker.twoCores, true, "a Worker of an isolated page may");
      assert.deepEqual({ ...got.page, twoCores: 0 }, { ...deno, twoCores: 0 });
      assert.deepEqual({ ...got.worker, twoCores: 0 }, { ...deno, twoCores: 0 });
    } finally {
      await page.close();
      await server.shutdown();
    }
  },
);
