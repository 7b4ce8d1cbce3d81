/**
 * The ξ-steep cluster extraction of OPTICS, as scikit-learn 1.2.1's
 * `_xi_cluster` and `_extract_xi_labels`, working on the reachability plot
 * (reachability in OPTICS order).
 *
 * Steep points compare consecutive reachabilities: r(p)/r(p+1) ≤ 1 − ξ is
 * steep upward, ≥ 1/(1 − ξ) steep downward (Definition 9 of the paper with
 * scikit-learn's correction of the inequality). Steep areas are grown by
 * {@linkcode extendRegion}; every steep-down area still open when a steep-up
 * area ends proposes a cluster, trimmed by Definition 11 and, optionally, by
 * Schubert & Gertz's predecessor correction (Algorithm 2).
 *
 * References: M. Ankerst, M. M. Breunig, H.-P. Kriegel, J. Sander, "OPTICS:
 * ordering points to identify the clustering structure", SIGMOD 1999, §4.3
 * and Figure 19; E. Schubert, M. Gertz, "Improving the Cluster Structure
 * Extracted from OPTICS Plots", LWDA 2018; scikit-learn
 * `sklearn/cluster/_optics.py` (1.2.1).
 *
 * @module
 */

/** A steep-down area: first and last position, and its maximum-in-between. */
interface SteepDownArea {
  start: number;
  end: number;
  mib: number;
}

/**
 * Grows a steep area from `start`: the last steep point reached before a
 * point going the other way, or before more than `minSamples` consecutive
 * points that are neither (`_extend_region`).
 */
function extendRegion(
  steep: Uint8Array,
  xward: Uint8Array,
  start: number,
  minSamples: number,
): number {
  const n = steep.length;
  let nonXward = 0, end = start;
  for (let index = start; index < n; index++) {
    if (steep[index]) {
      nonXward = 0;
      end = index;
    } else if (!xward[index]) {
      if (++nonXward > minSamples) break;
    } else return end;
  }
  return end;
}

/** Keeps the steep-down areas whose start is still ξ-above `mib`, raising their mib. */
function updateFilterSdas(
  sdas: SteepDownArea[],
  mib: number,
  xiComplement: number,
  R: Float64Array,
): SteepDownArea[] {
  if (mib === Infinity) return [];
  const res = sdas.filter((sda) => mib <= R[sda.start] * xiComplement);
  for (const sda of res) if (mib > sda.mib) sda.mib = mib;
  return res;
}

/** How the predecessor correction reads a predecessor: scikit-learn 1.2's or 1.3's way. */
export type PredecessorIndexing = "ordering" | "sample";

/**
 * Predecessor correction (Schubert & Gertz, Algorithm 2) as scikit-learn
 * writes it. `"ordering"` (1.2.1) indexes `ordering` by the predecessor's
 * sample id (−1 reads the last entry, as Python's `a[-1]`); `"sample"`
 * (1.3 and later) takes the predecessor's sample id itself, as the paper.
 */
function correctPredecessor(
  R: Float64Array,
  P: Int32Array,
  ordering: Int32Array,
  s: number,
  e: number,
  indexing: PredecessorIndexing,
): [number, number] | null {
  const n = ordering.length;
  while (s < e) {
    if (R[s] > R[e]) return [s, e];
    const pe = indexing === "sample" ? P[e] : ordering[P[e] < 0 ? P[e] + n : P[e]];
    for (let i = s; i < e; i++) if (pe === ordering[i]) return [s, e];
    e--;
  }
  return null;
}

/**
 * The ξ clusters as [start, end] positions of the reachability plot (both
 * inclusive), smaller nested clusters before the clusters that hold them.
 * `xi` must be < 1 (scikit-learn divides by 1 − ξ).
 */
