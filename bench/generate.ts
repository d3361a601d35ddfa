import { createCompute } from '../src/gpu/backend.ts';
import type { Compute } from '../src/gpu/backend.ts';
import { Rng } from '../src/random/rng.ts';
import { generateElectrode } from '../sims/mesostructure/index.ts';
import type { GenerateSummary } from '../sims/mesostructure/index.ts';
import { runStandalone, summarize } from './lib.ts';
import type { BenchRun, Figure } from './lib.ts';

/**
 * Electrode generation time per grid size and backend, split into packing (plain JS, the same on
 * every backend), voxelization (the gpu.js kernel) and CBD placement. Ratios are to the cpu
 * backend at the same size, measured in the same run.
 */
export const run: BenchRun = async ({ quick }) => {
  const sizes = quick ? [64, 128] : [64, 128, 256];
  const computes: Compute[] = [];
  const notes: string[] = [];
  for (const backend of ['cpu', 'webasm', 'webgpu']) {
    try {
      const c = await createCompute({ backend });
      // SwiftShader is a software rasteriser: its timings say nothing about a GPU.
      if (backend === 'webgpu' && /swiftshader/i.test(c.adapter ?? '')) {
        notes.push('webgpu skipped: SwiftShader adapter');
        c.destroy();
        continue;
      }
      computes.push(c);
    } catch {
      notes.push(`${backend} unavailable here`);
    }
  }
  const figures: Figure[] = [];
  for (const n of sizes) {
    const repeats = n <= 64 ? 3 : 1;
    const byBackend = new Map<string, { total: number[]; last: GenerateSummary }>();
    for (const compute of computes) {
      const total: number[] = [];
      let last: GenerateSummary | undefined;
      for (let k = 0; k < repeats; k++) {
        const r = await generateElectrode(
          { shape: [n, n, n], voxelSizeUm: 1, d50Um: 10, span: 1, porosity: 0.4, cbdFraction: 0.12, seed: 1 },
          { rng: new Rng(1), compute },
        );
        total.push(r.summary.timings.totalMs);
        last = r.summary;
      }
      byBackend.set(compute.backend, { total, last: last! });
    }
    const cpu = byBackend.get('cpu');
    for (const [backend, { total, last }] of byBackend) {
      const t = summarize(total);
      const tm = last.timings;
      figures.push({
        name: `generate ${n}³ ${backend}`,
        unit: 'ms',
        ...t,
        ratio: cpu && backend !== 'cpu' ? { to: 'cpu backend', value: summarize(cpu.total).median / t.median } : undefined,
        note: `${last.particles} particles; shares: packing ${pct(tm.packingMs, tm.totalMs)}, voxelization ${pct(tm.voxelizationMs, tm.totalMs)} (${last.packingRounds} passes), CBD ${pct(tm.cbdMs, tm.totalMs)}`,
      });
      figures.push({
        name: `voxelization ${n}³ ${backend}`,
        unit: 'ms',
        median: tm.voxelizationMs,
        ratio: cpu && backend !== 'cpu' ? { to: 'cpu backend', value: cpu.last.timings.voxelizationMs / tm.voxelizationMs } : undefined,
        note: `${last.packingRounds} kernel passes, ${((n ** 3 * last.packingRounds) / (tm.voxelizationMs / 1000) / 1e6).toFixed(1)} Mvoxel/s`,
      });
    }
  }
  if (notes.length && figures[0]) figures[0].note = `${figures[0].note}; ${notes.join('; ')}`;
  computes.forEach((c) => c.destroy());
  return figures;
};

function pct(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(0)} %`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runStandalone(run);
  process.exit(0);
}
