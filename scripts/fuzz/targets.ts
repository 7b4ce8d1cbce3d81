/**
 * The fuzz targets: every parser and decoder that reads a user's bytes, each
 * with the shipped (or generated) samples its inputs are mutated from, its
 * dictionary and its structural mutations.
 *
 * @module
 */
import * as XLSX from "xlsx";
import type { Corpus, Structural } from "./mutate.ts";
import type { RandomState } from "../../core/random.ts";
import { parsePoints2D } from "../../core/io/points.ts";
import { parseWholesale } from "../../core/datasets/wholesale.ts";
import { parseSplitTable } from "../../core/datasets/split_table.ts";
import { gunzipIdx, mnistPackageDir, parseIdx } from "../../core/datasets/mnist.ts";
import { parseWorkbook, sheetColumns } from "../../core/io/xlsx.ts";
import { crc32, readZip } from "../../core/io/zip.ts";
import { parseSymbolMap, stockVariations } from "../../core/datasets/stock_quotes.ts";
import { decodeGray, imageHeader } from "../../core/io/image.ts";
import { recipeTargets } from "./command_lines.ts";
import { csvChunks } from "../../core/io/csv_stream.ts";
import { parseNumericCsv } from "../../core/io/numeric_csv.ts";

/** One parser under test. */
export interface Target extends Corpus {
  /** Short name, used in `--target` and in file names. */
  name: string;
  /** What it parses, for the report. */
  what: string;
  /** Runs the parser on one input; throws what the parser throws. */
  run(input: Uint8Array): unknown;
  /** Default number of inputs. @default 10000 */
  inputs?: number;
  /** Bytes the input's header legitimately implies (decoded size), for the memory budget. */
  declared?(input: Uint8Array): number;
}

const text = new TextDecoder();
const encode = (s: string) => new TextEncoder().encode(s);
const ROOT = new URL("../../", import.meta.url);
const read = (path: string) => Deno.readFileSync(new URL(path, ROOT));
const lines = (bytes: Uint8Array, n: number) =>
  encode(text.decode(bytes).split("\n").slice(0, n).join("\n") + "\n");

/** Replaces a random run of digits in the text with a huge or odd number. */
const hugeNumber: Structural = (input, rng) => {
  const s = text.decode(input);
  const runs = [...s.matchAll(/\d+/g)];
  if (runs.length === 0) return undefined;
  const m = runs[rng.interval(runs.length - 1)];
  const values = ["1e308", "1e309", "99999999999999999999", "4294967296", "-0", "0.0000001e-330"];
  const v = values[rng.interval(values.length - 1)];
  return encode(s.slice(0, m.index) + v + s.slice(m.index! + m[0].length));
};

/** Repeats one line many times (a long table), or one cell many times (a wide one). */
const stretch: Structural = (input, rng) => {
  const rows = text.decode(input).split("\n");
  const i = rng.interval(rows.length - 1);
  if (rng.nextDouble() < 0.5) {
    return encode([...rows.slice(0, i), ...Array(2000).fill(rows[i]), ...rows.slice(i)].join("\n"));
  }
  const cell = rows[i].split(",")[0] ?? "1";
  rows[i] = Array(2000).fill(cell).join(",");
  return encode(rows.join("\n"));
};

// ---- IDX -------------------------------------------------------------------

function idx(shape: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, 8, shape.length]);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

/** Sets one header dimension to a huge (or zero) count: "10⁹ images". */
const hugeDimension: Structural = (input, rng) => {
  const ndim = input[3];
  if (input.length < 4 + 4 * ndim || ndim === 0) return undefined;
  const out = input.slice();
  const values = [1e9, 0xffffffff, 0x80000000, 0, 65536, 60001];
  new DataView(out.buffer).setUint32(4 + 4 * rng.interval(ndim - 1), values[rng.interval(5)]);
  return out;
};

/** Sets the number of dimensions to anything. */
const oddRank: Structural = (input, rng) => {
  const out = input.slice();
  out[3] = rng.interval(255);
  return out;
};

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// ---- workbooks -------------------------------------------------------------

/** Small workbook: three symbols' sheets of (date, open, close), seeded values. */
function quoteRows(rng: RandomState, days: number): unknown[][] {
  const rows: unknown[][] = [["date", "open", "close"]];
  for (let t = 0; t < days; t++) {
    const open = 20 + 10 * rng.nextDouble();
    rows.push([`2003-01-${String(1 + t).padStart(2, "0")}`, open, open + rng.nextDouble() - 0.5]);
  }
  return rows;
}

export const SYMBOLS = { TOT: "Total", XOM: "Exxon", CVX: "Chevron" } as const;

