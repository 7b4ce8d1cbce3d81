/**
 * Dev-only (issue 23): writes (if missing) an n-row × 2 CSV of 8 Gaussian
 * blobs under /tmp, then clusters it streamed in chunks with
 * MiniBatchKMeans.partialFit and prints the peak RSS (VmHWM, Linux).
 *
 *   deno run --allow-read --allow-write=/tmp scripts/crosscheck/issue23_stream_memory.ts 10000000
 *   deno run --v8-flags=--max-old-space-size=40,--max-semi-space-size=2 --allow-read \
 *     --allow-write=/tmp scripts/crosscheck/issue23_stream_memory.ts 10000000
 *
 * Measured: 10⁶ rows 72 MB, 10⁷ rows (182 MiB) 145 MB with V8's default heap
 * sizing, 86.5 MB with the heap capped: the reader holds one chunk at a time.
 *
 * @module
 */
import { csvChunks } from "../../core/io/csv_stream.ts";
import { MiniBatchKMeans } from "../../core/cluster/minibatch_kmeans.ts";
import { RandomState } from "../../core/random.ts";
const n = Number(Deno.args[0]);
const path = `/tmp/stream_${n}.csv`;
const hwm = () => /VmHWM:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/self/status"))![1];
try {
  Deno.statSync(path);
} catch {
  const f = Deno.openSync(path, { write: true, create: true, truncate: true });
  const rng = new RandomState(0), enc = new TextEncoder();
  f.writeSync(enc.encode("x,y\n"));
  for (let s = 0; s < n; s += 100_000) {
    const g = rng.randn(200_000);
    let out = "";
    for (let i = 0; i < 100_000; i++) {
      const c = (s + i) % 8;
      out += `${(10 * Math.cos(c) + g[2 * i]).toFixed(6)},${
        (10 * Math.sin(c) + g[2 * i + 1]).toFixed(6)
      }\n`;
    }
    f.writeSync(enc.encode(out));
  }
  f.close();
}
console.log(
  `file ${path}: ${(Deno.statSync(path).size / 2 ** 20).toFixed(0)} MiB; VmHWM before ${hwm()} kB`,
);
const t0 = performance.now();
const model = new MiniBatchKMeans({ nClusters: 8, randomState: 0, computeLabels: false });
let rows = 0;
for await (const X of csvChunks(path, { header: true, chunkRows: 100_000 })) {
  model.partialFit(X);
  rows += X.rows;
}
console.log(
  `rows ${rows}, steps ${model.nSteps}, ${
    ((performance.now() - t0) / 1000).toFixed(1)
  } s, VmHWM ${hwm()} kB`,
);
console.log(Array.from(model.centers.data).map((v) => v.toFixed(2)).join(" "));
