/**
 * `deno task gallery`: one page, `out/index.html`, with every recipe in the
 * cookbook's order (spec §1–§14, then N2D): its title and what it shows, the exact
 * command, the report it printed, and every figure with its caption and a
 * link to its Vega-Lite spec. Self-contained (figures inlined), so it opens
 * from `file://` with no network.
 *
 * The classical recipes (seconds each) are run with their defaults. The
 * neural ones are shown from what an earlier run left in `out/<recipe>/`,
 * or run small with `--quick` (labelled as such on the page), or shown as a
 * placeholder giving the command to run.
 *
 *   deno run --cached-only --allow-read --allow-write=out --allow-run scripts/gallery.ts [--quick] [--only kmeans,dbscan] [--out out]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type GalleryFigure, galleryHtml, type GallerySection } from "../core/plot/gallery.ts";
import { writeAtomic } from "../core/io/files.ts";

/** The recipes in the cookbook's order, and how to run the neural ones small (the site uses it too). */
export const RECIPES: { name: string; quick?: string[] }[] = [
  { name: "kmeans" },
  { name: "vector_quantization" },
  { name: "agglomerative" },
  { name: "silhouette" },
  { name: "dbscan" },
  { name: "stock_market" },
  { name: "customer_segmentation" },
  {
    name: "autoencoder_mnist",
    quick: ["--train-limit", "2000", "--test-limit", "500", "--epochs", "2"],
  },
  {
    name: "conv_autoencoder",
    quick: ["--train-limit", "2000", "--test-limit", "500", "--epochs", "1"],
  },
  {
    name: "latent_tsne",
    quick: [
      "--train-limit",
      "2000",
      "--epochs",
      "1",
      "--tsne-samples",
      "500",
      "--embedding",
      "both",
    ],
  },
  { name: "autoencoder_kmeans", quick: ["--train-limit", "2000", "--epochs", "2"] },
  { name: "autoencoder_features", quick: ["--epochs", "5"] },
  {
    name: "dec",
    quick: [
      "--train-limit",
      "2000",
      "--pretrain-epochs",
      "2",
      "--n-init",
      "2",
      "--max-iter",
      "280",
    ],
  },
  { name: "kmeans_steps" },
  // Beyond the book: scikit-learn's comparison of 11 estimators (issue 23), N2D (issue 22).
  { name: "compare_clustering" },
  { name: "n2d", quick: ["--train-limit", "2000", "--pretrain-epochs", "2"] },
];

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const tasks: Record<string, { command: string }> =
  JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`)).tasks;

/** The recipe header's title ("# …") and its first paragraph (the site uses it too). */
export function recipeHeader(name: string): { title: string; summary: string } {
  const src = Deno.readTextFileSync(`${ROOT}/recipes/${name}.ts`);
  const doc = /^\/\*\*([\s\S]*?)\*\//.exec(src)?.[1] ?? "";
  const lines = doc.split("\n").map((l) => l.replace(/^\s*\* ?/, ""));
  const t = lines.findIndex((l) => l.startsWith("# "));
  const title = t >= 0 ? lines[t].slice(2).trim() : name;
  const rest = lines.slice(t + 1);
  const start = rest.findIndex((l) => l.trim() !== "");
  const end = rest.findIndex((l, i) => i > start && l.trim() === "");
  const summary = rest.slice(start, end < 0 ? undefined : end).join(" ").replace(/\s+/g, " ")
    .replaceAll("`", "").trim();
  return { title, summary };
}

/**
 * The figures a recipe left in `dir`: SVGs (captioned from their spec) and
 * images, spec links relative to `pageDir` (the site uses it too).
 */