function smallWorkbook(rng: RandomState): XLSX.WorkBook {
  const wb = XLSX.utils.book_new();
  for (const s of Object.keys(SYMBOLS)) {
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(quoteRows(rng, 12)), s);
  }
  return wb;
}

const writeXlsx = (wb: XLSX.WorkBook, compression: boolean) =>
  new Uint8Array(XLSX.write(wb, { type: "array", bookType: "xlsx", compression }));

/** A zip of stored (uncompressed) entries, with valid headers and CRCs. */
export function storedZip(files: Map<string, Uint8Array>): Uint8Array {
  const local: Uint8Array[] = [], central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const n = new TextEncoder().encode(name), crc = crc32(data);
    const head = new Uint8Array(30 + n.length), dir = new Uint8Array(46 + n.length);
    const h = new DataView(head.buffer), d = new DataView(dir.buffer);
    h.setUint32(0, 0x04034b50, true), h.setUint16(4, 20, true), h.setUint32(14, crc, true);
    h.setUint32(18, data.length, true), h.setUint32(22, data.length, true);
    h.setUint16(26, n.length, true), head.set(n, 30);
    d.setUint32(0, 0x02014b50, true), d.setUint16(4, 20, true), d.setUint16(6, 20, true);
    d.setUint32(16, crc, true), d.setUint32(20, data.length, true);
    d.setUint32(24, data.length, true), d.setUint16(28, n.length, true);
    d.setUint32(42, offset, true), dir.set(n, 46);
    local.push(head, data), central.push(dir);
    offset += head.length + data.length;
  }
  const cdSize = central.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22), e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true), e.setUint16(8, files.size, true);
  e.setUint16(10, files.size, true), e.setUint32(12, cdSize, true), e.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let at = 0;
  for (const part of [...local, ...central, end]) out.set(part, at), at += part.length;
  return out;
}

/** XML edits of a sheet: a huge claimed range, a far-away cell, a text, boolean or error cell. */
const SHEET_EDITS: ((xml: string) => string)[] = [
  (x) => x.replace(/<dimension ref="[^"]*"/, '<dimension ref="A1:XFD1048576"'),
  (x) => x.replace(/<dimension ref="[^"]*"/, '<dimension ref="A1:C1048576"'),
  (x) =>
    x.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'),
  (x) => x.replace("</sheetData>", '<row r="20"><c r="XFD20"><v>1</v></c></row></sheetData>'),
  (x) => x.replace(/<c r="B3"[^>]*>.*?<\/c>/, '<c r="B3" t="inlineStr"><is><t>x</t></is></c>'),
  (x) => x.replace(/<c r="C4"[^>]*>.*?<\/c>/, '<c r="C4" t="b"><v>1</v></c>'),
  (x) => x.replace(/<c r="B5"[^>]*>.*?<\/c>/, '<c r="B5" t="e"><v>#N/A</v></c>'),
  (x) => x.replace(/<c r="B6"/, '<c r="B99999999999"'),
  (x) => x.replace(/<c r="B7"[^>]*>.*?<\/c>/, '<c r="B7"><v>1e999</v></c>'),
  (x) => x.replace(/<row r="8"/, '<row r="-1"'),
];

/** Mutates the bytes of one entry (XML) of the unzipped workbook and zips it again, CRCs valid. */
function entryMutation(files: Map<string, Uint8Array>): Structural {
  const names = [...files.keys()];
  return (_input, rng, mutate) => {
    const name = names[rng.interval(names.length - 1)];
    let content = files.get(name)!;
    for (let k = rng.interval(3); k >= 0; k--) content = mutate(content);
    return storedZip(new Map(files).set(name, content));
  };
}

/** Applies one sheet edit to the unzipped workbook and zips it again (stored). */
function sheetEdit(files: Map<string, Uint8Array>): Structural {
  return (_input, rng) => {
    const sheets = [...files.keys()].filter((n) => n.startsWith("xl/worksheets/sheet"));
    const name = sheets[rng.interval(sheets.length - 1)];
    const edit = SHEET_EDITS[rng.interval(SHEET_EDITS.length - 1)];
    const copy = new Map(files);
    copy.set(name, encode(edit(text.decode(files.get(name)!))));
    return storedZip(copy);
  };
}

const XLSX_DICTIONARY = [
  "A1:XFD1048576",
  'r="XFD1048576"',
  "<c r=",
  "<v>",
  "</v>",
  't="s"',
  't="e"',
  't="str"',
  "<sheetData/>",
  "<dimension",
  "PK\u0003\u0004",
  "]]>",
  "&amp;",
  "&#0;",
];

// ---- images ----------------------------------------------------------------

