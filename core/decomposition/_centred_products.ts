/**
 * The n × d matrix A = X − 1·μᵀ (X's rows less a row vector μ, or X itself)
 * as the two products a randomized SVD needs, A·Q and Aᵀ·P with thin Q and
 * P (a few dozen columns), without forming A.
 *
 * For mostly-zero data (pixels) the products run over X's non-zero entries,
 * kept once by rows and once by columns, and subtract μ's share afterwards:
 * A·Q = X·Q − 1·(μᵀQ) and Aᵀ·P = Xᵀ·P − μ·(1ᵀP). As for the sparse
 * covariance (`_sample_covariance.ts`), this is taken only when at most half
 * the entries are non-zero and no column's mean exceeds four standard
 * deviations, so the subtraction loses at most a few bits. The sparse
 * products run in our WebAssembly module (`sparseRowsTimes`, two columns
 * per vector instruction, 3–4 times the JavaScript kernel's speed) where
 * the engine has it, with the JavaScript kernel's exact bits. Dense data
 * are centred on the fly, a row (or eight rows) at a time.
 *
 * Every entry is summed in an order fixed by the data alone: the same bits
 * on every run and engine.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { type Gemm, instantiateGemm } from "../wasm/gemm.ts";

/** A linear map as products with thin row-major matrices of `l` columns. */
export interface ThinProducts {
  readonly rows: number;
  readonly cols: number;
  /** Which products: over the non-zero entries (in WebAssembly or not), or dense. */
  readonly kind: "sparse-wasm" | "sparse" | "dense";
  /** Op·Q for the cols × l matrix Q, into the rows × l matrix `out` (overwritten). */
  times(Q: Float64Array, l: number, out: Float64Array): void;
  /** Opᵀ·P for the rows × l matrix P, into the cols × l matrix `out` (overwritten). */
  timesT(P: Float64Array, l: number, out: Float64Array): void;
}

/** The same products for the transpose. */
export function transposed(op: ThinProducts): ThinProducts {
  return { rows: op.cols, cols: op.rows, kind: op.kind, times: op.timesT, timesT: op.times };
}

/** Whether the sparse products may use WebAssembly (tests compare both ways). */
let wasmAllowed = true;

/** Lets (or stops) the sparse products use WebAssembly; returns the previous setting. */
export function allowWasmProducts(allowed: boolean): boolean {
  const was = wasmAllowed;
  wasmAllowed = allowed;
  return was;
}

/**
 * out[o + j] += Σ val[s]·w[idx[s]·l + j] over from ≤ s < to, j < l: eight
 * entries at a time, one load and store of out per eight multiply-adds.
 * (`sparseRowsTimes` in `core/wasm/gemm.wat` sums in the same order; PCA's
 * sign check sums a row's scores with it.)
 */
export function accumulate(
  out: Float64Array,
  o: number,
  w: Float64Array,
  l: number,
  idx: Int32Array,
  val: Float64Array,
  from: number,
  to: number,
): void {
  let s = from;
  for (; s + 7 < to; s += 8) {
    const w0 = idx[s] * l, w1 = idx[s + 1] * l, w2 = idx[s + 2] * l, w3 = idx[s + 3] * l;
    const w4 = idx[s + 4] * l, w5 = idx[s + 5] * l, w6 = idx[s + 6] * l, w7 = idx[s + 7] * l;
    const v0 = val[s], v1 = val[s + 1], v2 = val[s + 2], v3 = val[s + 3];
    const v4 = val[s + 4], v5 = val[s + 5], v6 = val[s + 6], v7 = val[s + 7];
    for (let j = 0; j < l; j++) {
      out[o + j] += v0 * w[w0 + j] + v1 * w[w1 + j] + v2 * w[w2 + j] + v3 * w[w3 + j] +
        (v4 * w[w4 + j] + v5 * w[w5 + j] + v6 * w[w6 + j] + v7 * w[w7 + j]);
    }
  }
  for (; s < to; s++) {
    const w0 = idx[s] * l, v0 = val[s];
    for (let j = 0; j < l; j++) out[o + j] += v0 * w[w0 + j];
  }
}

