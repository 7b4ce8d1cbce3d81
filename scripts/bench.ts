/**
 * Benchmarks: median wall time and peak memory (VmHWM) of the core
 * algorithms on the workloads. Each repetition runs in its own
 * subprocess so the peak memory is that workload's alone (tfjs is loaded
 * only by the neural rows).
 *
 *   deno task bench                # table
 *   deno task bench --json         # {rows: [{name, medianSeconds, peakMB}]}
 *   deno task bench --reps 5 --only kmeans
 *   deno task bench --nn           # also seconds per epoch of the autoencoders (minutes)
 *
 * @module
 */
import { parseArgs } from "node:util";
import { kmeans } from "../core/cluster/kmeans.ts";
import { makeBlobs } from "../core/datasets/make_blobs.ts";
import { matrix } from "../core/matrix.ts";
import { silhouetteScore } from "../core/metrics/silhouette.ts";
import { RandomState } from "../core/random.ts";
import { dbscan } from "../core/cluster/dbscan.ts";
import { agglomerative } from "../core/cluster/agglomerative.ts";
import { kneighborsGraph } from "../core/neighbors/graph.ts";
import { estimateBandwidth, meanShift } from "../core/cluster/mean_shift.ts";
import { affinityPropagation } from "../core/cluster/affinity_propagation.ts";
import { graphicalLassoCV } from "../core/covariance/graphical_lasso.ts";
import { loadMnist } from "../core/datasets/mnist.ts";
import { loadStockVariations } from "../core/datasets/stock_quotes.ts";
import { tsne } from "../core/manifold/tsne.ts";
import { pca } from "../core/decomposition/pca.ts";
import { gaussianMixture } from "../core/mixture/gaussian_mixture.ts";
import { umap } from "../core/manifold/umap.ts";
import { hdbscan } from "../core/cluster/hdbscan.ts";
import { optics } from "../core/cluster/optics.ts";
import { spectralClustering } from "../core/cluster/spectral_clustering.ts";
import { birch } from "../core/cluster/birch.ts";
import { miniBatchKMeans } from "../core/cluster/minibatch_kmeans.ts";
import { bisectingKMeans } from "../core/cluster/bisecting_kmeans.ts";

/** A workload: builds its input (untimed) and returns the timed work. */
interface Case {
  name: string;
  setup: () => () => unknown;
}

/** Neural-network rows (`_bench_nn.ts`, loaded only for them, so that tfjs weighs on no other row's memory). */
const NN_NAMES = ["nn-dense", "nn-conv", "nn-dec"];

const blobs = (n: number, k: number) => makeBlobs({ nSamples: n, centers: k, randomState: 0 });
const uniform = (n: number, d: number) => matrix(n, d, new RandomState(0).rand(n * d));

