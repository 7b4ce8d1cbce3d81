/**
 * core/io/csv_stream.ts: the streaming reader gives parseNumericCsv's
 * values and errors whatever the piece boundaries, and a CSV streamed from
 * disk into MiniBatchKMeans.partialFit gives the centres of the same loop in
 * memory (and scikit-learn 1.2.1's, from tests/fixtures/sklearn_minibatch_kmeans.json).
 * Writes one temporary file under out/ (`--allow-write=out`, as `deno task test`).
 */
import assert from "node:assert/strict";
import { CsvChunker, csvChunks } from "../core/io/csv_stream.ts";
import { parseNumericCsv } from "../core/io/numeric_csv.ts";
import { MiniBatchKMeans } from "../core/cluster/minibatch_kmeans.ts";
import { type Matrix, matrix } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";
import { assertClose } from "./_assert.ts";

/** The fixture's blobs: X[i] = C[i % m] + std·randn(n, d)[i] (as minibatch_kmeans_test.ts). */
function makeBlobSet(s: { seed: number; n: number; std: number; centers: number[][] }): Matrix {
  const C = s.centers, d = C[0].length;
  const g = new RandomState(s.seed).randn(s.n * d);
  const X = matrix(s.n, d);
  for (let i = 0; i < s.n; i++) {
    for (let j = 0; j < d; j++) X.data[i * d + j] = C[i % C.length][j] + s.std * g[i * d + j];
  }
  return X;
}

/** Every chunk's values, concatenated, and the chunk sizes. */
function parseInPieces(text: string, cuts: number[], options = {}) {
  const p = new CsvChunker({ chunkRows: 2, ...options });
  const out: Matrix[] = [];
  let from = 0;
  for (const c of [...cuts, text.length]) {
    out.push(...p.push(text.slice(from, c)));
    from = c;
  }
  out.push(...p.end());
  const data: number[] = out.flatMap((m) => Array.from(m.data));
  return { data, rows: out.map((m) => m.rows), names: p.names };
}

const TEXTS: [string, Record<string, unknown>][] = [
  ["1,2\n3,4\n", {}],
  ["x,y\r\n1.5, -2e3\r\n\r\n.5,5.\r\n+1,7", { header: true }],
  ['"a","b ""q"""\n"1",2\n3,"4"\r5,6\n', { header: true }],
  ['a,b,c\n1,x,3\n4,"y\nz",6\n', { header: true, columns: ["c", "a"] }],
  ["\n\n1\n\n2\n3\n\n", {}],
  ["\uFEFF1,2\n3,4", { columns: [1] }],
];

Deno.test("CsvChunker equals parseNumericCsv wherever the text is cut", async (t) => {
  for (const [text, options] of TEXTS) {
    await t.step(JSON.stringify(text), () => {
      const want = parseNumericCsv(text, options);
      const whole = parseInPieces(text, [], options);
      assert.deepEqual(whole.data, Array.from(want.X.data));
      assert.deepEqual(whole.names, want.names);
      assert.equal(whole.rows.reduce((a, b) => a + b, 0), want.X.rows);
      assert.ok(whole.rows.every((r, i) => r === 2 || i === whole.rows.length - 1));
      for (let a = 0; a <= text.length; a++) {
        for (let b = a; b <= text.length; b += 3) {
          assert.deepEqual(parseInPieces(text, [a, b], options).data, whole.data, `cut ${a},${b}`);
        }
      }
    });
  }
});