/** Row i of the rows × l matrix out ← −c[i]·v (−v for every row when c is undefined). */
function fillNegated(
  out: Float64Array,
  rows: number,
  l: number,
  v: Float64Array,
  c?: Float64Array,
): void {
  for (let i = 0; i < rows; i++) {
    const f = c ? c[i] : 1;
    for (let j = 0; j < l; j++) out[i * l + j] = -f * v[j];
  }
}

/** Σᵢ c[i]·w[i·l + j] for each j < l (c[i] = 1 when c is undefined). */
function columnSums(w: Float64Array, rows: number, l: number, c?: Float64Array): Float64Array {
  const sums = new Float64Array(l);
  for (let i = 0; i < rows; i++) {
    const f = c ? c[i] : 1;
    for (let j = 0; j < l; j++) sums[j] += f * w[i * l + j];
  }
  return sums;
}

/** Non-zero entries of x[r .. r + d), and their (x − μ)² added to sq (when μ is given). */
function scanRow(
  x: Float64Array,
  r: number,
  d: number,
  mean: Float64Array | undefined,
  sq: Float64Array,
): number {
  let nz = 0;
  for (let a = 0; a < d; a++) nz += x[r + a] !== 0 ? 1 : 0;
  if (mean) {
    for (let a = 0; a < d; a++) {
      const c = x[r + a] - mean[a];
      sq[a] += c * c;
    }
  }
  return nz;
}

/**
 * A = X − 1·μᵀ (or X when `mean` is undefined) as {@linkcode ThinProducts}
 * for products of up to `maxCols` columns. X must not change while the
 * products are in use.
 */
export function centredProducts(X: Matrix, maxCols: number, mean?: Float64Array): ThinProducts {
  const n = X.rows, d = X.cols, x = X.data;
  const sq = new Float64Array(d);
  let nonZero = 0;
  for (let i = 0; i < n; i++) nonZero += scanRow(x, i * d, d, mean, sq);
  let sparse = nonZero <= 0.5 * n * d;
  for (let a = 0; a < d && sparse && mean; a++) sparse = n * mean[a] * mean[a] <= 16 * sq[a];
  return sparse ? sparseProducts(X, nonZero, maxCols, mean) : denseProducts(X, mean);
}

/** Byte offsets of the arrays in the sparse products' memory, each 16-byte aligned. */
function layout(sizes: number[]): { at: number[]; bytes: number } {
  const at: number[] = [];
  let o = 0;
  for (const s of sizes) {
    at.push(o);
    o += Math.ceil(s / 16) * 16;
  }
  return { at, bytes: o };
}

/**
 * Rows of the gathered operand per block: a block of a thin operand of l
 * columns (at most 512 KiB) stays in the core's cache while every row of
 * the product takes its share from it. Gathering from all 70,000 rows of
 * a 60-column operand (34 MB) at once ran at a quarter of the speed.
 */
function blockRows(l: number): number {
  return Math.max(256, Math.floor(524288 / (8 * l)));
}

/**
 * Row i's non-zero entries appended at s (their columns and values; every
 * entry is written, the next one overwrites it when zero, so no branch),
 * counted by (row block, column) into colCount, shifted by one slot.
 * Returns the new end.
 */
function compressRow(
  x: Float64Array,
  i: number,
  d: number,
  s: number,
  colIdx: Int32Array,
  rowVal: Float64Array,
  colCount: Int32Array,
  countBase: number,
): number {
  const r = i * d;
  for (let a = 0; a < d; a++) {
    const v = x[r + a];
    colIdx[s] = a;
    rowVal[s] = v;
    const nz = v !== 0 ? 1 : 0;
    colCount[countBase + a + 1] += nz;
    s += nz;
  }
  return s;
}

