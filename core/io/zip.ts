/**
 * A strict zip reader for `.xlsx` workbooks: every offset and size is
 * checked against the file before it is used, entries are inflated by the
 * runtime's native `DecompressionStream` and checked against their declared
 * size and CRC-32. SheetJS's own zip reader trusts the directory: a cut or
 * corrupt file sent it into an endless loop (found by `deno task fuzz`).
 *
 * @module
 */

/** Largest total of declared uncompressed sizes (1 GiB). */
export const MAX_UNZIPPED = 2 ** 30;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 (IEEE, as zip and gzip use).
 *
 * @example
 * ```ts
 * import { crc32 } from "./zip.ts";
 * import assert from "node:assert/strict";
 * assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
 * ```
 */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

async function inflateRaw(data: Uint8Array, size: number, what: () => string): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let at = 0;
  const reader = new Blob([new Uint8Array(data)]).stream()
    .pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (e) {
        throw new SyntaxError(
          `Cannot unzip ${what()} as its data is corrupt (${(e as Error).message})`,
        );
      }
      if (step.done) break;
      if (at + step.value.length > size) {
        throw new SyntaxError(`Cannot unzip ${what()} as it is longer than declared: size=${size}`);
      }
      out.set(step.value, at);
      at += step.value.length;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  if (at !== size) {
    throw new SyntaxError(
      `Cannot unzip ${what()} as it is shorter than declared: ${at} of ${size} bytes`,
    );
  }
  return out;
}

/**
 * The entries of a zip archive, by name (folders left out).
 *
 * @example
 * ```ts
 * import { readZip } from "./zip.ts";
 * import assert from "node:assert/strict";
 * await assert.rejects(readZip(new Uint8Array([0x50, 0x4b, 3, 4])), /directory is missing/);
 * ```
 * @throws {SyntaxError} when the archive is cut, corrupt, encrypted, ZIP64, or uses a method other than stored or deflate.
 */
export async function readZip(
  bytes: Uint8Array,
  source = "input",
): Promise<Map<string, Uint8Array>> {
  const bad = (why: string) =>
    new SyntaxError(`Cannot parse ${source} as ${why}: bytes=${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true),
    u32 = (at: number) => view.getUint32(at, true);
  // The end-of-central-directory record: the last one, within 64 kB of comment of the end.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (u32(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad("its zip directory is missing (cut short, or not a zip)");
  const count = u16(eocd + 10), cdSize = u32(eocd + 12), cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw bad("it is a ZIP64 archive");
  if (cdOffset + cdSize > eocd) throw bad("its zip directory points past its end");
  const entries: {
    name: string;
    method: number;
    flags: number;
    crc: number;
    csz: number;
    usz: number;
    offset: number;
  }[] = [];
  let p = cdOffset, total = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cdOffset + cdSize || u32(p) !== 0x02014b50) {
      throw bad(`its zip directory entry ${k + 1} of ${count} is corrupt`);
    }
    const nameLen = u16(p + 28), extraLen = u16(p + 30), commentLen = u16(p + 32);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cdOffset + cdSize) throw bad(`its zip directory entry ${k + 1} is cut`);
    const name = String.fromCharCode(...bytes.subarray(p + 46, p + 46 + nameLen));
    const e = {
      name,
      flags: u16(p + 8),
      method: u16(p + 10),
      crc: u32(p + 16),
      csz: u32(p + 20),
      usz: u32(p + 24),
      offset: u32(p + 42),
    };
    if (e.csz === 0xffffffff || e.usz === 0xffffffff || e.offset === 0xffffffff) {
      throw bad(`its entry ${JSON.stringify(name)} is ZIP64`);
    }
    if (e.flags & 0x41) throw bad(`its entry ${JSON.stringify(name)} is encrypted`);
    if (e.method !== 0 && e.method !== 8) {
      throw bad(`its entry ${JSON.stringify(name)} uses compression method ${e.method}`);
    }
    // Deflate expands at most 1032 times; stored entries not at all.
    if (e.method === 0 ? e.usz !== e.csz : e.usz > 1032 * e.csz + 1024) {
      throw bad(
        `its entry ${
          JSON.stringify(name)
        } declares an impossible size ${e.usz} from ${e.csz} bytes`,
      );
    }
    total += e.usz;
    if (total > MAX_UNZIPPED) throw bad(`it unzips to more than ${MAX_UNZIPPED} bytes`);
    entries.push(e);
    p = end;
  }
  const files = new Map<string, Uint8Array>();
  for (const e of entries) {
    const at = e.offset;
    if (at + 30 > bytes.length || u32(at) !== 0x04034b50) {
      throw bad(`its entry ${JSON.stringify(e.name)} has no local header`);
    }
    const start = at + 30 + u16(at + 26) + u16(at + 28);
    if (start + e.csz > bytes.length) throw bad(`its entry ${JSON.stringify(e.name)} is cut`);
    if (e.name.endsWith("/")) continue;
    const data = bytes.subarray(start, start + e.csz);
    const what = () => `${JSON.stringify(e.name)} of ${source}`;
    const content = e.method === 0 ? data.slice() : await inflateRaw(data, e.usz, what);
    if (crc32(content) !== e.crc) {
      throw new SyntaxError(`Cannot unzip ${what()} as its checksum does not match (CRC-32)`);
    }
    files.set(e.name, content);
  }
  return files;
}