Deno.test("CsvChunker's errors are parseNumericCsv's, with the line number", async (t) => {
  const bad: [string, Record<string, unknown>][] = [
    ["1,2\n3,x\n", {}],
    ["1,2\n\n3,nan\n", {}],
    ["1,2\n3,Infinity\n", {}],
    ["1,2\n3,4,5\n", {}],
    ["1,2\n3\n", {}],
    ["1,\n", {}],
    ["a,b\n", { header: true }],
    ["a,b\n1,2\n", { header: true, columns: ["c"] }],
    ["1,2\n3,1e151\n", {}],
    ["1,2\n-2e300,4\n", {}],
    ["12,5.5\n1,2\n", { header: true }],
    [`1,${"\u0001x".repeat(100)}\n`, {}],
  ];
  for (const [text, options] of bad) {
    await t.step(JSON.stringify(text), () => {
      let want: Error | undefined;
      try {
        parseNumericCsv(text, options);
      } catch (e) {
        want = e as Error;
      }
      assert.ok(want, "parseNumericCsv accepts it");
      for (let cut = 0; cut <= text.length; cut++) {
        assert.throws(() => parseInPieces(text, [cut], options), {
          name: want.name,
          message: want.message,
        });
      }
    });
  }
  await t.step("unterminated quote", () => {
    assert.throws(() => parseInPieces('1,2\n3,"4\n5,6\n', []), {
      name: "SyntaxError",
      message: "Cannot parse input as line 2 has an unterminated quoted cell: line=2",
    });
  });
  await t.step("chunkRows 0", () => {
    assert.throws(() => new CsvChunker({ chunkRows: 0 }), {
      name: "RangeError",
      message: "Cannot read CSV chunks as chunkRows must be an integer >= 1: chunkRows=0",
    });
  });
});

Deno.test("csvChunks names the file and the line; a missing file is one line", async () => {
  await assert.rejects(
    async () => {
      for await (const _ of csvChunks("out/no-such-file.csv")) { /* nothing */ }
    },
    {
      name: "NotFound",
      message: "Cannot read the file as it does not exist: path=out/no-such-file.csv",
    },
  );
  const stream = new Blob(["1,2\n3,4\n5,6,7\n"]).stream();
  const seen: number[] = [];
  await assert.rejects(
    async () => {
      for await (const X of csvChunks(stream, { chunkRows: 1 })) seen.push(X.rows);
    },
    {
      name: "SyntaxError",
      message: "Cannot parse input as line 3 has 3 cells, expected 2: line=3",
    },
  );
  assert.deepEqual(seen, [1, 1]); // the good rows came out before the error
});

Deno.test("a CSV streamed from disk gives the centres of the same partialFit loop in memory", async () => {
  const sk = JSON.parse(
    Deno.readTextFileSync(new URL("./fixtures/sklearn_minibatch_kmeans.json", import.meta.url)),
  );
  const c = sk.cases.find((c: { partial?: boolean }) => c.partial); // 20 chunks of 100 rows
  const X = makeBlobSet(sk.sets[c.data]);
  const chunkRows = c.chunks[0];
  assert.ok(c.chunks.every((s: number) => s === chunkRows));
  await Deno.mkdir("out", { recursive: true });
  const path = `out/csv_stream_test_${Deno.pid}.csv`;
  const lines = ["x0,x1,x2"];
  for (let i = 0; i < X.rows; i++) {
    lines.push(Array.from(X.data.subarray(i * 3, i * 3 + 3)).join(","));
  }
  Deno.writeTextFileSync(path, lines.join("\n") + "\n");
  try {
    const params = { nClusters: c.params.n_clusters, randomState: c.params.random_state };
    const streamed = new MiniBatchKMeans(params);
    let chunks = 0;
    for await (const chunk of csvChunks(path, { header: true, chunkRows })) {
      streamed.partialFit(chunk);
      chunks++;
    }
    const inMemory = new MiniBatchKMeans(params);
    for (let s = 0; s < X.rows; s += chunkRows) {
      inMemory.partialFit(matrix(chunkRows, 3, X.data.slice(s * 3, (s + chunkRows) * 3)));
    }
    assert.equal(chunks, c.chunks.length);
    assert.deepEqual(Array.from(streamed.centers.data), Array.from(inMemory.centers.data));
    assertClose(streamed.centers.data, c.centersAfter.at(-1).flat(), 1e-9);
  } finally {
    Deno.removeSync(path);
  }
});
