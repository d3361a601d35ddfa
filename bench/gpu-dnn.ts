import { pathToFileURL } from 'node:url';
import { smoothDataset } from '../surrogates/data/synthetic.ts';
import { fitDnn } from '../surrogates/dnn/model.ts';
import { selectTfBackend, tfBackendDevice, type TfBackendName } from '../surrogates/tf/backend.ts';
import { DNN_DEFAULTS } from '../surrogates/dnn/model.ts';

export interface DnnEpochRow {
  backend: TfBackendName;
  /** The WebGPU adapter for 'webgpu'. */
  device?: string;
  /** Mean wall time of one epoch (all mini-batches plus the validation pass), seconds. */
  secondsPerEpoch: number;
  /** Wall time of a first one-epoch fit on a fresh backend (shader compilation, set-up), seconds. */
  firstFitSeconds: number;
  epochs: number;
  validationMse: number;
}

/**
 * Epoch time of the project's DNN surrogate (DNN_DEFAULTS: two hidden layers of 64 tanh units,
 * Adam, mini-batches of 32) on TensorFlow.js's webgpu backend against wasm, on the same data in
 * the same run: a smooth synthetic problem with 6 inputs, 2000 rows (quick: 600), one ensemble
 * member, a fixed number of epochs (no early stop). webgpu is asked for explicitly, so it also runs
 * on a software adapter (which auto selection would skip).
 *
 * @param opts.quick fewer rows and epochs (for SwiftShader / CI).
 * @returns { rows, inputs, epochs, "webgpu / wasm epoch time" } or with `skipped` for a backend that
 *   does not load here.
 * @example console.log(await gpuDnnFigures({ quick: true }));
 */
export async function gpuDnnFigures(opts: { quick: boolean }): Promise<Record<string, unknown>> {
  const n = opts.quick ? 600 : 2000;
  const epochs = opts.quick ? 3 : 10;
  const data = smoothDataset(n, 6, 0.01, 17);
  const inputs = ['a', 'b', 'c', 'd', 'e', 'f'];
  const rows: DnnEpochRow[] = [];
  const skipped: Record<string, string> = {};
  for (const backend of ['wasm', 'webgpu'] as const) {
    try {
      await selectTfBackend(backend);
    } catch (e) {
      skipped[backend] = (e as Error).message;
      continue;
    }
    // One epoch first, reported apart: shader compilation (webgpu) and wasm set-up are one-off.
    const t0 = performance.now();
    await fitDnn(data.x, data.y, inputs, ['y'], { seed: 1, ensemble: 1, maxEpochs: 1, patience: 1000 });
    const firstFitSeconds = (performance.now() - t0) / 1000;
    const model = await fitDnn(data.x, data.y, inputs, ['y'], { seed: 2, ensemble: 1, maxEpochs: epochs, patience: 1000 });
    const m = model.meta.members[0]!;
    const device = tfBackendDevice(backend);
    rows.push({ backend, ...(device ? { device } : {}), secondsPerEpoch: m.secondsPerEpoch, firstFitSeconds, epochs: m.epochs, validationMse: m.validationMse });
  }
  const wasm = rows.find((r) => r.backend === 'wasm');
  const webgpu = rows.find((r) => r.backend === 'webgpu');
  return {
    network: { layers: DNN_DEFAULTS.layers, activation: DNN_DEFAULTS.activation, batchSize: DNN_DEFAULTS.batchSize },
    rows: n,
    inputs: inputs.length,
    epochs,
    results: rows,
    ...(wasm && webgpu ? { 'webgpu / wasm epoch time': webgpu.secondsPerEpoch / wasm.secondsPerEpoch } : {}),
    ...(Object.keys(skipped).length ? { skipped } : {}),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await gpuDnnFigures({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  process.exit(0);
}
