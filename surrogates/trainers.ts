import { ConfigError } from '../src/errors.ts';
import { fitDnn, type DnnOptions } from './dnn/model.ts';
import type { KernelName } from './gpr/covariance.ts';
import { fitGpr } from './gpr/model.ts';
import { fitLinear } from './linear/model.ts';
import type { ModelKind, Trainer } from './model.ts';

export interface TrainerOptions {
  gpr?: { kernel?: KernelName; restarts?: number };
  dnn?: Partial<Omit<DnnOptions, 'seed'>>;
  linear?: { quadratic?: boolean };
  log?: (line: string) => void;
}

/** A Trainer per model kind, with the options that kind takes. */
export function makeTrainer(kind: ModelKind, opts: TrainerOptions = {}): Trainer {
  switch (kind) {
    case 'gpr':
      return {
        kind,
        fit: async (x, y, inputs, outputs, seed) => fitGpr(x, y, inputs, outputs, { kernel: opts.gpr?.kernel ?? 'matern52', restarts: opts.gpr?.restarts ?? 3, seed }),
      };
    case 'linear':
      return { kind, fit: async (x, y, inputs, outputs) => fitLinear(x, y, inputs, outputs, opts.linear?.quadratic ?? false) };
    case 'dnn':
      return { kind, fit: (x, y, inputs, outputs, seed) => fitDnn(x, y, inputs, outputs, { ...opts.dnn, seed }, opts.log) };
    case 'mfgpr':
      // Needs two fidelities, which the single-table Trainer interface cannot carry.
      throw new ConfigError('--model', kind, 'gpr, dnn or linear (a multi-fidelity model is trained with --low-fidelity)');
  }
}
