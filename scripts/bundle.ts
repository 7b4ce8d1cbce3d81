/**
 * Bundles `core/mod.ts` for browsers and Node: `deno bundle --platform
 * browser` (no other dependency) writes `core.js`, and each helper-thread
 * module the library starts by URL (`core/workers.ts`) is bundled beside it,
 * with the URL in `core.js` pointed at the bundled file. Load it as an ES
 * module: `import { kmeans } from "./core.js"`.
 *
 * Run:
 *   deno task bundle [--out DIR]    (default out/bundle)
 *
 * @module
 */
import { parseArgs } from "node:util";

/** Helper-thread modules: the source path and the URL literal a bundle holds for it. */
const WORKERS = [
  { source: "core/cluster/_kmeans_worker.ts", literal: "./_kmeans_worker.ts" },
  { source: "core/manifold/_bh_worker.ts", literal: "./_bh_worker.ts" },
  { source: "core/manifold/_umap_sgd_worker.ts", literal: "./_umap_sgd_worker.ts" },
  {
    source: "core/manifold/_umap_spectral_worker.ts",
    literal: "./_umap_spectral_worker.ts",
  },
  { source: "core/neighbors/_kd_worker.ts", literal: "./_kd_worker.ts" },
  { source: "core/neighbors/_knn_gemm_worker.ts", literal: "./_knn_gemm_worker.ts" },
  { source: "core/nn/matmul_worker.ts", literal: "./matmul_worker.ts" },
];

/** How {@linkcode bundle} builds. */
export interface BundleOptions {
  /** Minify (names kept, so errors and tfjs's classes read the same). */
  minify?: boolean;
  /** Packages left out: imports of them stay as they are (e.g. one only a flag loads). */
  external?: string[];
}

/** `deno bundle` of `entry` for browsers (an ES module) into `output`. */
export async function bundle(entry: string, output: string, o: BundleOptions = {}): Promise<void> {
  const extra = [
    ...(o.minify ? ["--minify", "--keep-names"] : []),
    ...(o.external ?? []).flatMap((e) => ["--external", e]),
  ];
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--format",
      "esm",
      ...extra,
      "-o",
      output,
      entry,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!r.success) {
    const err = new TextDecoder().decode(r.stderr).trim().split("\n").at(-1);
    throw new Error(`Cannot bundle ${entry} as deno bundle failed: ${err}`);
  }
}

/**
 * Bundles `entry` into `output`, and each helper-thread module the bundle
 * starts by URL beside it (once per folder: `built` holds those done), with
 * the URL in the bundle pointed at the bundled file, all built with `o`.
 * Returns the files written, `output` first.
 *
 * @throws {Error} when bundling fails or a worker's URL appears more than once.
 */
export async function bundleWithWorkers(
  entry: string,
  output: string,
  built = new Set<string>(),
  o: BundleOptions = {},
): Promise<string[]> {
  await bundle(entry, output, o);
  const dir = output.slice(0, output.lastIndexOf("/") + 1) || "./";
  let code = await Deno.readTextFile(output);
  const written = [output];
  for (const w of WORKERS) {
    // As written, or as minified (no spaces).
    const escaped = w.literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const from = new RegExp(`new URL\\(\\s*"${escaped}"\\s*,\\s*import\\.meta\\.url\\s*\\)`, "g");
    const count = code.match(from)?.length ?? 0;
    if (count === 0) continue;
    if (count > 1) {
      throw new Error(`Cannot bundle ${entry} as the URL of ${w.literal} appears ${count} times`);
    }
    const name = w.source.split("/").at(-1)!.replace(/\.ts$/, ".js");
    if (!built.has(`${dir}${name}`)) {
      await bundle(w.source, `${dir}${name}`, o);
      built.add(`${dir}${name}`);
      written.push(`${dir}${name}`);
    }
    code = code.replace(from, `new URL("./${name}", import.meta.url)`);
  }
  await Deno.writeTextFile(output, code);
  return written;
}

/**
 * Writes the bundle into `out` and returns the files written.
 *
 * @throws {Error} when bundling fails or a worker URL is not where it is expected.
 */
export async function buildBundle(out: string): Promise<string[]> {
  await Deno.mkdir(out, { recursive: true });
  const written = await bundleWithWorkers("core/mod.ts", `${out}/core.js`);
  // The library starts the k-means pool, the t-SNE repulsion, UMAP's spectral start and
  // epochs and the neighbour searches' workers.
  for (
    const name of [
      "_kmeans_worker.js",
      "_bh_worker.js",
      "_umap_sgd_worker.js",
      "_umap_spectral_worker.js",
      "_kd_worker.js",
      "_knn_gemm_worker.js",
    ]
  ) {
    if (!written.includes(`${out}/${name}`)) {
      throw new Error(`Cannot bundle core/mod.ts as core.js does not start ${name}`);
    }
  }
  return written;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { out: { type: "string", default: "out/bundle" } },
  });
  try {
    const files = await buildBundle(values.out!);
    for (const f of files) {
      console.log(`${f} (${((await Deno.stat(f)).size / 1024).toFixed(1)} KiB)`);
    }
  } catch (e) {
    console.error(`bundle: error: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
