/**
 * Label assignment from a spectral embedding, as scikit-learn 1.2's
 * `discretize` (S. X. Yu and J. Shi, "Multiclass spectral clustering",
 * ICCV 2003) and `cluster_qr` (A. Damle, V. Minden and L. Ying, "Simple,
 * direct and efficient multi-way spectral clustering", Information and
 * Inference 8(1), 2019). Private helper of `spectral_clustering.ts`.
 *
 * @module
 */
import type { Matrix } from "../matrix.ts";
import type { RandomState } from "../random.ts";

/**
 * SVD of the k × k row-major `M` by one-sided Jacobi (Hestenes): M = U·S·Vᵀ.
 * Returns the orthogonal polar factor U·Vᵀ (row-major) and Σ S.
 */
function polar(M: Float64Array, k: number): { Q: Float64Array; sum: number } {
  const A = M.slice(), V = new Float64Array(k * k);
  for (let i = 0; i < k; i++) V[i * k + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        let a = 0, b = 0, g = 0;
        for (let i = 0; i < k; i++) {
          const x = A[i * k + p], y = A[i * k + q];
          a += x * x;
          b += y * y;
          g += x * y;
        }
        if (g === 0 || Math.abs(g) <= 1e-15 * Math.sqrt(a * b)) continue;
        rotated = true;
        const zeta = (b - a) / (2 * g);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        for (let i = 0; i < k; i++) {
          const x = A[i * k + p], y = A[i * k + q];
          A[i * k + p] = c * x - s * y;
          A[i * k + q] = s * x + c * y;
          const vx = V[i * k + p], vy = V[i * k + q];
          V[i * k + p] = c * vx - s * vy;
          V[i * k + q] = s * vx + c * vy;
        }
      }
    }
    if (!rotated) break;
  }
  // U's columns: A's normalised columns; null directions completed by Gram–Schmidt.
  const S = new Float64Array(k);
  let smax = 0;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += A[i * k + j] ** 2;
    S[j] = Math.sqrt(s);
    smax = Math.max(smax, S[j]);
  }
  const U = new Float64Array(k * k);
  const done: number[] = [];
  for (let j = 0; j < k; j++) {
    if (S[j] > 1e-13 * smax) {
      for (let i = 0; i < k; i++) U[i * k + j] = A[i * k + j] / S[j];
      done.push(j);
    }
  }
  let e = 0;
  for (let j = 0; j < k; j++) {
    if (done.includes(j)) continue;
    for (; e < k; e++) {
      const u = new Float64Array(k);
      u[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const c of done) {
          let h = 0;
          for (let i = 0; i < k; i++) h += U[i * k + c] * u[i];
          for (let i = 0; i < k; i++) u[i] -= h * U[i * k + c];
        }
      }
      const nu = Math.hypot(...u);
      if (nu > 1e-8) {
        for (let i = 0; i < k; i++) U[i * k + j] = u[i] / nu;
        done.push(j);
        e++;
        break;
      }
    }
  }
  const Q = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += U[i * k + l] * V[j * k + l];
      Q[i * k + j] = s;
    }
  }
  let sum = 0;
  for (let j = 0; j < k; j++) sum += S[j];
  return { Q, sum };
}

/**
 * Yu–Shi discretisation, as scikit-learn's `discretize(vectors,
 * random_state=rng)` (max_svd_restarts 30, n_iter_max 20): normalise the
 * columns to norm √n with a non-positive first row, then the rows to unit
 * norm; start the rotation from a random row (one `randint(n)` draw) and
 * the rows least aligned with those chosen; alternate the discrete
 * partition closest to the rotated embedding and the rotation (polar factor
 * of Xᵀ·V) until the ncut value repeats. Labels lie in [0, k).
 */
