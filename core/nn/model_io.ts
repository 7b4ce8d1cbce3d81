/**
 * Saving a trained model to a folder (`model.json` + `weights.bin`, written
 * atomically) and loading it back, in TensorFlow.js' layers format.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { readBytes, readJson, writeAtomic } from "../io/files.ts";
import { Interrupted } from "../interrupt.ts";

/** Writes `model` to `dir`. Permissions: `--allow-write` (and read, for the rename) on `dir`. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = artifacts.weightData instanceof ArrayBuffer
      ? new Uint8Array(artifacts.weightData)
      : new Uint8Array(await new Blob(artifacts.weightData as ArrayBuffer[]).arrayBuffer());
    const json = {
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
      format: "layers-model",
    };
    await writeAtomic(`${dir}/weights.bin`, weights);
    await writeAtomic(`${dir}/model.json`, JSON.stringify(json));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
}

/** Loads a model written by {@linkcode saveModel}. Permissions: `--allow-read` on `dir`. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const json = await readJson(`${dir}/model.json`) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weights = await readBytes(`${dir}/weights.bin`);
  return await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest[0].weights,
    weightData: weights.slice().buffer,
  }));
}

/**
 * Runs `train` (a training loop on `model`); when Ctrl-C interrupts it
 * after at least one finished epoch, saves `model`, which then holds that
 * epoch's weights, to `dir` before passing the interruption on, and says so
 * in `Interrupted.saved`.
 *
 * @example
 * ```ts ignore
 * const history = await keepOnInterrupt(model, "out/x/model", () => trainAutoencoder(model, x, o));
 * ```
 */
export async function keepOnInterrupt<T>(
  model: tf.LayersModel,
  dir: string,
  train: () => T,
): Promise<T> {
  try {
    return train();
  } catch (e) {
    if (e instanceof Interrupted && e.completedEpochs) {
      await saveModel(model, dir);
      e.saved.push(`the model after epoch ${e.completedEpochs} in ${dir}/`);
    }
    throw e;
  }
}
