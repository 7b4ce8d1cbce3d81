/**
 * Rewrites the golden files under tests/golden/ from the recipes' current
 * `--json` output. Run only after checking the new output against an
 * independent reference (see tests/golden/README.md); CI never runs this.
 *
 *   deno task golden            # all cases
 *   deno task golden kmeans     # the cases whose id starts with "kmeans"
 */
import { GOLDEN_CASES, goldenPath, normalise } from "../tests/_golden.ts";
import { runJson } from "../tests/_recipes.ts";

const only = Deno.args[0];
for (const c of GOLDEN_CASES) {
  if (only && !c.id.startsWith(only)) continue;
  const value = normalise(await runJson(c.task, c.args), c.ignoreKeys);
  await Deno.writeTextFile(goldenPath(c.id), JSON.stringify(value, null, 1) + "\n");
  console.log(`wrote ${goldenPath(c.id)}`);
}
