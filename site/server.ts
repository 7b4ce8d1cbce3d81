/**
 * The local static server of the cookbook's browser site: it serves the
 * files under one folder and nothing else, with the cross-origin-isolation
 * headers that let the page use `SharedArrayBuffer` (and so the library's
 * helper threads).
 *
 * Run:
 *   deno run --allow-read=out/site --allow-net=127.0.0.1 site/server.ts [ROOT] [--port N] [--hostname H]
 *
 * Permissions: `--allow-read` on the root folder and `--allow-net` for the
 * address it listens on.
 *
 * What it refuses: any method but GET and HEAD (405); a request path that,
 * once percent-decoded, holds a `.` or `..` segment, an empty segment (`//`),
 * a backslash, a control character or a `%` (double encoding) (404); a path
 * whose real path (symbolic links followed) lies outside the root's real path
 * (404); directories (404, no listings); malformed percent-encoding (400).
 *
 * @module
 */
import { join, sep } from "node:path";
import { parseArgs } from "node:util";
import { shown, shownPath } from "../core/messages.ts";

/** Options of {@linkcode serveSite}. */
export interface ServeSiteOptions {
  /**
   * Port to listen on; 0 picks any free port (read it from `server.addr.port`).
   *
   * @default {8000}
   */
  port?: number;
  /**
   * Address to listen on.
   *
   * @default {"127.0.0.1"}
   */
  hostname?: string;
  /** Aborting it stops the server (then `server.finished` resolves). */
  signal?: AbortSignal;
  /**
   * Called once the server listens, with its address.
   *
   * @default {() => {}} (nothing is printed)
   */
  onListen?: (addr: { hostname: string; port: number }) => void;
}

/** Content types by lower-case file extension; any other is `application/octet-stream`. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".css": "text/css",
  ".wasm": "application/wasm",
  ".gz": "application/gzip",
  ".txt": "text/plain",
};

/** Headers on every response: cross-origin isolation (COOP + COEP), no sniffing, revalidation. */
const COMMON_HEADERS: Readonly<Record<string, string>> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-cache",
};

/** File-system errors that mean "no such file here" to a client. */
const NOT_FOUND_ERRORS = [
  Deno.errors.NotFound,
  Deno.errors.NotADirectory,
  Deno.errors.IsADirectory,
  Deno.errors.FilesystemLoop,
  Deno.errors.PermissionDenied,
  Deno.errors.NotCapable,
];

/** The content type of a file name, by its extension. */
function contentType(name: string): string {
  const dot = name.lastIndexOf(".");
  return (dot < 0 ? undefined : CONTENT_TYPES[name.slice(dot).toLowerCase()]) ??
    "application/octet-stream";
}

/** A short plain-text response (errors) with the common headers. */
function plain(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { ...COMMON_HEADERS, "Content-Type": "text/plain; charset=utf-8", ...extra },
  });
}

/**
 * The request path's segments, relative to the root, from the request's URL
 * as received (`req.url` is not normalised, so `/../x` and `/%2e%2e/x` still
 * show their dot segments here): `"malformed"` when the percent-encoding is
 * not valid UTF-8, `undefined` when the path must not be served.
 */
