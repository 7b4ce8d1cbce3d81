/**
 * # Image compression by vector quantization
 *
 * Reads an image as 8-bit grayscale and treats every pixel value as a 1-D
 * sample. k-means with 2^bits clusters finds the 2^bits gray levels that best
 * represent the image (least squared error); each pixel is replaced by its
 * level, so it needs `bits` bits instead of 8: the size shrinks by a factor
 * 8 / bits. Going beyond the original, the distortion is measured as
 * MSE = mean (x − x̂)² and PSNR = 10·log10(255² / MSE) for every bit depth.
 *
 * Data: `data/flower_image.jpg` (512×512 JPEG).
 * Reference: 4 bits → factor 2.0, compression rate 50.0%; 2 bits → 4.0 and
 * 75.0%; 1 bit → 8.0 and 87.5%.
 *
 * Run:
 *   deno run --cached-only --allow-read=data,out --allow-write=out recipes/vector_quantization.ts \
 *     --input-file data/flower_image.jpg --num-bits 4
 *
 * @module
 */
import {
  type CliArgs,
  finishRecipe,
  type FlagsOf,
  fmt,
  parseCli,
  pyFloat,
  type RecipeCli,
  type RecipeOutput,
  runMain,
} from "../core/cli.ts";
import { decodeGray, encodePng, type GrayImage, loadGray } from "../core/io/image.ts";
import { distortion, fitQuantizer } from "../core/cluster/quantize.ts";
import { RandomState } from "../core/random.ts";
import { imageGrid, lineChart } from "../core/plot/charts.ts";

export const CLI = {
  name: "vector_quantization",
  summary: "Compresses a grayscale image by k-means vector quantization of its pixel values.",
  command:
    "deno run --cached-only --allow-read=data,out --allow-write=out recipes/vector_quantization.ts --input-file data/flower_image.jpg",
  flags: {
    "input-file": {
      type: "path",
      value: "FILE",
      required: true,
      description: "Image to compress (JPEG or PNG).",
    },
    "num-bits": {
      type: "integer",
      value: "BITS",
      min: 1,
      max: 8,
      default: 4,
      description: "Bits per pixel after compression.",
    },
  },
} as const satisfies RecipeCli;

/** k-means restarts, as the original. */
const N_INIT = 4;

/**
 * Quantizes `img` to 2^bits levels and measures the distortion. Each bit
 * depth draws from its own generator seeded with `seed`, so its result does
 * not depend on which other depths were computed.
 */
function compress(img: GrayImage, bits: number, seed: number) {
  const q = fitQuantizer(img.data, 2 ** bits, {
    nInit: N_INIT,
    randomState: new RandomState(seed),
  });
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(q.lookup[img.data[i]]);
  return { q, image: { ...img, data: out }, ...distortion(img.data, out) };
}

/** The command line, checked and typed up front (`undefined` after `--help`). */
export function options(argv: string[]) {
  const args = parseCli(CLI, argv);
  return args && settings(args);
}

/** The recipe's settings from its typed flags (the command line's or the site's form's). */
export function settings(args: CliArgs<FlagsOf<typeof CLI>>) {
  return { args, inputFile: args.flags["input-file"], bits: args.flags["num-bits"] };
}

export async function main(argv: string[]): Promise<void> {
  const parsed = options(argv);
  if (!parsed) return;
  // Step 1. Read the image as 8-bit grayscale (ITU-R 601-2 luma).
  await finishRecipe(CLI.name, parsed.args, compute(parsed, await loadGray(parsed.inputFile)));
}

/** The image from a file's bytes (the site hands them over; the command line reads the file). */
export function parseInput(bytes: Uint8Array, source: string): GrayImage {
  return decodeGray(bytes, source);
}

/**
 * Steps 2–5 on the loaded image, runtime-neutral (the command line and the
 * browser site both call it): quantize, sweep the bit depths, report, the
 * compressed image and the figures.
 */
export function compute(parsed: ReturnType<typeof settings>, img: GrayImage): RecipeOutput {
  const { args, inputFile, bits } = parsed;

  // Step 2. k-means on the pixel values with 2^bits clusters; each pixel
  // becomes its cluster's centroid.
  const main = compress(img, bits, args.seed);

  // Step 3. Compression: bits per pixel 8 → bits.
  const factor = 8 / bits;
  const compressionRate = Math.round(((100 * (8 - bits)) / 8) * 100) / 100;

  // Step 4. Beyond the original: the distortion at every bit depth.
  const sweep = [];
  for (let b = 1; b <= 8; b++) {
    const r = b === bits ? main : compress(img, b, args.seed);
    sweep.push({ bits: b, levels: r.q.nLevels, mse: r.mse, psnr: r.psnr });
  }
  const dB = (p: number) => (Number.isFinite(p) ? `${p.toFixed(2)} dB` : "lossless");
  const lines = [
    `The size of the image will be reduced by a factor of ${pyFloat(factor)}`,
    `Compression rate = ${pyFloat(compressionRate)}%`,
    `Distortion at ${bits} bit${bits > 1 ? "s" : ""} per pixel (${main.q.nLevels} levels): MSE = ${
      fmt(main.mse, 6)
    }, PSNR = ${dB(main.psnr)}`,
    "",
    "bits  levels        MSE      PSNR",
    ...sweep.map((s) =>
      `${String(s.bits).padStart(4)}  ${String(s.levels).padStart(6)}  ${
        s.mse.toFixed(3).padStart(9)
      }  ${dB(s.psnr).padStart(9)}`
    ),
  ];
  const json = {
    factor,
    compressionRate,
    centers: Array.from(main.q.levels),
    mse: main.mse,
    psnr: Number.isFinite(main.psnr) ? main.psnr : null,
    sweep: sweep.map((s) => ({ ...s, psnr: Number.isFinite(s.psnr) ? s.psnr : null })),
  };
  if (!args.plot) return { lines, json, figures: [] };
  // Step 5. The compressed image and the figures.
  return {
    lines,
    json,
    files: [{ name: `compressed_${bits}bit.png`, bytes: encodePng(main.image) }],
    figures: [{
      name: `images_${bits}bit`,
      spec: imageGrid({
        title: `Vector quantization: ${bits} bit${bits > 1 ? "s" : ""} per pixel`,
        description: `Original and ${main.q.nLevels}-level compressed ${inputFile}`,
        images: [[img, main.image]],
        rowTitles: [`original (left) vs compressed to ${main.q.nLevels} levels (right)`],
        size: 320,
      }),
    }, {
      name: "psnr",
      spec: lineChart({
        title: "Distortion vs bits per pixel",
        description: `PSNR of the k-means quantized ${inputFile} for 1..8 bits`,
        series: [{
          name: "PSNR",
          x: sweep.filter((s) => Number.isFinite(s.psnr)).map((s) => s.bits),
          y: sweep.filter((s) => Number.isFinite(s.psnr)).map((s) => s.psnr),
        }],
        xTitle: "bits per pixel",
        yTitle: "PSNR (dB)",
      }),
    }],
  };
}

if (import.meta.main) await runMain(CLI, main);
