/** core/io: numeric CSV, images, files. */
import assert from "node:assert/strict";
import { loadNumericCsv, parseNumericCsv } from "../core/io/numeric_csv.ts";
import { decodeGray, encodePng, loadGray, luma } from "../core/io/image.ts";
import { readBytes, readJson, writeAtomic } from "../core/io/files.ts";
import { loadPoints2D } from "../core/io/points.ts";
import { fixture } from "./_recipes.ts";

Deno.test("numeric CSV: values, header, column selection, blank lines", () => {
  const { X, names } = parseNumericCsv("a, b ,c\n1,2,3\n\n4,5e-1,-6\n", {
    header: true,
    columns: ["c", 0],
  });
  assert.deepEqual(names, ["c", "a"]);
  assert.deepEqual([X.rows, X.cols], [2, 2]);
  assert.deepEqual(Array.from(X.data), [3, 1, -6, 4]);
});

Deno.test("numeric CSV: every error names the line and column", () => {
  const cases: [string, string, string][] = [
    ["1,2\n3,x\n", "SyntaxError", 'Cannot parse t.csv as line 2, column 2 is not a number: "x"'],
    ["1,2\n3\n", "SyntaxError", "Cannot parse t.csv as line 2 has 1 cells, expected 2: line=2"],
    ["1,2\n3,NaN\n", "RangeError", 'Cannot use t.csv as line 2, column 2 is not finite: "NaN"'],
    ["1,2\n,4\n", "SyntaxError", 'Cannot parse t.csv as line 2, column 1 is not a number: ""'],
    [
      "1,Infinity\n",
      "RangeError",
      'Cannot use t.csv as line 1, column 2 is not finite: "Infinity"',
    ],
    ["\n\n", "RangeError", "Cannot parse t.csv as it has no data rows: rows=0"],
  ];
  for (const [text, name, message] of cases) {
    assert.throws(() => parseNumericCsv(text, { source: "t.csv" }), { name, message });
  }
  assert.throws(
    () => parseNumericCsv("a\n1\n", { header: true, columns: ["z"] }),
    /column is missing/,
  );
});

Deno.test("loading files: missing, empty, wrong width", async () => {
  await assert.rejects(loadNumericCsv("out/test-fixtures/nope.csv"), {
    name: "NotFound",
    message: /out\/test-fixtures\/nope\.csv/,
  });
  const empty = fixture("io-empty.csv", "");
  await assert.rejects(loadNumericCsv(empty), /file is empty/);
  const three = fixture("io-three.csv", "1,2,3\n");
  await assert.rejects(loadPoints2D(three), { name: "RangeError", message: /must have 2 columns/ });
});

Deno.test("luma rounds as Pillow's convert('L')", () => {
  // (r·19595 + g·38470 + b·7471 + 2¹⁵) >> 16
  assert.equal(luma(255, 0, 0), 76);
  assert.equal(luma(0, 255, 0), 150);
  assert.equal(luma(0, 0, 255), 29);
  assert.equal(luma(255, 255, 255), 255);
  assert.equal(luma(0, 0, 0), 0);
});

Deno.test("PNG round trip of a gray image", () => {
  const img = { width: 3, height: 2, data: Uint8Array.from([0, 1, 2, 128, 254, 255]) };
  const back = decodeGray(encodePng(img));
  assert.deepEqual([back.width, back.height], [3, 2]);
  assert.deepEqual(back.data, img.data);
});

Deno.test("the shipped JPEG decodes close to Pillow's grayscale", async () => {
  const ref = JSON.parse(
    Deno.readTextFileSync(new URL("./fixtures/pil_flower_gray.json", import.meta.url)),
  );
  const img = await loadGray("data/flower_image.jpg");
  assert.deepEqual([img.width, img.height], [ref.width, ref.height]);
  const hist = new Array(256).fill(0);
  let sum = 0;
  for (const v of img.data) (hist[v]++), (sum += v);
  // Different IDCTs (jpeg-js vs libjpeg) move a few pixels by one level.
  assert.ok(Math.abs(sum / img.data.length - ref.mean) < 0.1, `mean ${sum / img.data.length}`);
  const l1 = hist.reduce((a, h, i) => a + Math.abs(h - ref.histogram[i]), 0);
  assert.ok(l1 / img.data.length < 0.02, `histogram L1 ${l1 / img.data.length}`);
});

Deno.test("a file that is not an image, and a corrupt one, fail clearly", () => {
  assert.throws(() => decodeGray(new TextEncoder().encode("1,2\n"), "a.txt"), {
    name: "SyntaxError",
    message: "Cannot decode a.txt as it is not a JPEG or PNG image: bytes=4",
  });
  const png = encodePng({ width: 4, height: 4, data: new Uint8Array(16) });
  assert.throws(() => decodeGray(png.slice(0, 30), "cut.png"), {
    name: "SyntaxError",
    message: "Cannot decode cut.png as its PNG header is cut: bytes=30",
  });
  assert.throws(() => decodeGray(png.slice(0, png.length - 14), "cut.png"), {
    name: "SyntaxError",
    message: /^Cannot decode cut\.png as the image is corrupt/,
  });
  const jpg = Deno.readFileSync("data/flower_image.jpg");
  assert.throws(() => decodeGray(jpg.slice(0, 200), "cut.jpg"), /cut\.jpg as it has no JPEG frame/);
  assert.throws(
    () => decodeGray(jpg.slice(0, 100000), "cut.jpg"),
    /cut\.jpg as the image is corrupt/,
  );
});

Deno.test("writeAtomic writes through a temporary file; readJson names bad JSON", async () => {
  const path = "out/test-fixtures/atomic/a.json";
  await writeAtomic(path, '{"a": 1}');
  assert.deepEqual(await readJson(path), { a: 1 });
  const left = [...Deno.readDirSync("out/test-fixtures/atomic")].map((e) => e.name);
  assert.deepEqual(left, ["a.json"]); // no temporary file left behind
  await writeAtomic(path, "{oops");
  await assert.rejects(readJson(path), { name: "SyntaxError", message: /a\.json/ });
  assert.equal((await readBytes(path)).length, 5);
});

Deno.test("parseNumericCsv: values beyond ±1e150, a header of numbers, a binary cell cut to 60 characters", () => {
  // Each was read: squared distances of 1e308 were Infinity (a figure of an
  // infinite inertia), a header-less file lost its first row to the names.
  assert.throws(() => parseNumericCsv("1,2\n1e308,5\n"), {
    name: "RangeError",
    message:
      'Cannot use input as line 2, column 1 is beyond ±1e+150, where squared distances overflow: "1e308"',
  });
  assert.equal(parseNumericCsv("1e150,-1e150\n").X.data[1], -1e150);
  assert.throws(() => parseNumericCsv("\n12669,9656\n7057,9810\n", { header: true }), {
    name: "SyntaxError",
    message:
      'Cannot parse input as its header must name the columns, not hold numbers: line 2 = "12669,9656"',
  });
  // Increasing numbers are names: pandas' column numbers, years, wavelengths.
  assert.deepEqual(parseNumericCsv("0,1\n3,4\n", { header: true }).names, ["0", "1"]);
  assert.deepEqual(parseNumericCsv("2019,2020\n3,4\n", { header: true }).names, ["2019", "2020"]);
  const noise = "\u0000\u00ff".repeat(500);
  assert.throws(
    () => parseNumericCsv(`${noise}\n`),
    (e: Error) => /…"$/.test(e.message) && e.message.length < 400,
  );
});