/** Sets a JPEG frame's or a PNG header's width and height to large values. */
const hugeImage: Structural = (input, rng) => {
  const out = input.slice();
  const view = new DataView(out.buffer);
  const side = () =>
    [65535, 65500, 20000, 8000, 7072, 7000, 4000, 2000, 500, 64, 1][rng.interval(10)];
  if (out[0] === 0x89) {
    if (out.length < 24) return undefined;
    view.setUint32(16, rng.nextDouble() < 0.2 ? 0x7fffffff : side());
    view.setUint32(20, side());
    return out;
  }
  for (let at = 2; at + 9 < out.length;) {
    const marker = out[at + 1];
    if (marker >= 0xc0 && marker <= 0xc2) {
      view.setUint16(at + 5, side());
      view.setUint16(at + 7, side());
      return out;
    }
    at += 2 + view.getUint16(at + 2);
  }
  return undefined;
};

const JPEG_DICTIONARY = [
  "\xff\xd8",
  "\xff\xc0",
  "\xff\xc2",
  "\xff\xc4",
  "\xff\xda",
  "\xff\xdd",
  "\xff\xd9",
];
const PNG_DICTIONARY = ["IHDR", "IDAT", "IEND", "PLTE", "tRNS", "\u0000\u0000\u0000\u0000"];

function corpusImages(ext: string): Uint8Array[] {
  const dir = new URL("corpus/", import.meta.url);
  return [...Deno.readDirSync(dir)]
    .filter((f) => f.name.endsWith(ext))
    .map((f) => f.name)
    .sort()
    .map((name) => Deno.readFileSync(new URL(name, dir)));
}

/** Decoded bytes an image's header declares (0 when the header is invalid). */
function declaredPixels(input: Uint8Array): number {
  try {
    const h = imageHeader(input);
    return h.width * h.height * 4;
  } catch {
    return 0;
  }
}

/** What a gzip stream says it holds (its trailer's size, mod 2³²). */
const gzipSize = (b: Uint8Array) =>
  b.length < 4 ? 0 : new DataView(b.buffer, b.byteOffset + b.length - 4).getUint32(0, true);

// ---- the targets -----------------------------------------------------------

