/**
 * Images as 8-bit grayscale: JPEG (pure-JS `jpeg-js`) and PNG (`fast-png`)
 * decoding, conversion to luma, and PNG encoding. No native code and no
 * permissions beyond reading the file.
 *
 * @module
 */
import jpeg from "jpeg-js";
import { decode as decodePngRaw, encode as encodePngRaw } from "fast-png";
import { readBytes } from "./files.ts";
import { oneLine } from "../messages.ts";

/** An 8-bit single-channel image, row-major. */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * ITU-R 601-2 luma, L = 0.299 R + 0.587 G + 0.114 B, rounded as Pillow's
 * `convert("L")` does (16-bit fixed point).
 */
export function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

function toGray(
  width: number,
  height: number,
  px: ArrayLike<number>,
  channels: number,
  scale = 1,
): GrayImage {
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) {
    const o = i * channels;
    out[i] = channels >= 3
      ? luma(px[o] * scale, px[o + 1] * scale, px[o + 2] * scale)
      : Math.round(px[o] * scale);
  }
  return { width, height, data: out };
}

/** The largest image decoded: 50 megapixels (a 12-bit-per-side 8k × 6k photo fits). */
export const MAX_PIXELS = 50_000_000;

/** What an image's header declares, read without decoding it. */
export interface ImageHeader {
  readonly format: "jpeg" | "png";
  readonly width: number;
  readonly height: number;
  /** Colour components (JPEG) or channels (PNG, palette = 1). */
  readonly components: number;
  /** Bits per sample (PNG: 1, 2, 4, 8 or 16). */
  readonly depth: number;
  /** PNG: total bytes of the IDAT chunks; JPEG: bytes after the frame header. */
  readonly dataBytes: number;
  /** JPEG: the 8×8 blocks of all components (each costs at least one bit of data). */
  readonly blocks?: number;
}

const corrupt = (source: string, why: string, bytes: Uint8Array) =>
  new SyntaxError(`Cannot decode ${source} as ${why}: bytes=${bytes.length}`);

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function pngHeader(bytes: Uint8Array, source: string): ImageHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = (at: number) => String.fromCharCode(...bytes.subarray(at + 4, at + 8));
  if (bytes.length < 33 || type(8) !== "IHDR") {
    throw corrupt(source, "its PNG header is cut", bytes);
  }
  const width = view.getUint32(16), height = view.getUint32(20);
  const depth = bytes[24], colorType = bytes[25];
  const components = PNG_CHANNELS[colorType];
  if (components === undefined || ![1, 2, 4, 8, 16].includes(depth)) {
    throw corrupt(
      source,
      `its PNG header is invalid (colour type ${colorType}, depth ${depth})`,
      bytes,
    );
  }
  let dataBytes = 0;
  for (let at = 8; at + 8 <= bytes.length;) {
    const len = view.getUint32(at);
    if (type(at) === "IDAT") dataBytes += Math.min(len, bytes.length - at - 8);
    at += 12 + len;
  }
  return { format: "png", width, height, components, depth, dataBytes };
}

function jpegHeader(bytes: Uint8Array, source: string): ImageHeader {
  // Walk the markers to the first frame header (SOF0–SOF15 but DHT, JPG, DAC).
  for (let at = 2; at + 4 <= bytes.length;) {
    if (bytes[at] !== 0xff) throw corrupt(source, "its JPEG markers are corrupt", bytes);
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    const len = (bytes[at + 2] << 8) | bytes[at + 3];
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      if (at + 10 > bytes.length) break;
      const height = (bytes[at + 5] << 8) | bytes[at + 6];
      const width = (bytes[at + 7] << 8) | bytes[at + 8];
      const components = bytes[at + 9];
      if (at + 10 + 3 * components > bytes.length) break;
      // Sampling factors: component i covers ⌈w·Hᵢ/Hmax⌉ × ⌈h·Vᵢ/Vmax⌉ pixels.
      const hv = Array.from({ length: components }, (_, i) => bytes[at + 11 + 3 * i]);
      const hs = hv.map((b) => Math.max(1, b >> 4)), vs = hv.map((b) => Math.max(1, b & 15));
      const hMax = Math.max(...hs), vMax = Math.max(...vs);
      const blocks = hs.reduce(
        (sum, hi, i) =>
          sum + Math.ceil(Math.ceil((width * hi) / hMax) / 8) *
            Math.ceil(Math.ceil((height * vs[i]) / vMax) / 8),
        0,
      );
      return {
        format: "jpeg",
        depth: bytes[at + 4],
        height,
        width,
        components,
        dataBytes: bytes.length - at - 2 - len,
        blocks,
      };
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image, or a scan before any frame
    at += 2 + len;
  }
  throw corrupt(source, "it has no JPEG frame header", bytes);
}