const CASES: Case[] = [
  ...(["lloyd", "elkan"] as const).flatMap((algorithm) => [
    {
      name: `kmeans 1e5x2 blobs k=8 nInit=10 ${algorithm}`,
      setup: () => {
        const { X } = blobs(100_000, 8);
        return () => kmeans(X, { nClusters: 8, nInit: 10, algorithm });
      },
    },
    {
      name: `kmeans 1e4x784 uniform k=8 nInit=10 ${algorithm}`,
      setup: () => {
        const X = uniform(10_000, 784);
        return () => kmeans(X, { nClusters: 8, nInit: 10, algorithm });
      },
    },
  ]),
  // Blobs of standard deviation 10 (issue 25), scikit-learn timed on the same
  // by scripts/crosscheck/issue25_kmeans_bench.py: 60,000 × 64 like
  // latent_tsne's codes (about 15 iterations); 16 and 32 features either
  // side of where the assignment starts to run behind Hamerly's bounds
  // (`boundsPay` in core/cluster/_kmeans_pool.ts); 192 and 256 either side
  // of where the float32 product screen took it over before the bounds (200
  // features, `screenPays`; both run behind the bounds now).
  ...[[60_000, 64], [60_000, 16], [60_000, 32], [20_000, 192], [20_000, 256]].map(([n, d]) => ({
    name: `kmeans ${n}x${d} blobs k=10 nInit=10 lloyd`,
    setup: () => {
      const { X } = makeBlobs({
        nSamples: n,
        nFeatures: d,
        centers: 10,
        clusterStd: 10,
        randomState: 0,
      });
      return () => kmeans(X, { nClusters: 10, nInit: 10, randomState: 0 });
    },
  })),
  {
    // DEC's baseline: all 70,000 MNIST images / 255 (loaded before setup).
    name: "kmeans 70000x784 mnist k=10 nInit=20 lloyd",
    setup: () => {
      const X = mnistPixels();
      return () => kmeans(X, { nClusters: 10, nInit: 20 });
    },
  },
  {
    name: "kmeans 1e5x2 blobs k=8 nInit=10 lloyd refine",
    setup: () => {
      const { X } = blobs(100_000, 8);
      return () => kmeans(X, { nClusters: 8, nInit: 10, refine: true });
    },
  },
  // Issue 23: the rest of scikit-learn's clustering toolbox, each at its defaults.
  {
    name: "hdbscan 1e5x2 blobs",
    setup: () => {
      const { X } = blobs(100_000, 3);
      return () => hdbscan(X);
    },
  },
  {
    name: "optics 1e4x2 blobs",
    setup: () => {
      const { X } = blobs(10_000, 3);
      return () => optics(X);
    },
  },
  ...([[10_000, 2], [20_000, 10]] as const).map(([n, d]) => ({
    name: `spectral ${n === 10_000 ? "1e4" : "2e4"}x${d} blobs k=4 nearest_neighbors`,
    setup: () => {
      const { X } = makeBlobs({ nSamples: n, nFeatures: d, centers: 4, randomState: 0 });
      return () =>
        spectralClustering(X, {
          nClusters: 4,
          affinity: "nearest_neighbors",
          randomState: 0,
          onWarning: () => {},
        });
    },
  })),
  {
    name: "birch 1e5x2 blobs threshold=0.5 k=3",
    setup: () => {
      const { X } = blobs(100_000, 3);
      return () => birch(X, { threshold: 0.5, nClusters: 3 });
    },
  },
  {
    name: "minibatch kmeans 1e6x2 blobs k=8 nInit=3",
    setup: () => {
      const { X } = blobs(1_000_000, 8);
      return () => miniBatchKMeans(X, { nClusters: 8, randomState: 0 });
    },
  },
  {
    name: "minibatch kmeans 70000x784 uniform k=8 nInit=3",
    setup: () => {
      const X = uniform(70_000, 784);
      return () => miniBatchKMeans(X, { nClusters: 8, randomState: 0 });
    },
  },
  {
    name: "bisecting kmeans 1e5x2 blobs k=8",
    setup: () => {
      const { X } = blobs(100_000, 8);
      return () => bisectingKMeans(X, { nClusters: 8, randomState: 0 });
    },
  },
  {
    name: "dbscan 1e5x2 blobs eps=0.3 minSamples=10",
    setup: () => {
      const { X } = blobs(100_000, 8);
      return () => dbscan(X, { eps: 0.3, minSamples: 10 });
    },
  },
  ...[false, true].map((connected) => ({
    name: `ward 1e4x2 blobs k=8${connected ? " 10-NN connectivity" : ""}`,
    setup: () => {
      const { X } = blobs(10_000, 8);
      // The graph is part of the work, as in scikit-learn's example.
      return () =>
        agglomerative(X, {
          nClusters: 8,
          linkage: "ward" as const,
          connectivity: connected ? kneighborsGraph(X, 10) : undefined,
        });
    },
  })),
  ...(["ward", "complete"] as const).map((linkage) => ({
    // Without connectivity, up to 4,096 samples: the condensed distance matrix, as SciPy.
    name: `agglomerative 4096x2 blobs k=8 ${linkage}`,
    setup: () => {
      const { X } = blobs(4096, 8);
      return () => agglomerative(X, { nClusters: 8, linkage });
    },
  })),
  {
    name: "mean shift 1e4x2 blobs (bandwidth estimated, bin seeding)",
    setup: () => {
      const { X } = blobs(10_000, 8);
      return () =>
        meanShift(X, { bandwidth: estimateBandwidth(X, { quantile: 0.2 }), binSeeding: true });
    },
  },
  {
    name: "affinity propagation 2e3x2 blobs",
    setup: () => {
      const { X } = blobs(2_000, 8);
      const n = X.rows;
      const S = matrix(n, n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          S.data[i * n + j] =
            -((X.data[2 * i] - X.data[2 * j]) ** 2 + (X.data[2 * i + 1] - X.data[2 * j + 1]) ** 2);
        }
      }
      return () => affinityPropagation(S);
    },
  },
  // The Gaussian mixture on the blobs that scripts/crosscheck/issue22_gmm.py --bench
  // times scikit-learn on (full covariances; it rounds them to 4 decimals).
  ...(["full", "diag"] as const).map((covarianceType) => ({
    name: `gmm 1e4x10 blobs k=10 ${covarianceType}`,
    setup: () => {
      const { X } = makeBlobs({
        nSamples: 10_000,
        nFeatures: 10,
        centers: 10,
        clusterStd: 2,
        randomState: 0,
      });
      return () => gaussianMixture(X, { nComponents: 10, covarianceType, randomState: 0 });
    },
  })),
  {
    name: "graphical lasso CV (3 folds) stock data 1258x29",
    setup: () => {
      const X = stockVariations();
      return () => graphicalLassoCV(X, { cv: 3 });
    },
  },
  // PCA on all 70,000 MNIST images / 255 (issue 25), and on 2,000 of them (the Jacobi
  // solver's old 28 s case); scripts/crosscheck/issue25_pca_bench.py times scikit-learn's
  // PCA(50) on the same data, with its default solver or the one named.
  {
    name: "pca 70000x784 mnist nComponents=50",
    setup: () => {
      const X = mnistPixels();
      return () => pca(X, { nComponents: 50 });
    },
  },
  {
    name: "pca 70000x784 mnist nComponents=50 randomized",
    setup: () => {
      const X = mnistPixels();
      return () => pca(X, { nComponents: 50, svdSolver: "randomized", randomState: 0 });
    },
  },
  {
    name: "pca 2000x784 mnist nComponents=50",
    setup: () => {
      const X = matrix(2000, 784, mnistPixels().data.slice(0, 2000 * 784));
      return () => pca(X, { nComponents: 50 });
    },
  },
  // (The randomized rows: scikit-learn's default solver for both shapes.)
  {
    name: "pca 2000x784 mnist nComponents=50 randomized",
    setup: () => {
      const X = matrix(2000, 784, mnistPixels().data.slice(0, 2000 * 784));
      return () => pca(X, { nComponents: 50, svdSolver: "randomized", randomState: 0 });
    },
  },
  // t-SNE as the latent_tsne recipe runs it (perplexity 15, learning rate 100,
  // PCA init, Barnes–Hut) on make_blobs data that scikit-learn regenerates
  // exactly (scripts/crosscheck/issue11_tsne_bench.py times it side by side).
  ...([[5_000, 64], [20_000, 50]] as const).map(([n, d]) => ({
    name: `tsne ${n}x${d}`,
    setup: () => {
      const { X } = makeBlobs({
        nSamples: n,
        nFeatures: d,
        centers: 10,
        clusterStd: 5,
        randomState: 0,
      });
      return () => tsne(X, { perplexity: 15, learningRate: 100, randomState: 0 });
    },
  })),
  // UMAP on make_blobs data that scripts/crosscheck/issue22_umap.py --bench
  // regenerates exactly and times umap-learn on (its second fit): N2D's
  // settings on 70,000 × 10 (the n2d recipe's work), the defaults on 20,000 × 50.
  {
    name: "umap 70000x10 blobs n2d (10-d, 20 nn, min_dist 0)",
    setup: () => {
      const { X } = makeBlobs({
        nSamples: 70_000,
        nFeatures: 10,
        centers: 10,
        clusterStd: 2,
        randomState: 0,
      });
      return () => umap(X, { nComponents: 10, nNeighbors: 20, minDist: 0, randomState: 0 });
    },
  },
  {
    name: "umap 20000x50 blobs 2-d defaults",
    setup: () => {
      const { X } = makeBlobs({
        nSamples: 20_000,
        nFeatures: 50,
        centers: 10,
        clusterStd: 5,
        randomState: 0,
      });
      return () => umap(X, { randomState: 0 });
    },
  },
  {
    name: "silhouette 1e4x2 blobs k=4",
    setup: () => {
      const { X, y } = blobs(10_000, 4);
      return () => silhouetteScore(X, y);
    },
  },
];