function segmentsOf(url: string): string[] | "malformed" | undefined {
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(url);
  let raw = authority ? url.slice(authority[0].length) : url;
  const end = raw.search(/[?#]/);
  if (end >= 0) raw = raw.slice(0, end);
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return "malformed";
  }
  // A backslash, a control character (NUL included) or a `%` left after one
  // decoding (double encoding) is never part of a site's file name.
  // deno-lint-ignore no-control-regex
  if (!path.startsWith("/") || /[\\%\u0000-\u001f\u007f]/.test(path)) return undefined;
  if (path === "/") return ["index.html"];
  const segments = path.slice(1).split("/");
  // Empty (`//`, trailing `/`: a directory), `.` and `..` segments are refused.
  if (segments.some((s) => s === "" || s === "." || s === "..")) return undefined;
  return segments;
}

/** Answers one request from the files under `realRoot` (a real path). */
async function respond(req: Request, realRoot: string): Promise<Response> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return plain(405, "Method Not Allowed", { Allow: "GET, HEAD" });
  }
  const segments = segmentsOf(req.url);
  if (segments === "malformed") return plain(400, "Bad Request");
  if (segments === undefined) return plain(404, "Not Found");
  const notFound = () => plain(404, "Not Found");
  let file: Deno.FsFile | undefined;
  try {
    // The real path (every symbolic link followed) must lie inside the root.
    const real = await Deno.realPath(join(realRoot, ...segments));
    const inside = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
    if (!real.startsWith(inside)) return notFound();
    // A regular file only: stat before opening (a FIFO would block the open),
    // and again on the opened file.
    if (!(await Deno.stat(real)).isFile) return notFound();
    file = await Deno.open(real, { read: true });
    const info = await file.stat();
    if (!info.isFile) return notFound();
    const headers = {
      ...COMMON_HEADERS,
      "Content-Type": contentType(segments[segments.length - 1]),
      "Content-Length": String(info.size),
    };
    if (req.method === "HEAD") return new Response(null, { status: 200, headers });
    const body = file.readable; // closes the file when read to the end or cancelled
    file = undefined;
    return new Response(body, { status: 200, headers });
  } catch (e) {
    if (NOT_FOUND_ERRORS.some((E) => e instanceof E)) return notFound();
    // Any other failure (a name too long, an I/O error) is not explained to the client.
    return /name too long/i.test(String(e)) ? notFound() : plain(500, "Internal Server Error");
  } finally {
    file?.close();
  }
}

/**
 * Serves the files under `root` over HTTP with `Deno.serve`: GET and HEAD
 * only, `/` answered by `/index.html`, file bodies streamed, and every
 * response marked for cross-origin isolation (`Cross-Origin-Opener-Policy:
 * same-origin`, `Cross-Origin-Embedder-Policy: require-corp`) so that the
 * page can use `SharedArrayBuffer`. Paths that would leave the root, by dot
 * segments, encoded or not, backslashes, NUL, or symbolic links, get 404.
 *
 * Permissions: `--allow-read` on `root`, `--allow-net` on `hostname`.
 *
 * @example Start on any free port, fetch, stop
 * ```ts
 * import { serveSite } from "./server.ts";
 * import assert from "node:assert/strict";
 * const stop = new AbortController();
 * const server = serveSite("site", { port: 0, signal: stop.signal });
 * const base = `http://127.0.0.1:${server.addr.port}`;
 * const ok = await fetch(`${base}/server.ts`);
 * assert.equal(ok.status, 200);
 * assert.equal(ok.headers.get("cross-origin-opener-policy"), "same-origin");
 * assert.equal(ok.headers.get("cross-origin-embedder-policy"), "require-corp");
 * await ok.body?.cancel();
 * const post = await fetch(`${base}/server.ts`, { method: "POST" });
 * assert.equal(post.status, 405);
 * assert.equal(post.headers.get("allow"), "GET, HEAD");
 * await post.body?.cancel();
 * stop.abort();
 * await server.finished;
 * ```
 * @param root The folder to serve.
 * @param options Port, hostname, stop signal and listen callback.
 * @returns the running server; `server.finished` resolves once it stopped.
 * @throws {RangeError} when `port` is not an integer in [0, 65535].
 * @throws {TypeError} when `hostname` is empty or `root` is not a folder.
 * @throws {Deno.errors.NotFound} when `root` does not exist.
 * @throws {Deno.errors.PermissionDenied} when reading `root` is not permitted.
 */
export function serveSite(
  root: string,
  options: ServeSiteOptions = {},
): Deno.HttpServer<Deno.NetAddr> {
  const { port = 8000, hostname = "127.0.0.1", signal, onListen = () => {} } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(
      `Cannot serve the site as port must be an integer in [0, 65535]: port=${port}`,
    );
  }
  if (typeof hostname !== "string" || hostname === "") {
    throw new TypeError(
      `Cannot serve the site as hostname must be a non-empty string: hostname=${
        shown(String(hostname))
      }`,
    );
  }
  let realRoot: string;
  try {
    realRoot = Deno.realPathSync(root);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(
        `Cannot serve the site as its root does not exist: root=${shownPath(root)}`,
      );
    }
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      throw new Deno.errors.PermissionDenied(
        `Cannot serve the site as read permission is missing (run with --allow-read=${
          shownPath(root)
        }): root=${shownPath(root)}`,
      );
    }
    throw e;
  }
  if (!Deno.statSync(realRoot).isDirectory) {
    throw new TypeError(
      `Cannot serve the site as its root is not a folder: root=${shownPath(root)}`,
    );
  }
  return Deno.serve(
    { port, hostname, signal, onListen: ({ hostname, port }) => onListen({ hostname, port }) },
    (req) => respond(req, realRoot),
  );
}