/**
 * Reads the width, height and layout an image's header declares, and checks
 * them before anything is allocated: at most {@linkcode MAX_PIXELS}, and
 * enough data to hold that many pixels (a JPEG spends at least one bit on
 * every 8×8 block; deflate expands PNG data at most 1032×).
 *
 * @example
 * ```ts
 * import { encodePng, imageHeader } from "./image.ts";
 * import assert from "node:assert/strict";
 * const png = encodePng({ width: 3, height: 2, data: new Uint8Array(6) });
 * assert.equal(imageHeader(png).width, 3);
 * const huge = png.slice();
 * new DataView(huge.buffer).setUint32(16, 100_000); // claim 100,000 columns
 * assert.throws(() => imageHeader(huge), /too short for 100000x2 pixels/);
 * new DataView(huge.buffer).setUint32(20, 100_000); // and rows
 * assert.throws(() => imageHeader(huge), /too large: 100000x100000 pixels/);
 * ```
 * @throws {SyntaxError} when the bytes are not a JPEG or PNG, or the header is cut, invalid or implausible.
 * @throws {RangeError} when the image is larger than {@linkcode MAX_PIXELS}.
 */
export function imageHeader(bytes: Uint8Array, source = "input"): ImageHeader {
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  if (!isJpeg && !isPng) {
    throw new SyntaxError(
      `Cannot decode ${source} as it is not a JPEG or PNG image: bytes=${bytes.length}`,
    );
  }
  const h = isJpeg ? jpegHeader(bytes, source) : pngHeader(bytes, source);
  if (h.width === 0 || h.height === 0 || h.components === 0) {
    throw corrupt(source, `its header declares an empty image (${h.width}x${h.height})`, bytes);
  }
  if (h.width * h.height > MAX_PIXELS) {
    throw new RangeError(
      `Cannot decode ${source} as the image is too large: ${h.width}x${h.height} pixels, limit ${
        MAX_PIXELS / 1e6
      } megapixels`,
    );
  }
  // Huffman-coded JPEG spends at least one bit on every block's DC coefficient.
  if (h.format === "jpeg" && h.blocks! > 8 * h.dataBytes) {
    throw corrupt(
      source,
      `its data is too short for ${h.width}x${h.height} pixels (${h.dataBytes} bytes after the frame header, at least ${
        Math.ceil(h.blocks! / 8)
      } needed)`,
      bytes,
    );
  }
  if (h.format === "png") {
    const rowBytes = Math.ceil((h.width * h.components * h.depth) / 8);
    if (h.height * (rowBytes + 1) > 1032 * h.dataBytes + 1024) {
      throw corrupt(
        source,
        `its pixel data is too short for ${h.width}x${h.height} pixels (IDAT ${h.dataBytes} bytes)`,
        bytes,
      );
    }
  }
  return h;
}

/**
 * JPEG to gray as Pillow (libjpeg) does: YCbCr → RGB rounded to the nearest
 * integer, then luma. jpeg-js's own RGB output truncates, which darkens every
 * channel by ~0.45 on average (measured on data/flower_image.jpg); converting
 * its raw YCbCr here brings the mean within 0.05 of Pillow's. jpeg-js returns
 * three channels for a one-component (gray) JPEG too, so the header decides.
 */