export function discretize(vectors: Matrix, rng: RandomState): Int32Array {
  const n = vectors.rows, k = vectors.cols;
  const V = vectors.data.slice();
  const normOnes = Math.sqrt(n);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += V[i * k + j] ** 2;
    const f = normOnes / Math.sqrt(s);
    for (let i = 0; i < n; i++) V[i * k + j] *= f;
    const first = V[j];
    if (first !== 0) {
      const sg = first > 0 ? 1 : -1;
      for (let i = 0; i < n; i++) V[i * k + j] = -V[i * k + j] * sg;
    }
  }
  // A sample with no affinity to any other (an isolated node) has a zero
  // row: it stays zero (scikit-learn's eigensolver leaves rounding noise
  // there, of no direction, so its choices there are arbitrary), adds
  // nothing to the rotation's sums, takes the first label, and never serves
  // as a direction of the start.
  const zero = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += V[i * k + j] ** 2;
    if (s === 0) {
      zero[i] = 1;
      continue;
    }
    const r = Math.sqrt(s);
    for (let j = 0; j < k; j++) V[i * k + j] /= r;
  }
  const eps = 2.220446049250313e-16;
  const labels = new Int32Array(n);
  const R = new Float64Array(k * k); // rotation, row-major k × k
  const c = new Float64Array(n);
  const T = new Float64Array(k * k);
  // Step 1. Initial rotation: a random row (the next non-zero one after a
  // zero row, which has no direction), then the rows least aligned.
  let first = rng.randint(0, n, 1)[0];
  for (let t = 0; t < n && zero[first]; t++) first = (first + 1) % n;
  for (let a = 0; a < k; a++) R[a * k] = V[first * k + a];
  for (let j = 1; j < k; j++) {
    let arg = 0, min = Infinity;
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let a = 0; a < k; a++) dot += V[i * k + a] * R[a * k + j - 1];
      c[i] += Math.abs(dot);
      if (c[i] < min && !zero[i]) (min = c[i]), (arg = i);
    }
    for (let a = 0; a < k; a++) R[a * k + j] = V[arg * k + a];
  }
  // Step 2. Alternate partition and rotation.
  let last = 0;
  for (let iter = 1;; iter++) {
    for (let i = 0; i < n; i++) {
      let best = -Infinity, arg = 0;
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let a = 0; a < k; a++) s += V[i * k + a] * R[a * k + j];
        if (s > best) (best = s), (arg = j);
      }
      labels[i] = arg;
    }
    // T = X_discreteᵀ · V (k × k): row l sums the rows labelled l.
    T.fill(0);
    for (let i = 0; i < n; i++) {
      const o = labels[i] * k;
      for (let a = 0; a < k; a++) T[o + a] += V[i * k + a];
    }
    const { Q, sum } = polar(T, k);
    const ncut = 2 * (n - sum);
    if (Math.abs(ncut - last) < eps || iter > 20) return labels;
    last = ncut;
    // rotation = (U·Vhᵀ)ᵀ … as scikit-learn: Vh.T @ U.T = Qᵀ.
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) R[a * k + b] = Q[b * k + a];
  }
}

/**
 * Damle–Minden–Ying assignment, as scikit-learn's `cluster_qr`: the k rows
 * that column-pivoted QR of the embedding's transpose picks first (largest
 * residual norm, lowest index on ties), the polar factor Q of their k × k
 * block, and each sample's label is argmaxⱼ |(V·Q)ᵢⱼ|. Deterministic.
 */
export function clusterQr(vectors: Matrix): Int32Array {
  const n = vectors.rows, k = vectors.cols;
  const Rs = vectors.data.slice(); // residual rows
  const norms = new Float64Array(n);
  const piv: number[] = [];
  const q = new Float64Array(k);
  const taken = new Uint8Array(n);
  for (let step = 0; step < k; step++) {
    let arg = -1, best = -1;
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      let s = 0;
      for (let a = 0; a < k; a++) s += Rs[i * k + a] ** 2;
      norms[i] = s;
      if (s > best) (best = s), (arg = i);
    }
    piv.push(arg);
    taken[arg] = 1;
    const nr = Math.sqrt(best);
    if (nr === 0) continue;
    for (let a = 0; a < k; a++) q[a] = Rs[arg * k + a] / nr;
    for (let i = 0; i < n; i++) {
      let h = 0;
      for (let a = 0; a < k; a++) h += Rs[i * k + a] * q[a];
      for (let a = 0; a < k; a++) Rs[i * k + a] -= h * q[a];
    }
  }
  // M = vectors[piv]ᵀ (k × k): M[a][j] = vectors[piv[j]][a].
  const M = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    for (let a = 0; a < k; a++) M[a * k + j] = vectors.data[piv[j] * k + a];
  }
  const { Q } = polar(M, k);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = -1, arg = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += vectors.data[i * k + a] * Q[a * k + j];
      if (Math.abs(s) > best) (best = Math.abs(s)), (arg = j);
    }
    labels[i] = arg;
  }
  return labels;
}
