import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../../src/random/rng.ts';
import { applyUnitCube, fitStandard, fitUnitCube, type StandardScaler, type UnitCubeScaler } from '../data/scalers.ts';
import type { ModelFile, Prediction, Surrogate } from '../model.ts';
import { selectTfBackend, tf, tfBackendDevice, tfBackendReadsSync, useSyncReadableBackend, type TfBackendName } from '../tf/backend.ts';

export const DNN_ACTIVATIONS = ['relu', 'tanh', 'elu', 'sigmoid'] as const;
export type DnnActivation = (typeof DNN_ACTIVATIONS)[number];

export interface DnnOptions {
  /** Units per hidden layer. */
  layers: number[];
  activation: DnnActivation;
  /** Dropout rate after each hidden layer (0 for none). */
  dropout: number;
  learningRate: number;
  batchSize: number;
  maxEpochs: number;
  /** Epochs without validation improvement before stopping; the best weights are kept. */
  patience: number;
  /** Fraction of rows held out for early stopping. */
  validationFraction: number;
  /** Members of the deep ensemble (each with its own seed). */
  ensemble: number;
  seed: number;
}

export const DNN_DEFAULTS: Omit<DnnOptions, 'seed'> = {
  layers: [64, 64],
  activation: 'tanh',
  dropout: 0,
  learningRate: 0.01,
  batchSize: 32,
  maxEpochs: 400,
  patience: 40,
  validationFraction: 0.15,
  ensemble: 3,
};

export interface DnnMemberInfo {
  seed: number;
  epochs: number;
  bestEpoch: number;
  validationMse: number;
  secondsPerEpoch: number;
}

export interface DnnMeta {
  kind: 'dnn';
  inputs: string[];
  outputs: string[];
  options: DnnOptions;
  xScaler: UnitCubeScaler;
  yScalers: StandardScaler[];
  backend: TfBackendName;
  /** What the backend ran on: the WebGPU adapter for 'webgpu' (absent for the others and in older models). */
  backendDevice?: string;
  members: DnnMemberInfo[];
}

function buildNetwork(d: number, outputs: number, o: DnnOptions, seed: number): tfl.Sequential {
  const model = tfl.sequential();
  o.layers.forEach((units, i) => {
    model.add(
      tfl.layers.dense({
        units,
        activation: o.activation,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 101 * i }),
        ...(i === 0 ? { inputShape: [d] } : {}),
      }),
    );
    if (o.dropout > 0) model.add(tfl.layers.dropout({ rate: o.dropout, seed: seed + 7 + 101 * i }));
  });
  model.add(tfl.layers.dense({ units: outputs, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 9973 }) }));
  model.compile({ optimizer: tf.train.adam(o.learningRate), loss: 'meanSquaredError' });
  return model;
}

