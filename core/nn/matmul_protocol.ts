/**
 * The layout of the shared memory between the main thread and the matrix
 * product worker: a header of 32-bit slots (the request and the arguments
 * of one `gemm` call), then the worker's operands, its rows of C and its
 * scratch, all float32.
 *
 * @module
 */

/** Bytes before the float data. */
export const HEADER_BYTES = 128;

/** Header slots (Int32 indices). */
export const Slot = {
  /** 1 while a request waits for the worker. */
  Request: 0,
  /** 1 once the worker has written its rows. */
  Done: 1,
  /** 0 when the product succeeded. */
  Status: 2,
  /** The first of the 12 arguments of `Gemm.gemm`, in its order. */
  Args: 3,
  /** Set to 1 (with Request) to end the worker's loop. */
  Stop: 15,
  /**
   * Set to 1 by the worker once it can take products: read through shared
   * memory, since a training loop may not give the event loop a turn to
   * receive the worker's message.
   */
  Ready: 16,
} as const;
