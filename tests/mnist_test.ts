/** core/datasets/mnist.ts: the IDX format and the MNIST files. */
import assert from "node:assert/strict";
import { classCounts, loadMnist, parseIdx } from "../core/datasets/mnist.ts";
import { fixture } from "./_recipes.ts";

const idx = (dims: number[], data: number[]) => {
  const head = new Uint8Array(4 + 4 * dims.length);
  head.set([0, 0, 8, dims.length]);
  const view = new DataView(head.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return new Uint8Array([...head, ...data]);
};

Deno.test("parseIdx(): shape and data of a good file", () => {
  const t = parseIdx(idx([2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
  assert.deepEqual(t.shape, [2, 2, 3]);
  assert.deepEqual(Array.from(t.data), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
});

Deno.test("parseIdx(): truncated, too long, wrong magic, empty", () => {
  const good = idx([2, 3], [1, 2, 3, 4, 5, 6]);
  assert.throws(() => parseIdx(good.slice(0, -1), "cut"), {
    name: "SyntaxError",
    message: "Cannot parse cut as it is truncated: bytes=17, expected=18",
  });
  assert.throws(
    () => parseIdx(new Uint8Array([...good, 0]), "long"),
    /longer than its header says/,
  );
  assert.throws(() => parseIdx(good.slice(0, 7), "head"), /header is truncated/);
  const wrong = good.slice();
  wrong[2] = 0x0d; // float data
  assert.throws(() => parseIdx(wrong, "f"), /not an unsigned-byte IDX file: magic=0x00000d02/);
  assert.throws(() => parseIdx(new Uint8Array(0), "e"), /magic=0x\(empty\)/);
});

Deno.test("loadMnist(): the spec's shapes and class counts (§8)", async () => {
  const { train, test } = await loadMnist();
  assert.deepEqual([train.count, train.rows, train.cols], [60000, 28, 28]);
  assert.deepEqual([test.count, test.rows, test.cols], [10000, 28, 28]);
  assert.deepEqual(Object.fromEntries(classCounts(train.labels)), {
    0: 5923,
    1: 6742,
    2: 5958,
    3: 6131,
    4: 5842,
    5: 5421,
    6: 5918,
    7: 6265,
    8: 5851,
    9: 5949,
  });
  assert.deepEqual(Object.fromEntries(classCounts(test.labels)), {
    0: 980,
    1: 1135,
    2: 1032,
    3: 1010,
    4: 982,
    5: 892,
    6: 958,
    7: 1028,
    8: 974,
    9: 1009,
  });
});

/** Writes a tiny IDX data set (3 train, 2 test images of 2×2) under out/test-fixtures/<name>. */
async function tinySet(name: string, gzip: boolean, trainLabels = [0, 1, 1]) {
  const files: Record<string, Uint8Array> = {
    "train-images-idx3-ubyte": idx([3, 2, 2], Array.from({ length: 12 }, (_, i) => i)),
    "train-labels-idx1-ubyte": idx([trainLabels.length], trainLabels),
    "t10k-images-idx3-ubyte": idx([2, 2, 2], [9, 9, 9, 9, 0, 0, 0, 0]),
    "t10k-labels-idx1-ubyte": idx([2], [1, 0]),
  };
  for (const [f, bytes] of Object.entries(files)) {
    if (!gzip) fixture(`${name}/${f}`, bytes);
    else {
      const gz = new Uint8Array(
        await new Response(
          new Blob([new Uint8Array(bytes)]).stream().pipeThrough(new CompressionStream("gzip")),
        )
          .arrayBuffer(),
      );
      fixture(`${name}/${f}.gz`, gz);
    }
  }
  return `out/test-fixtures/${name}`;
}

Deno.test("loadMnist(dataDir): plain or gzipped IDX files; mismatched files fail", async () => {
  for (const gz of [false, true]) {
    const m = await loadMnist(await tinySet(`idx-${gz}`, gz));
    assert.deepEqual([m.train.count, m.test.count, m.train.rows], [3, 2, 2]);
    assert.deepEqual(Array.from(m.train.labels), [0, 1, 1]);
  }
  const bad = await tinySet("idx-mismatch", false, [0, 1]);
  await assert.rejects(loadMnist(bad), /do not match: images=3x2x2, labels=2/);
  await assert.rejects(loadMnist("out/test-fixtures/no-such-dir"), { name: "NotFound" });
});
