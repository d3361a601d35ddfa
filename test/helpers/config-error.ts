import { ConfigError } from '../../src/errors.ts';

/** The ConfigError `run` throws (any other error is rethrown); fails when it throws none. */
export function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}
