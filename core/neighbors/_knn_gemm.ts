/**
 * Exact k nearest neighbours for many dimensions, screened by our float32
 * WebAssembly matrix product (`core/wasm/gemm.ts`): for blocks of queries
 * against blocks of rows, ‖q‖² + ‖x‖² − 2·q·x on the centred data in
 * float32 says which rows could be among a query's k nearest, and only
 * those are measured exactly, in float64, summed as the brute force in
 * `knn.ts` sums them. So the answers are the brute force's, bit for bit,
 * ties included (the lower index first).
 *
 * Why no row is missed: let m bound the screen's error on one distance.
 * The k rows of smallest screened distance (the k-th is T) are within
 * T + m exactly, so the k-th exact distance is at most T + m, and any row
 * that close was screened at most T + 2m: every row screened within
 * T + 2m is measured. m = (d + 16)·2⁻²²·(‖q‖² + max‖x‖²) bounds the float32
 * rounding of the centred data (2⁻²⁴ relative per value) and of a d-term
 * dot product (d·2⁻²⁴ of ‖q‖·‖x‖), with room to spare.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import { instantiateGemm, TILE_ROWS } from "../wasm/gemm.ts";
import { sqDistBrute } from "./_kd_tree.ts";

/** Queries per block (a multiple of the product's tile rows) and rows per block. */
const QUERY_BLOCK = 240, ROW_BLOCK = 1024;

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/**
 * The `k` nearest rows of `X` to each row (squared distances), as
 * `kneighbors`' brute force finds them; `undefined` when this engine has no
 * relaxed SIMD (then use the brute force).
 */
