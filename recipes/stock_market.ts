/**
 * # Patterns in stock-market data
 *
 * Which companies' shares move together? Each company's daily variation
 * (close − open), scaled to unit variance, is one variable. The graphical
 * lasso estimates a sparse inverse covariance — two companies are linked
 * only if they co-vary after accounting for all the others — with its
 * penalty α chosen by 3-fold cross-validation. Affinity propagation on the
 * resulting covariance then groups the companies, choosing the number of
 * groups itself.
 *
 * Data: `data/symbol_map.json` (symbol → company) and
 * `data/stock_market_data.xlsx` (one sheet per symbol with open and close
 * columns, 1,258 trading days).
 * Reference (scikit-learn 1.2): 8 clusters — Apple, Amazon, Yahoo | AIG,
 * American express, Bank of America, DuPont de Nemours, General Dynamics,
 * General Electrics, Goldman Sachs, GlaxoSmithKline, Home Depot, Kellogg |
 * Boeing, Canon, Caterpillar, Ford, Honda | Colgate-Palmolive, Kimberly-Clark |
 * Cisco, Dell, HP, IBM | Comcast, Cablevision | CVS | ConocoPhillips, Chevron.
 *
 * Run:
 *   deno run --cached-only --allow-read=data,out --allow-write=out recipes/stock_market.ts
 *
 * @module
 */
import {
  type CliArgs,
  finishRecipe,
  type FlagsOf,
  fmt,
  parseCli,
  type RecipeCli,
  type RecipeOutput,
  runMain,
} from "../core/cli.ts";
import {
  loadStockVariations,
  parseSymbolMap,
  type StockVariations,
  stockVariations,
} from "../core/datasets/stock_quotes.ts";
import { parseWorkbook } from "../core/io/xlsx.ts";
import { graphicalLassoCV } from "../core/covariance/graphical_lasso.ts";
import { affinityPropagation } from "../core/cluster/affinity_propagation.ts";
import { classicalMds, correlationFromCovariance } from "../core/linalg.ts";
import { PALETTE } from "../core/plot/layers.ts";
import { annotatedHeatmap, layeredFigure } from "../core/plot/charts.ts";

export const CLI = {
  name: "stock_market",
  summary:
    "Groups companies whose stock prices move together (graphical lasso + affinity propagation).",
  command: "deno run --cached-only --allow-read=data,out --allow-write=out recipes/stock_market.ts",
  flags: {
    "symbols": {
      type: "path",
      value: "FILE",
      description: "JSON object mapping each symbol (a sheet name) to a company name.",
      default: "data/symbol_map.json",
    },
    "xlsx": {
      type: "path",
      value: "FILE",
      description: "Workbook with one sheet per symbol, columns open and close.",
      default: "data/stock_market_data.xlsx",
    },
  },
} as const satisfies RecipeCli;

/** Partial correlations smaller than this are not drawn as edges. */
const EDGE_THRESHOLD = 0.02;

/** The command line, checked and typed up front (`undefined` after `--help`). */
export function options(argv: string[]) {
  const args = parseCli(CLI, argv);
  return args && settings(args);
}

/** The recipe's settings from its typed flags (the command line's or the site's form's). */
export function settings(args: CliArgs<FlagsOf<typeof CLI>>) {
  return { args, symbolFile: args.flags.symbols, xlsxFile: args.flags.xlsx };
}

/** The files the recipe reads, by flag, with the extension that tells a dropped file's role. */
export const INPUTS = { symbols: ".json", xlsx: ".xlsx" } as const;

/** The data from the two files' bytes (the site hands them over; the command line reads them). */
export async function parseInputs(
  files: Record<keyof typeof INPUTS, { name: string; bytes: Uint8Array }>,
): Promise<StockVariations> {
  const map = parseSymbolMap(new TextDecoder().decode(files.symbols.bytes), files.symbols.name);
  return stockVariations(map, await parseWorkbook(files.xlsx.bytes, files.xlsx.name));
}

export async function main(argv: string[]): Promise<void> {
  const parsed = options(argv);
  if (!parsed) return;
  // Step 1–2. Companies (in the symbol file's order) and their daily
  // variations close − open, each scaled to unit standard deviation.
  const data = await loadStockVariations(parsed.symbolFile, parsed.xlsxFile);
  await finishRecipe(CLI.name, parsed.args, compute(parsed, data));
}

/**
 * Steps 3–6 on the loaded variations, runtime-neutral (the command line and
 * the browser site both call it): graphical lasso, affinity propagation,
 * report, figures.
 */
