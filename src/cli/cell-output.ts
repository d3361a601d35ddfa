import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonReplacer } from './output.ts';
import { writeVolume } from '../volume/io.ts';
import type { Volume } from '../volume/volume.ts';
import type { CellRunResult } from '../../sims/cell/index.ts';
import { DISCHARGE_FILE, dischargeFile } from '../../sims/cell/discharge-file.ts';

/**
 * Writes what `mesolab cell -o` keeps into `dir`, built in a temporary folder beside it and renamed
 * onto it when complete (a killed run leaves no half folder):
 * - `result.json`: the structure summary, capacities (A h), energies (W h), Ragone points, parameters;
 * - `discharge.json`: every curve in SI units (s, V, C), the file `mesolab view` draws;
 * - `discharge-<rate>C.csv`: time_s, voltage_V, capacity_Ah per rate;
 * - `labels.raw` + `.json`: the electrode the cell was built from, and `phase.raw` its wetting
 *   when a filling gave one, so the viewer shows the structure beside the curves.
 *
 * @param dir the output folder (must not exist: the caller checks before the run)
 * @param r the cell run
 * @param volume the electrode volume (labels 0 pore, 1 AM, 2 CBD; voxel size in m)
 * @param phase the filling's phase per voxel (0 solid, 1 electrolyte, 2 trapped, 3 unreached), if any
 * @example
 *   await writeCellOutput('cell-out', result, volume);
 */
export async function writeCellOutput(dir: string, r: CellRunResult, volume: Volume, phase?: Uint8Array): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const { performance, structure, params } = r;
  const summary = {
    structure,
    windowCapacityAh: performance.windowCapacity,
    dcResistanceOhm: performance.dcResistance,
    areaSpecificResistanceOhmM2: performance.areaSpecificResistance,
    ragone: performance.ragone,
    discharges: performance.curves.map((c) => ({ cRate: c.cRate, capacityAh: c.dischargeCapacity, energyWh: c.energy, meanPowerW: c.meanPower, termination: c.termination, steps: c.steps })),
    params,
  };
  await writeFile(join(tmp, 'result.json'), `${JSON.stringify(summary, jsonReplacer, 2)}\n`);
  await writeFile(join(tmp, DISCHARGE_FILE), `${JSON.stringify(dischargeFile(params, performance))}\n`);
  for (const c of performance.curves) {
    const rows = c.time.map((t, k) => `${t},${c.voltage[k]},${c.capacity[k]}`);
    await writeFile(join(tmp, `discharge-${c.cRate}C.csv`), `time_s,voltage_V,capacity_Ah\n${rows.join('\n')}\n`);
  }
  await writeVolume(join(tmp, 'labels.raw'), volume);
  if (phase) await writeVolume(join(tmp, 'phase.raw'), { shape: volume.shape, voxelSize: volume.voxelSize, labels: phase });
  await rename(tmp, dir);
}