function jpegGray(bytes: Uint8Array, header: ImageHeader): GrayImage {
  const opts = {
    useTArray: true,
    maxMemoryUsageInMB: 1024,
    maxResolutionInMP: MAX_PIXELS / 1e6,
    // A scan that ends early is an error, as in Pillow (not gray filler for the rest).
    tolerantDecoding: false,
  } as const;
  if (header.components !== 1 && header.components !== 3) {
    // CMYK/YCCK: let jpeg-js convert to RGB.
    const img = jpeg.decode(bytes, { ...opts, formatAsRGBA: true });
    return toGray(img.width, img.height, img.data, 4);
  }
  const raw = jpeg.decode(bytes, { ...opts, formatAsRGBA: false, colorTransform: false });
  const n = raw.width * raw.height;
  const channels = raw.data.length / n;
  const px = raw.data;
  const out = new Uint8Array(n);
  if (header.components === 1) {
    for (let i = 0; i < n; i++) out[i] = px[channels * i];
    return { width: raw.width, height: raw.height, data: out };
  }
  const to8 = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));
  for (let i = 0; i < n; i++) {
    const y = px[3 * i], cb = px[3 * i + 1] - 128, cr = px[3 * i + 2] - 128;
    out[i] = luma(
      to8(y + 1.402 * cr),
      to8(y - 0.344136 * cb - 0.714136 * cr),
      to8(y + 1.772 * cb),
    );
  }
  return { width: raw.width, height: raw.height, data: out };
}

/** Unpacks 1-, 2- or 4-bit samples (one channel, rows padded to a byte), as fast-png leaves them. */
function unpackBits(packed: ArrayLike<number>, width: number, height: number, depth: number) {
  const out = new Uint8Array(width * height);
  const stride = Math.ceil((width * depth) / 8), perByte = 8 / depth, mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = packed[y * stride + Math.floor(x / perByte)];
      out[y * width + x] = (byte >> (8 - depth * (1 + (x % perByte)))) & mask;
    }
  }
  return out;
}

function pngGray(bytes: Uint8Array): GrayImage {
  const img = decodePngRaw(bytes);
  const { width, height, depth, channels } = img;
  if (img.data.length < width * height * channels * Math.min(depth, 8) / 8) {
    throw new Error("pixel data is cut");
  }
  const samples = depth < 8 ? unpackBits(img.data, width, height, depth) : img.data;
  if (img.palette) {
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) {
      const p = img.palette[samples[i]] ?? [0, 0, 0];
      rgb[3 * i] = p[0], rgb[3 * i + 1] = p[1], rgb[3 * i + 2] = p[2];
    }
    return toGray(width, height, rgb, 3);
  }
  const scale = depth === 16 ? 255 / 65535 : depth === 8 ? 1 : 255 / ((1 << depth) - 1);
  return toGray(width, height, samples, channels, scale);
}

/**
 * Decodes JPEG or PNG bytes to 8-bit grayscale. The header is checked first
 * (see {@linkcode imageHeader}), so a forged size fails before any
 * allocation.
 *
 * @example
 * ```ts
 * import { decodeGray, encodePng } from "./image.ts";
 * import assert from "node:assert/strict";
 * const png = encodePng({ width: 2, height: 1, data: new Uint8Array([0, 255]) });
 * assert.deepEqual(Array.from(decodeGray(png).data), [0, 255]);
 * ```
 * @throws {SyntaxError} when the bytes are not a decodable JPEG or PNG.
 * @throws {RangeError} when the image is larger than {@linkcode MAX_PIXELS}.
 */
export function decodeGray(bytes: Uint8Array, source = "input"): GrayImage {
  const header = imageHeader(bytes, source);
  let img: GrayImage;
  try {
    img = header.format === "jpeg" ? jpegGray(bytes, header) : pngGray(bytes);
  } catch (e) {
    const why = oneLine(String((e as Error)?.message ?? e));
    throw new SyntaxError(
      `Cannot decode ${source} as the image is corrupt (${why}): bytes=${bytes.length}`,
    );
  }
  if (img.width !== header.width || img.height !== header.height) {
    throw corrupt(source, `the image is corrupt (decoded ${img.width}x${img.height})`, bytes);
  }
  return img;
}

/** Reads an image file as 8-bit grayscale. Permissions: `--allow-read` on `path`. */
export async function loadGray(path: string): Promise<GrayImage> {
  return decodeGray(await readBytes(path), path);
}

/** Encodes a grayscale image as PNG bytes. */
export function encodePng(img: GrayImage): Uint8Array {
  return encodePngRaw({
    width: img.width,
    height: img.height,
    data: img.data,
    channels: 1,
    depth: 8,
  });
}

/** Encodes an RGBA image (4 bytes a pixel) as PNG bytes. */
export function encodePngRgba(width: number, height: number, rgba: Uint8Array): Uint8Array {
  return encodePngRaw({ width, height, data: rgba, channels: 4, depth: 8 });
}
