/**
 * core/matrix.ts: the finiteness check every estimator runs on its data
 * names the first non-finite cell, wherever it falls in the check's blocks
 * of eight.
 */
import assert from "node:assert/strict";
import { assertFinite, matrix } from "../core/matrix.ts";

Deno.test("assertFinite names the first NaN or ±∞, at every position of its blocks of eight", () => {
  for (const cols of [1, 3, 8]) {
    for (const length of [1, 7, 8, 9, 16, 19, 37]) {
      if (length % cols !== 0) continue;
      const finite = Float64Array.from({ length }, (_, i) => [1e308, -0, -1e308, 0.5][i % 4]);
      assert.doesNotThrow(() => assertFinite(matrix(length / cols, cols, finite)));
      for (const bad of [NaN, Infinity, -Infinity]) {
        for (let p = 0; p < length; p++) {
          const data = finite.slice();
          data[p] = bad;
          if (p + 3 < length) data[p + 3] = NaN; // a later one is not the one named
          const [i, j] = [Math.floor(p / cols), p % cols];
          assert.throws(
            () => assertFinite(matrix(length / cols, cols, data), "X"),
            new RangeError(`Cannot use X as it holds a non-finite value: X[${i}][${j}]=${bad}`),
            `${length} values, ${bad} at ${p}`,
          );
        }
      }
    }
  }
});