export function recipeFigures(dir: string, pageDir: string): GalleryFigure[] {
  let entries: string[];
  try {
    entries = [...Deno.readDirSync(dir)].filter((e) => e.isFile).map((e) => e.name).sort();
  } catch {
    return [];
  }
  const rel = dir.startsWith(`${pageDir}/`) ? dir.slice(pageDir.length + 1) : dir;
  const out: GalleryFigure[] = [];
  for (const f of entries) {
    if (f.endsWith(".svg")) {
      const base = f.slice(0, -4);
      let caption = base;
      let spec: string | undefined;
      if (entries.includes(`${base}.vl.json`)) {
        spec = `${rel}/${base}.vl.json`;
        try {
          const s = JSON.parse(Deno.readTextFileSync(`${dir}/${base}.vl.json`));
          const title = typeof s.title === "string" ? s.title : s.title?.text;
          caption = [title, s.description].filter(Boolean).join(": ") || base;
        } catch {
          // an unreadable spec keeps the file name as the caption
        }
      }
      out.push({ caption, svg: Deno.readTextFileSync(`${dir}/${f}`), spec });
    } else if (/\.(png|jpe?g)$/i.test(f)) {
      const mime = f.toLowerCase().endsWith(".png") ? "image/png" : "image/jpeg";
      out.push({ caption: f, image: { mime, bytes: Deno.readFileSync(`${dir}/${f}`) } });
    }
  }
  return out;
}

async function run(name: string, extra: string[]): Promise<{ code: number; report: string }> {
  const [, ...args] = tasks[name].command.split(/\s+/);
  const r = await new Deno.Command(Deno.execPath(), {
    args: [...args, ...extra, "--quiet"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const stderr = dec.decode(r.stderr).trim();
  return { code: r.code, report: dec.decode(r.stdout).trimEnd() + (stderr ? `\n${stderr}` : "") };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      out: { type: "string", default: "out" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(
      "Usage: deno task gallery [--quick] [--only NAME,…] [--out DIR]\n" +
        "Runs the classical recipes and writes DIR/index.html (default out/index.html) with every\n" +
        "recipe's report and figures; --quick also runs the neural recipes on small subsets.",
    );
    return;
  }
  const only = values.only?.split(",");
  const unknown = only?.filter((n) => !RECIPES.some((r) => r.name === n)) ?? [];
  if (unknown.length) {
    console.error(`gallery: error: Cannot build the gallery as there is no recipe ${unknown[0]}`);
    Deno.exit(2);
  }
  const pageDir = values.out!.replace(/\/$/, "");
  const chosen = RECIPES.filter((r) => !only || only.includes(r.name));
  const sections: GallerySection[] = [];
  for (const [i, r] of chosen.entries()) {
    const t0 = performance.now();
    const { title, summary } = recipeHeader(r.name);
    const command = `deno task ${r.name}`;
    let dir = `${pageDir}/${r.name}`, note: string | undefined, report: string | undefined;
    let status: string;
    if (!r.quick || values.quick) {
      const extra = r.quick ? r.quick : [];
      if (r.quick) {
        dir = `${pageDir}/gallery-quick/${r.name}`;
        note = `quick run: ${extra.join(" ")}`;
      }
      const res = await run(r.name, [...extra, "--out", dir]);
      report = res.report;
      if (res.code !== 0) note = `the run failed (exit code ${res.code})`;
      else await writeAtomic(`${dir}/report.txt`, report + "\n");
      status = res.code === 0 ? "ran" : `failed (exit ${res.code})`;
    } else if (recipeFigures(dir, pageDir).length) {
      note = "figures from an earlier run";
      try {
        report = Deno.readTextFileSync(`${dir}/report.txt`).trimEnd();
      } catch {
        report = undefined;
      }
      status = "from an earlier run";
    } else {
      note = `not run yet: run ${command} (or deno task gallery --quick)`;
      status = "placeholder";
    }
    sections.push({
      id: r.name,
      title,
      summary,
      command: values.quick && r.quick ? `${command} ${r.quick.join(" ")}` : command,
      report,
      note,
      figures: recipeFigures(dir, pageDir),
    });
    console.log(
      `gallery: [${i + 1}/${chosen.length}] ${r.name}: ${status} (${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s)`,
    );
  }
  const page = `${pageDir}/index.html`;
  await writeAtomic(
    page,
    galleryHtml(sections, {
      title: "The unsupervised-learning cookbook for Deno",
      subtitle: `Every recipe's report and figures, in the cookbook's order. Generated ${
        new Date().toISOString().slice(0, 10)
      }.`,
    }),
  );
  console.log(`gallery: wrote ${page}`);
}

if (import.meta.main) await main();
