/**
 * `deno task fuzz`: its 300-input smoke run, its judge (scripts/fuzz/check.ts),
 * and one regression test for each failure the fuzzer (or building its
 * corpus) found.
 */
import assert from "node:assert/strict";
import * as XLSX from "xlsx";
import { runTask } from "./_recipes.ts";
import { check, template } from "../scripts/fuzz/check.ts";
import { generate } from "../scripts/fuzz/mutate.ts";
import { storedZip } from "../scripts/fuzz/targets.ts";
import { runJobs } from "../scripts/fuzz/jobs.ts";
import { UsageError } from "../core/cli.ts";
import { intFlag, parseCli } from "../core/cli.ts";
import { decodeGray, encodePng } from "../core/io/image.ts";
import { parseWorkbook, sheetColumns } from "../core/io/xlsx.ts";
import { readZip } from "../core/io/zip.ts";
import { parseSymbolMap } from "../core/datasets/stock_quotes.ts";
import { parseSplitTable } from "../core/datasets/split_table.ts";
import { gunzipIdx, parseIdx } from "../core/datasets/mnist.ts";

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f]/;

const oneLine = (e: unknown) => {
  assert.ok(e instanceof Error);
  assert.match(e.message, /^Cannot /);
  assert.ok(
    !CONTROL.test(e.message),
    `control character in ${JSON.stringify(e.message)}`,
  );
  return true;
};

/** Rejects within `ms` milliseconds with a one-line "Cannot …" error matching `re`. */
async function rejectsFast(f: () => unknown, re: RegExp, ms = 1000) {
  const t0 = performance.now();
  await assert.rejects(async () => await f(), (e) => oneLine(e) && re.test((e as Error).message));
  assert.ok(performance.now() - t0 < ms, `took ${performance.now() - t0} ms`);
}

Deno.test("deno task fuzz --inputs 300: every target runs, none fails, each accepts and rejects", async () => {
  const { code, stdout, stderr } = await runTask("fuzz", [
    "--inputs",
    "300",
    "--json",
    "--seed",
    "5",
  ]);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout);
  assert.deepEqual(report.failures, []);
  const names = report.targets.map((t: { name: string }) => t.name);
  for (
    const n of [
      "points",
      "wholesale",
      "split-table",
      "idx",
      "idx-gz",
      "xlsx",
      "symbol-map",
      "jpeg",
      "png",
    ]
  ) assert.ok(names.includes(n), n);
  // One command-line target per recipe file.
  const recipes = [...Deno.readDirSync(new URL("../recipes", import.meta.url))]
    .filter((e) => e.isFile && e.name.endsWith(".ts")).length;
  assert.equal(names.filter((n: string) => n.startsWith("cli-")).length, recipes);
  for (const t of report.targets) {
    assert.equal(t.inputs, 300, t.name);
    const rejected = Object.values(t.kinds as Record<string, number>).reduce((a, b) => a + b, 0);
    assert.ok(rejected > 0, `${t.name} rejected nothing`);
    if (t.name !== "idx-gz") assert.ok(t.accepted > 0, `${t.name} accepted nothing`);
  }
});

Deno.test("fuzz judge: typed errors pass; other exceptions, slow inputs and bad messages fail", async () => {
  const target = (run: () => unknown) => ({
    name: "t",
    what: "t",
    samples: [new Uint8Array(1)],
    run,
  });
  const input = new Uint8Array(4);
  assert.equal((await check(target(() => 1), input)).kind, "accepted");
  const typed = await check(target(() => intFlag("x", "k", 1, 9)), input);
  assert.equal(typed.failure, undefined);
  assert.equal(typed.kind, "UsageError: Cannot run as --k must be an integer in [N, N]");
  assert.equal(
    (await check(target(() => (undefined as unknown as string).length), input)).failure,
    "crash",
  );
  assert.equal(
    (await check(
      target(() => {
        throw new Error("Cannot x");
      }),
      input,
    )).failure,
    "crash",
  );
  assert.equal(
    (await check(
      target(() => {
        throw new RangeError("Cannot x as\ny");
      }),
      input,
    )).failure,
    "crash",
  );
  const slow = await check(target(() => new Promise((r) => setTimeout(r, 1100))), input);
  assert.equal(slow.failure, "slow");
  assert.equal(
    template('Cannot read sheet TOT of a.xlsx as row 12, column "open" is not a number: "x"'),
    'Cannot read sheet TOT of a.xlsx as row N, column "…" is not a number',
  );
});

Deno.test("fuzz inputs are a function of (seed, target, index) alone", () => {
  const corpus = { samples: [new TextEncoder().encode("1,2\n3,4\n")] };
  assert.deepEqual(generate(corpus, 3, "points", 17), generate(corpus, 3, "points", 17));
  assert.notDeepEqual(
    generate(corpus, 3, "points", 17).bytes,
    generate(corpus, 4, "points", 17).bytes,
  );
});