/** Every target, with its samples loaded. Permissions: read on data/, the corpus and MNIST's package. */
export async function targets(rng: RandomState): Promise<Target[]> {
  const multivar = read("data/data_multivar.txt"), perf = read("data/data_perf.txt");
  const wholesale = read("data/wholesale.csv");
  const classification = lines(read("data/classification.csv"), 24);
  const mnist = mnistPackageDir();
  const labels = Deno.readFileSync(`${mnist}/t10k-labels-idx1-ubyte`);
  const images = Deno.readFileSync(`${mnist}/t10k-images-idx3-ubyte`);
  const smallImages = idx([6, 28, 28], images.subarray(16, 16 + 6 * 784));
  const smallLabels = idx([6], labels.subarray(8, 14));
  const idxSamples = [
    smallImages,
    smallLabels,
    idx([300], labels.subarray(8, 308)),
    idx([2, 3], new Uint8Array(6)),
  ];
  // Gzipped: the small sets, a header claiming 10⁹ images, and one with 64 kB past its size.
  const claims = smallImages.slice();
  new DataView(claims.buffer).setUint32(4, 1e9);
  const long = idx([2], new Uint8Array(65536));
  const gzSamples = await Promise.all([smallImages, smallLabels, claims, long].map(gzip));
  const book = (compression: boolean) => writeXlsx(smallWorkbook(rng), compression);
  const xlsxSamples = [book(true), book(false)];
  const unzipped = await readZip(xlsxSamples[0]);
  const quotes = await parseWorkbook(xlsxSamples[0], "quotes.xlsx");
  const symbolMaps = [read("data/symbol_map.json"), encode(JSON.stringify(SYMBOLS, null, 2))];
  const jpegs = [...corpusImages(".jpg")];
  const pngs = [...corpusImages(".png")];
  const flower = read("data/flower_image.jpg");
  return [
    {
      name: "points",
      what: "numeric CSV/text: x,y points (parsePoints2D)",
      samples: [multivar, perf, lines(perf, 5)],
      dictionary: ["1.5", "-2e3", ".5", "5.", "+1", "1,2", "1;2"],
      structural: [hugeNumber, stretch],
      run: (b) => parsePoints2D(text.decode(b), "points.txt"),
    },
    {
      name: "wholesale",
      what: "the wholesale CSV (parseWholesale)",
      samples: [wholesale, lines(wholesale, 6)],
      dictionary: ["Channel", "Region", "Fresh", "Milk", "Grocery"],
      structural: [hugeNumber, stretch],
      run: (b) => parseWholesale(text.decode(b), "wholesale.csv"),
    },
    {
      name: "split-table",
      what: "the train/test CSV (parseSplitTable)",
      samples: [classification, lines(classification, 6)],
      dictionary: ["split", "train", "test", "y", "x0", "2", "-1", "0.5"],
      structural: [hugeNumber, stretch],
      run: (b) => parseSplitTable(text.decode(b), { source: "classification.csv" }),
    },
    {
      name: "idx",
      what: "IDX tensors (parseIdx)",
      samples: idxSamples,
      structural: [hugeDimension, oddRank],
      run: (b) => parseIdx(b, "images-idx3-ubyte"),
    },
    {
      name: "idx-gz",
      what: "gzipped IDX (gunzipIdx)",
      samples: gzSamples,
      declared: gzipSize,
      run: (b) => gunzipIdx(b, "images-idx3-ubyte.gz"),
    },
    {
      name: "xlsx",
      what: "workbooks (parseWorkbook, sheetColumns)",
      samples: xlsxSamples,
      dictionary: XLSX_DICTIONARY,
      structural: [sheetEdit(unzipped), entryMutation(unzipped), entryMutation(unzipped)],
      run: async (b) => {
        const wb = await parseWorkbook(b, "quotes.xlsx");
        for (const s of wb.sheetNames) sheetColumns(wb, s, ["open", "close"]);
      },
    },
    {
      name: "symbol-map",
      what: "the symbol-map JSON (parseSymbolMap, stockVariations)",
      samples: symbolMaps,
      dictionary: ['"TOT"', '"XOM"', '"CVX"', "{", "}", "[", "]", ":", "null", "true", "1e999"],
      run: (b) => stockVariations(parseSymbolMap(text.decode(b), "symbols.json"), quotes),
    },
    {
      name: "jpeg",
      what: "JPEG images (decodeGray)",
      samples: [...jpegs, flower],
      dictionary: JPEG_DICTIONARY,
      structural: [hugeImage],
      declared: declaredPixels,
      run: (b) => decodeGray(b, "image.jpg"),
    },
    {
      name: "png",
      what: "PNG images (decodeGray)",
      samples: pngs,
      dictionary: PNG_DICTIONARY,
      structural: [hugeImage],
      declared: declaredPixels,
      run: (b) => decodeGray(b, "image.png"),
    },
    {
      name: "csv-stream",
      what: "numeric CSV streamed in pieces (csvChunks), checked against parseNumericCsv",
      samples: [multivar, lines(perf, 40), lines(wholesale, 12), classification, CSV_QUOTED],
      dictionary: ['"', '""', "\r\n", "\r", "\n\n", ",", "nan", "-Infinity", "1e309", "\u00e9"],
      structural: [hugeNumber, stretch],
      run: csvStreamCheck,
    },
    ...recipeTargets(),
  ];
}

// ---- streamed CSV ------------------------------------------------------------

const CSV_QUOTED = encode('"a","b ""q"""\r\n"1",2\r\n3,"4"\r\n\r\n5, 6\r\n');

/**
 * Streams the bytes to `csvChunks` in uneven pieces (1 to 4096 bytes, so
 * cuts fall inside cells, quotes, line ends and UTF-8 sequences) with small
 * chunks; a header when the first cell starts with a letter or a quote.
 * Without quotes in the input, the values and the error must be
 * parseNumericCsv's (a difference throws an untyped Error: a failure).
 */
async function csvStreamCheck(b: Uint8Array): Promise<void> {
  const header = /^\s*["A-Za-z]/.test(text.decode(b.subarray(0, 64)));
  const sizes = [1, 7, 64, 3, 4096, 2];
  async function* pieces() {
    for (let at = 0, s = 0; at < b.length; s++) {
      const size = sizes[s % sizes.length];
      yield b.subarray(at, at + size);
      at += size;
    }
  }
  const got: number[] = [];
  let error: Error | undefined;
  try {
    for await (const X of csvChunks(pieces(), { header, chunkRows: 5, source: "stream.csv" })) {
      for (const v of X.data) got.push(v);
    }
  } catch (e) {
    error = e as Error;
  }
  if (!b.includes(34)) {
    let want: number[] | undefined, wantError: Error | undefined;
    try {
      want = Array.from(parseNumericCsv(text.decode(b), { header, source: "stream.csv" }).X.data);
    } catch (e) {
      wantError = e as Error;
    }
    const same = error
      ? wantError?.name === error.name && wantError.message === error.message
      : !wantError && want!.length === got.length && want!.every((v, i) => Object.is(v, got[i]));
    if (!same) {
      throw new Error(
        `csvChunks differs from parseNumericCsv: ${error?.message ?? got.length} vs ${
          wantError?.message ?? want?.length
        }`,
      );
    }
  }
  if (error) throw error;
}
