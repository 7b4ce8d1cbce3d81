/**
 * site/server.ts: the browser site's static server. A site folder is written
 * under out/test-fixtures/site-server/root/ with a secret file beside it
 * and symbolic links that point out of it; every traversal attempt is sent
 * byte for byte over TCP (fetch() would normalise the path first).
 *
 * Run: deno test --allow-read --allow-write=out --allow-net=127.0.0.1 tests/site_server_test.ts
 *
 * Symbolic links need `Deno.symlink` (unscoped --allow-read and --allow-write)
 * or `ln -s` (--allow-run, as `deno task test` grants); without either, the
 * steps that need them are reported as ignored.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { serveSite, siteCommandLine } from "../site/server.ts";
import { ROOT } from "./_recipes.ts";

const BASE = join(ROOT, "out/test-fixtures/site-server");
const SITE = join(BASE, "root");
const SECRET = "SECRET-c0ffee-do-not-serve";
/** Bytes that must never come back: the secret, the repository's deno.json, /etc/passwd. */
const FORBIDDEN = [SECRET, '"@cookbook/unsupervised"', "root:x:0:0"];

const INDEX = "<!doctype html><title>site</title>\n";
const BIG = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7 + 3) & 255);

const ISOLATION = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
  "x-content-type-options": "nosniff",
  "cache-control": "no-cache",
};

/** Creates a symbolic link, by Deno.symlink or `ln -s`; false when neither is permitted. */
async function symlink(target: string, path: string): Promise<boolean> {
  try {
    await Deno.symlink(target, path);
    return true;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied)) {
      throw e;
    }
  }
  if ((await Deno.permissions.query({ name: "run", command: "ln" })).state !== "granted") {
    return false;
  }
  const r = await new Deno.Command("ln", { args: ["-s", target, path], stderr: "piped" }).output();
  if (!r.success) throw new Error(`ln -s ${target} ${path}: ${new TextDecoder().decode(r.stderr)}`);
  return true;
}

/** Writes the site (afresh) and returns whether its symbolic links could be made. */
async function makeSite(): Promise<boolean> {
  await Deno.remove(BASE, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  await Deno.mkdir(join(SITE, "sub"), { recursive: true });
  await Deno.mkdir(join(SITE, "empty"));
  await Deno.writeTextFile(join(BASE, "secret.txt"), `${SECRET}\n`);
  await Deno.writeTextFile(join(SITE, "index.html"), INDEX);
  await Deno.writeTextFile(join(SITE, "a.js"), "export const a = 1;\n");
  await Deno.writeTextFile(join(SITE, "sub/b.svg"), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  for (const name of ["m.mjs", "d.json", "s.css", "n.txt", "i.png", "w.wasm", "z.gz", "noext"]) {
    await Deno.writeTextFile(join(SITE, name), name);
  }
  await Deno.writeTextFile(join(SITE, "UPPER.HTML"), INDEX);
  await Deno.writeFile(join(SITE, "big.bin"), BIG);
  const links: [string, string][] = [
    ["../secret.txt", "leak.txt"], // a file outside the root
    ["..", "up"], // the folder above the root
    ["/etc", "etc"], // an absolute folder outside
    ["../../../../deno.json", "deno.json"], // the repository's deno.json
    ["loop", "loop"], // a link to itself
    ["a.js", "alias.js"], // inside the root: served
    ["sub", "sublink"], // a folder inside the root: its files are served
  ];
  for (const [target, name] of links) {
    if (!(await symlink(target, join(SITE, name)))) return false;
  }
  return true;
}

/** Starts the server on a free port, runs `fn` with its base URL, and stops it. */
async function withServer(fn: (base: string, port: number) => Promise<void>): Promise<void> {
  const stop = new AbortController();
  const server = serveSite(SITE, { port: 0, signal: stop.signal });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, server.addr.port);
  } finally {
    stop.abort();
    await server.finished;
  }
}

/** A raw HTTP exchange: the status code, the head's headers and the body's bytes as text. */
interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
  text: string;
}

