/**
 * Dev-only helper of issue11_tsne.py: runs our t-SNE on a headerless
 * numeric CSV and prints one JSON line (KL, n_iter, seconds, our
 * trustworthiness, and the embedding).
 *
 *   deno run --allow-read scripts/crosscheck/tsne_embed.ts FILE.csv \
 *     --perplexity 15 --learning-rate 100 --init pca|random --seed 0 [--method exact]
 */
import { parseArgs } from "node:util";
import { parseNumericCsv } from "../../core/io/numeric_csv.ts";
import { tsne } from "../../core/manifold/tsne.ts";
import { trustworthiness } from "../../core/manifold/trustworthiness.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    "perplexity": { type: "string", default: "15" },
    "learning-rate": { type: "string", default: "100" },
    "init": { type: "string", default: "pca" },
    "seed": { type: "string", default: "0" },
    "method": { type: "string", default: "barnes_hut" },
  },
});
const X = parseNumericCsv(Deno.readTextFileSync(positionals[0])).X;
const t0 = performance.now();
const r = tsne(X, {
  perplexity: Number(values.perplexity),
  learningRate: Number(values["learning-rate"]),
  init: values.init as "pca" | "random",
  randomState: Number(values.seed),
  method: values.method as "barnes_hut" | "exact",
});
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({
  klDivergence: r.klDivergence,
  nIter: r.nIter,
  seconds,
  trustworthiness: trustworthiness(X, r.embedding, 10),
  embedding: Array.from(r.embedding.data),
}));
