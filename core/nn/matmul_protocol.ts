/**
 * The layout of the shared buffer between the main thread and the matrix
 * product worker: a header of 32-bit slots, then the worker's rows of A,
 * all of B and the worker's rows of C, float32, row-major.
 *
 * @module
 */

/** Bytes before the float data. */
export const HEADER_BYTES = 64;

/** Header slots (Int32 indices). */
export const Slot = {
  /** 1 while a request waits for the worker. */
  Request: 0,
  /** 1 once the worker has written its rows. */
  Done: 1,
  /** The worker's rows of A and C. */
  M: 2,
  /** Columns of A, rows of B. */
  K: 3,
  /** Columns of B and C. */
  N: 4,
  /** 0 when the product succeeded. */
  Status: 5,
} as const;
