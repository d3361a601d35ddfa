/**
 * The phase of each voxel after a lattice-Boltzmann filling, in the quasi-static model's codes so
 * that later models read either filling the same way: 0 solid, 1 electrolyte (the front arrived),
 * 2 gas (never reached, trapped or still ahead of the front when the run stopped).
 *
 * @param arrival per-voxel arrival time of a filling result (s; NaN solid, +Infinity never reached)
 * @returns phase codes, one byte per voxel
 * @example
 *   const phase = phaseFromArrival(result.arrivalTime); // feeds sims/cell as a quasi-static phase map does
 */
export function phaseFromArrival(arrival: Float32Array): Uint8Array {
  const phase = new Uint8Array(arrival.length);
  for (let i = 0; i < arrival.length; i++) {
    const t = arrival[i]!;
    phase[i] = Number.isNaN(t) ? 0 : Number.isFinite(t) ? 1 : 2;
  }
  return phase;
}
