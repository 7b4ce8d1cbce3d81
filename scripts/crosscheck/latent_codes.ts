/**
 * Dev-only: writes the 64-d codes of the first N MNIST training images under
 * a saved latent_tsne autoencoder as a headerless CSV, so that
 * issue11_tsne.py can time our t-SNE and scikit-learn's on the recipe's own
 * data.
 *
 *   deno run --allow-read --allow-write=out scripts/crosscheck/latent_codes.ts \
 *     out/latent_tsne/model out/latent_tsne/codes.csv [5000]
 */
import { loadMnist, scaledImages } from "../../core/datasets/mnist.ts";
import { initBackend, tf } from "../../core/nn/backend.ts";
import { loadModel } from "../../core/nn/model_io.ts";
import { denseCode } from "../../core/nn/models.ts";
import { writeAtomic } from "../../core/io/files.ts";

const [dir, out, count = "5000"] = Deno.args;
await initBackend();
const { train } = await loadMnist();
const { values, count: n } = scaledImages(train, Number(count));
const x = tf.tensor4d(values, [n, 28, 28, 1]);
const codes = denseCode(await loadModel(dir), x, 28, dir);
const lines = [];
for (let i = 0; i < codes.rows; i++) {
  lines.push(Array.from(codes.data.subarray(i * codes.cols, (i + 1) * codes.cols)).join(","));
}
await writeAtomic(out, lines.join("\n") + "\n");
console.log(`wrote ${codes.rows} x ${codes.cols} codes to ${out}`);
