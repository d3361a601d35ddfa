import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import { parseWith, readConfigFile } from '../../config/parse.ts';
import { getCompute } from '../../gpu/backend.ts';
import { Rng } from '../../random/rng.ts';
import { readVolumeWithFlags, VOLUME_READ_OPTIONS } from '../sim-options.ts';
import { simulationProgress } from '../sim-progress.ts';
import { listOption, numberOption } from '../option-values.ts';
import { formatTable, printJson } from '../output.ts';
import { computeProperties, PropertiesParamsSchema, type PropertiesResult, type TransportPhase } from '../../../sims/properties/index.ts';

interface PropertiesOptions {
  axes?: string;
  phases?: string;
  tol?: string;
  maxIterations?: string;
  cbdPorosity?: string;
  cbdIonic?: string;
  amElectronic?: string;
  cbdElectronic?: string;
  engine?: string;
  sizes?: boolean;
  config?: string;
  json?: boolean;
  voxelSize?: string;
  labels?: string;
}

/** Config file values, overridden by the command line. */
export function propertiesInput(config: Record<string, unknown>, o: PropertiesOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  if (o.axes !== undefined) out.axes = listOption(o.axes);
  if (o.phases !== undefined) out.phases = listOption(o.phases);
  if (o.tol !== undefined) out.tol = numberOption(o.tol, '--tol');
  if (o.maxIterations !== undefined) out.maxIterations = numberOption(o.maxIterations, '--max-iterations');
  if (o.cbdPorosity !== undefined) out.cbdPorosity = numberOption(o.cbdPorosity, '--cbd-porosity');
  if (o.cbdIonic !== undefined) out.cbdIonicRelative = numberOption(o.cbdIonic, '--cbd-ionic');
  if (o.amElectronic !== undefined) out.amElectronicRelative = numberOption(o.amElectronic, '--am-electronic');
  if (o.cbdElectronic !== undefined) out.cbdElectronicRelative = numberOption(o.cbdElectronic, '--cbd-electronic');
  if (o.engine !== undefined) out.engine = o.engine;
  if (o.sizes === false) out.sizes = false;
  return out;
}

export function register(program: Command): void {
  program
    .command('properties')
    .description('volume fractions, interface areas, connectivity, tortuosity, effective conductivities and pore/particle sizes of a volume')
    .argument('<volume>', 'labelled volume (.tif/.tiff, .raw with .json header, .vti)')
    .option('--axes <list>', 'axes to solve along, comma-separated (x,y,z)', undefined)
    .option('--phases <list>', 'conducting sets for tortuosity: pore,electrolyte,solid')
    .option('--tol <n>', 'convergence tolerance: flux non-uniformity and change of τ (default 1e-4)')
    .option('--max-iterations <n>', 'maximum SOR sweeps or CG iterations per solve (default 100000)')
    .option('--cbd-porosity <fraction>', 'internal porosity of the CBD; ionic D_cbd/D = ε^1.5 (default 0.5)')
    .option('--cbd-ionic <ratio>', 'ionic D_cbd/D_bulk, overriding Bruggeman')
    .option('--am-electronic <ratio>', 'relative electronic conductivity of AM (default 1)')
    .option('--cbd-electronic <ratio>', 'relative electronic conductivity of CBD (default 1)')
    .option('--engine <name>', 'solver: auto (default), webgpu-pcg (CG as WGSL on the WebGPU device), gpujs (SOR as gpu.js kernels), sor (SOR, typed arrays), mgpcg (multigrid-preconditioned CG)')
    .option('--no-sizes', 'skip the pore and particle size distributions')
    .option('--config <file>', 'JSON or YAML file with the parameters (command-line options win)')
    .option('--json', 'print JSON')
    .option(...VOLUME_READ_OPTIONS[0]!)
    .option(...VOLUME_READ_OPTIONS[1]!)
    .action(async (path: string, opts: PropertiesOptions, cmd: Command) => {
      const { backend } = cmd.optsWithGlobals<{ backend?: string }>();
      const config = opts.config ? await readConfigFile(opts.config) : {};
      if (config === null || typeof config !== 'object' || Array.isArray(config)) {
        throw new ConfigError('--config', opts.config, 'a file holding an object of parameters');
      }
      const params = parseWith(PropertiesParamsSchema, propertiesInput(config as Record<string, unknown>, opts));
      const volume = await readVolumeWithFlags(path, opts as Record<string, unknown>);
      const compute = await getCompute(backend);
      const result = await computeProperties(volume, params, { rng: new Rng(0), compute, onProgress: simulationProgress({ quiet: Boolean(opts.json) }) });
      if (opts.json) return printJson(result);
      process.stdout.write(`${propertiesTable(path, result)}\n`);
    });
}

