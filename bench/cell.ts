import { P2DModel } from '../sims/cell/p2d.ts';
import { CHEN2020, parseCellParams } from '../sims/cell/params.ts';
import { electrodeMetrics } from '../sims/properties/electrode-tortuosity.ts';
import { overlappingSpheres } from '../src/voxel/test-geometries.ts';
import { runStandalone, time, type BenchRun, type Figure } from './lib.ts';

/**
 * Time of a 1C discharge of the Chen 2020 LG M50 cell with the P2D model (default mesh 12/6/12
 * volumes, 10 shells: 30 × 14 unknowns, banded Newton), and of the electrode-tortuosity solves
 * (transport–reaction + impedance) on overlapping spheres. No PyBaMM figure beside it: PyPI is
 * not reachable here, so no same-machine reference could be measured.
 */
export const run: BenchRun = async ({ quick }) => {
  const model = new P2DModel(parseCellParams(CHEN2020));
  let steps = 0;
  let capacity = 0;
  const t = await time(() => {
    const d = model.discharge(1);
    steps = d.steps;
    capacity = d.dischargeCapacity;
  }, quick ? 2 : 5, 1);
  const figures: Figure[] = [
    { name: 'P2D 1C discharge, Chen 2020 LG M50 (30 volumes × 14 unknowns)', unit: 'ms', median: t.median, note: `${steps} backward-Euler steps, ${capacity.toFixed(3)} Ah to 2.5 V` },
  ];
  const fine = structuredClone(CHEN2020);
  fine.mesh = { negative: 24, separator: 12, positive: 24, particle: 20 };
  const fineModel = new P2DModel(parseCellParams(fine));
  const tf = await time(() => fineModel.discharge(1), quick ? 1 : 3, 0);
  figures.push({ name: 'P2D 1C discharge, 2× refined mesh (60 × 24 unknowns)', unit: 'ms', median: tf.median });
  const n = quick ? 48 : 64;
  const volume = overlappingSpheres([n, n, n], 7, { porosity: 0.45 });
  const te = await time(() => electrodeMetrics(volume, { periodic: true }), 1, 0);
  figures.push({ name: `electrode τ(x) + τ_EIS, ${n}³ spheres ε 0.45`, unit: 'ms', median: te.median, note: 'Jacobi-CG and COCG to 1e-10 relative residual' });
  return figures;
};

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone(run);
