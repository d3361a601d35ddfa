/**
 * Errors a user can cause. Each names the offending field, the value that was given and what
 * was expected, so the CLI can print one line without a stack trace.
 */
export class MesolabError extends Error {
  readonly field: string;
  readonly value: unknown;
  readonly expected: string;

  /**
   * One line for the user: `field: got value, expected …` (the CLI prints it and exits with status 2).
   *
   * @param field the offending field or flag, e.g. 'params.porosity' or '--steps'.
   * @param value the value given (strings are quoted in the message, numbers are not).
   * @param expected what would have been accepted, e.g. 'a number in (0, 1)'.
   * @param detail an optional cause, printed in parentheses.
   * @example
   * throw new ConfigError('porosity', 1.2, 'a fraction in (0, 1)'); // "porosity: got 1.2, expected a fraction in (0, 1)"
   */
  constructor(field: string, value: unknown, expected: string, detail?: string) {
    super(`${field}: got ${formatValue(value)}, expected ${expected}${detail ? ` (${detail})` : ''}`);
    this.name = 'MesolabError';
    this.field = field;
    this.value = value;
    this.expected = expected;
  }
}

/** Bad configuration or parameter values. */
export class ConfigError extends MesolabError {
  override readonly name = 'ConfigError';
}

/** A file that cannot be read as what it claims to be (truncated, inconsistent, unknown format). */
export class FileFormatError extends MesolabError {
  override readonly name = 'FileFormatError';
}

/** A request that is valid in form but physically or geometrically impossible. */
export class ImpossibleRequestError extends MesolabError {
  override readonly name = 'ImpossibleRequestError';
}

/** A solver that blew up (NaN, negative densities, runaway velocity); carries what was computed so far. */
export class SolverDivergedError<T = unknown> extends MesolabError {
  override readonly name = 'SolverDivergedError';
  readonly partial: T | undefined;

  constructor(field: string, value: unknown, expected: string, detail: string, partial?: T) {
    super(field, value, expected, detail);
    this.partial = partial;
  }
}

/** A run stopped by its AbortSignal. */
export class AbortedError extends Error {
  override readonly name = 'AbortedError';
  constructor(message = 'aborted') {
    super(message);
  }
}

export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  try {
    const s = JSON.stringify(value);
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return String(value);
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError(typeof signal.reason === 'string' ? signal.reason : 'aborted');
}
