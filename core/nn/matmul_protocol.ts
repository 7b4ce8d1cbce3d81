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

/**
 * Header slots (Int32 indices). Requests carry a generation number (1, 2,
 * 3, …): the main thread writes request g, the worker answers by writing g
 * to `Done`. Both sides wait in a loop until the slot holds the number they
 * expect, because a wake-up can be stale: a notify meant for the previous
 * product may arrive late, when the notifying thread was descheduled
 * between its store and its notify (it happened under CPU contention, and
 * the main thread then took the worker's rows before they were written).
 */
export const Slot = {
  /** The generation of the latest request (0: none yet; −1: stop). */
  Request: 0,
  /** The generation of the latest request the worker has answered. */
  Done: 1,
  /** 0 when the product succeeded. */
  Status: 2,
  /** The first of the 12 arguments of `Gemm.gemm`, in its order. */
  Args: 3,
  /** Set to 1 (with Request −1) to end the worker's loop. */
  Stop: 15,
  /**
   * Set to 1 by the worker once it can take products: read through shared
   * memory, since a training loop may not give the event loop a turn to
   * receive the worker's message.
   */
  Ready: 16,
  /** The worker's time on its latest rows, in microseconds (for balancing the split). */
  Micros: 17,
} as const;
