/**
 * # Comparing clustering algorithms on toy data sets
 *
 * scikit-learn's famous figure ("Comparing different clustering algorithms on
 * toy datasets", `examples/cluster/plot_cluster_comparison.py`): eleven
 * estimators on six 2-D data sets of 500 points — noisy circles, noisy moons,
 * blobs of varied variances, anisotropic blobs, blobs, and uniform noise with
 * no structure — each standard-scaled, with the example's per-data-set
 * parameters. What it shows: k-means-like methods (mini-batch k-means, Birch,
 * the Gaussian mixture) cut rings and moons into convex pieces; graph and
 * density methods (spectral, single-ish linkages, DBSCAN, HDBSCAN, OPTICS)
 * follow them; only the density methods say "noise" (black) — and nothing
 * is right on data with no structure.
 *
 * The data sets are drawn as the example draws them (seeds 30 and 170; one
 * coordinate in 6,000 is 1 ulp off). Every deterministic estimator gives
 * scikit-learn 1.9.1's labels; the seeded ones (mini-batch k-means, spectral
 * clustering, the Gaussian mixture; seed 42) follow scikit-learn 1.2.1's
 * random-number order, which 1.3 changed (k-means++ draws its first centre
 * differently). `tests/compare_clustering_test.ts` checks both.
 *
 * `--input-file` adds your own x,y points as a seventh row, clustered with
 * the example's default parameters (no true labels, so no ARI).
 *
 * Run:
 *   deno run --cached-only --allow-read=data,out --allow-write=out recipes/compare_clustering.ts
 *
 * @module
 */
import {
  type CliArgs,
  finishRecipe,
  type FlagsOf,
  type IntegerFlag,
  type NumberFlag,
  parseCli,
  Progress,
  type RecipeCli,
  type RecipeOutput,
  runMain,
  UsageError,
} from "../core/cli.ts";
import { type ToyDatasetName, toyDatasets } from "../core/datasets/toy_datasets.ts";
import { loadPoints2D } from "../core/io/points.ts";
import { standardScaler } from "../core/preprocessing/standard_scaler.ts";
import { estimateBandwidth, meanShift } from "../core/cluster/mean_shift.ts";
import { affinityPropagation } from "../core/cluster/affinity_propagation.ts";
import { agglomerative } from "../core/cluster/agglomerative.ts";
import { dbscan } from "../core/cluster/dbscan.ts";
import { hdbscan } from "../core/cluster/hdbscan.ts";
import { optics } from "../core/cluster/optics.ts";
import { birch } from "../core/cluster/birch.ts";
import { miniBatchKMeans } from "../core/cluster/minibatch_kmeans.ts";
import { spectralClustering } from "../core/cluster/spectral_clustering.ts";
import { gaussianMixture } from "../core/mixture/gaussian_mixture.ts";
import { kneighborsGraph, type SparseGraph } from "../core/neighbors/graph.ts";
import { sqDistMatrix } from "../core/distance.ts";
import { type Matrix, matrix } from "../core/matrix.ts";
import { adjustedRandScore } from "../core/metrics/clustering.ts";
import { clusteringGrid, secondsLabel } from "../core/plot/clustering_grid.ts";

/** The example's `default_base`: every data set's parameters unless it overrides them. */
const DEFAULT_BASE = {
  "quantile": 0.3,
  "eps": 0.3,
  "damping": 0.9,
  "preference": -200,
  "n-neighbors": 3,
  "n-clusters": 3,
  "min-samples": 7,
  "xi": 0.05,
  "min-cluster-size": 0.1,
  "hdbscan-min-cluster-size": 15,
  "hdbscan-min-samples": 3,
};
type Params = { -readonly [K in keyof typeof DEFAULT_BASE]: number };

/** The example's per-data-set overrides. */
const OVERRIDES: Record<ToyDatasetName, Partial<Params>> = {
  noisy_circles: {
    "damping": 0.77,
    "preference": -240,
    "quantile": 0.2,
    "n-clusters": 2,
    "min-samples": 7,
    "xi": 0.08,
  },
  noisy_moons: {
    "damping": 0.75,
    "preference": -220,
    "n-clusters": 2,
    "min-samples": 7,
    "xi": 0.1,
  },
  varied: { "eps": 0.18, "n-neighbors": 2, "min-samples": 7, "xi": 0.01, "min-cluster-size": 0.2 },
  aniso: { "eps": 0.15, "n-neighbors": 2, "min-samples": 7, "xi": 0.1, "min-cluster-size": 0.2 },
  blobs: { "min-samples": 7, "xi": 0.1, "min-cluster-size": 0.2 },
  no_structure: {},
};

/** A parameter flag: overrides the example's value of that parameter on every data set. */
function override<
  const F extends Omit<NumberFlag, "description"> | Omit<IntegerFlag, "description">,
