import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigError, FileFormatError } from '../src/errors.ts';
import { loadDnn } from './dnn/model.ts';
import type { Explanation } from './explain/summary.ts';
import { gprFromState, type GprState } from './gpr/model.ts';
import type { CvResult, LearningCurvePoint, ParityRow } from './judge/cv.ts';
import type { VifEntry } from './judge/vif.ts';
import { LinearModel, type LinearState } from './linear/model.ts';
import { Ar1Model, MF_FILE, type Ar1State } from './multifidelity/ar1.ts';
import type { ModelKind, Surrogate } from './model.ts';
import type { ReplicateNoise } from '../src/study/noise.ts';
import { OUTPUT_TRANSFORMS_FILE, withTransforms, type OutputTransform } from './output-transforms.ts';
import { round4, unitSuffix } from './format.ts';

export const CARD_FILE = 'surrogate.json';
export const SUMMARY_FILE = 'summary.json';
export const TRAINING_DATA_FILE = 'training-data.json';

export interface StoredTrainingData {
  inputs: string[];
  outputs: string[];
  x: number[][];
  y: number[][];
}

export async function readTrainingData(dir: string): Promise<StoredTrainingData> {
  return readJson<StoredTrainingData>(join(dir, TRAINING_DATA_FILE), 'model');
}

export async function readParity(dir: string): Promise<ParityRow[]> {
  return readJson<ParityRow[]>(join(dir, 'parity.json'), 'model');
}

/** Rewrites the card (after `explain` adds to it). */
export async function writeCard(dir: string, card: ModelCard): Promise<void> {
  await writeFile(join(dir, CARD_FILE), JSON.stringify(card, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1));
}

/** Everything the report card says about a trained model, as plain data. */
export interface ModelCard {
  format: 'mesolab-surrogate';
  version: 1;
  kind: ModelKind;
  created: string;
  inputs: string[];
  outputs: string[];
  units: Record<string, string>;
  /** The smallest box holding the training inputs (observed min and max per input). */
  inputBox: Record<string, [number, number]>;
  /**
   * The ranges the study file declares for its inputs (uniform/log-uniform bounds, numeric choice
   * levels), where the model was trained on a study that declares them. Predictions are flagged
   * against these first, and against inputBox for inputs without one.
   */
  declaredInputBox?: Record<string, [number, number]>;
  data: {
    source: string;
    sourceKind: 'study' | 'csv' | 'parquet';
    hash: string;
    rows: number;
    uniqueInputRows: number;
    replicateRows: number;
    droppedNonFiniteRows: number;
    study?: { name: string; hash: string; file?: string };
    outputRanges: Record<string, [number, number]>;
  };
  preprocessing: string[];
  /** How each output was transformed for learning (absent in models trained before transforms existed: identity). */
  outputTransforms?: Record<string, OutputTransform>;
  hyperparameters: Record<string, unknown>;
  cv: Omit<CvResult, 'parity'>;
  /** Replicate spread per output (rows with equal inputs), where the data has replicates: the noise floor beside the CV error. */
  noise?: Record<string, ReplicateNoise>;
  learningCurve: LearningCurvePoint[];
  vif: VifEntry[];
  speedup: {
    simSecondsPerPoint: number | null;
    simSecondsSource: string | null;
    predictSecondsSinglePoint: number;
    predictSecondsPerPointBatch: number;
    /** simSecondsPerPoint / predictSecondsSinglePoint. */
    speedup: number | null;
  };
  trainSeconds: number;
  seed: number;
  explanation?: Explanation;
}

/**
 * Writes a model folder's model files and its card into `dir` (created if missing; callers stage
 * it, so the folder appears whole). The one place model files are written.
 *
 * @param dir the (staged) model folder.
 * @param model the fitted surrogate; its `files()` say what to write.
 * @param card the report card, written as surrogate.json.
 */
export async function saveModel(dir: string, model: Surrogate, card: ModelCard): Promise<void> {
  await writeModelFiles(dir, model);
  await writeCard(dir, card);
}

/** Writes a model's weights and scalers (its `files()`) into `dir`, creating subfolders as needed. */
export async function writeModelFiles(dir: string, model: Surrogate): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of await model.files()) {
    const path = join(dir, ...f.path.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.data);
  }
}

/** Writes training-data.json, the rows a model was fitted on (read back by `readTrainingData`). */
export async function writeTrainingData(dir: string, data: StoredTrainingData): Promise<void> {
  await writeFile(join(dir, TRAINING_DATA_FILE), JSON.stringify({ inputs: data.inputs, outputs: data.outputs, x: data.x, y: data.y }));
}

