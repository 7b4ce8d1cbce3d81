/**
 * TensorFlow.js, imported in one place: the backend set-up (`backend.ts`)
 * and the kernels it registers both take `tf` from here, so that no module
 * of `core/nn` imports its own importer.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

export { tf };