export function xiCluster(
  reachabilityPlot: Float64Array,
  predecessorPlot: Int32Array,
  ordering: Int32Array,
  xi: number,
  minSamples: number,
  minClusterSize: number,
  predecessorCorrection: boolean,
  indexing: PredecessorIndexing = "ordering",
): [number, number][] {
  const n = reachabilityPlot.length;
  // An ∞ appended at the end closes a cluster that reaches the last point.
  const R = new Float64Array(n + 1);
  R.set(reachabilityPlot);
  R[n] = Infinity;
  const xiComplement = 1 - xi;
  const steepUp = new Uint8Array(n), steepDown = new Uint8Array(n);
  const downward = new Uint8Array(n), upward = new Uint8Array(n);
  const steepIndices: number[] = [];
  for (let i = 0; i < n; i++) {
    const ratio = R[i] / R[i + 1]; // ∞/∞ and 0/0 are NaN: no comparison holds
    steepUp[i] = ratio <= xiComplement ? 1 : 0;
    steepDown[i] = ratio >= 1 / xiComplement ? 1 : 0;
    downward[i] = ratio > 1 ? 1 : 0;
    upward[i] = ratio < 1 ? 1 : 0;
    if (steepUp[i] || steepDown[i]) steepIndices.push(i);
  }
  let sdas: SteepDownArea[] = [];
  const clusters: [number, number][] = [];
  let index = 0;
  let mib = 0;
  for (const steepIndex of steepIndices) {
    if (steepIndex < index) continue; // inside an area already found
    for (let p = index; p <= steepIndex; p++) if (R[p] > mib) mib = R[p];
    sdas = updateFilterSdas(sdas, mib, xiComplement, R);
    if (steepDown[steepIndex]) {
      const end = extendRegion(steepDown, upward, steepIndex, minSamples);
      sdas.push({ start: steepIndex, end, mib: 0 });
      index = end + 1;
      mib = R[index];
      continue;
    }
    const uStart = steepIndex;
    const uEnd = extendRegion(steepUp, downward, uStart, minSamples);
    index = uEnd + 1;
    mib = R[index];
    const found: [number, number][] = [];
    for (const D of sdas) {
      let cStart = D.start, cEnd = uEnd;
      if (R[cEnd + 1] * xiComplement < D.mib) continue; // (**), sc2*
      // Definition 11, criterion 4.
      const dMax = R[D.start];
      if (dMax * xiComplement >= R[cEnd + 1]) {
        while (R[cStart + 1] > R[cEnd + 1] && cStart < D.end) cStart++;
      } else if (R[cEnd + 1] * xiComplement >= dMax) {
        while (cEnd > 0 && R[cEnd - 1] > dMax && cEnd > uStart) cEnd--;
      }
      if (predecessorCorrection) {
        const c = correctPredecessor(R, predecessorPlot, ordering, cStart, cEnd, indexing);
        if (c === null) continue;
        [cStart, cEnd] = c;
      }
      if (cEnd - cStart + 1 < minClusterSize) continue; // criterion 3.a
      if (cStart > D.end) continue; // criterion 1
      if (cEnd < uStart) continue; // criterion 2
      found.push([cStart, cEnd]);
    }
    // Smaller clusters first.
    for (let t = found.length - 1; t >= 0; t--) clusters.push(found[t]);
  }
  return clusters;
}

/**
 * Labels from the ξ clusters: each cluster, smallest first, takes its
 * positions unless one of them is already labelled; positions are then
 * mapped back to samples (`_extract_xi_labels`).
 */
export function xiLabels(
  ordering: Int32Array,
  clusters: readonly (readonly [number, number])[],
): Int32Array {
  const n = ordering.length;
  const byPosition = new Int32Array(n).fill(-1);
  let label = 0;
  for (const [s, e] of clusters) {
    let free = true;
    for (let p = s; p <= e && free; p++) if (byPosition[p] !== -1) free = false;
    if (!free) continue;
    byPosition.fill(label++, s, e + 1);
  }
  const labels = new Int32Array(n);
  for (let p = 0; p < n; p++) labels[ordering[p]] = byPosition[p];
  return labels;
}
