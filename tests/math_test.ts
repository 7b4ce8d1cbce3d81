/**
 * core/math.ts: exp and log that give the same bits in every engine. Their
 * values are fdlibm's (as printed by Node 20, whose V8 11.3 uses fdlibm:
 * an independent reference), within one ulp of Deno's correctly rounded
 * Math.exp and Math.log.
 */
import assert from "node:assert/strict";
import { exp, expAll, log, powPositive } from "../core/math.ts";
import { RandomState } from "../core/random.ts";

/** Distance in ulps between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  const v = new BigInt64Array(new Float64Array([a, b]).buffer);
  const d = v[0] - v[1];
  return Number(d < 0n ? -d : d);
}

Deno.test("exp and log equal fdlibm's values (Node 20's Math.exp and Math.log)", () => {
  const expected: [number, number][] = [
    [-44.15860325098038, 6.639911326129072e-20], // fdlibm: an ulp above the correct value
    [0.7, 2.0137527074704766],
    [-3.3, 0.036883167401240015],
    [12.5, 268337.2865208745],
    [100.25, 3.451610733125924e+43],
    [-700.1, 8.921404266525102e-305],
    [1e-9, 1.000000001],
  ];
  for (const [x, y] of expected) assert.equal(exp(x), y, `exp(${x})`);
  const logs: [number, number][] = [
    [0.1, -2.3025850929940455],
    [3.7, 1.308332819650179],
    [1e-300, -690.7755278982137],
    [5e-324, -744.4400719213812],
    [123456.789, 11.723646487185881],
    [0.9999999, -1.0000000494736474e-7],
  ];
  for (const [x, y] of logs) assert.equal(log(x), y, `log(${x})`);
});

Deno.test("exp and log are within an ulp of Math.exp and Math.log, and handle the edges", () => {
  const rs = new RandomState(5);
  const u = rs.rand(20000);
  for (let i = 0; i < u.length; i++) {
    const x = (u[i] - 0.5) * 1400;
    const e = Math.exp(x);
    if (e > 0 && Number.isFinite(e)) assert.ok(ulps(exp(x), e) <= 1, `exp(${x})`);
    const y = u[i] * 10 ** ((i % 600) - 300);
    assert.ok(ulps(log(y), Math.log(y)) <= 1, `log(${y})`);
  }
  assert.equal(exp(0), 1);
  assert.equal(exp(Infinity), Infinity);
  assert.equal(exp(-Infinity), 0);
  assert.equal(exp(710), Infinity);
  assert.equal(exp(-746), 0);
  assert.ok(Number.isNaN(exp(NaN)));
  assert.equal(log(1), 0);
  assert.equal(log(0), -Infinity);
  assert.equal(log(Infinity), Infinity);
  assert.ok(Number.isNaN(log(-1)));
  assert.ok(Number.isNaN(log(NaN)));
});

Deno.test("expAll (WebAssembly) gives exp's bits on every path of fdlibm's algorithm", () => {
  const rs = new RandomState(6);
  const u = rs.rand(200000);
  // Each branch: |x| < 2⁻²⁸, |x| ≤ ½ln2 (k = 0), |x| < 1.5 ln2 (k = ±1), the general
  // reduction, k > 1023, subnormal results (k < −1021), overflow, underflow, the edges.
  const scales = [1e-10, 0.3, 1, 1.03, 20, 700, 709.7, 720, 740, 745.2, 760];
  const x = Float64Array.from(u, (v, i) => (v - 0.5) * 2 * scales[i % scales.length]);
  const edges = [
    0,
    -0,
    1,
    -1,
    2 ** -28,
    -(2 ** -28),
    0.5 * Math.LN2,
    1.5 * Math.LN2,
    -1.5 * Math.LN2,
    709.782712893384,
    709.7827128933841,
    -745.1332191019411,
    -745.1332191019412,
    -708.4,
    -709,
    Infinity,
    -Infinity,
    NaN,
    1e-300,
    -1e-320,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
  ];
  // 8192 values per call: a length past it checks the chunking too.
  for (const input of [x, Float64Array.from(edges)]) {
    const ours = expAll(input, new Float64Array(input.length));
    const first = ours.findIndex((v, i) => !Object.is(v, exp(input[i])));
    assert.equal(first, -1, `exp(${input[first]}): ${ours[first]} against ${exp(input[first])}`);
  }
  // In place, the default.
  const y = Float64Array.from([-2, 0, 3]);
  assert.equal(expAll(y), y);
  assert.deepEqual(Array.from(y), [exp(-2), 1, exp(3)]);
});

Deno.test("powPositive is within (8 + 2|y·ln x|)·1.1e-16 of Math.pow, falls back at the edges, and is exp(y·log x) there", () => {
  const rs = new RandomState(6);
  const u = rs.rand(40000);
  for (let i = 0; i < u.length; i += 2) {
    const x = Math.exp((u[i] - 0.5) * 200), y = 0.05 + 4 * u[i + 1];
    const want = Math.pow(x, y);
    // e^t inherits t's rounding: relative error ≈ |t|·2⁻⁵³.
    const bound = (8 + 2 * Math.abs(y * Math.log(x))) * 1.1e-16;
    assert.ok(Math.abs(powPositive(x, y) / want - 1) < bound, `${x}^${y}`);
  }
  // Exact powers of two and one.
  assert.equal(powPositive(1, 0.79), 1);
  assert.equal(powPositive(4, 0.5), 2);
  // Zero, subnormals, infinity, NaN, negative bases and overflowing results take exp(y·log x).
  for (const [x, y] of [[0, 2], [5e-324, 0.5], [Infinity, 2], [NaN, 1], [-2, 2], [1e300, 3]]) {
    assert.ok(Object.is(powPositive(x, y), exp(y * log(x))), `${x}^${y}`);
  }
});
