import { time, type BenchRun, type Figure, runStandalone } from './lib.ts';
import { getCompute } from '../src/gpu/backend.ts';
import { Rng } from '../src/random/rng.ts';
import { LABEL } from '../src/volume/volume.ts';
import { squaredDistanceTransform } from '../src/voxel/distance-transform.ts';
import { fillQuasiStatic } from '../sims/filling/quasistatic/fill-quasi-static.ts';
import { overlappingSpheres } from '../src/voxel/test-geometries.ts';

/**
 * Quasi-static filling on generated electrodes (random overlapping AM spheres, radii n/16–n/8,
 * porosity ≈ 0.45, a one-voxel CBD coat). Times the distance transform and the invasion apart;
 * the reference in the same run is one exact EDT of the pore space, so "× EDT" says how many
 * distance transforms a whole filling costs.
 */
export const run: BenchRun = async ({ quick }) => {
  const sizes = quick ? [64, 128] : [128, 256];
  const compute = await getCompute();
  const figures: Figure[] = [];
  for (const n of sizes) {
    const volume = overlappingSpheres([n, n, n], new Rng(2026), { voxelSize: 0.5e-6, solidFraction: 0.55, rMin: n / 16, rMax: n / 8, cbdShell: 1 });
    const mask = Uint8Array.from(volume.labels, (l) => (l === LABEL.pore ? 1 : 0));
    const repeats = n >= 256 ? 1 : 3;
    const edt = await time(() => squaredDistanceTransform(mask, volume.shape), repeats);
    const reference = { to: `EDT ${n}³`, value: 1 };
    figures.push({ name: `EDT of the pore space ${n}³`, unit: 'ms', ...edt, ratio: reference });
    for (const mode of ['imbibition', 'drainage'] as const) {
      const params = mode === 'imbibition' ? { mode } : { mode, contactAngle: { am: 130, cbd: 110 } };
      const runs: Awaited<ReturnType<typeof fillQuasiStatic>>[] = [];
      const total = await time(async () => {
        runs.push(await fillQuasiStatic(volume, params, { rng: new Rng(0), compute }));
      }, repeats);
      const last = runs.at(-1)!;
      const t = last.timingsMs;
      const note = `${compute.backend}, cover on ${last.coverRanOn}, ${last.pcCurve.length} levels, S = ${last.saturation.toFixed(3)}, trapped ${last.trappedFraction.toFixed(3)}`;
      figures.push({ name: `${mode} ${n}³ total`, unit: 'ms', ...total, ratio: { to: reference.to, value: total.median / edt.median }, note });
      figures.push({ name: `${mode} ${n}³ distance transforms (per angle class)`, unit: 'ms', median: t.distanceTransform, ratio: { to: reference.to, value: t.distanceTransform / edt.median } });
      if (mode === 'drainage') figures.push({ name: `${mode} ${n}³ inlet connectivity (minimax flood)`, unit: 'ms', median: t.connectivity, ratio: { to: reference.to, value: t.connectivity / edt.median } });
      figures.push({ name: `${mode} ${n}³ sphere cover`, unit: 'ms', median: t.sphereCover, ratio: { to: reference.to, value: t.sphereCover / edt.median } });
      figures.push({ name: `${mode} ${n}³ invasion + trapping`, unit: 'ms', median: t.invasion, ratio: { to: reference.to, value: t.invasion / edt.median } });
    }
  }
  // The cover costs about Σ r² over the medial-surface voxels, so pore size matters as much as
  // volume: the same size with electrode-like particles (radius 4–8 voxels) for comparison.
  const n = sizes.at(-1)!;
  const small = overlappingSpheres([n, n, n], new Rng(2027), { voxelSize: 0.5e-6, solidFraction: 0.55, rMin: 4, rMax: 8, cbdShell: 1 });
  const smallMask = Uint8Array.from(small.labels, (l) => (l === LABEL.pore ? 1 : 0));
  const edt = await time(() => squaredDistanceTransform(smallMask, small.shape), 1);
  const to = `EDT ${n}³ (radius 4–8)`;
  figures.push({ name: `EDT of the pore space ${n}³, particle radius 4–8`, unit: 'ms', ...edt, ratio: { to, value: 1 } });
  let r: Awaited<ReturnType<typeof fillQuasiStatic>> | undefined;
  const total = await time(async () => {
    r = await fillQuasiStatic(small, { mode: 'imbibition' }, { rng: new Rng(0), compute });
  }, 1);
  figures.push({
    name: `imbibition ${n}³ total, particle radius 4–8`,
    unit: 'ms',
    ...total,
    ratio: { to, value: total.median / edt.median },
    note: `cover ${r!.timingsMs.sphereCover.toFixed(0)} ms, invasion ${r!.timingsMs.invasion.toFixed(0)} ms, S = ${r!.saturation.toFixed(3)}, trapped ${r!.trappedFraction.toFixed(3)}`,
  });
  return figures;
};

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone(run);
