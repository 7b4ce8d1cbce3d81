import assert from "node:assert/strict";
import { assertGolden, GOLDEN_CASES, goldenPath, normalise } from "./_golden.ts";
import { runJson } from "./_recipes.ts";

for (const c of GOLDEN_CASES) {
  Deno.test(`recipe ${c.task} ${c.args.join(" ")} matches golden ${c.id}.json`, async () => {
    let expected: unknown;
    try {
      expected = JSON.parse(await Deno.readTextFile(goldenPath(c.id)));
    } catch (e) {
      assert.fail(
        `golden ${c.id}.json is missing or unreadable (${
          (e as Error).message
        }); run \`deno task golden\` after checking the output`,
      );
    }
    const actual = normalise(await runJson(c.task, c.args), c.ignoreKeys);
    assertGolden(actual, expected, c);
  });
}
