import { pathToFileURL } from 'node:url';
import { createCompute, type Compute } from '../src/gpu/backend.ts';
import { getWebGpuDevice } from '../src/gpu/webgpu-device.ts';
import { Rng } from '../src/random/rng.ts';
import type { SimContext } from '../src/simulation.ts';
import { tortuosity, type SolverEngine } from '../sims/properties/tortuosity.ts';
import { overlappingSpheres } from '../src/voxel/test-geometries.ts';

/** Tolerance of every timed solve (flux non-uniformity and τ change, as everywhere in mesolab). */
const TOL = 1e-3;
const POROSITY = 0.45;
const SEED = 7;
/** Interleaved rounds of the three engines at the smallest size (the fastest of each is kept). */
const REPEATS = 2;

export interface GpuTauRow {
  n: number;
  engine: Exclude<SolverEngine, 'auto'>;
  /** Wall time of the solve, setup (percolation labelling, uploads, pipelines) included, ms. */
  ms: number;
  iterations: number;
  tau: number;
  converged: boolean;
  residual: number;
  backend: string;
  /** Every timed solve of this case when it was repeated, ms. */
  msAll?: number[];
  /** Device memory held by the solve ('webgpu-pcg' only). */
  deviceBytesPerVoxel?: number;
}

/**
 * τ solve times of the WGSL Jacobi-PCG on mesolab's WebGPU device, on random overlapping-sphere
 * volumes (ε ≈ 0.45, radii n/16–n/8, as bench/properties.ts), pore τ along z, tolerance 1e-3. At
 * the smallest size the gpu.js red–black SOR (webgpu backend) and the CPU multigrid PCG (one
 * thread) run interleaved with it, twice each, fastest kept, so their ratios are same-run. bench/gpu.ts calls this on a GPU
 * machine; on SwiftShader only the quick size is practical.
 *
 * @param opts.quick 64³ only (else 256³ and 512³; 512³ needs 4.3 GB of device memory and
 *   maxStorageBufferBindingSize ≥ 539 MB).
 * @returns { adapter, tol, porosity, rows: GpuTauRow[], sameRun: { ratios at the smallest size } },
 *   or { skipped: reason } where no WebGPU adapter answers.
 * @example
 *   const figures = await gpuTortuosityFigures({ quick: true });
 *   console.log(JSON.stringify(figures, null, 2));
 */
export async function gpuTortuosityFigures(opts: { quick: boolean }): Promise<Record<string, unknown>> {
  let compute: Compute;
  let adapter: string;
  try {
    adapter = (await getWebGpuDevice()).report.description;
    compute = await createCompute({ backend: 'webgpu' });
  } catch (e) {
    return { skipped: (e as Error).message };
  }
  const cpu = await createCompute({ backend: 'cpu' });
  const sizes = opts.quick ? [64] : [256, 512];
  const rows: GpuTauRow[] = [];
  const solve = async (n: number, engine: GpuTauRow['engine'], ctx: SimContext): Promise<GpuTauRow> => {
    const volume = overlappingSpheres([n, n, n], SEED, { porosity: POROSITY });
    const r = await tortuosity(volume, [1, 0, 0], 'z', { engine, tol: TOL, ...(engine === 'mgpcg' ? { threads: 1 } : {}) }, ctx);
    const row: GpuTauRow = { n, engine, ms: r.ms, iterations: r.iterations, tau: r.tau, converged: r.converged, residual: r.residual, backend: r.backend };
    if (r.deviceBytesPerVoxel !== undefined) row.deviceBytesPerVoxel = r.deviceBytesPerVoxel;
    return row;
  };
  try {
    const gpuCtx: SimContext = { rng: new Rng(1), compute };
    const cpuCtx: SimContext = { rng: new Rng(1), compute: cpu };
    // Pipelines compile on the first solve: warm up on a small grid so the timings are solves.
    await solve(16, 'webgpu-pcg', gpuCtx);
    await solve(16, 'gpujs', gpuCtx);
    const small = Math.min(...sizes);
    const failures: Record<string, string> = {};
    // At the smallest size the three engines run interleaved, REPEATS rounds, and each keeps its
    // fastest solve: on a shared machine the load moves between solves, the minimum least.
    const best = new Map<string, GpuTauRow>();
    for (let round = 0; round < REPEATS; round++) {
      for (const engine of ['webgpu-pcg', 'gpujs', 'mgpcg'] as const) {
        if (failures[`${engine} at ${small}³`]) continue;
        try {
          const row = await solve(small, engine, engine === 'mgpcg' ? cpuCtx : gpuCtx);
          const prev = best.get(engine);
          row.msAll = [...(prev?.msAll ?? []), row.ms];
          if (!prev || row.ms < prev.ms) best.set(engine, row);
          else prev.msAll = row.msAll;
        } catch (e) {
          // gpu.js may not take a grid this large (its own dispatch and buffer limits): say so.
          failures[`${engine} at ${small}³`] = (e as Error).message.split('\n')[0]!;
        }
      }
    }
    rows.push(...best.values());
    for (const n of sizes.filter((s) => s !== small)) rows.push(await solve(n, 'webgpu-pcg', gpuCtx));
    const sameRun: Record<string, number> = {};
    const pcg = best.get('webgpu-pcg');
    for (const engine of ['gpujs', 'mgpcg'] as const) {
      const row = best.get(engine);
      if (pcg && row) sameRun[`${engine} / webgpu-pcg time at ${small}³`] = row.ms / pcg.ms;
    }
    return { adapter, tol: TOL, porosity: POROSITY, repeats: REPEATS, rows, sameRun, ...(Object.keys(failures).length ? { failures } : {}) };
  } finally {
    compute.destroy();
    cpu.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await gpuTortuosityFigures({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  process.exit(0);
}
