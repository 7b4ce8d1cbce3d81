/**
 * Running recipes as a user does: Ctrl-C during a long recipe (SIGINT sent
 * to a running `autoencoder_mnist` ends it within a second with exit code
 * 130 and one line saying what it kept, the model of its last finished
 * epoch, and leaves no temp file); a quiet second run; and permission
 * errors that print a `deno run` command that works.
 */
import assert from "node:assert/strict";
import { ROOT, runTask, taskWords } from "./_recipes.ts";
import { checkInterrupt, Interrupted, interrupted } from "../core/interrupt.ts";

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

Deno.test("checkInterrupt() is a no-op without Ctrl-C", () => {
  assert.equal(interrupted(), false);
  checkInterrupt();
  assert.equal(new Interrupted().message, "interrupted (Ctrl-C)");
});

Deno.test({
  name:
    "SIGINT during autoencoder_mnist: exit 130 within a second, the last epoch's model kept, no temp file",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const out = "out/test-fixtures/sigint";
    await Deno.remove(`${ROOT}/${out}`, { recursive: true }).catch(() => {});
    const [, ...rest] = taskWords("autoencoder_mnist");
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        ...rest,
        "--train-limit",
        "3000",
        "--test-limit",
        "500",
        "--epochs",
        "500",
        "--out",
        out,
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    // Wait for the second epoch's report on stdout, then press Ctrl-C.
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let stdout = "";
    while (!/Epoch 2\/500/.test(stdout)) {
      const { value, done } = await reader.read();
      if (done) break;
      stdout += value;
    }
    const sent = performance.now();
    child.kill("SIGINT");
    const drain = (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return;
      }
    })();
    const status = await child.status;
    const elapsed = performance.now() - sent;
    await drain;
    const lines = (await stderr).trim().split("\n");
    assert.equal(status.code, 130, lines.join("\n"));
    assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
    assert.match(
      lines.at(-1)!,
      /^autoencoder_mnist: interrupted \(Ctrl-C\); kept the model after epoch \d+ in out\/test-fixtures\/sigint\/model\/$/,
    );
    const files = filesUnder(`${ROOT}/${out}`).map((p) => p.slice(ROOT.length + 1)).sort();
    assert.deepEqual(files, [`${out}/model/model.json`, `${out}/model/weights.bin`]);
    const model = JSON.parse(Deno.readTextFileSync(`${ROOT}/${out}/model/model.json`));
    assert.equal(model.format, "layers-model");
  },
});

Deno.test("a second kmeans run prints nothing on stderr (the Ctrl-C listener needs no permission)", async () => {
  const args = ["--no-plot", "--out", "out/test-fixtures/quiet-kmeans"];
  await runTask("kmeans", args);
  const r = await runTask("kmeans", args);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, "");
});

Deno.test("a read outside the task's folders fails with one line holding a working deno run command", async () => {
  // tests/fixtures/ is outside kmeans' --allow-read=data,out.
  const file = "tests/fixtures/sklearn_kmeans.json";
  const r = await runTask("kmeans", ["--input-file", file, "--no-plot"]);
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  const m = /; run: (deno run .*)$/.exec(lines[0]);
  assert.ok(m, lines[0]);
  assert.equal(
    m[1],
    `deno run --cached-only --allow-read=data,out,tests/fixtures --allow-write=out recipes/kmeans.ts --input-file ${file} --no-plot`,
  );
  // The suggested command gets past the permission check (the JSON is not a table of points).
  const [, ...args] = m[1].split(" ");
  const again = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT, stderr: "piped" })
    .output();
  const err = new TextDecoder().decode(again.stderr);
  assert.equal(again.code, 2);
  assert.doesNotMatch(err, /permission/);
  assert.match(err, /kmeans: error: Cannot parse/);
});

Deno.test("an --out outside the task's folders names the flags that allow it", async () => {
  const r = await runTask("kmeans", ["--out", "/nonexistent-cookbook/out", "--no-plot"]);
  // --no-plot writes nothing: no permission needed.
  assert.equal(r.code, 0, r.stderr);
  const w = await runTask("kmeans", ["--out", "/nonexistent-cookbook/out"]);
  assert.equal(w.code, 2);
  assert.match(
    w.stderr.trim(),
    /; run: deno run --cached-only --allow-read=data,out,\/nonexistent-cookbook\/out --allow-write=out,\/nonexistent-cookbook\/out recipes\/kmeans\.ts --out \/nonexistent-cookbook\/out$/,
  );
});

Deno.test("a second `deno task kmeans` prints nothing on stderr but the task runner's own line", async () => {
  const run = () =>
    new Deno.Command(Deno.execPath(), {
      args: ["task", "kmeans", "--no-plot", "--out", "out/test-fixtures/quiet-task"],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).output();
  await run();
  const r = await run();
  assert.equal(r.code, 0);
  const lines = new TextDecoder().decode(r.stderr).split("\n").filter((l) => l !== "");
  assert.deepEqual(lines.filter((l) => !l.startsWith("Task kmeans ")), []);
});