async function trainMember(xs: Float64Array, ys: Float64Array, n: number, d: number, k: number, o: DnnOptions, seed: number, log?: (l: string) => void): Promise<{ model: tfl.Sequential; info: DnnMemberInfo; valResidualVar: number[] }> {
  const rng = new Rng(seed);
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const nVal = Math.max(1, Math.round(o.validationFraction * n));
  const valIdx = order.slice(0, nVal);
  const trainIdx = order.slice(nVal);
  const pick = (src: Float64Array, w: number, idx: number[]): Float32Array => {
    const out = new Float32Array(idx.length * w);
    idx.forEach((r, i) => {
      for (let c = 0; c < w; c++) out[i * w + c] = src[r * w + c]!;
    });
    return out;
  };
  const xVal = tf.tensor2d(pick(xs, d, valIdx), [nVal, d]);
  const yVal = tf.tensor2d(pick(ys, k, valIdx), [nVal, k]);
  const model = buildNetwork(d, k, o, seed);
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] = [];
  let epoch = 0;
  const t0 = performance.now();
  for (; epoch < o.maxEpochs; epoch++) {
    rng.shuffle(trainIdx);
    for (let s = 0; s < trainIdx.length; s += o.batchSize) {
      const idx = trainIdx.slice(s, s + o.batchSize);
      const xb = tf.tensor2d(pick(xs, d, idx), [idx.length, d]);
      const yb = tf.tensor2d(pick(ys, k, idx), [idx.length, k]);
      await model.trainOnBatch(xb, yb);
      xb.dispose();
      yb.dispose();
    }
    // Asynchronous reads: the webgpu backend's synchronous read needs OffscreenCanvas (browser only).
    const valT = tf.tidy(() => tf.losses.meanSquaredError(yVal, model.predict(xVal) as tf.Tensor));
    const val = (await valT.data())[0]!;
    valT.dispose();
    if (val < best) {
      best = val;
      bestEpoch = epoch;
      bestWeights.forEach((w) => w.dispose());
      bestWeights = model.getWeights().map((w) => w.clone());
    } else if (epoch - bestEpoch >= o.patience) {
      epoch++;
      break;
    }
  }
  const secondsPerEpoch = (performance.now() - t0) / 1000 / Math.max(1, epoch);
  model.setWeights(bestWeights);
  bestWeights.forEach((w) => w.dispose());
  // Residual variance on the validation rows, per output, adds the noise the ensemble spread cannot see.
  const valPredT = tf.tidy(() => model.predict(xVal) as tf.Tensor);
  const valPred = (await valPredT.data()) as Float32Array;
  valPredT.dispose();
  const yv = await yVal.data();
  const valResidualVar = Array.from({ length: k }, (_, j) => {
    let s = 0;
    for (let i = 0; i < nVal; i++) s += (yv[i * k + j]! - valPred[i * k + j]!) ** 2;
    return s / nVal;
  });
  xVal.dispose();
  yVal.dispose();
  log?.(`dnn member seed ${seed}: ${epoch} epochs, best ${bestEpoch}, validation MSE ${best.toExponential(3)} (standardized)`);
  return { model, info: { seed, epochs: epoch, bestEpoch, validationMse: best, secondsPerEpoch }, valResidualVar };
}

export async function fitDnn(x: readonly (readonly number[])[], y: readonly (readonly number[])[], inputs: readonly string[], outputs: readonly string[], options: Partial<DnnOptions> & { seed: number }, log?: (l: string) => void): Promise<DnnModel> {
  const backend = await selectTfBackend();
  const backendDevice = tfBackendDevice(backend);
  const o: DnnOptions = { ...DNN_DEFAULTS, ...options };
  const n = x.length;
  const d = inputs.length;
  const k = outputs.length;
  const xScaler = fitUnitCube(x);
  const xs = applyUnitCube(xScaler, x);
  const yScalers = outputs.map((_, j) => fitStandard(y.map((r) => r[j]!)));
  const ys = new Float64Array(n * k);
  y.forEach((r, i) => r.forEach((v, j) => (ys[i * k + j] = (v - yScalers[j]!.mean) / yScalers[j]!.std)));
  const members: tfl.Sequential[] = [];
  const infos: DnnMemberInfo[] = [];
  const noiseVar = new Array<number>(k).fill(0);
  for (let m = 0; m < o.ensemble; m++) {
    const r = await trainMember(xs, ys, n, d, k, o, Rng.stream(o.seed, m).nextUint32() % 2147483647, log);
    members.push(r.model);
    infos.push(r.info);
    r.valResidualVar.forEach((v, j) => (noiseVar[j] = noiseVar[j]! + v / o.ensemble));
  }
  if (!tfBackendReadsSync(backend)) {
    // Trained on the GPU; predict() is synchronous (Surrogate interface), which webgpu cannot
    // serve in Node, so the members move to the wasm (or cpu) backend for inference.
    const weights = await Promise.all(members.map(async (net) => Promise.all(net.getWeights().map(async (w) => ({ shape: w.shape, values: await w.data() })))));
    members.forEach((net) => net.dispose());
    await useSyncReadableBackend();
    members.forEach((_, i) => {
      const net = buildNetwork(d, k, o, 0);
      net.setWeights(weights[i]!.map((w) => tf.tensor(w.values as Float32Array, w.shape)));
      members[i] = net;
    });
  }
  return new DnnModel({ kind: 'dnn', inputs: [...inputs], outputs: [...outputs], options: o, xScaler, yScalers, backend, ...(backendDevice ? { backendDevice } : {}), members: infos }, members, noiseVar);
}

