import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

/**
 * TensorFlow.js backend selection. The native bindings (tfjs-node-gpu, tfjs-node) download
 * libtensorflow at install time, which fails offline, so they are optional: each is tried in
 * turn, then the WebAssembly backend, then plain JavaScript. The backend that really trains is
 * reported, never assumed.
 */
export const TF_BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type TfBackendName = (typeof TF_BACKENDS)[number];

export interface TfProbe {
  backend: TfBackendName;
  available: boolean;
  error?: string;
}

const require = createRequire(import.meta.url);

async function tryLoad(name: TfBackendName): Promise<void> {
  switch (name) {
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

async function activate(name: TfBackendName): Promise<void> {
  // Production mode silences the cpu backend's "install the node backend" banner, which goes to
  // the console (and so into --json output); it also skips tfjs's per-op debug checks.
  tf.enableProdMode();
  await tryLoad(name);
  const ok = await tf.setBackend(registeredName(name));
  if (!ok) throw new Error(`tf.setBackend('${registeredName(name)}') failed`);
  await tf.ready();
  // Prove it computes.
  const s = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]);
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
    await activate(request as TfBackendName);
    selected = request as TfBackendName;
    return selected;
  }
  if (selected) return selected;
  const errors: string[] = [];
  for (const name of TF_BACKENDS) {
    try {
      await activate(name);
      selected = name;
      return name;
    } catch (e) {
      errors.push(`${name}: ${firstLine((e as Error).message)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend loads here: ${errors.join('; ')}`);
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 200);
}

export { tf };