/** Row i's entries [from, to) placed at the next free slots of their (row block, column) keys. */
function scatterRow(
  i: number,
  from: number,
  to: number,
  colIdx: Int32Array,
  rowVal: Float64Array,
  next: Int32Array,
  nextBase: number,
  rowIdx: Int32Array,
  colVal: Float64Array,
): void {
  for (let t = from; t < to; t++) {
    const at = next[nextBase + colIdx[t]]++;
    rowIdx[at] = i;
    colVal[at] = rowVal[t];
  }
}

/**
 * The products over X's non-zero entries: by rows (A·Q), in blocks of Q's
 * rows, and by columns (Aᵀ·P), in blocks of P's rows; within a block each
 * row's (column's) entries in order.
 */
function sparseProducts(
  X: Matrix,
  nonZero: number,
  maxCols: number,
  mean?: Float64Array,
): ThinProducts {
  const n = X.rows, d = X.cols, x = X.data;
  const block = blockRows(maxCols);
  const colBlocks = Math.ceil(d / block), rowBlocks = Math.ceil(n / block);
  // One memory for everything (the kernel's, where it runs): values first.
  // colIdx and rowVal get one slot of slack for compressRow's writes.
  const { at, bytes } = layout([
    8 * (nonZero + 1), // rowVal
    8 * nonZero, // colVal
    8 * Math.max(n, d) * maxCols, // operand
    8 * Math.max(n, d) * maxCols, // result
    4 * (n + 1), // rowStart
    4 * (colBlocks > 1 ? (colBlocks + 1) * n : 0), // rowBlockStart: by (column block, row)
    4 * (nonZero + 1), // colIdx
    4 * (rowBlocks * d + 1), // colStart: by (row block, column)
    4 * nonZero, // rowIdx
  ]);
  // WebAssembly's memory holds at most 4 GiB (65,536 pages): larger data
  // take the JavaScript kernel (the same bits).
  let gemm: Gemm | undefined, buffer: ArrayBufferLike | undefined;
  const pages = Math.ceil(bytes / 65536) || 1;
  if (wasmAllowed && pages <= 65536) {
    try {
      const memory = new WebAssembly.Memory({ initial: pages });
      gemm = instantiateGemm(memory);
      buffer = memory.buffer;
    } catch (e) {
      if (!(e instanceof RangeError)) throw e; // out of memory for it: go on without
    }
  }
  buffer ??= new ArrayBuffer(bytes);
  const f64 = (i: number, len: number) => new Float64Array(buffer, at[i], len);
  const i32 = (i: number, len: number) => new Int32Array(buffer, at[i], len);
  const rowVal = f64(0, nonZero + 1), colVal = f64(1, nonZero);
  const operand = f64(2, Math.max(n, d) * maxCols), result = f64(3, Math.max(n, d) * maxCols);
  const rowStart = i32(4, n + 1), colIdx = i32(6, nonZero + 1);
  const colStart = i32(7, rowBlocks * d + 1), rowIdx = i32(8, nonZero);
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = compressRow(x, i, d, s, colIdx, rowVal, colStart, Math.floor(i / block) * d);
    rowStart[i + 1] = s;
  }
  for (let t = 0; t < rowBlocks * d; t++) colStart[t + 1] += colStart[t];
  const next = colStart.slice(0, rowBlocks * d);
  for (let i = 0; i < n; i++) {
    const base = Math.floor(i / block) * d;
    scatterRow(i, rowStart[i], rowStart[i + 1], colIdx, rowVal, next, base, rowIdx, colVal);
  }
  // Row i's entries in column block c: [starts[c·n + i], starts[(c + 1)·n + i]).
  let starts = rowStart, stride = 1;
  if (colBlocks > 1) {
    starts = i32(5, (colBlocks + 1) * n);
    stride = n;
    for (let i = 0; i < n; i++) {
      let t = rowStart[i];
      for (let c = 0; c < colBlocks; c++) {
        starts[c * n + i] = t;
        while (t < rowStart[i + 1] && colIdx[t] < (c + 1) * block) t++;
      }
      starts[colBlocks * n + i] = rowStart[i + 1];
    }
  }
  // out (rows × l) += the compressed rows times w (wRows × l), block by
  // block: rows r of block b in [start[b·rows + r], start[b·rows + r + gap]).
  const product = (
    rows: number,
    blocks: number,
    gap: number,
    wRows: number,
    l: number,
    w: Float64Array,
    out: Float64Array,
    start: Int32Array,
    idx: Int32Array,
    val: Float64Array,
  ) => {
    if (!gemm) {
      for (let b = 0; b < blocks; b++) {
        const base = b * rows;
        for (let r = 0; r < rows; r++) {
          accumulate(out, r * l, w, l, idx, val, start[base + r], start[base + r + gap]);
        }
      }
      return;
    }
    operand.set(w.subarray(0, wRows * l));
    result.set(out.subarray(0, rows * l));
    for (let b = 0; b < blocks; b++) {
      const from = start.byteOffset + 4 * b * rows;
      gemm.sparseRowsTimes(
        rows,
        l,
        from,
        from + 4 * gap,
        idx.byteOffset,
        val.byteOffset,
        operand.byteOffset,
        result.byteOffset,
      );
    }
    out.set(result.subarray(0, rows * l));
  };
  return {
    rows: n,
    cols: d,
    kind: gemm ? "sparse-wasm" : "sparse",
    times(Q, l, out) {
      if (mean) fillNegated(out, n, l, columnSums(Q, d, l, mean));
      else out.fill(0, 0, n * l);
      product(n, colBlocks, stride, d, l, Q, out, starts, colIdx, rowVal);
    },
    timesT(P, l, out) {
      if (mean) fillNegated(out, d, l, columnSums(P, n, l), mean);
      else out.fill(0, 0, d * l);
      product(d, rowBlocks, 1, n, l, P, out, colStart, rowIdx, colVal);
    },
  };
}

