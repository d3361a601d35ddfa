import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getWebGpuDevice } from '../../src/gpu/webgpu-device.ts';

/**
 * TensorFlow.js backend selection. The native bindings (tfjs-node-gpu, tfjs-node) download
 * libtensorflow at install time, which fails offline, so they are optional: each is tried in
 * turn, then WebGPU (tfjs-backend-webgpu on the same Dawn device as mesolab's own WGSL kernels,
 * src/gpu/webgpu-device.ts), then the WebAssembly backend, then plain JavaScript. The backend that
 * really trains is reported, never assumed.
 *
 * WebGPU is taken automatically only on a hardware adapter. On a software one (SwiftShader, on
 * the shared 2-core machine) an epoch of the project's DNN took 0.89–0.95× the wasm time once
 * compiled (bench/gpu-dnn.ts), within the noise of a loaded machine, but every new op shape first
 * compiles a shader (the first epoch took seconds, and the first 300×300 matMul 1.5 s against
 * 12 ms on wasm) and SwiftShader's threads compete for the cores the simulations use. So auto
 * selection skips a software adapter, MESOLAB_SWIFTSHADER or not; MESOLAB_TF_BACKEND=webgpu (or
 * selectTfBackend('webgpu')) still uses it, e.g. to test the path. Training runs on webgpu;
 * inference (synchronous predict) on wasm or cpu, see useSyncReadableBackend.
 */
export const TF_BACKENDS = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type TfBackendName = (typeof TF_BACKENDS)[number];

export interface TfProbe {
  backend: TfBackendName;
  available: boolean;
  error?: string;
}

const require = createRequire(import.meta.url);

let webgpuAdapter: string | undefined;

async function tryLoad(name: TfBackendName, explicit: boolean): Promise<void> {
  switch (name) {
    case 'webgpu': {
      // Only where a real adapter answers (getWebGpuDevice throws otherwise, without creating
      // Dawn's instance where there is no Vulkan loader).
      const { device, adapterInfo, report } = await getWebGpuDevice();
      if (report.software && !explicit) {
        throw new Error(`software adapter (${report.description || report.vendor}): slower than wasm for training; MESOLAB_TF_BACKEND=webgpu forces it`);
      }
      // Importing the package registers a 'webgpu' factory that requests its own adapter and
      // device; replace it with one on mesolab's device so there is one Dawn device per process.
      const mod = await import('@tensorflow/tfjs-backend-webgpu');
      if (!registered) {
        if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
        tf.registerBackend('webgpu', () => new mod.WebGPUBackend(device, adapterInfo));
        registered = true;
      }
      webgpuAdapter = report.description || report.device || report.vendor;
      return;
    }
    case 'tensorflow-gpu':
      await import(/* @vite-ignore */ '@tensorflow/tfjs-node-gpu' as string);
      return;
    case 'tensorflow':
      await import(/* @vite-ignore */ '@tensorflow/tfjs-node' as string);
      return;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      wasm.setWasmPaths(`${join(dist, '/')}`);
      return;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
  }
}

/** The tfjs backend names registered by each loader (tfjs-node registers 'tensorflow' for both). */
function registeredName(name: TfBackendName): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

let registered = false;

async function activate(name: TfBackendName, explicit = false): Promise<void> {
  // Production mode silences the cpu backend's "install the node backend" banner, which goes to
  // the console (and so into --json output); it also skips tfjs's per-op debug checks.
  tf.enableProdMode();
  await tryLoad(name, explicit);
  const ok = await tf.setBackend(registeredName(name));
  if (!ok) throw new Error(`tf.setBackend('${registeredName(name)}') failed`);
  await tf.ready();
  // Prove it computes (an asynchronous read: webgpu's synchronous one needs a browser).
  const sum = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])));
  const s = (await sum.data())[0];
  sum.dispose();
  if (s !== 6) throw new Error(`test op gave ${s}`);
}

export async function probeTfBackends(): Promise<TfProbe[]> {
  const out: TfProbe[] = [];
  for (const name of TF_BACKENDS) {
    try {
      await activate(name);
      out.push({ backend: name, available: true });
    } catch (e) {
      out.push({ backend: name, available: false, error: firstLine((e as Error).message) });
    }
  }
  return out;
}

let selected: TfBackendName | undefined;
/** Whether `selected` was asked for by name (a software WebGPU adapter is then allowed). */
let selectedExplicitly = false;

/**
 * Selects the first backend that loads and computes (or the one named in `want` /
 * MESOLAB_TF_BACKEND) and returns its name.
 */
export async function selectTfBackend(want?: string): Promise<TfBackendName> {
  const request = want ?? process.env.MESOLAB_TF_BACKEND;
  if (request) {
    if (!(TF_BACKENDS as readonly string[]).includes(request)) {
      throw new Error(`tfjs backend: got "${request}", expected one of ${TF_BACKENDS.join(', ')}`);
    }
    await activate(request as TfBackendName, true);
    selected = request as TfBackendName;
    selectedExplicitly = true;
    return selected;
  }
  if (selected) {
    // Inference may have switched the active backend (useSyncReadableBackend): switch back.
    if (tf.getBackend() !== registeredName(selected)) await activate(selected, selectedExplicitly);
    return selected;
  }
  const errors: string[] = [];
  for (const name of TF_BACKENDS) {
    try {
      await activate(name);
      selected = name;
      selectedExplicitly = false;
      return name;
    } catch (e) {
      errors.push(`${name}: ${firstLine((e as Error).message)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend loads here: ${errors.join('; ')}`);
}

/**
 * What the selected backend runs on, for logs and model cards: the adapter for webgpu (e.g.
 * "NVIDIA H200" or "SwiftShader driver 5.0.0"), else undefined.
 *
 * @returns the adapter description when `backend` is 'webgpu', else undefined.
 * @example log(`training on ${b}${tfBackendDevice(b) ? ` (${tfBackendDevice(b)})` : ''}`);
 */
export function tfBackendDevice(backend: TfBackendName): string | undefined {
  return backend === 'webgpu' ? webgpuAdapter : undefined;
}

/**
 * Whether `backend` serves synchronous reads (dataSync) in this process: all but webgpu in Node
 * (tfjs-backend-webgpu reads synchronously through OffscreenCanvas, which only browsers have).
 *
 * @returns false for 'webgpu' outside a browser, else true.
 * @example if (!tfBackendReadsSync(b)) await useSyncReadableBackend();
 */
export function tfBackendReadsSync(backend: TfBackendName): boolean {
  return backend !== 'webgpu' || typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined';
}

/**
 * Makes the active tfjs backend one that reads synchronously, for inference: keeps it if it does,
 * else activates wasm, then cpu. Does not change what selectTfBackend() selects for training.
 *
 * @returns the backend now active.
 * @example await useSyncReadableBackend(); model.predict(x); // dataSync works
 */
export async function useSyncReadableBackend(): Promise<TfBackendName> {
  const current = tf.getBackend() as TfBackendName | undefined;
  if (current && (TF_BACKENDS as readonly string[]).includes(current) && tfBackendReadsSync(current)) return current;
  const errors: string[] = [];
  for (const name of ['wasm', 'cpu'] as const) {
    try {
      await activate(name);
      return name;
    } catch (e) {
      errors.push(`${name}: ${firstLine((e as Error).message)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend for inference: ${errors.join('; ')}`);
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 200);
}

export { tf };