/** What each conducting set of the τ table is made of, so a reader need not know the names. */
const SET_MEMBERS: Record<TransportPhase, string> = {
  pore: 'pore space (ionic)',
  electrolyte: 'pore + CBD nanopores (ionic)',
  solid: 'AM + CBD (electronic)',
};

export function propertiesTable(path: string, r: PropertiesResult): string {
  const pct = (v: number): string => `${(100 * v).toFixed(2)} %`;
  const out: string[] = [];
  out.push(`${path}: ${r.shape.join('×')} voxels of ${Number((r.voxelSize * 1e6).toPrecision(6))} µm; solver on ${r.backend}`);
  out.push('', 'volume fractions');
  out.push(formatTable(Object.entries(r.fractions).map(([k, v]) => [k, pct(v)]), ['phase', 'fraction']));
  out.push('', 'specific interface area (1/µm per unit volume; marching cubes)');
  out.push(formatTable(Object.entries(r.surfaceArea).map(([k, v]) => [k.replace('_', '–'), v * 1e-6]), ['interface', 'area']));
  out.push('', 'connectivity (6-neighbourhood; fraction of the phase)');
  const connRows: (string | number)[][] = [];
  for (const [phase, axes] of Object.entries(r.connectivity)) {
    for (const [axis, c] of Object.entries(axes)) connRows.push([`${phase} ${axis}`, pct(c.connected), pct(c.deadEnd), pct(c.isolated)]);
  }
  out.push(formatTable(connRows, ['phase axis', 'connected', 'dead-end', 'isolated']));
  out.push('', 'tortuosity (τ = ⟨D⟩ / D_eff)');
  const tauRows: (string | number)[][] = [];
  for (const [phase, axes] of Object.entries(r.tortuosity)) {
    for (const [axis, t] of Object.entries(axes ?? {})) {
      tauRows.push([phase, SET_MEMBERS[phase as TransportPhase], axis, t.tau, t.effectiveDiffusivity, t.porosity, t.iterations, t.residual, t.converged ? 'yes' : 'NO']);
    }
  }
  out.push(formatTable(tauRows, ['set', 'conducting phases', 'axis', 'τ', 'D_eff/D', 'ε', 'iterations', 'residual', 'converged']));
  out.push('', 'effective conductivity (relative to bulk)');
  out.push(
    formatTable(
      (['x', 'y', 'z'] as const)
        .filter((a) => r.effectiveConductivity.ionic[a] !== undefined || r.effectiveConductivity.electronic[a] !== undefined)
        .map((a) => [a, r.effectiveConductivity.ionic[a] ?? '-', r.effectiveConductivity.electronic[a] ?? '-']),
      ['axis', 'ionic', 'electronic'],
    ),
  );
  if (r.poreSize && r.particleSize) {
    out.push('', 'sizes (local thickness diameter, µm, volume-weighted)');
    out.push(
      formatTable(
        [
          ['pore', r.poreSize.d10 * 1e6, r.poreSize.d50 * 1e6, r.poreSize.d90 * 1e6],
          ['particle (AM)', r.particleSize.d10 * 1e6, r.particleSize.d50 * 1e6, r.particleSize.d90 * 1e6],
        ],
        ['', 'D10', 'D50', 'D90'],
      ),
    );
  }
  const total = Object.values(r.timings).reduce((a, b) => a + b, 0);
  out.push('', `${r.iterations} solver iterations in all; worst residual ${r.residual.toExponential(2)}; ${(total / 1000).toFixed(2)} s`);
  return out.join('\n');
}