>(
  description: string,
  flag: F,
): F & { description: string } {
  return {
    ...flag,
    description: `${description} Overrides the example's value on every data set.`,
  };
}

export const CLI = {
  name: "compare_clustering",
  summary:
    "scikit-learn's comparison of 11 clustering algorithms on 6 toy data sets: one grid figure, the number of clusters, the time and the ARI of every cell.",
  command:
    "deno run --cached-only --allow-read=data,out --allow-write=out recipes/compare_clustering.ts",
  defaultSeed: 42,
  flags: {
    "input-file": {
      type: "path",
      value: "FILE",
      description: "x,y points to cluster as a seventh row, with the example's default parameters.",
    },
    "n-samples": {
      type: "integer",
      value: "N",
      min: 10,
      max: 20000,
      default: 500,
      description: "Points per data set.",
    },
    "data-seed": {
      type: "integer",
      value: "S",
      min: 0,
      max: 2 ** 32 - 1,
      default: 30,
      description: "Seed of the circles, moons, blobs and noise (the example's 30).",
    },
    "only": {
      type: "string",
      value: "NAMES",
      description:
        "Comma-separated estimators to run (MiniBatchKMeans, AffinityPropagation, MeanShift, SpectralClustering, Ward, AgglomerativeClustering, DBSCAN, HDBSCAN, OPTICS, BIRCH, GaussianMixture).",
    },
    "quantile": override("Mean shift's bandwidth quantile.", {
      type: "number",
      value: "Q",
      min: 0,
      max: 1,
      exclusiveMin: true,
    }),
    "eps": override("DBSCAN's eps.", { type: "number", min: 0, exclusiveMin: true }),
    "damping": override("Affinity propagation's damping.", {
      type: "number",
      min: 0.5,
      max: 0.999999,
    }),
    "preference": override("Affinity propagation's preference.", { type: "number" }),
    "n-neighbors": override("Neighbours of the Ward and average-linkage connectivity graph.", {
      type: "integer",
      value: "K",
      min: 1,
      max: 1000,
    }),
    "n-clusters": override(
      "Clusters of mini-batch k-means, spectral, Ward, average linkage, Birch and the mixture.",
      { type: "integer", value: "K", min: 1, max: 1000 },
    ),
    "min-samples": override("OPTICS's min_samples.", {
      type: "integer",
      value: "N",
      min: 2,
      max: 20000,
    }),
    "xi": override("OPTICS's xi.", { type: "number", min: 0, max: 1, exclusiveMax: true }),
    "min-cluster-size": override(
      "OPTICS's min_cluster_size: a fraction of n (≤ 1) or a whole count.",
      { type: "number", min: 0, exclusiveMin: true },
    ),
    "hdbscan-min-cluster-size": override("HDBSCAN's min_cluster_size.", {
      type: "integer",
      value: "N",
      min: 2,
      max: 20000,
    }),
    "hdbscan-min-samples": override("HDBSCAN's min_samples.", {
      type: "integer",
      value: "N",
      min: 1,
      max: 20000,
    }),
  },
} as const satisfies RecipeCli;

/** The inputs every estimator of one data set shares. */
interface Prepared {
  X: Matrix;
  p: Params;
  bandwidth: number;
  connectivity: SparseGraph;
  seed: number;
}

/** The eleven estimators in the example's order, as scikit-learn's example configures them. */
const ESTIMATORS: { name: string; fit: (d: Prepared) => ArrayLike<number> }[] = [
  {
    name: "MiniBatchKMeans",
    fit: (d) => miniBatchKMeans(d.X, { nClusters: d.p["n-clusters"], randomState: d.seed }).labels,
  },
  {
    name: "AffinityPropagation",
    fit: (d) => {
      // affinity="euclidean": S = −‖xᵢ − xⱼ‖².
      const D = sqDistMatrix(d.X, d.X);
      const S = matrix(D.rows, D.cols, D.data.map((v) => -v));
      return affinityPropagation(S, {
        damping: d.p.damping,
        preference: d.p.preference,
        randomState: d.seed,
      }).labels;
    },
  },
  {
    name: "MeanShift",
    fit: (d) => meanShift(d.X, { bandwidth: d.bandwidth, binSeeding: true }).labels,
  },
  {
    name: "SpectralClustering",
    fit: (d) =>
      spectralClustering(d.X, {
        nClusters: d.p["n-clusters"],
        affinity: "nearest_neighbors",
        randomState: d.seed,
      }).labels,
  },
  {
    name: "Ward",
    fit: (d) =>
      agglomerative(d.X, {
        nClusters: d.p["n-clusters"],
        linkage: "ward",
        connectivity: d.connectivity,
      }).labels,
  },
  {
    name: "AgglomerativeClustering",
    fit: (d) =>
      agglomerative(d.X, {
        nClusters: d.p["n-clusters"],
        linkage: "average",
        metric: "cityblock",
        connectivity: d.connectivity,
      }).labels,
  },
  { name: "DBSCAN", fit: (d) => dbscan(d.X, { eps: d.p.eps }).labels },
  {
    name: "HDBSCAN",
    fit: (d) =>
      hdbscan(d.X, {
        minSamples: d.p["hdbscan-min-samples"],
        minClusterSize: d.p["hdbscan-min-cluster-size"],
        allowSingleCluster: true,
      }).labels,
  },
  {
    name: "OPTICS",
    fit: (d) =>
      optics(d.X, {
        minSamples: d.p["min-samples"],
        xi: d.p.xi,
        minClusterSize: d.p["min-cluster-size"],
        // The example runs scikit-learn ≥ 1.3, whose predecessor correction reads the sample id.
        predecessorIndexing: "sample",
      }).labels,
  },
  { name: "BIRCH", fit: (d) => birch(d.X, { nClusters: d.p["n-clusters"] }).labels! },
  {
    name: "GaussianMixture",
    fit: (d) =>
      gaussianMixture(d.X, {
        nComponents: d.p["n-clusters"],
        covarianceType: "full",
        randomState: d.seed,
      }).labels,
  },
];

