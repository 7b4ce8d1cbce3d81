/**
 * Saving a trained model to a folder (`model.json` + `weights.bin`, written
 * atomically) and loading it back, in TensorFlow.js' layers format.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { readBytes, readJson, writeAtomic } from "../io/files.ts";
import { oneLine } from "../messages.ts";
import { Interrupted } from "../interrupt.ts";
import { trainAutoencoder, type TrainOptions } from "./train.ts";

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

/**
 * Loads a model written by {@linkcode saveModel}. Permissions:
 * `--allow-read` on `dir`.
 *
 * @throws {Deno.errors.NotFound} when `dir` has no model.json.
 * @throws {RangeError} when weights.bin is missing, or model.json and
 *   weights.bin are not a saved model's (malformed, truncated, another
 *   format), in one line; tfjs' own errors on them are internal.
 */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const json = await readJson(`${dir}/model.json`);
  const bad = (why: string) => new RangeError(`Cannot load the model in ${dir} as ${why}`);
  const specs = savedWeightSpecs(json);
  if (!specs) throw bad("its model.json is not a saved tfjs layers model");
  let weights: Uint8Array;
  try {
    weights = await readBytes(`${dir}/weights.bin`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw bad("its weights.bin is missing");
    throw e;
  }
  const bytes = specs.reduce((sum, w) => sum + 4 * w.shape.reduce((p, d) => p * d, 1), 0);
  if (weights.length !== bytes) {
    throw bad(`its weights.bin holds ${weights.length} bytes where model.json describes ${bytes}`);
  }
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: (json as { modelTopology: object }).modelTopology,
      weightSpecs: specs,
      weightData: weights.slice().buffer,
    }));
  } catch (e) {
    throw bad(`tfjs cannot build it (${oneLine((e as Error).message)})`);
  }
}

/**
 * The weight specs of a model.json as {@linkcode saveModel} writes it
 * (a topology object, one manifest of float32 weights with integer shapes),
 * or undefined for anything else.
 */
function savedWeightSpecs(json: unknown): tf.io.WeightsManifestEntry[] | undefined {
  const j = json as { modelTopology?: unknown; weightsManifest?: unknown } | null;
  if (typeof j !== "object" || j === null || Array.isArray(j)) return undefined;
  if (typeof j.modelTopology !== "object" || j.modelTopology === null) return undefined;
  const m = j.weightsManifest;
  if (!Array.isArray(m) || m.length !== 1 || !Array.isArray(m[0]?.weights)) return undefined;
  const specs = m[0].weights as tf.io.WeightsManifestEntry[];
  const ok = specs.every((w) =>
    typeof w === "object" && w !== null && typeof w.name === "string" &&
    (w.dtype ?? "float32") === "float32" && Array.isArray(w.shape) &&
    w.shape.every((d) => Number.isInteger(d) && d >= 0)
  );
  return ok ? specs : undefined;
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

/** What pretraining records beside a saved autoencoder (`pretrain.json`). */
export interface PretrainInfo {
  epochs: number;
  optimizer: string;
  loss: number | null;
  seconds: number;
  history?: number[];
  /** The folder it was loaded from, when it was. */
  loadedFrom?: string;
}

/**
 * Loads an autoencoder saved by a pretraining stage (DEC's, N2D's) from
 * `dir` and checks that it is an `inputDim`-`dims`…-`inputDim` stack, with
 * what `pretrain.json` beside it says of its training (unknown when absent);
 * `hint` ends the message when there is no model.
 * Permissions: `--allow-read` on `dir`.
 *
 * @example
 * ```ts ignore
 * const { ae, pretrain } = await loadAutoencoder("out/dec/pretrained", 784, [500, 500, 2000, 10]);
 * ```
 * @throws {RangeError} when `dir` holds no model, or another architecture.
 */
export async function loadAutoencoder(
  dir: string,
  inputDim: number,
  dims: readonly number[],
  hint = "pretrain one first, or pass another folder",
): Promise<{ ae: tf.LayersModel; pretrain: PretrainInfo }> {
  let ae: tf.LayersModel;
  try {
    ae = await loadModel(dir);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    throw new RangeError(
      `Cannot load a pretrained autoencoder as there is no model.json at ${dir} (${hint})`,
    );
  }
  const code = ae.layers[dims.length - 1]?.outputShape as number[] | undefined;
  if (
    ae.inputs[0].shape[1] !== inputDim || ae.layers.length !== 2 * dims.length ||
    code?.[1] !== dims.at(-1) || (ae.outputs[0].shape as number[])[1] !== inputDim
  ) {
    throw new RangeError(
      `Cannot use ${dir} as it is not a ${inputDim}-${dims.join("-")} autoencoder: input=${
        JSON.stringify(ae.inputs[0].shape)
      }, layers=${ae.layers.length}`,
    );
  }
  let pretrain: PretrainInfo = { epochs: NaN, optimizer: "unknown", loss: null, seconds: 0 };
  try {
    pretrain = { ...(await readJson(`${dir}/pretrain.json`)) as PretrainInfo, seconds: 0 };
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return { ae, pretrain: { ...pretrain, loadedFrom: dir } };
}

/**
 * Pretrains an autoencoder as DEC's and N2D's recipes do: `trainAutoencoder`
 * (each epoch's loss and seconds through `log`), saving the last finished
 * epoch to `dir` if Ctrl-C stops it, then the model and `pretrain.json`
 * (what {@linkcode loadAutoencoder} reads back) to `dir`. Permissions:
 * `--allow-write` (and read) on `dir`.
 *
 * @example
 * ```ts ignore
 * const info = await pretrainAndSave(ae, x, { ...trainOptions, optimizerName: "adam" }, "out/n2d/pretrained", console.log);
 * ```
 */
export async function pretrainAndSave(
  model: tf.LayersModel,
  x: tf.Tensor,
  o: TrainOptions & { optimizerName: string },
  dir: string,
  log: (line: string) => void,
): Promise<PretrainInfo> {
  const t0 = performance.now();
  const history = await keepOnInterrupt(model, dir, () =>
    trainAutoencoder(model, x, {
      ...o,
      onEpoch: (e, h) => {
        log(
          `epoch ${e}/${o.epochs}: loss ${h.loss[e - 1].toFixed(5)} (${
            h.seconds[e - 1].toFixed(1)
          } s)`,
        );
        o.onEpoch?.(e, h);
      },
    }));
  const info: PretrainInfo = {
    epochs: o.epochs,
    optimizer: o.optimizerName,
    loss: history.loss.at(-1)!,
    seconds: (performance.now() - t0) / 1000,
    history: history.loss,
  };
  await saveModel(model, dir);
  await writeAtomic(`${dir}/pretrain.json`, JSON.stringify(info));
  log(`Saved to ${dir}/ (reuse it with --pretrained ${dir}); ${info.seconds.toFixed(0)} s`);
  return info;
}
