/** What every trained surrogate offers, whatever its kind. */
/** 'mfgpr' (multi-fidelity GP) is trained by `train --low-fidelity`, not by the single-fidelity trainers, so it is not in MODEL_KINDS. */
export type ModelKind = 'gpr' | 'dnn' | 'linear' | 'mfgpr';
export const MODEL_KINDS: readonly ModelKind[] = ['gpr', 'dnn', 'linear'];

/** Row-major predictions: mean[i][j] and std[i][j] for point i and output j. */
export interface Prediction {
  mean: number[][];
  std: number[][];
}

export interface Surrogate {
  readonly kind: ModelKind;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Synchronous so that explanation and design loops can call it many times cheaply. */
  predict(x: readonly (readonly number[])[]): Prediction;
  /** Means only; cheaper where the std costs more than the mean (GPR), for explanation loops. */
  predictMean(x: readonly (readonly number[])[]): number[][];
  /** Plain-data description of the fitted hyperparameters, for the report card. */
  describe(): Record<string, unknown>;
  /**
   * The files that hold its weights and scalers, as data: surrogates/store.ts writes them (a model
   * does no file I/O of its own, so a model folder is written in one place, staged and whole).
   */
  files(): Promise<ModelFile[]>;
}

/** One file of a saved model: its path inside the model folder ('/'-separated) and its contents. */
export interface ModelFile {
  path: string;
  data: string | Uint8Array;
}

/** Trains one kind of surrogate; used by cross-validation, learning curves and final fits. */
export interface Trainer {
  readonly kind: ModelKind;
  fit(x: readonly (readonly number[])[], y: readonly (readonly number[])[], inputs: readonly string[], outputs: readonly string[], seed: number): Promise<Surrogate>;
}
