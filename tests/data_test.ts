/** The shipped data: every file listed in data/SHA256SUMS has that checksum. */
import assert from "node:assert/strict";

const sums = Deno.readTextFileSync("data/SHA256SUMS").trim().split("\n").map((l) => {
  const [hash, name] = l.split(/\s+\*?/);
  return { hash, name };
});

Deno.test("data/SHA256SUMS lists every shipped data file", () => {
  const listed = new Set(sums.map((s) => s.name));
  for (const e of Deno.readDirSync("data")) {
    if (e.isFile && e.name !== "SHA256SUMS" && e.name !== "README.md") {
      assert.ok(listed.has(e.name), `${e.name} is not in SHA256SUMS`);
    }
  }
});

for (const { hash, name } of sums) {
  Deno.test(`data/${name} matches its SHA-256`, async () => {
    const digest = await crypto.subtle.digest("SHA-256", Deno.readFileSync(`data/${name}`));
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    assert.equal(hex, hash);
  });
}