/** Sends `GET <target> HTTP/1.1` (or another method) byte for byte and reads the whole answer. */
async function raw(port: number, target: string, method = "GET"): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const request = `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
    // latin1: each character of the target is one byte, as a client would send it.
    await conn.write(Uint8Array.from(request, (c) => c.charCodeAt(0)));
    const decoder = new TextDecoder();
    const buf = new Uint8Array(64 * 1024);
    let text = "";
    for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
      text += decoder.decode(buf.subarray(0, n), { stream: true });
    }
    text += decoder.decode();
    const [head, ...rest] = text.split("\r\n\r\n");
    const [statusLine, ...lines] = head.split("\r\n");
    const headers = new Map(lines.map((l) => {
      const i = l.indexOf(":");
      return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()];
    }));
    return { status: Number(statusLine.split(" ")[1]), headers, body: rest.join("\r\n\r\n"), text };
  } finally {
    conn.close();
  }
}

function assertIsolation(headers: { get(name: string): string | null | undefined }): void {
  for (const [name, value] of Object.entries(ISOLATION)) {
    assert.equal(headers.get(name), value, name);
  }
}

function assertNothingForbidden(text: string, what: string): void {
  for (const f of FORBIDDEN) assert.ok(!text.includes(f), `${what} leaked ${f}`);
}

Deno.test("serveSite() serves / as index.html with the isolation headers", async () => {
  await makeSite();
  await withServer(async (base) => {
    const res = await fetch(`${base}/`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), INDEX);
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(res.headers.get("content-length"), String(INDEX.length));
    assertIsolation(res.headers);
    const same = await fetch(`${base}/index.html?x=../../secret.txt`);
    assert.equal(await same.text(), INDEX);
  });
});

Deno.test("serveSite() gives each extension its content type", async (t) => {
  await makeSite();
  await withServer(async (base) => {
    const cases: [string, string][] = [
      ["/index.html", "text/html; charset=utf-8"],
      ["/UPPER.HTML", "text/html; charset=utf-8"],
      ["/a.js", "text/javascript; charset=utf-8"],
      ["/m.mjs", "text/javascript; charset=utf-8"],
      ["/d.json", "application/json"],
      ["/sub/b.svg", "image/svg+xml"],
      ["/i.png", "image/png"],
      ["/s.css", "text/css"],
      ["/w.wasm", "application/wasm"],
      ["/z.gz", "application/gzip"],
      ["/n.txt", "text/plain"],
      ["/noext", "application/octet-stream"],
      ["/big.bin", "application/octet-stream"],
    ];
    for (const [path, type] of cases) {
      await t.step(path, async () => {
        const res = await fetch(base + path);
        await res.body?.cancel();
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("content-type"), type);
        assertIsolation(res.headers);
      });
    }
  });
});

Deno.test("serveSite() streams a 3 MiB file byte for byte", async () => {
  await makeSite();
  await withServer(async (base) => {
    const res = await fetch(`${base}/big.bin`);
    assert.equal(res.headers.get("content-length"), String(BIG.length));
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), BIG);
    // A client that stops reading half-way leaves nothing open (the sanitizer checks).
    const partial = await fetch(`${base}/big.bin`);
    const reader = partial.body!.getReader();
    await reader.read();
    await reader.cancel();
  });
});

Deno.test("serveSite() answers HEAD with the headers and no body", async () => {
  await makeSite();
  await withServer(async (base, port) => {
    const res = await fetch(`${base}/a.js`, { method: "HEAD" });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "");
    assert.equal(res.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal(res.headers.get("content-length"), "20");
    assertIsolation(res.headers);
    const r = await raw(port, "/index.html", "HEAD");
    assert.equal(r.status, 200);
    assert.equal(r.body, "");
  });
});

Deno.test("serveSite() refuses every method but GET and HEAD with 405", async (t) => {
  await makeSite();
  await withServer(async (base) => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      await t.step(method, async () => {
        const res = await fetch(`${base}/index.html`, { method });
        await res.body?.cancel();
        assert.equal(res.status, 405);
        assert.equal(res.headers.get("allow"), "GET, HEAD");
        assertIsolation(res.headers);
      });
    }
  });
});

Deno.test("serveSite() answers 404 for a missing file and for folders (no listings)", async (t) => {
  await makeSite();
  await withServer(async (base, port) => {
    for (const path of ["/missing.html", "/sub", "/sub/", "/empty", "/empty/", "/index.html/"]) {
      await t.step(path, async () => {
        const res = await fetch(base + path);
        const text = await res.text();
        assert.equal(res.status, 404);
        assert.equal(text, "Not Found\n");
        assertIsolation(res.headers);
      });
    }
    await t.step("a name too long for the file system", async () => {
      const r = await raw(port, `/${"a".repeat(300)}.html`);
      assert.equal(r.status, 404);
    });
  });
});

Deno.test("serveSite() never serves a path that leaves the root, however encoded", async (t) => {
  await makeSite();
  const cases: [string, number][] = [
    ["/../deno.json", 404],
    ["/../secret.txt", 404],
    ["/..", 404],
    ["/../", 404],
    ["/sub/../../secret.txt", 404],
    ["/sub/../index.html", 404], // dot segments are refused even when they stay inside
    ["/./index.html", 404],
    ["/../../../../../../etc/passwd", 404],
    ["/%2e%2e/%2e%2e/etc/passwd", 404],
    ["/%2e%2e/secret.txt", 404],
    ["/%2E%2E/secret.txt", 404],
    ["/.%2e/secret.txt", 404],
    ["/%2e./secret.txt", 404],
    ["/%2F..%2Fx", 404],
    ["/%2F..%2Fsecret.txt", 404],
    ["/%2f%2e%2e%2fsecret.txt", 404],
    ["/sub%2f..%2f..%2fsecret.txt", 404],
    ["//etc/passwd", 404],
    ["///etc/passwd", 404],
    ["/%2F%2Fetc/passwd", 404],
    ["/%2fetc/passwd", 404],
    ["/%252e%252e/secret.txt", 404],
    ["/%252e%252e/%252e%252e/etc/passwd", 404],
    ["/%25%32%65%25%32%65/secret.txt", 404],
    ["/..\\secret.txt", 404],
    ["/sub\\..\\..\\secret.txt", 404],
    ["/..%5csecret.txt", 404],
    ["/%5c..%5csecret.txt", 404],
    ["/index.html%00.txt", 404],
    ["/index.html%00", 404],
    ["/%00/../secret.txt", 404],
    ["/index.html%0a", 404],
    ["/secret.txt", 404],
    ["/etc/passwd", 404],
    ["http://127.0.0.1/../secret.txt", 404], // absolute-form request target
    ["http://127.0.0.1/%2e%2e/secret.txt", 404],
    ["/%c0%ae%c0%ae/secret.txt", 400], // overlong UTF-8 for "."
    ["/%e0%80%ae%e0%80%ae/secret.txt", 400],
    ["/%", 400],
    ["/%zz", 400],
    ["/%2", 400],
    ["/%e2%82", 400], // truncated UTF-8
    ["/%ff", 400],
  ];
  await withServer(async (_, port) => {
    for (const [target, status] of cases) {
      await t.step(`GET ${target} → ${status}`, async () => {
        const r = await raw(port, target);
        assert.equal(r.status, status, r.text.split("\r\n")[0]);
        assertNothingForbidden(r.text, target);
        assert.equal(r.headers.get("cross-origin-opener-policy"), "same-origin");
      });
    }
  });
});

Deno.test("serveSite() follows symbolic links only while they stay inside the root", async (t) => {
  const links = await makeSite();
  const outside = ["/leak.txt", "/up/secret.txt", "/etc/passwd", "/etc/"];
  const cases: [string, number][] = [
    ...outside.map((p): [string, number] => [p, 404]),
    ["/deno.json", 404],
    ["/loop", 404],
    ["/alias.js", 200],
    ["/sublink/b.svg", 200],
    ["/sublink", 404],
    ["/up/root/index.html", 200], // leaves the root and comes back: its real path is inside
  ];
  await withServer(async (base, port) => {
    for (const [path, status] of cases) {
      await t.step({
        name: `GET ${path} → ${status}`,
        ignore: !links,
        fn: async () => {
          const r = await raw(port, path);
          assert.equal(r.status, status, r.text.split("\r\n")[0]);
          assertNothingForbidden(r.text, path);
          const res = await fetch(base + path);
          assertNothingForbidden(await res.text(), path);
          assert.equal(res.status, status);
        },
      });
    }
  });
});

Deno.test("serveSite() checks its options and root before listening", async () => {
  await makeSite();
  assert.throws(() => serveSite(SITE, { port: 70000 }), {
    name: "RangeError",
    message: "Cannot serve the site as port must be an integer in [0, 65535]: port=70000",
  });
  assert.throws(() => serveSite(SITE, { port: 1.5 }), { name: "RangeError" });
  assert.throws(() => serveSite(SITE, { hostname: "" }), {
    name: "TypeError",
    message: "Cannot serve the site as hostname must be a non-empty string: hostname=",
  });
  assert.throws(() => serveSite(join(BASE, "nowhere")), {
    name: "NotFound",
    message: /^Cannot serve the site as its root does not exist: root=.*nowhere$/,
  });
  assert.throws(() => serveSite(join(SITE, "index.html")), {
    name: "TypeError",
    message: /^Cannot serve the site as its root is not a folder: root=.*index\.html$/,
  });
});

Deno.test("siteCommandLine() serves ROOT, prints its address, and exits 0 when stopped", async () => {
  await makeSite();
  const stop = new AbortController();
  const lines: string[] = [];
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => listening = resolve);
  const done = siteCommandLine([SITE, "--port", "0"], {
    signal: stop.signal,
    print: (line) => {
      lines.push(line);
      listening(/http:\/\/\S+/.exec(line)![0]);
    },
    printError: (line) => lines.push(line),
  });
  const base = await url;
  assert.match(lines[0], /^Serving .*root at http:\/\/127\.0\.0\.1:\d+\/ \(Ctrl-C to stop\)$/);
  const res = await fetch(base);
  assert.equal(await res.text(), INDEX);
  stop.abort();
  assert.equal(await done, 0);
  assert.equal(lines.length, 1);
});

Deno.test("siteCommandLine() turns bad arguments into one line and exit code 2", async (t) => {
  await makeSite();
  const cases: [string[], string][] = [
    [["--port", "70000"], "--port must be an integer in [0, 65535]: --port=70000"],
    [["--port=-1"], "--port must be an integer in [0, 65535]: --port=-1"],
    [["--port", "8e3"], "--port must be an integer in [0, 65535]: --port=8e3"],
    [[SITE, SITE], "only one ROOT folder is allowed"],
    [[join(BASE, "nowhere")], "its root does not exist"],
    [["--bogus"], "--bogus"],
    [["--port"], "--port"],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), async () => {
      const lines: string[] = [];
      const code = await siteCommandLine(args, { print: fail, printError: (l) => lines.push(l) });
      assert.equal(code, 2);
      assert.equal(lines.length, 1);
      assert.ok(lines[0].startsWith("site: error: "), lines[0]);
      assert.ok(lines[0].includes(message), lines[0]);
    });
  }
  await t.step("an address in use is one line and exit code 1", async () => {
    await withServer(async (_, port) => {
      const lines: string[] = [];
      const args = [SITE, "--port", String(port)];
      assert.equal(
        await siteCommandLine(args, { print: fail, printError: (l) => lines.push(l) }),
        1,
      );
      assert.equal(lines.length, 1);
      assert.match(lines[0], /^site: error: .*in use/i);
    });
  });
  await t.step("--help prints the usage and exits 0", async () => {
    const lines: string[] = [];
    assert.equal(await siteCommandLine(["--help"], { print: (l) => lines.push(l) }), 0);
    assert.match(lines.join("\n"), /--port N/);
  });
});

function fail(line: string): never {
  throw new Error(`unexpected output: ${line}`);
}