export class DnnModel implements Surrogate {
  readonly kind = 'dnn' as const;
  constructor(
    readonly meta: DnnMeta,
    readonly members: tfl.LayersModel[],
    /** Validation residual variance per output (standardized units), averaged over members. */
    readonly noiseVar: number[],
  ) {}
  get inputs(): readonly string[] {
    return this.meta.inputs;
  }
  get outputs(): readonly string[] {
    return this.meta.outputs;
  }

  /** Ensemble mean; std combines the spread of the members with their validation residual variance. */
  predict(x: readonly (readonly number[])[]): Prediction {
    const m = x.length;
    const d = this.meta.inputs.length;
    const k = this.meta.outputs.length;
    const xs = applyUnitCube(this.meta.xScaler, x);
    const input = tf.tensor2d(Float32Array.from(xs), [m, d]);
    const preds = this.members.map((net) => tf.tidy(() => (net.predict(input) as tf.Tensor).dataSync() as Float32Array));
    input.dispose();
    const mean: number[][] = [];
    const std: number[][] = [];
    const e = preds.length;
    for (let i = 0; i < m; i++) {
      const mr: number[] = [];
      const sr: number[] = [];
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (const p of preds) s += p[i * k + j]!;
        const mu = s / e;
        let v = 0;
        for (const p of preds) v += (p[i * k + j]! - mu) ** 2;
        const spread = e > 1 ? v / (e - 1) : 0;
        const sc = this.meta.yScalers[j]!;
        mr.push(mu * sc.std + sc.mean);
        sr.push(Math.sqrt(spread + this.noiseVar[j]!) * sc.std);
      }
      mean.push(mr);
      std.push(sr);
    }
    return { mean, std };
  }

  predictMean(x: readonly (readonly number[])[]): number[][] {
    return this.predict(x).mean;
  }

  describe(): Record<string, unknown> {
    return { ...this.meta.options, backend: this.meta.backend, ...(this.meta.backendDevice ? { backendDevice: this.meta.backendDevice } : {}), members: this.meta.members, noiseVarStandardized: this.noiseVar };
  }

  async files(): Promise<ModelFile[]> {
    const out: ModelFile[] = [{ path: 'dnn.json', data: JSON.stringify({ ...this.meta, noiseVar: this.noiseVar }) }];
    for (let i = 0; i < this.members.length; i++) await this.members[i]!.save(collectingSaveHandler(`member-${i}`, out));
    return out;
  }
}

/**
 * Collects a member's model.json + weights.bin (the layout tfjs's file:// handler writes) into
 * `out`; tfjs-node's own handler needs the native binding, and surrogates/store.ts writes the files.
 */
function collectingSaveHandler(folder: string, out: ModelFile[]): tf.io.IOHandler {
  return {
    save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      const data = artifacts.weightData;
      const weights = data === undefined ? new ArrayBuffer(0) : Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      out.push({ path: `${folder}/model.json`, data: JSON.stringify(modelJson) }, { path: `${folder}/weights.bin`, data: new Uint8Array(weights) });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    },
  };
}

export async function loadDnn(dir: string): Promise<DnnModel> {
  // Inference only: a backend whose reads are synchronous (predict() is).
  await selectTfBackend();
  await useSyncReadableBackend();
  const meta = JSON.parse(await readFile(join(dir, 'dnn.json'), 'utf8')) as DnnMeta & { noiseVar: number[] };
  const members: tfl.LayersModel[] = [];
  for (let i = 0; i < meta.members.length; i++) {
    const sub = join(dir, `member-${i}`);
    const mj = JSON.parse(await readFile(join(sub, 'model.json'), 'utf8')) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const buf = await readFile(join(sub, 'weights.bin'));
    const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    members.push(await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: mj.modelTopology, weightSpecs: mj.weightsManifest[0]!.weights, weightData })));
  }
  return new DnnModel(meta, members, meta.noiseVar);
}