/** One cell of the figure, as `--json` gives it. */
interface Cell {
  estimator: string;
  dataset: string;
  /** null when the estimator could not fit this data set (see `error`). */
  labels: number[] | null;
  nClusters: number | null;
  nNoise: number | null;
  seconds: number;
  /** Adjusted Rand index against the true groups (noise as one more group); null without them. */
  ari: number | null;
  /** Why the estimator refused the data set (e.g. more neighbours than points), in one line. */
  error?: string;
}

/** The command line, checked and typed up front (`undefined` after `--help`). */
export function options(argv: string[]) {
  const args = parseCli(CLI, argv);
  return args && settings(args);
}

/** The recipe's settings from its typed flags (the command line's or the site's form's). */
export function settings(args: CliArgs<FlagsOf<typeof CLI>>) {
  const f = args.flags;
  const names = ESTIMATORS.map((e) => e.name);
  const only = f.only === undefined ? names : f.only.split(",").map((s) => s.trim());
  const unknown = only.filter((n) => !names.includes(n));
  if (unknown.length > 0 || only.length === 0) {
    throw new UsageError(
      `Cannot run as --only must list estimators among ${names.join(", ")}: --only=${f.only}`,
    );
  }
  const given: Partial<Params> = {};
  for (const key of Object.keys(DEFAULT_BASE) as (keyof Params)[]) {
    const v = f[key];
    if (v !== undefined) given[key] = v;
  }
  const mcs = given["min-cluster-size"];
  if (mcs !== undefined && mcs > 1 && !Number.isInteger(mcs)) {
    throw new UsageError(
      `Cannot run as --min-cluster-size must be a fraction in (0, 1] or a whole count: --min-cluster-size=${mcs}`,
    );
  }
  return {
    args,
    nSamples: f["n-samples"],
    dataSeed: f["data-seed"],
    only,
    given,
    inputFile: f["input-file"],
  };
}

export async function main(argv: string[]): Promise<void> {
  const parsed = options(argv);
  if (!parsed) return;
  const { args, inputFile } = parsed;
  const X = inputFile === undefined ? undefined : await loadPoints2D(inputFile);
  let progress: Progress | undefined;
  const out = compute(parsed, X, (done, total) => {
    progress ??= new Progress("Fitting", total, args.quiet);
    progress.update(done);
  });
  progress?.done();
  await finishRecipe(CLI.name, args, out);
}

/**
 * Steps 1–4, runtime-neutral (the command line and the browser site both
 * call it): the data sets (and `points`, the user's, as a seventh row), every
 * fit, the report, the grid. `onFit` hears each finished cell.
 */
