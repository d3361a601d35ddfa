import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { copyBandwidth, machine, markdownTable, type BenchRun, type Figure } from './lib.ts';
import { probeBackends } from '../src/gpu/backend.ts';
import { VERSION } from '../src/version.ts';

/**
 * The whole benchmark suite: `npm run bench` (everything) or `npm run bench -- --quick` (a
 * subset in under about two minutes on 2 cores). `--only a,b` picks modules by name.
 * Results go to bench/results/<timestamp>.json and a Markdown table is printed at the end.
 */
const MODULES = ['accuracy', 'generate', 'properties', 'properties-memory', 'cell', 'fill-quasistatic', 'fill-lbm', 'fill-wetting', 'sweep', 'gpr', 'viewer', 'viewer-large'] as const;

interface ModuleResult {
  module: string;
  figures: Figure[];
  seconds: number;
  error?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='))?.slice(7) ?? (args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined);
const only = onlyArg ? new Set(onlyArg.split(',')) : undefined;

const started = new Date();
const bw = copyBandwidth();
const backends = (await probeBackends()).map((p) => ({ backend: p.backend, available: p.available, adapter: p.adapter, error: p.error }));
process.stderr.write(`mesolab bench ${quick ? '(quick) ' : ''}on ${machine().cpus} cores; copy bandwidth ${(bw.bytesPerSecond / 1e9).toFixed(1)} GB/s\n`);

const results: ModuleResult[] = [];
for (const name of MODULES) {
  if (only && !only.has(name)) continue;
  const file = join(here, `${name}.ts`);
  if (!existsSync(file)) {
    results.push({ module: name, figures: [], seconds: 0, error: 'module missing' });
    continue;
  }
  process.stderr.write(`— ${name} …\n`);
  const t0 = performance.now();
  try {
    const mod = (await import(pathToFileURL(file).href)) as { run: BenchRun };
    const figures = await mod.run({ quick });
    results.push({ module: name, figures, seconds: (performance.now() - t0) / 1000 });
  } catch (e) {
    results.push({ module: name, figures: [], seconds: (performance.now() - t0) / 1000, error: (e as Error).message });
    process.stderr.write(`  ${name} failed: ${(e as Error).message}\n`);
  }
}

const report = {
  mesolab: VERSION,
  started: started.toISOString(),
  quick,
  machine: machine(),
  copyBandwidthBytesPerSecond: bw.bytesPerSecond,
  backends,
  modules: results,
};
const outDir = join(here, 'results');
await mkdir(outDir, { recursive: true });
const outFile = join(outDir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(outFile, `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`);

const lines: string[] = [`# mesolab ${VERSION} benchmarks${quick ? ' (quick)' : ''}`, ''];
lines.push(`Machine: ${machine().cpus} × ${machine().cpuModel}, Node ${process.version}; one-thread copy bandwidth ${(bw.bytesPerSecond / 1e9).toFixed(1)} GB/s.`);
lines.push(`Backends: ${backends.map((b) => `${b.backend}${b.available ? '' : ' (unavailable)'}${b.adapter ? ` [${b.adapter}]` : ''}`).join(', ')}`, '');
for (const r of results) {
  lines.push(`## ${r.module} (${r.seconds.toFixed(1)} s)${r.error ? ` — ${r.error}` : ''}`, '');
  if (r.figures.length) lines.push(markdownTable(r.figures), '');
}
lines.push(`Written to ${outFile}`);
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(results.some((r) => r.error && r.error !== 'module missing') ? 1 : 0);
