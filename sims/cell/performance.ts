import { P2DModel, type DischargeCurve } from './p2d.ts';
import type { CellParams } from './params.ts';

/** One point of a Ragone plot: energy delivered at a rate against its mean power. */
export interface RagonePoint {
  cRate: number;
  /** W h and W of the whole cell. */
  energy: number;
  power: number;
  /** Per electrode area: W h/m² and W/m². */
  arealEnergy: number;
  arealPower: number;
}

export interface CellPerformance {
  /** Capacity of the stoichiometric window to the cut-off (A h) and the 1C capacity used. */
  windowCapacity: number;
  nominalCapacity: number;
  initialOcv: number;
  curves: DischargeCurve[];
  ragone: RagonePoint[];
  /** DC resistance from a 10 s 1C pulse (Ω) and area-specific (Ω m²). */
  dcResistance: number;
  areaSpecificResistance: number;
}

/**
 * Constant-current discharges of a cell at several C-rates, with the figures a cell designer
 * compares: capacity and energy at each rate, Ragone points and the 10 s DC resistance at 1C.
 *
 * @param params validated cell parameters (parseCellParams)
 * @param cRates discharge rates (multiples of the nominal capacity per hour)
 * @param signal optional abort signal
 * @returns one discharge curve per rate (s, V, A h), the Ragone points (W h, W) and the 10 s DC
 *   resistance at 1C (Ω, and Ω m² area-specific)
 * @example
 *   const perf = simulateCell(parseCellParams(CHEN2020), [0.1, 1, 2]);
 *   perf.curves[1].dischargeCapacity; // A h at 1C
 */
export function simulateCell(params: CellParams, cRates: readonly number[], signal?: AbortSignal): CellPerformance {
  const model = new P2DModel(params);
  const curves = cRates.map((c) => model.discharge(c, { signal }));
  // The 1C pulse: reuse the 1C discharge when one was asked for (its step lands on 10 s).
  const oneC = curves.find((c) => c.cRate === 1) ?? model.discharge(1, { signal });
  return {
    windowCapacity: model.windowCapacity(),
    nominalCapacity: model.nominalCapacity(),
    initialOcv: model.initialOcv(),
    curves,
    ragone: curves.map((c) => ({
      cRate: c.cRate,
      energy: c.energy,
      power: c.meanPower,
      arealEnergy: c.energy / params.area,
      arealPower: c.meanPower / params.area,
    })),
    dcResistance: oneC.dcResistance,
    areaSpecificResistance: oneC.dcResistance * params.area,
  };
}
