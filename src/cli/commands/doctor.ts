import os from 'node:os';
import type { Command } from 'commander';
import { probeBackends, requestedBackend, BACKENDS, type BackendName } from '../../gpu/backend.ts';
import { probeTfBackends } from '../../../surrogates/tf/backend.ts';
import { describeWebGpuAdapter, type WebGpuAdapterReport } from '../../gpu/webgpu-device.ts';
import { formatTable, printJson } from '../output.ts';
import { VERSION } from '../../version.ts';

export interface DoctorReport {
  mesolab: string;
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  /** Dawn's WebGPU adapter (names from its adapter info, key limits), or why there is none. */
  webgpu: WebGpuAdapterReport | { error: string };
  gpujs: { available: BackendName[]; selected: BackendName | null; probes: Awaited<ReturnType<typeof probeBackends>> };
  tfjs: { available: string[]; selected: string | null; probes: Awaited<ReturnType<typeof probeTfBackends>> };
}

export async function doctorReport(backendOption?: string): Promise<DoctorReport> {
  const want = requestedBackend(backendOption);
  const webgpu = await describeWebGpuAdapter();
  const probes = await probeBackends();
  const available = probes.filter((p) => p.available).map((p) => p.backend);
  const selected = want === 'auto' ? (BACKENDS.find((b) => available.includes(b)) ?? null) : available.includes(want) ? want : null;
  const tfProbes = await probeTfBackends();
  const tfAvailable = tfProbes.filter((p) => p.available).map((p) => p.backend);
  return {
    mesolab: VERSION,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    webgpu,
    gpujs: { available, selected, probes },
    tfjs: { available: tfAvailable, selected: tfAvailable[0] ?? null, probes: tfProbes },
  };
}

/** The WebGPU section of doctor's text output. */
export function webgpuLines(w: DoctorReport['webgpu']): string[] {
  if ('error' in w) return [`WebGPU: none. ${w.error}`];
  const name = w.description || w.device || w.vendor || 'unnamed adapter';
  const l = w.limits;
  const bytes = (n: number): string => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(n % 2 ** 30 ? 2 : 0)} GiB` : `${(n / 2 ** 20).toFixed(0)} MiB`);
  return [
    `WebGPU adapter: ${name}${w.software ? ' (software: runs on the CPU)' : ''}`,
    `  driver: vendor ${w.vendor || '-'}, architecture ${w.architecture || '-'}, device ${w.device || '-'}, description ${w.description || '-'}`,
    `  limits: maxStorageBufferBindingSize ${bytes(l.maxStorageBufferBindingSize)}, maxBufferSize ${bytes(l.maxBufferSize)}, ` +
      `maxComputeWorkgroupsPerDimension ${l.maxComputeWorkgroupsPerDimension}, maxComputeInvocationsPerWorkgroup ${l.maxComputeInvocationsPerWorkgroup}`,
  ];
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description('report Node, CPUs, memory, the WebGPU adapter and which gpu.js and TensorFlow.js backends really run here')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { backend } = cmd.optsWithGlobals<{ backend?: string }>();
      const r = await doctorReport(backend);
      if (opts.json) return printJson(r);
      const lines = [
        `mesolab ${r.mesolab} on Node ${r.node} (${r.platform})`,
        `CPU: ${r.cpus} × ${r.cpuModel}; memory ${(r.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
        '',
        ...webgpuLines(r.webgpu),
        '',
        'gpu.js backends (a test kernel is run on each; "ran as" is what executed it):',
        formatTable(
          r.gpujs.probes.map((p) => [p.backend, p.available ? 'yes' : 'no', p.ranAs ?? '-', p.adapter ?? p.error ?? '']),
          ['backend', 'runs', 'ran as', 'adapter / reason'],
        ),
        `selected: ${r.gpujs.selected ?? 'none'}`,
        '',
        'TensorFlow.js backends:',
        formatTable(r.tfjs.probes.map((p) => [p.backend, p.available ? 'yes' : 'no', p.error ?? '']), ['backend', 'loads', 'reason']),
        `selected: ${r.tfjs.selected ?? 'none'}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
