/**
 * `core/` as a package: `deno publish --dry-run` passes (no slow types); a
 * new project elsewhere imports the algorithms through the package's
 * exports and gets the recipes' numbers; no module that `core/mod.ts`
 * reaches imports `node:` or calls `Deno.*`; and no import circle in
 * `core/`, from the graph that `deno info --json` gives.
 */
import assert from "node:assert/strict";
import { ROOT, runDeno as deno } from "./_recipes.ts";

interface InfoModule {
  specifier: string;
  dependencies?: { specifier: string; code?: { specifier?: string } }[];
}

/** The local modules of `deno info --json FILE`, with their local imports. */
async function graph(file: string): Promise<Map<string, string[]>> {
  const r = await deno(["info", "--json", file]);
  assert.equal(r.code, 0, r.stderr);
  const modules = (JSON.parse(r.stdout).modules as InfoModule[])
    .filter((m) => m.specifier.startsWith("file://"));
  return new Map(modules.map((m) => [
    m.specifier,
    (m.dependencies ?? []).map((d) => d.code?.specifier ?? d.specifier)
      .filter((s) => s.startsWith("file://")),
  ]));
}

/** Source text without comments and string literals (template literals included). */
function code(src: string): string {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:])\/\/.*$/gm, "$1")
    .replace(/`(?:\\[\s\S]|[^`\\])*`/g, "``")
    .replace(/"(?:\\.|[^"\\\n])*"/g, '""')
    .replace(/'(?:\\.|[^'\\\n])*'/g, "''");
}

/** Every .ts file under `dir`. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...tsFiles(p));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out.sort();
}

Deno.test("deno publish --dry-run passes, with no slow types", async () => {
  const r = await deno(["publish", "--dry-run", "--allow-dirty"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Success/);
  assert.doesNotMatch(r.stderr, /^(error|warning)/im);
  // What a user needs and nothing else.
  assert.match(r.stderr, /core\/mod\.ts/);
  assert.doesNotMatch(r.stderr, /tests\/|scripts\/|recipes\/|out\//);
});

Deno.test("no module that core/mod.ts reaches imports node: or calls Deno", async () => {
  const g = await graph("core/mod.ts");
  assert.ok(g.size > 30, `${g.size} modules`);
  // The worker modules are started by URL, not imported: check them too.
  const files = [...g.keys()].map((s) => decodeURIComponent(new URL(s).pathname));
  files.push(...tsFiles(`${ROOT}/core`).filter((f) => /_worker\.ts$/.test(f)));
  for (const f of files) {
    const src = code(Deno.readTextFileSync(f));
    assert.doesNotMatch(src, /\bDeno\./, f);
    assert.doesNotMatch(Deno.readTextFileSync(f), /^\s*(import|export)[^;]*from\s*"node:/m, f);
    assert.doesNotMatch(src, /import\(\s*["'`]node:/, f);
  }
});

Deno.test("there is no import circle in core/", async () => {
  // One module importing every file of core/, so one graph holds them all.
  const dir = `${ROOT}/out/test-fixtures/package`;
  await Deno.mkdir(dir, { recursive: true });
  const all = `${dir}/all_core.ts`;
  const files = tsFiles(`${ROOT}/core`);
  await Deno.writeTextFile(all, files.map((f) => `import "${f}";`).join("\n") + "\n");
  const g = await graph(all);
  g.delete(new URL(`file://${all}`).href);
  assert.ok(g.size >= files.length, `${g.size} of ${files.length} files in the graph`);
  const state = new Map<string, 1 | 2>(); // 1: on the path, 2: done
  const path: string[] = [];
  const visit = (m: string): void => {
    state.set(m, 1);
    path.push(m);
    for (const d of g.get(m) ?? []) {
      if (state.get(d) === 1) {
        const cycle = [...path.slice(path.indexOf(d)), d].map((s) => s.split("/core/")[1]);
        assert.fail(`import circle: ${cycle.join(" -> ")}`);
      }
      if (!state.has(d)) visit(d);
    }
    path.pop();
    state.set(m, 2);
  };
  for (const m of g.keys()) if (!state.has(m)) visit(m);
});

/** The fits a user's project makes, importing from "@lib" (replaced by a specifier). */
const FITS =
  `import { agglomerative, clusterAccuracy, dbscan, kmeans, kneighborsGraph, tsne } from "@lib";
import { parsePoints2D } from "@lib/io";
import { makeCurve } from "@lib/datasets";
const points = (f: string) => parsePoints2D(Deno.readTextFileSync(f), f);
const X = points(${JSON.stringify(`${ROOT}/data/data_multivar.txt`)});
const km = kmeans(X, { nClusters: 4, nInit: 10, randomState: 0 });
const db = dbscan(points(${
    JSON.stringify(`${ROOT}/data/data_perf.txt`)
  }), { eps: 0.8, minSamples: 5 });
const spiral = makeCurve("spiral", { seed: 0 });
const ward = agglomerative(spiral, { nClusters: 6, connectivity: kneighborsGraph(spiral, 10) });
const emb = tsne(X, { randomState: 0, nIter: 300 });
console.log(JSON.stringify({
  inertia: km.inertia,
  dbscan: Array.from(db.labels),
  ward: Array.from(ward.labels),
  tsne: emb.klDivergence,
  accuracy: clusterAccuracy(km.labels, kmeans(X, { nClusters: 4, randomState: 1 }).labels).accuracy,
}));
`;

Deno.test("a project outside the repository imports the package by name and gets the recipes' numbers", async () => {
  // Linked by name, as a user links a local copy of the package.
  const dir = `${ROOT}/out/test-fixtures/consumer`;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ links: [ROOT] }));
  await Deno.writeTextFile(
    `${dir}/main.ts`,
    FITS.replace(/"@lib(\/\w+)?"/g, (_, sub = "") => `"jsr:@cookbook/unsupervised${sub}"`),
  );
  const r = await deno(["run", "--allow-read", "main.ts"], dir);
  assert.equal(r.code, 0, r.stderr);
  const got = JSON.parse(r.stdout);
  // The kmeans recipe's inertia, and the dbscan recipe's 5 clusters at eps 0.8 (README).
  assert.equal(got.inertia, 250.72168914445774);
  assert.equal(Math.max(...got.dbscan) + 1, 5);
  // The same fits through the repository's own paths.
  const here = `${ROOT}/out/test-fixtures/package/fits.ts`;
  await Deno.writeTextFile(
    here,
    FITS.replace(/"@lib(\/\w+)?"/g, (_, sub = "") => `"file://${ROOT}/core${sub}/mod.ts"`),
  );
  const local = await deno(["run", "--allow-read", here]);
  assert.equal(local.code, 0, local.stderr);
  assert.deepEqual(got, JSON.parse(local.stdout));
});

Deno.test("every locked package with lifecycle scripts is denied them (no first-run warning)", () => {
  // Deno warns on the first install about each package whose scripts it
  // ignores; denying them (core-js, which tfjs depends on and the library
  // never loads) keeps a fresh machine's first `deno task kmeans` quiet.
  const lock = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.lock`));
  const config = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`));
  const withScripts = Object.entries(lock.npm as Record<string, { scripts?: boolean }>)
    .filter(([, p]) => p.scripts).map(([name]) => `npm:${name.replace(/@[^@]*$/, "")}`);
  assert.ok(withScripts.length > 0, "the lockfile marks packages with scripts");
  const denied: string[] = config.allowScripts?.deny ?? [];
  for (const name of withScripts) assert.ok(denied.includes(name), `${name} not denied`);
});
