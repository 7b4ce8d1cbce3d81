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

/** Asserts |actual[i] − expected[i]| ≤ atol + rtol · |expected[i]| for every i (NumPy's allclose). */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  atol: number,
) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    assert.ok(
      diff <= atol + rtol * Math.abs(expected[i]),
      `[${i}] ${actual[i]} vs ${expected[i]} (diff ${diff})`,
    );
  }
}