export function compute(
  parsed: ReturnType<typeof settings>,
  points?: Matrix,
  onFit: (done: number, total: number) => void = () => {},
): RecipeOutput {
  const { args, nSamples, dataSeed, only, given, inputFile } = parsed;
  const estimators = ESTIMATORS.filter((e) => only.includes(e.name));

  // Step 1. The six data sets, drawn as the example draws them (and the user's points).
  const sets: { name: string; X: Matrix; y: Int32Array | null }[] = toyDatasets(
    nSamples,
    dataSeed,
  );
  if (points !== undefined) {
    // The file's name (no node:path: this runs in the browser site too).
    const name = (inputFile ?? "input").split(/[\\/]/).at(-1)!;
    sets.push({ name, X: points, y: null });
  }

  // Step 2. Per data set: its parameters, standard scaling, the mean-shift
  // bandwidth and the symmetric k-NN connectivity of the hierarchical methods.
  // Then every estimator, timed alone.
  const total = sets.length * estimators.length;
  const warnings: string[] = [];
  const cells: Cell[] = [];
  const params: Record<string, Params> = {};
  for (const set of sets) {
    const overrides = OVERRIDES[set.name as ToyDatasetName] ?? {};
    const p: Params = { ...DEFAULT_BASE, ...overrides, ...given };
    params[set.name] = p;
    const X = standardScaler(set.X).transform(set.X);
    if (p["n-clusters"] > X.rows) {
      throw new RangeError(
        `Cannot cluster as n_samples=${X.rows} should be >= n_clusters=${p["n-clusters"]}`,
      );
    }
    const prepared: Prepared = {
      X,
      p,
      bandwidth: estimateBandwidth(X, { quantile: p.quantile }),
      connectivity: kneighborsGraph(X, p["n-neighbors"]),
      seed: args.seed,
    };
    for (const e of estimators) {
      const t0 = performance.now();
      let labels: number[];
      try {
        labels = Array.from(e.fit(prepared));
      } catch (err) {
        // One estimator refusing a data set (a small --input-file, say) leaves its cell empty.
        if (!(err instanceof RangeError || err instanceof TypeError)) throw err;
        warnings.push(`${e.name} on ${set.name}: ${err.message}`);
        cells.push({
          estimator: e.name,
          dataset: set.name,
          labels: null,
          nClusters: null,
          nNoise: null,
          seconds: (performance.now() - t0) / 1000,
          ari: null,
          error: err.message,
        });
        onFit(cells.length, total);
        continue;
      }
      const seconds = (performance.now() - t0) / 1000;
      const found = new Set(labels);
      cells.push({
        estimator: e.name,
        dataset: set.name,
        labels,
        nClusters: found.size - (found.has(-1) ? 1 : 0),
        nNoise: labels.filter((l) => l === -1).length,
        seconds,
        ari: set.y === null ? null : adjustedRandScore(set.y, labels),
      });
      onFit(cells.length, total);
    }
  }

  // Step 3. Report: per data set, each estimator's clusters, noise, ARI and time.
  const lines: string[] = [];
  for (const { name } of sets) {
    const p = params[name];
    lines.push(
      `${name}: n_clusters ${
        p["n-clusters"]
      }, eps ${p.eps}, quantile ${p.quantile}, damping ${p.damping}, ` +
        `preference ${p.preference}, xi ${p.xi}, min_cluster_size ${p["min-cluster-size"]}`,
    );
    for (const c of cells.filter((c) => c.dataset === name)) {
      if (c.error !== undefined) {
        lines.push(`  ${c.estimator.padEnd(24)} failed: ${c.error}`);
        continue;
      }
      lines.push(
        `  ${c.estimator.padEnd(24)} ${String(c.nClusters).padStart(2)} clusters` +
          `${String(c.nNoise).padStart(5)} noise   ARI ${
            c.ari === null ? "  —  " : c.ari.toFixed(3).padStart(6)
          }   ${secondsLabel(c.seconds).padStart(7)}`,
      );
    }
  }
  const fitSeconds = cells.reduce((s, c) => s + c.seconds, 0);
  lines.push(`Total fit time: ${fitSeconds.toFixed(2)} s for ${cells.length} fits`);
  const json = { nSamples, dataSeed, seed: args.seed, params, cells };
  if (!args.plot) return { lines, json, figures: [], warnings };
  // Step 4. The grid: one row per data set, one column per estimator.
  const scaled = new Map(sets.map((s) => [s.name, standardScaler(s.X).transform(s.X)]));
  return {
    lines,
    json,
    warnings,
    figures: [{
      name: "comparison",
      spec: clusteringGrid({
        title: "Comparing clustering algorithms on toy data sets",
        description:
          `${estimators.length} estimators × ${sets.length} standard-scaled data sets of ${nSamples} points ` +
          `(scikit-learn's plot_cluster_comparison); noise in black, fit time in each corner`,
        cells: cells.map((c) => ({
          ...(c.error === undefined ? {} : { note: "failed" }),
          row: c.dataset,
          // The example's headers: "MiniBatch\nKMeans", "Affinity\nPropagation", …
          column: c.estimator.replace(
            /^(MiniBatch|Affinity|Spectral|Agglomerative|Gaussian)/,
            "$1\n",
          ),
          X: c.labels === null ? matrix(0, 2) : scaled.get(c.dataset)!,
          labels: c.labels ?? [],
          seconds: c.seconds,
        })),
      }),
    }],
  };
}

if (import.meta.main) await runMain(CLI, main);