export function compute(parsed: ReturnType<typeof settings>, data: StockVariations): RecipeOutput {
  const { args, xlsxFile } = parsed;
  const { names, X } = data;
  const p = names.length;

  // Step 3. Sparse inverse covariance, α by 3-fold cross-validation.
  const model = graphicalLassoCV(X, { cv: 3 });

  // Step 4. Affinity propagation on the covariance (similarity = covariance).
  const ap = affinityPropagation(model.covariance, { randomState: args.seed });
  if (!ap.converged) {
    throw new RangeError(
      `Cannot cluster as affinity propagation did not converge in 200 iterations: iterations=${ap.nIter}`,
    );
  }
  const k = ap.clusterCentersIndices.length;
  const clusters = Array.from({ length: k }, (_, c) => names.filter((_, i) => ap.labels[i] === c));

  // Step 5. Report.
  const lines = [
    `Graphical lasso: alpha = ${fmt(model.alpha, 6)} (3-fold cross-validation), ${
      model.converged ? "converged" : "not converged"
    } in ${model.nIter} iterations`,
    ...clusters.map((members, c) => `Cluster ${c + 1} --> ${members.join(", ")}`),
  ];
  const json = { alpha: model.alpha, clusters };

  if (!args.plot) return { lines, json, figures: [] };
  // Step 6a. The partial-correlation graph: companies placed by classical
  // MDS of the correlation distances √(2(1 − ρ)) (the top eigenvectors of the
  // double-centred correlation matrix), edges where |partial corr.| > 0.02.
  const P = model.precision;
  const corr = correlationFromCovariance(model.covariance);
  const xy = classicalMds(corr);
  const pos = names.map((_, i) => [xy.data[2 * i], xy.data[2 * i + 1]]);
  const edges = [];
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const pc = -P.data[i * p + j] / Math.sqrt(P.data[i * p + i] * P.data[j * p + j]);
      if (Math.abs(pc) > EDGE_THRESHOLD) {
        edges.push({
          x: pos[i][0],
          y: pos[i][1],
          x2: pos[j][0],
          y2: pos[j][1],
          strength: Math.abs(pc),
        });
      }
    }
  }
  const label = (c: number) => `Cluster ${c + 1}`;
  const domain = clusters.map((_, c) => label(c));
  const color = {
    field: "cluster",
    type: "nominal",
    scale: { domain, range: domain.map((_, c) => PALETTE[c % PALETTE.length]) },
  };
  const nodes = names.map((name, i) => ({
    x: pos[i][0],
    y: pos[i][1],
    name,
    cluster: label(ap.labels[i]),
  }));
  // Step 6b. Correlations, companies ordered by cluster.
  const order = names.map((_, i) => i).sort((a, b) => ap.labels[a] - ap.labels[b] || a - b);
  const ordered = new Float64Array(p * p);
  order.forEach((i, r) => order.forEach((j, c) => ordered[r * p + c] = corr.data[i * p + j]));
  const labelsByCluster = order.map((i) => `${names[i]} (${ap.labels[i] + 1})`);
  return {
    lines,
    json,
    figures: [{
      name: "graph",
      spec: layeredFigure({
        title: `Stock market structure: ${k} clusters, partial-correlation edges`,
        description:
          `Companies placed by classical MDS of their correlation distances (graphical lasso, alpha ${
            fmt(model.alpha, 4)
          }), coloured by affinity-propagation cluster; edges where |partial correlation| > ${EDGE_THRESHOLD}`,
        layers: [
          {
            data: { values: edges },
            mark: { type: "rule", color: "#555" },
            encoding: {
              x: { field: "x", type: "quantitative" },
              y: { field: "y", type: "quantitative" },
              x2: { field: "x2" },
              y2: { field: "y2" },
              opacity: {
                field: "strength",
                type: "quantitative",
                legend: null,
                scale: { range: [0.15, 0.9] },
              },
              strokeWidth: {
                field: "strength",
                type: "quantitative",
                legend: null,
                scale: { range: [0.5, 4] },
              },
            },
          },
          {
            data: { values: nodes },
            mark: { type: "circle", size: 160, opacity: 1, stroke: "white", strokeWidth: 1 },
            encoding: {
              x: { field: "x", type: "quantitative" },
              y: { field: "y", type: "quantitative" },
              color,
            },
          },
          {
            data: { values: nodes },
            mark: { type: "text", dx: 9, align: "left", fontSize: 10, color: "#222" },
            encoding: {
              x: { field: "x", type: "quantitative" },
              y: { field: "y", type: "quantitative" },
              text: { field: "name" },
            },
          },
        ],
        xTitle: "MDS 1",
        yTitle: "MDS 2",
        width: 640,
        height: 520,
      }),
    }, {
      name: "correlation",
      spec: annotatedHeatmap({
        title: "Correlation of daily variations, companies grouped by cluster",
        description:
          `Correlations from the graphical-lasso covariance of ${xlsxFile}, ordered by cluster`,
        rows: labelsByCluster,
        cols: labelsByCluster,
        values: ordered,
        xTitle: "company (cluster)",
        yTitle: "company (cluster)",
        format: ".1f",
        scheme: "redblue",
        domainMid: 0,
      }),
    }],
  };
}

if (import.meta.main) await runMain(CLI, main);