/** Options of {@linkcode siteCommandLine}. */
export interface SiteCommandLineOptions {
  /** Aborting it stops the server. */
  signal?: AbortSignal;
  /**
   * Prints a line of normal output (the address, `--help`).
   *
   * @default {console.log}
   */
  print?: (line: string) => void;
  /**
   * Prints a line of error output.
   *
   * @default {console.error}
   */
  printError?: (line: string) => void;
}

const USAGE = `Serve the cookbook's browser site with cross-origin isolation (SharedArrayBuffer).

Usage: deno run --allow-read=out/site --allow-net=127.0.0.1 site/server.ts [ROOT] [options]

  ROOT             Folder to serve (default: out/site, as deno task site builds it)
  --port N         Port, 0 for any free port (default: 8000)
  --hostname H     Address to listen on (default: 127.0.0.1)
  --help           Show this help`;

/**
 * The server's command line: parses `args` (`[ROOT] [--port N] [--hostname
 * H] [--help]`), serves ROOT (default `out/site`) and prints its address, until
 * `options.signal` aborts (or the process is stopped). An error is one line
 * on `printError`: `site: error: <message>`.
 *
 * Permissions: `--allow-read` on ROOT, `--allow-net` on the hostname.
 *
 * @example Help, and a bad flag
 * ```ts
 * import { siteCommandLine } from "./server.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * const print = (line: string) => lines.push(line);
 * assert.equal(await siteCommandLine(["--help"], { print }), 0);
 * assert.match(lines[0], /^Serve the cookbook's browser site/);
 * assert.equal(await siteCommandLine(["--port", "x"], { printError: print }), 2);
 * assert.equal(lines.at(-1), "site: error: Cannot serve the site as --port must be an integer in [0, 65535]: --port=x");
 * ```
 * @param args The arguments (`Deno.args`).
 * @param options Stop signal and output functions.
 * @returns the exit code: 0 once the server stopped or after `--help`, 2 for
 * a bad argument or a root that is missing or not readable, 1 for any other
 * failure (the address in use).
 */
export async function siteCommandLine(
  args: string[],
  options: SiteCommandLineOptions = {},
): Promise<number> {
  const { signal, print = console.log, printError = console.error } = options;
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        port: { type: "string", default: "8000" },
        hostname: { type: "string", default: "127.0.0.1" },
        help: { type: "boolean", default: false },
      },
    });
    if (values.help) {
      print(USAGE);
      return 0;
    }
    if (positionals.length > 1) {
      throw new TypeError(
        `Cannot serve the site as only one ROOT folder is allowed: ROOT=${
          shown(positionals.join(" "))
        }`,
      );
    }
    if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) {
      throw new RangeError(
        `Cannot serve the site as --port must be an integer in [0, 65535]: --port=${
          shown(values.port)
        }`,
      );
    }
    const root = positionals[0] ?? "out/site";
    const server = serveSite(root, {
      port: Number(values.port),
      hostname: values.hostname,
      signal,
      onListen: ({ hostname, port }) => {
        const host = hostname.includes(":") ? `[${hostname}]` : hostname;
        print(`Serving ${root} at http://${host}:${port}/ (Ctrl-C to stop)`);
      },
    });
    await server.finished;
    return 0;
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    printError(`site: error: ${message}`);
    const input = e instanceof TypeError || e instanceof RangeError ||
      e instanceof Deno.errors.NotFound || e instanceof Deno.errors.PermissionDenied ||
      (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    return input ? 2 : 1;
  }
}

if (import.meta.main) Deno.exit(await siteCommandLine(Deno.args));