// ---- regressions: one per failure found -------------------------------------

Deno.test("regression (fuzz xlsx #35): a mutated 176-byte workbook sent SheetJS's zip reader into an endless loop", async () => {
  const bytes = Deno.readFileSync(
    new URL("./fixtures/fuzz/xlsx_sheetjs_hang.bin", import.meta.url),
  );
  await rejectsFast(
    () => parseWorkbook(bytes, "cut.xlsx"),
    /cut\.xlsx as its zip directory is missing/,
  );
});

Deno.test("regression (fuzz xlsx #1128): a cell of unknown type made SheetJS throw a bare Error", async () => {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(
    wb,
    XLSX.utils.aoa_to_sheet([["open", "close"], [1, 2], [3, 4]]),
    "TOT",
  );
  const files = await readZip(new Uint8Array(XLSX.write(wb, { type: "array", bookType: "xlsx" })));
  const sheet = new TextDecoder().decode(files.get("xl/worksheets/sheet1.xml"));
  const edited = sheet.replace(/<c r="A2"/, '<c r="A2" t="tr"');
  assert.notEqual(edited, sheet);
  files.set("xl/worksheets/sheet1.xml", new TextEncoder().encode(edited));
  const book = await parseWorkbook(storedZip(files), "odd.xlsx");
  assert.throws(
    () => sheetColumns(book, "TOT", ["open", "close"]),
    (e) =>
      oneLine(e) && e instanceof SyntaxError &&
      /sheet TOT of odd\.xlsx as a cell is corrupt/.test(e.message),
  );
});

Deno.test("regression: a symbol named __proto__ found Object.prototype as its sheet", async () => {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([["open", "close"], [1, 2]]), "TOT");
  const book = await parseWorkbook(
    new Uint8Array(XLSX.write(wb, { type: "array", bookType: "xlsx" })),
    "q.xlsx",
  );
  assert.throws(
    () => sheetColumns(book, "__proto__", ["open", "close"]),
    /has no sheet "__proto__"/,
  );
  assert.throws(() => sheetColumns(book, "toString", ["open", "close"]), /has no sheet "toString"/);
});

Deno.test("regression (fuzz symbol-map #10): JSON errors quoting a newline were two lines", () => {
  assert.throws(() => parseSymbolMap('{"KO": "Coca\n Cola" x}', "s.json"), oneLine);
  assert.throws(
    () => parseSymbolMap('{"KO": 1, "PEP": "Pepsi"}', "s.json"),
    /name must be a string/,
  );
});

Deno.test("regression (fuzz cli-kmeans #257): a flag value with a newline made a two-line error", () => {
  const cli = {
    name: "demo",
    summary: "Demo.",
    command: "deno run demo.ts",
    flags: { k: { type: "string" as const, description: "k" } },
  };
  const args = parseCli(cli, ["--k", "10\nrm -rf"])!;
  assert.throws(
    () => intFlag(String(args.flags.k), "k", 1, 9),
    (e) => oneLine(e) && e instanceof UsageError && e.message.endsWith('--k="10\\nrm -rf"'),
  );
  assert.throws(() => parseCli(cli, ["--k\u0007"]), oneLine);
});

Deno.test("regression (fuzz split-table #6706): a quoted header cell with a newline made a two-line error", () => {
  assert.throws(() => parseSplitTable('"a\nb",y\n1,0\n'), oneLine);
});

// Pillow's convert("L") of each corpus file (scripts/fuzz/make_corpus.py).
const PIL = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/pil_corpus_gray.json", import.meta.url)),
) as Record<string, { width: number; height: number; mean: number }>;
const corpus = (name: string) =>
  Deno.readFileSync(new URL(`../scripts/fuzz/corpus/${name}`, import.meta.url));
const mean = (d: Uint8Array) => d.reduce((a, b) => a + b, 0) / d.length;

Deno.test("regressions (fuzz corpus): gray and CMYK JPEGs were read as YCbCr, 1-bit PNGs as packed bytes", () => {
  // Before: gray.jpg 177.76, cmyk.jpg 173.66, bilevel.png 7.20 against Pillow's 194.53, 194.57, 195.38.
  for (const [name, ref] of Object.entries(PIL)) {
    const img = decodeGray(corpus(name), name);
    assert.equal(img.width, ref.width, name);
    assert.equal(img.height, ref.height, name);
    // JPEG decoders differ by their IDCT's rounding; PNG is exact.
    const tol = name.endsWith(".png") ? 1e-9 : 0.2;
    assert.ok(
      Math.abs(mean(img.data) - ref.mean) <= tol,
      `${name}: ${mean(img.data)} vs ${ref.mean}`,
    );
  }
});