/** All 70,000 MNIST images (training then test) / 255, loaded before its case's setup. */
let mnistX: ReturnType<typeof matrix> | undefined;
function mnistPixels() {
  if (!mnistX) throw new Error("MNIST not loaded");
  return mnistX;
}

/** The stock recipe's standardised daily variations, loaded before its case's setup. */
let stockX: ReturnType<typeof matrix> | undefined;
function stockVariations() {
  if (!stockX) throw new Error("stock data not loaded");
  return stockX;
}

/**
 * Runs one repetition in a fresh Deno process. Deno only lets a process with
 * all permissions read /proc, so a small bash loop samples the child's VmHWM
 * (its peak resident memory, which never decreases) while it runs. The loop
 * uses builtins only (no `sed` or `sleep` processes): forking 50 programs a
 * second took CPU time from the two-core training runs (nn-dec 88 s instead
 * of 61 s per epoch).
 */
async function runOne(name: string): Promise<{ seconds: number; peakMB: number }> {
  const script = [
    '"$0" run --allow-read "$1" --case "$2" & pid=$!',
    "exec 3<> <(:)",
    "hwm=0",
    "while kill -0 $pid 2>/dev/null; do",
    '  { while read -r key value _; do [ "$key" = VmHWM: ] && hwm=$value; done',
    "    } < /proc/$pid/status 2>/dev/null",
    "  read -r -t 0.02 -u 3 _ || true",
    "done",
    "wait $pid || exit $?",
    'echo "$hwm"',
  ].join("\n");
  const out = await new Deno.Command("bash", {
    args: ["-c", script, Deno.execPath(), import.meta.filename!, name],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (out.code !== 0) throw new Error(`bench case ${name} failed (exit ${out.code})`);
  // The child's JSON line, then the sampled peak in kB.
  const [json, kb] = new TextDecoder().decode(out.stdout).trim().split("\n");
  return { seconds: JSON.parse(json).seconds, peakMB: Number(kb) / 1024 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      case: { type: "string" },
      reps: { type: "string" },
      nn: { type: "boolean", default: false },
      only: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(
      "Usage: deno task bench [--only TEXT] [--reps N] [--nn] [--json]\n" +
        "Times each row (median of N runs, 3 by default; 1 for --nn rows), each run in its own\n" +
        "process, with its peak resident memory. --only keeps the rows whose name contains TEXT;\n" +
        "--nn adds seconds per epoch of the autoencoders (minutes); --json prints {rows: [...]}.\n" +
        `Rows: ${CASES.length} (${CASES.map((c) => c.name).join("; ")}).`,
    );
  } else if (values.case !== undefined && values.case.startsWith("nn-")) {
    const { nnEpochSeconds } = await import("./_bench_nn.ts");
    console.log(JSON.stringify({ seconds: await nnEpochSeconds(values.case) }));
    await new Promise((r) => setTimeout(r, 100));
  } else if (values.case !== undefined) {
    const c = CASES.find((c) => c.name === values.case);
    if (!c) throw new Error(`unknown case ${values.case}`);
    if (c.name.startsWith("graphical lasso")) {
      stockX = (await loadStockVariations("data/symbol_map.json", "data/stock_market_data.xlsx")).X;
    }
    if (c.name.includes("mnist")) {
      const { train, test } = await loadMnist();
      mnistX = matrix(train.count + test.count, train.rows * train.cols);
      let o = 0;
      for (const set of [train, test]) for (const b of set.images) mnistX.data[o++] = b / 255;
    }
    const work = c.setup();
    const t = performance.now();
    work();
    const seconds = (performance.now() - t) / 1000;
    console.log(JSON.stringify({ seconds }));
    // Stay alive a moment so the sampler reads the final high-water mark.
    await new Promise((r) => setTimeout(r, 100));
  } else {
    const rows = [];
    const names = [...CASES.map((c) => c.name), ...(values.nn ? NN_NAMES : [])];
    for (const name of names.filter((n) => !values.only || n.includes(values.only!))) {
      const c = { name };
      const reps = Number(values.reps ?? (name.startsWith("nn-") ? 1 : 3));
      const runs = [];
      for (let r = 0; r < reps; r++) runs.push(await runOne(c.name));
      const row = {
        name: c.name,
        medianSeconds: median(runs.map((r) => r.seconds)),
        peakMB: Math.max(...runs.map((r) => r.peakMB)),
      };
      rows.push(row);
      if (!values.json) {
        console.log(
          `${row.name.padEnd(48)} ${row.medianSeconds.toFixed(3).padStart(9)} s ${
            row.peakMB.toFixed(0).padStart(6)
          } MB`,
        );
      }
    }
    if (values.json) console.log(JSON.stringify({ rows }));
  }
}
