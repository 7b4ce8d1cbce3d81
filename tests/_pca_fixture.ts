/**
 * The data sets of tests/fixtures/sklearn_pca.json, rebuilt bit for bit as
 * scripts/crosscheck/sklearn_pca_fixture.py builds them with NumPy's
 * RandomState (core/random.ts), and the fixture itself.
 */
import { type Matrix, matrix } from "../core/matrix.ts";
import { RandomState } from "../core/random.ts";

/** tests/fixtures/sklearn_pca.json, parsed. */
export const pcaFixture = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/sklearn_pca.json", import.meta.url)),
);

/** The fixture's data set `name`: lowrank, pixels, wide, graded or small. */
export function rebuildPcaData(name: string): Matrix {
  if (name === "lowrank") {
    const rs = new RandomState(0);
    const Z = rs.randn(300 * 5), B = rs.randn(5 * 120), noise = rs.randn(300 * 120);
    const X = matrix(300, 120);
    for (let r = 0; r < 5; r++) {
      for (let i = 0; i < 300; i++) {
        for (let a = 0; a < 120; a++) X.data[i * 120 + a] += Z[i * 5 + r] * B[r * 120 + a];
      }
    }
    for (let t = 0; t < X.data.length; t++) X.data[t] += 0.1 * noise[t] + 3;
    return X;
  }
  if (name === "pixels") {
    return matrix(400, 144, new RandomState(1).randn(400 * 144).map((v) => Math.max(0, v - 0.8)));
  }
  if (name === "wide") {
    return matrix(
      60,
      200,
      new RandomState(2).randn(60 * 200).map((v, t) => v * (1 + (t % 200) / 50)),
    );
  }
  if (name === "graded") {
    return matrix(
      400,
      200,
      new RandomState(8).randn(400 * 200).map((v, t) => v * 0.9 ** (t % 200)),
    );
  }
  const scale = [3, 1, 0.3], shift = [1, -2, 5];
  return matrix(
    50,
    3,
    new RandomState(3).randn(150).map((v, t) => v * scale[t % 3] + shift[t % 3]),
  );
}
