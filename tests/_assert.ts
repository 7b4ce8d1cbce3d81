/**
 * Test helper: element-wise closeness relative to the largest |expected|.
 *
 * @module
 */
import assert from "node:assert/strict";

/** Asserts |actual[i] − expected[i]| ≤ rel · max |expected| for every i. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number) {
  assert.equal(actual.length, expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= rel * scale,
      `element ${i}: ${actual[i]} vs ${expected[i]} (scale ${scale})`,
    );
  }
}