/** Rows of X centred into a block before each product: eight rows per block of Aᵀ·P. */
const BLOCK = 8;

/** row[a] = x[r + a] − μₐ (or x[r + a]). */
function centreRow(row: Float64Array, x: Float64Array, r: number, mean?: Float64Array): void {
  for (let a = 0; a < row.length; a++) row[a] = x[r + a] - (mean ? mean[a] : 0);
}

/** The products on dense data, centred as they are read. */
function denseProducts(X: Matrix, mean?: Float64Array): ThinProducts {
  const n = X.rows, d = X.cols, x = X.data;
  const ident = new Int32Array(d);
  for (let a = 0; a < d; a++) ident[a] = a;
  const row = new Float64Array(d);
  const idx = new Int32Array(BLOCK), val = new Float64Array(BLOCK);
  return {
    rows: n,
    cols: d,
    kind: "dense",
    times(Q, l, out) {
      out.fill(0, 0, n * l);
      for (let i = 0; i < n; i++) {
        centreRow(row, x, i * d, mean);
        accumulate(out, i * l, Q, l, ident, row, 0, d);
      }
    },
    timesT(P, l, out) {
      out.fill(0, 0, d * l);
      for (let i0 = 0; i0 < n; i0 += BLOCK) {
        const count = Math.min(BLOCK, n - i0);
        for (let r = 0; r < count; r++) idx[r] = i0 + r;
        for (let a = 0; a < d; a++) {
          const m = mean ? mean[a] : 0;
          for (let r = 0; r < count; r++) val[r] = x[(i0 + r) * d + a] - m;
          accumulate(out, a * l, P, l, idx, val, 0, count);
        }
      }
    },
  };
}
