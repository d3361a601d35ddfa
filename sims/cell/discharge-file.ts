/**
 * Builds `discharge.json` (the format lives in src/store/discharge-file.ts, where the viewer reads it)
 * from a simulated cell.
 */
import type { CellPerformance } from './performance.ts';
import type { CellParams } from './params.ts';
import { DISCHARGE_FORMAT, SECONDS_PER_HOUR, type DischargeFile } from '../../src/store/discharge-file.ts';

export { DISCHARGE_FILE, parseDischargeFile, type DischargeFile, type DischargeFileCurve } from '../../src/store/discharge-file.ts';

/**
 * The discharge file of a simulated cell.
 *
 * @param params the cell's parameters (area in m², cut-offs in V)
 * @param performance what simulateCell returned (capacities in A h, energies in W h)
 * @returns a plain object for JSON.stringify, SI units
 * @example
 *   const file = dischargeFile(r.params, r.performance);
 *   file.curves[0].capacity.at(-1); // C discharged at the first rate
 */
export function dischargeFile(params: CellParams, performance: CellPerformance): DischargeFile {
  return {
    format: DISCHARGE_FORMAT,
    version: 1,
    units: { time: 's', voltage: 'V', capacity: 'C', current: 'A', energy: 'J', power: 'W', area: 'm2', resistance: 'ohm' },
    cell: params.kind,
    area: params.area,
    windowCapacity: performance.windowCapacity * SECONDS_PER_HOUR,
    nominalCapacity: performance.nominalCapacity * SECONDS_PER_HOUR,
    initialOcv: performance.initialOcv,
    voltageMin: params.voltageMin,
    voltageMax: params.voltageMax,
    dcResistance: performance.dcResistance,
    curves: performance.curves.map((c) => ({
      cRate: c.cRate,
      current: c.current,
      time: [...c.time],
      voltage: [...c.voltage],
      capacity: c.capacity.map((q) => q * SECONDS_PER_HOUR),
      dischargeCapacity: c.dischargeCapacity * SECONDS_PER_HOUR,
      energy: c.energy * SECONDS_PER_HOUR,
      meanPower: c.meanPower,
      termination: c.termination,
    })),
  };
}
