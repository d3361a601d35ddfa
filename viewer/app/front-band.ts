/**
 * The front band: the electrolyte that arrived last before the slider, drawn bright so the front
 * stands out whatever the spread of arrival times. A fixed share of the time range would be a few
 * voxels when most pores fill early (or never) and half the volume when they fill late; a share of
 * the voxels filled so far is always a visible layer.
 */

/** Share of the filled pore voxels, the latest to fill, shown as the front. */
export const FRONT_SHARE = 0.1;

/** Finite front values of the pore voxels, ascending: sorted once per field. */
export function sortedFrontValues(data: Float32Array, labels: Uint8Array): Float32Array {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (labels[i] === 0 && Number.isFinite(data[i]!)) n++;
  const out = new Float32Array(n);
  let k = 0;
  for (let i = 0; i < data.length; i++) if (labels[i] === 0 && Number.isFinite(data[i]!)) out[k++] = data[i]!;
  return out.sort();
}

/** Number of values ≤ t in an ascending array. */
function countAtMost(sorted: Float32Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Width of the band in field units (s or Pa): voxels with value within this distance behind `t`
 * (below it when filling ascends, above it when it descends) are the latest `share` of those
 * filled by `t`. 0 when nothing has filled.
 */
export function frontBandWidth(sorted: Float32Array, t: number, order: 'ascending' | 'descending', share = FRONT_SHARE): number {
  const n = sorted.length;
  if (order === 'ascending') {
    const filled = countAtMost(sorted, t);
    if (filled === 0) return 0;
    const k = Math.max(0, filled - Math.max(1, Math.round(share * filled)));
    return t - sorted[k]!;
  }
  // Descending: the voxels with values ≥ t are filled; the latest are the smallest among them.
  const first = countAtLeastIndex(sorted, t);
  const filled = n - first;
  if (filled === 0) return 0;
  const k = Math.min(n - 1, first + Math.max(1, Math.round(share * filled)) - 1);
  return sorted[k]! - t;
}

/** Index of the first value ≥ t in an ascending array. */
function countAtLeastIndex(sorted: Float32Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
