import { copyBandwidth, runStandalone, summarize, type BenchRun, type Figure } from './lib.ts';
import { createCompute } from '../src/gpu/backend.ts';
import type { Compute } from '../src/gpu/backend.ts';
import { Rng } from '../src/random/rng.ts';
import { createVolume, LABEL } from '../src/volume/volume.ts';
import type { Volume } from '../src/volume/volume.ts';
import { buildFillingLattice } from '../sims/filling/lbm/geometry.ts';
import { NODE } from '../sims/filling/lbm/lattice.ts';
import { createLbmSolver } from '../sims/filling/lbm/solver.ts';
import type { LbmEngineKind } from '../sims/filling/lbm/solver.ts';

/**
 * Lattice-Boltzmann filling speed: MLUPS of the TypedArray engine and of the gpu.js kernels per
 * backend on random-overlapping-sphere electrodes (64³, and 128³ in the full run), and the ratio
 * to the bandwidth bound measured in the same process (STREAM-like copy).
 *
 * Bytes per node per step (float32, each datum counted once): the TypedArray engine reads the 38
 * distributions twice (moments, then collision) and writes them once (3 × 152 B), plus the 5
 * moments written and read (40 B), the adhesion vector (12 B) and node kinds (~2 B): 510 B. The
 * kernels add the 6 force values written and read (48 B) and read the densities once more (8 B): 566 B.
 * (A fused single-kernel two-component code needs ~321 B: see ANCHORS.md.)
 */
const BYTES_PER_NODE: Record<LbmEngineKind, number> = { 'typed-array': 510, kernels: 566 };

/** Random overlapping active-material spheres, radii n/16–n/8, until porosity ≈ 0.45. */
function sphereElectrode(n: number, seed: number): Volume {
  const v = createVolume([n, n, n], 1e-6);
  const rng = new Rng(seed);
  let solid = 0;
  const total = n * n * n;
  while (solid / total < 0.55) {
    const r = rng.range(n / 16, n / 8);
    const cx = rng.range(0, n);
    const cy = rng.range(0, n);
    const cz = rng.range(0, n);
    for (let z = Math.max(0, Math.floor(cz - r)); z <= Math.min(n - 1, Math.ceil(cz + r)); z++) {
      for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(n - 1, Math.ceil(cy + r)); y++) {
        for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(n - 1, Math.ceil(cx + r)); x++) {
          const i = x + n * (y + n * z);
          if (v.labels[i] === LABEL.pore && (x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2 <= r * r) {
            v.labels[i] = LABEL.am;
            solid++;
          }
        }
      }
    }
  }
  return v;
}

async function mlups(volume: Volume, engine: LbmEngineKind, compute: Compute | undefined, steps: number, repeats: number): Promise<{ median: number; min: number; max: number; nodes: number }> {
  const lattice = buildFillingLattice(volume, { inlet: 'z-', outletClosed: false, lateral: 'wall', reservoir: 4, strengthOfLabel: () => -0.25 });
  const { domain } = lattice;
  const n = domain.nx * domain.ny * domain.nz;
  const rho1 = new Float32Array(n);
  const rho2 = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (domain.node[i] === NODE.solid) continue;
    const liquid = i < lattice.reservoirEndZ * domain.nx * domain.ny;
    rho1[i] = liquid ? 1.037 : 0.049;
    rho2[i] = liquid ? 0.049 : 1.037;
  }
  const solver = createLbmSolver({
    domain,
    physics: { g: 3, tau1: 1, tau2: 0.55, tauOdd: 1, inletRho: [1.037, 0.049], outletRho: [0.049, 1.037] },
    rho1,
    rho2,
    engine,
    ...(compute ? { compute } : {}),
  });
  // Warm-up: builds and compiles the kernels / pipeline for this step count.
  await solver.step(steps);
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await solver.step(steps);
    rates.push((n * steps) / ((performance.now() - t0) / 1000) / 1e6);
  }
  solver.destroy();
  const s = summarize(rates);
  return { median: s.median, min: s.min, max: s.max, nodes: n };
}

export const run: BenchRun = async ({ quick }) => {
  const figures: Figure[] = [];
  const bw = copyBandwidth();
  const sizes = quick ? [64] : [64, 128];
  const steps = quick ? 5 : 20;
  const repeats = quick ? 1 : 3;
  figures.push({ name: 'copy bandwidth (one thread)', unit: 'GB/s', median: bw.bytesPerSecond / 1e9, repeats: bw.repeats, note: 'STREAM-like Float32Array copy, read + write counted' });
  const targets: { label: string; engine: LbmEngineKind; backend?: 'cpu' | 'webasm' | 'webgpu' }[] = [
    { label: 'typed-array', engine: 'typed-array' },
    { label: 'gpu.js cpu', engine: 'kernels', backend: 'cpu' },
    { label: 'gpu.js webasm', engine: 'kernels', backend: 'webasm' },
    { label: 'gpu.js webgpu', engine: 'kernels', backend: 'webgpu' },
  ];
  for (const size of sizes) {
    const volume = sphereElectrode(size, 7);
    for (const t of targets) {
      let compute: Compute | undefined;
      try {
        if (t.backend) compute = await createCompute({ backend: t.backend });
        // SwiftShader (software Vulkan) would take minutes here and says nothing about a GPU.
        if (t.backend === 'webgpu' && /swiftshader/i.test(compute?.adapter ?? '')) {
          figures.push({ name: `lbm ${size}³ ${t.label}`, unit: 'MLUPS', median: Number.NaN, note: `skipped: adapter ${compute?.adapter}` });
          continue;
        }
        if (t.backend === 'cpu' && size > 64) continue;
        const m = await mlups(volume, t.engine, compute, t.backend === 'cpu' ? Math.min(steps, 5) : steps, repeats);
        const bound = bw.bytesPerSecond / BYTES_PER_NODE[t.engine] / 1e6;
        figures.push({
          name: `lbm ${size}³ ${t.label}${compute?.adapter ? ` (${compute.adapter})` : ''}`,
          unit: 'MLUPS',
          median: m.median,
          min: m.min,
          max: m.max,
          repeats,
          ratio: { to: `copy-bandwidth bound ${bound.toFixed(1)} MLUPS at ${BYTES_PER_NODE[t.engine]} B/node`, value: m.median / bound },
          note: `${m.nodes} lattice nodes (volume + reservoirs + walls)`,
        });
      } catch (e) {
        figures.push({ name: `lbm ${size}³ ${t.label}`, unit: 'MLUPS', median: Number.NaN, note: `unavailable: ${(e as Error).message.slice(0, 80)}` });
      } finally {
        compute?.destroy();
      }
    }
  }
  return figures;
};

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone(run);