function forgeJpegSize(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const out = bytes.slice(), view = new DataView(out.buffer);
  for (let at = 2; at + 9 < out.length; at += 2 + view.getUint16(at + 2)) {
    if (out[at + 1] >= 0xc0 && out[at + 1] <= 0xc2) {
      view.setUint16(at + 5, height);
      view.setUint16(at + 7, width);
      return out;
    }
  }
  throw new Error("no frame header");
}

Deno.test("regression (fuzz jpeg): a 938-byte JPEG claiming 2000x2000 took 400 ms and 600 MB before failing", async () => {
  const forged = forgeJpegSize(corpus("progressive_444.jpg"), 2000, 2000);
  await rejectsFast(
    () => decodeGray(forged, "f.jpg"),
    /f\.jpg as its data is too short for 2000x2000 pixels/,
    50,
  );
  const huge = forgeJpegSize(corpus("baseline_420.jpg"), 65535, 65535);
  await rejectsFast(() => decodeGray(huge, "h.jpg"), /too large: 65535x65535 pixels/, 50);
});

Deno.test("a PNG header claiming more pixels than its data can hold fails before decoding", async () => {
  const png = encodePng({ width: 64, height: 64, data: new Uint8Array(64 * 64) });
  const forged = png.slice();
  new DataView(forged.buffer).setUint32(16, 7000);
  new DataView(forged.buffer).setUint32(20, 7000);
  await rejectsFast(() => decodeGray(forged, "f.png"), /pixel data is too short for 7000x7000/, 50);
});

Deno.test("IDX headers claiming 10^9 images fail fast, plain or gzipped", async () => {
  const idx = new Uint8Array(16 + 784 * 2);
  idx.set([0, 0, 8, 3]);
  const view = new DataView(idx.buffer);
  view.setUint32(4, 1e9), view.setUint32(8, 28), view.setUint32(12, 28);
  await rejectsFast(
    () => parseIdx(idx, "x.idx"),
    /truncated: bytes=1584, expected=784000000016/,
    50,
  );
  const gz = new Uint8Array(
    await new Response(new Blob([idx]).stream().pipeThrough(new CompressionStream("gzip")))
      .arrayBuffer(),
  );
  await rejectsFast(
    () => gunzipIdx(gz, "x.gz"),
    /header declares 784000000016 bytes but the gzip holds 1584/,
    200,
  );
  // A stream longer than its header: stopped as soon as it passes the declared size.
  const long = new Uint8Array(9 + 10_000_000);
  long.set([0, 0, 8, 1, 0, 0, 0, 1]);
  const lgz = new Uint8Array(
    await new Response(new Blob([long]).stream().pipeThrough(new CompressionStream("gzip")))
      .arrayBuffer(),
  );
  await assert.rejects(gunzipIdx(lgz, "l.gz"), /declares 9 bytes but the gzip holds 10000009/);
});

Deno.test("fuzz driver: an input that hangs or kills the worker is reported, skipped, and the run goes on", async () => {
  const worker = new URL("./fixtures/fuzz/misbehaving_worker.ts", import.meta.url);
  const seen: Record<string, number[]> = { hang: [], die: [] };
  const lost: string[] = [];
  const jobs = ["hang", "die"].map((target) => ({ target, from: 0, to: 8, skip: [] }));
  await runJobs(worker, 0, jobs, 300, (job, b) => {
    seen[job.target].push(...b.results.map((r) => r.index));
  }, (job, index, why) => lost.push(`${job.target} #${index} ${why.split(":")[0]}`));
  assert.deepEqual(lost, ["hang #3 hang", "die #5 crash"]);
  assert.deepEqual(seen.hang, [0, 1, 2, 4, 5, 6, 7]);
  assert.deepEqual(seen.die, [0, 1, 2, 3, 4, 6, 7]);
  await assert.rejects(
    runJobs(worker, 0, [{ target: "broken", from: 0, to: 1, skip: [] }], 300, () => {}, () => {}),
    /worker failed to start/,
  );
});

Deno.test("deno task fuzz --index saves the input, and --replay of that file gives the same outcome", async () => {
  const one = await runTask("fuzz", ["--target", "png", "--seed", "9", "--index", "41", "--json"]);
  assert.equal(one.code, 0, one.stderr);
  const a = JSON.parse(one.stdout);
  const saved = "out/fuzz/png-seed9-41.bin";
  assert.ok(Deno.statSync(saved).size > 0);
  const again = await runTask("fuzz", ["--target", "png", "--replay", saved, "--json"]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).outcome.kind, a.outcome.kind);
  const bad = await runTask("fuzz", ["--target", "nope"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /fuzz: error: Cannot run as --target must be among points, /);
});