/** Writes parity.json (read back by `readParity`) and, with `csv`, the same rows as parity.csv. */
export async function writeParity(dir: string, parity: readonly ParityRow[], csv = false): Promise<void> {
  await writeFile(join(dir, 'parity.json'), JSON.stringify(parity));
  if (!csv) return;
  const lines = ['row,fold,output,actual,predicted,std', ...parity.map((p) => `${p.row},${p.fold},${p.output},${p.actual},${p.predicted},${p.std}`)];
  await writeFile(join(dir, 'parity.csv'), `${lines.join('\n')}\n`);
}

async function readJson<T>(path: string, field: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(field, path, 'a model directory written by `mesolab train`', (e as NodeJS.ErrnoException).code);
  }
  try {
    return JSON.parse(text, (_k, v: unknown) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : v)) as T;
  } catch (e) {
    throw new FileFormatError(field, path, 'valid JSON', (e as Error).message);
  }
}

/**
 * Loads a model directory. A directory written for several model kinds (with summary.json)
 * resolves to the kind with the best mean CV R², unless `kind` names one.
 */
export async function loadModel(dir: string, kind?: ModelKind): Promise<{ model: Surrogate; card: ModelCard; dir: string }> {
  let cardDir = dir;
  let card: ModelCard;
  try {
    card = await readJson<ModelCard>(join(dir, CARD_FILE), 'model');
  } catch (e) {
    let summary: { best: ModelKind; models: { kind: ModelKind; dir: string }[] };
    try {
      summary = await readJson(join(dir, SUMMARY_FILE), 'model');
    } catch {
      throw e;
    }
    const want = kind ?? summary.best;
    const entry = summary.models.find((m) => m.kind === want);
    if (!entry) throw new ConfigError('--kind', want, `one of the trained models: ${summary.models.map((m) => m.kind).join(', ')}`);
    cardDir = join(dir, entry.kind);
    card = await readJson<ModelCard>(join(cardDir, CARD_FILE), 'model');
  }
  if (card.format !== 'mesolab-surrogate') throw new FileFormatError('model', dir, 'a mesolab surrogate directory (surrogate.json format "mesolab-surrogate")');
  let model: Surrogate;
  switch (card.kind) {
    case 'gpr':
      model = gprFromState(await readJson<GprState>(join(cardDir, 'gpr.json'), 'model'));
      break;
    case 'linear':
      model = new LinearModel(await readJson<LinearState>(join(cardDir, 'linear.json'), 'model'));
      break;
    case 'dnn':
      model = await loadDnn(cardDir);
      break;
    case 'mfgpr':
      model = new Ar1Model(await readJson<Ar1State>(join(cardDir, MF_FILE), 'model'));
      break;
    default:
      throw new FileFormatError('model.kind', (card as { kind: unknown }).kind, 'gpr, dnn, linear or mfgpr');
  }
  // Models trained with output transforms answer in physical units only through their wrapper.
  const transforms = await readFile(join(cardDir, OUTPUT_TRANSFORMS_FILE), 'utf8').then(
    (t) => JSON.parse(t) as Record<string, OutputTransform>,
    () => null,
  );
  if (transforms) model = withTransforms(model, transforms);
  return { model, card, dir: cardDir };
}

/** The range each input is judged against: the study's declared range, else the observed one. */
export function validRanges(card: ModelCard): Record<string, { range: [number, number]; declared: boolean }> {
  return Object.fromEntries(
    card.inputs.map((name) => {
      const declared = card.declaredInputBox?.[name];
      return [name, declared ? { range: declared, declared: true } : { range: card.inputBox[name]!, declared: false }];
    }),
  );
}

/**
 * For each row, the inputs that lie outside the range the model is valid in (empty when inside):
 * the study's declared range for that input, or the training data's min–max where the study
 * declares none (CSV and Parquet sources, normal parameters). Values are rounded to 4 significant
 * digits and carry the input's unit, e.g. "calendering 30 % outside the study's range 0–25 %".
 *
 * @param card the model card (surrogate.json).
 * @param x points, one row per point, columns in card.inputs order, in the inputs' units.
 * @returns one list of messages per row.
 */
export function outsideBox(card: ModelCard, x: readonly (readonly number[])[]): string[][] {
  const ranges = validRanges(card);
  return x.map((row) =>
    card.inputs.flatMap((name, k) => {
      const { range: [lo, hi], declared } = ranges[name]!;
      const v = row[k]!;
      if (v >= lo && v <= hi) return [];
      const unit = unitSuffix(card.units[name]);
      return [`${name} ${round4(v)}${unit} outside the ${declared ? "study's range" : "training data's range"} ${round4(lo)}–${round4(hi)}${unit}`];
    }),
  );
}

