/**
 * Fuzz targets for every recipe's command line: an input is an argv (words
 * separated by NUL bytes) given to the recipe's `options`, which parses and
 * checks every flag before the recipe reads or computes anything.
 *
 * @module
 */
import type { FlagSpec, RecipeCli } from "../../core/cli.ts";
import type { Target } from "./targets.ts";
import * as agglomerative from "../../recipes/agglomerative.ts";
import * as autoencoderFeatures from "../../recipes/autoencoder_features.ts";
import * as autoencoderKmeans from "../../recipes/autoencoder_kmeans.ts";
import * as autoencoderMnist from "../../recipes/autoencoder_mnist.ts";
import * as compareClustering from "../../recipes/compare_clustering.ts";
import * as convAutoencoder from "../../recipes/conv_autoencoder.ts";
import * as customerSegmentation from "../../recipes/customer_segmentation.ts";
import * as dbscan from "../../recipes/dbscan.ts";
import * as dec from "../../recipes/dec.ts";
import * as kmeans from "../../recipes/kmeans.ts";
import * as kmeansSteps from "../../recipes/kmeans_steps.ts";
import * as latentTsne from "../../recipes/latent_tsne.ts";
import * as n2d from "../../recipes/n2d.ts";
import * as silhouette from "../../recipes/silhouette.ts";
import * as stockMarket from "../../recipes/stock_market.ts";
import * as vectorQuantization from "../../recipes/vector_quantization.ts";

interface RecipeModule {
  CLI: RecipeCli;
  options(argv: string[]): unknown;
}

const RECIPES: RecipeModule[] = [
  kmeans,
  vectorQuantization,
  agglomerative,
  silhouette,
  dbscan,
  stockMarket,
  customerSegmentation,
  autoencoderMnist,
  convAutoencoder,
  latentTsne,
  autoencoderKmeans,
  dec,
  autoencoderFeatures,
  kmeansSteps,
  n2d,
  compareClustering,
];

const COMMON = ["--help", "--seed", "--out", "--json", "--no-plot", "--quiet", "--input-file"];

const VALUES = [
  "0",
  "1",
  "2",
  "-1",
  "3.5",
  "1e9",
  "1e999",
  "4294967296",
  "NaN",
  "",
  " ",
  "both",
  "all",
  "relu",
  "none",
  "1,2",
  "5,,30",
  ",",
  "=",
  "-",
  "--",
  "data/data_multivar.txt",
];

const encode = (words: string[]) => new TextEncoder().encode(words.join("\0"));
const decoder = new TextDecoder();

/** One target per recipe, named `cli-<recipe>`. */
export function recipeTargets(): Target[] {
  return RECIPES.map(({ CLI, options }) => {
    const flags = Object.entries(CLI.flags ?? {});
    // Each flag with its default as typed on a command line (lists comma-separated).
    const typed = (f: FlagSpec) => f.type === "boolean" ? "" : String(f.default ?? "");
    const withDefaults = flags.flatMap(([name, f]) =>
      f.type === "boolean" ? [`--${name}`] : [`--${name}`, typed(f) || "1"]
    );
    return {
      name: `cli-${CLI.name}`,
      what: `the command line of recipes/${CLI.name}.ts (options)`,
      samples: [
        encode([]),
        encode(withDefaults),
        encode(["--seed", "3", "--json", "--no-plot", "--quiet", "--out", "out/x"]),
        encode(flags.slice(0, 2).map(([name, f]) => `--${name}=${typed(f)}`)),
      ],
      dictionary: [...COMMON, ...flags.map(([name]) => `--${name}`), ...VALUES, "\0"],
      run: (bytes: Uint8Array) => {
        const argv = bytes.length === 0 ? [] : decoder.decode(bytes).split("\0");
        // --help prints the help; keep the fuzzer's output clean.
        const log = console.log;
        console.log = () => {};
        try {
          return options(argv);
        } finally {
          console.log = log;
        }
      },
    };
  });
}
