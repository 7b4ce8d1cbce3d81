/**
 * File access with one-line, user-facing errors, and atomic writes.
 *
 * Permissions: reading needs `--allow-read` on the file; writing needs
 * `--allow-write` on the target folder.
 *
 * @module
 */
import { oneLine } from "../messages.ts";

/** Turns a Deno file-system error into a one-line error naming the path. */
function explain(e: unknown, action: string, path: string): Error {
  if (e instanceof Deno.errors.NotFound) {
    return new Deno.errors.NotFound(`Cannot ${action} as it does not exist: path=${path}`);
  }
  if (e instanceof Deno.errors.PermissionDenied && !/requires \w+ access/i.test(e.message)) {
    // the system's refusal (EACCES), which no --allow flag changes
    return new Deno.errors.PermissionDenied(
      `Cannot ${action} as the system denies it: path=${path}`,
    );
  }
  if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
    const need = /requires (\w+) access/i.exec((e as Error).message)?.[1] ??
      (action.startsWith("write") ? "write" : "read");
    return new Deno.errors.PermissionDenied(
      `Cannot ${action} as ${need} permission is missing (run with --allow-${need}): path=${path}`,
    );
  }
  if (e instanceof Deno.errors.IsADirectory) {
    return new TypeError(`Cannot ${action} as it is a directory: path=${path}`);
  }
  // (a folder of the path that is a file: reading it, or creating a folder in it)
  if (e instanceof Deno.errors.NotADirectory || e instanceof Deno.errors.AlreadyExists) {
    return new TypeError(`Cannot ${action} as a folder on its path is a file: path=${path}`);
  }
  return e instanceof Error ? e : new Error(String(e));
}

/** Reads a whole file as bytes, with a clear error when it is missing or unreadable. */
export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    throw explain(e, "read the file", path);
  }
}

/**
 * Creates the folder `path` and its parents where missing, and writes and
 * removes an empty file in it, at once (so that a recipe finds an output
 * folder it cannot write, missing or read-only, before a long run, not
 * after it), with the same one-line errors.
 */
export function makeFolderSync(path: string): void {
  try {
    Deno.mkdirSync(path, { recursive: true });
    Deno.removeSync(Deno.makeTempFileSync({ dir: path, suffix: ".tmp" }));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(
        `Cannot write to the folder as it cannot be created: path=${path}`,
      );
    }
    throw explain(e, "write to the folder", path);
  }
}

/** Reads a whole file as UTF-8 text. */
export async function readText(path: string): Promise<string> {
  return new TextDecoder().decode(await readBytes(path));
}

/** Reads and parses a JSON file; a syntax error names the file. */
export async function readJson(path: string): Promise<unknown> {
  return parseJson(await readText(path), path);
}

/**
 * Parses JSON text; a syntax error names `source` on one line.
 *
 * @example
 * ```ts
 * import { parseJson } from "./files.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseJson('{"a": 1}'), { a: 1 });
 * assert.throws(() => parseJson("{\n x}", "m.json"), {
 *   name: "SyntaxError",
 *   message: /^Cannot parse JSON as it is malformed \(.*\): path=m\.json$/,
 * });
 * ```
 * @throws {SyntaxError} when the text is not JSON.
 */
export function parseJson(text: string, source = "input"): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(
      `Cannot parse JSON as it is malformed (${oneLine((e as Error).message)}): path=${source}`,
    );
  }
}

/**
 * Writes `data` to `path` atomically: a temporary file in the same folder,
 * then a rename, so a reader never sees a half-written file. Creates the
 * folder if needed.
 *
 * @example
 * ```ts ignore
 * await writeAtomic("out/kmeans/regions.svg", svg);
 * ```
 */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tag = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16))
    .join("");
  const tmp = `${path}.${tag}.tmp`;
  try {
    await Deno.mkdir(parentDir(path), { recursive: true });
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw explain(e, "write the file", path);
  }
}

/** The folder part of a path ("." for a bare name), on / or \\ separators: no node:path, so the module bundles for browsers. */
function parentDir(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i < 0 ? "." : i === 0 ? path.slice(0, 1) : path.slice(0, i);
}