export function gemmKneighbors(
  X: Matrix,
  k: number,
  includeSelf: boolean,
): { indices: Int32Array; sqDistances: Float64Array } | undefined {
  const n = X.rows, d = X.cols, x = X.data;
  const B = QUERY_BLOCK, C = Math.min(ROW_BLOCK, n);
  // Memory: the centred float32 rows, a packed query block, a product block, scratch.
  const xAt = 0;
  const qAt = align(xAt + 4 * n * d);
  const cAt = align(qAt + 4 * Math.ceil(B / TILE_ROWS) * TILE_ROWS * d);
  const workAt = align(cAt + 4 * B * C);
  const probe = new WebAssembly.Memory({ initial: 1 });
  const g0 = instantiateGemm(probe);
  if (!g0) return undefined;
  const end = workAt + align(g0.workBytes(B, C, d));
  const memory = new WebAssembly.Memory({ initial: Math.ceil(end / 65536) });
  const gemm = instantiateGemm(memory)!;
  const f32 = new Float32Array(memory.buffer);

  // Centre (the distances do not change; the float32 values get smaller).
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) mean[a] += x[i * d + a];
  for (let a = 0; a < d; a++) mean[a] /= n;
  const norms = new Float64Array(n);
  let maxNorm = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < d; a++) {
      const v = Math.fround(x[i * d + a] - mean[a]);
      f32[xAt / 4 + i * d + a] = v;
      s += v * v;
    }
    norms[i] = s;
    if (s > maxNorm) maxNorm = s;
  }
  const slack = (d + 16) * 2 ** -22;

  const indices = new Int32Array(n * k), sqDistances = new Float64Array(n * k);
  // Per query of a block: a max-heap of its k smallest screened distances,
  // and the candidates screened within heap top + 2m.
  const heap = new Float64Array(B * k);
  const CAP = 8 * k + 64;
  const candJ = Array.from({ length: B }, () => new Int32Array(CAP));
  const candV = Array.from({ length: B }, () => new Float64Array(CAP));
  const count = new Int32Array(B), filled = new Int32Array(B);
  const band = new Float64Array(B), accept = new Float64Array(B);
  let exactJ = new Int32Array(CAP), exactD = new Float64Array(CAP);
  for (let q0 = 0; q0 < n; q0 += B) {
    const rows = Math.min(B, n - q0);
    gemm.packA(rows, d, xAt + 4 * q0 * d, d, 1, qAt);
    heap.fill(Infinity);
    count.fill(0);
    filled.fill(0);
    accept.fill(Infinity);
    for (let r = 0; r < rows; r++) band[r] = 2 * slack * (norms[q0 + r] + maxNorm);
    for (let c0 = 0; c0 < n; c0 += C) {
      const cols = Math.min(C, n - c0);
      gemm.gemmPacked(rows, cols, d, qAt, xAt + 4 * c0 * d, 1, d, cAt, C, workAt);
      for (let r = 0; r < rows; r++) {
        const i = q0 + r, ni = norms[i], h = r * k, o = cAt / 4 + r * C;
        let thr = accept[r];
        for (let t = 0; t < cols; t++) {
          const j = c0 + t;
          const v = ni + norms[j] - 2 * f32[o + t];
          if (v > thr || (j === i && !includeSelf)) continue;
          // A candidate: keep it, and let it into the heap if it is below the top.
          let cnt = count[r];
          if (cnt === candJ[r].length) {
            cnt = compact(candJ[r], candV[r], cnt, thr);
            if (2 * cnt > candJ[r].length) {
              candJ[r] = grow(candJ[r]);
              candV[r] = growF(candV[r]);
            }
          }
          candJ[r][cnt] = j;
          candV[r][cnt] = v;
          count[r] = cnt + 1;
          if (filled[r] < k) {
            // Sift up into the heap (not yet full).
            let p = filled[r]++;
            while (p > 0) {
              const up = (p - 1) >> 1;
              if (heap[h + up] >= v) break;
              heap[h + p] = heap[h + up];
              p = up;
            }
            heap[h + p] = v;
            if (filled[r] === k) thr = heap[h] + band[r];
          } else if (v < heap[h]) {
            let p = 0;
            for (;;) {
              const l = 2 * p + 1;
              if (l >= k) break;
              const m = l + 1 < k && heap[h + l + 1] > heap[h + l] ? l + 1 : l;
              if (heap[h + m] <= v) break;
              heap[h + p] = heap[h + m];
              p = m;
            }
            heap[h + p] = v;
            thr = heap[h] + band[r];
          }
        }
        accept[r] = thr;
      }
    }
    // Measure the candidates exactly and keep the k nearest by (distance, index).
    for (let r = 0; r < rows; r++) {
      const i = q0 + r, thr = accept[r], J = candJ[r], V = candV[r];
      if (exactJ.length < count[r]) {
        exactJ = new Int32Array(J.length);
        exactD = new Float64Array(J.length);
      }
      let m = 0;
      for (let c = 0; c < count[r]; c++) {
        if (V[c] > thr) continue;
        const j = J[c];
        exactJ[m] = j;
        exactD[m++] = sqDistBrute(x, i * d, x, j * d, d);
      }
      const order = Array.from({ length: m }, (_, t) => t)
        .sort((a, b) => exactD[a] - exactD[b] || exactJ[a] - exactJ[b]);
      for (let t = 0; t < k; t++) {
        indices[i * k + t] = exactJ[order[t]];
        sqDistances[i * k + t] = exactD[order[t]];
      }
    }
  }
  return { indices, sqDistances };
}

/** Drops the candidates of one query screened above `thr`; returns how many remain. */
function compact(J: Int32Array, V: Float64Array, cnt: number, thr: number): number {
  let m = 0;
  for (let c = 0; c < cnt; c++) {
    if (V[c] > thr) continue;
    J[m] = J[c];
    V[m++] = V[c];
  }
  return m;
}

const grow = (a: Int32Array) => {
  const b = new Int32Array(2 * a.length);
  b.set(a);
  return b;
};
const growF = (a: Float64Array) => {
  const b = new Float64Array(2 * a.length);
  b.set(a);
  return b;
};
