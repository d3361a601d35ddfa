import cliProgress from 'cli-progress';

export interface SweepProgress {
  /** Counts so far; `total` is the runs this invocation will attempt. */
  update(counts: { done: number; failed: number; total: number }): void;
  /** Prints a message without breaking the bar. */
  log(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Force the plain line mode (defaults to the stream not being a TTY). */
  plain?: boolean;
  /** Seconds between plain lines. */
  intervalSeconds?: number;
  label?: string;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Rate (runs per minute) and ETA from runs finished since this invocation started. */
function rateAndEta(finished: number, total: number, elapsedSeconds: number): { rate: number; eta: number } {
  const rate = elapsedSeconds > 0 ? (finished / elapsedSeconds) * 60 : 0;
  const eta = rate > 0 ? ((total - finished) / rate) * 60 : Infinity;
  return { rate, eta };
}

/**
 * Progress of a sweep: a bar with done/failed/total, rate and ETA on a TTY; plain periodic lines
 * otherwise (CI, logs, Slurm output files), plus one at the end.
 */
export function createSweepProgress(options: ProgressOptions = {}): SweepProgress {
  const stream = options.stream ?? process.stderr;
  const plain = options.plain ?? !stream.isTTY;
  const label = options.label ?? 'runs';
  const start = performance.now();
  const elapsed = (): number => (performance.now() - start) / 1000;
  if (plain) {
    const interval = (options.intervalSeconds ?? 10) * 1000;
    let lastLine = -Infinity;
    let last = { done: 0, failed: 0, total: 0 };
    let printed = '';
    const line = (): void => {
      printed = JSON.stringify(last);
      const finished = last.done + last.failed;
      const { rate, eta } = rateAndEta(finished, last.total, elapsed());
      stream.write(`${label}: ${finished}/${last.total} (${last.done} ok, ${last.failed} failed), ${rate.toFixed(1)}/min, elapsed ${formatDuration(elapsed())}, ETA ${formatDuration(eta)}\n`);
      lastLine = performance.now();
    };
    return {
      update(c) {
        last = c;
        if (performance.now() - lastLine >= interval) line();
      },
      log(text) {
        stream.write(`${text}\n`);
      },
      stop() {
        // The closing line, unless the last one printed already said the same.
        if (printed !== JSON.stringify(last)) line();
      },
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} {bar} {finished}/{total} | ok {ok} failed {failed} | {rate}/min | ETA {etaText}`,
      stream,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(c) {
      const finished = c.done + c.failed;
      const { rate, eta } = rateAndEta(finished, c.total, elapsed());
      const payload = { ok: c.done, failed: c.failed, finished, rate: rate.toFixed(1), etaText: formatDuration(eta) };
      if (!started) {
        bar.start(Math.max(c.total, 1), finished, payload);
        started = true;
      } else {
        bar.setTotal(Math.max(c.total, 1));
        bar.update(finished, payload);
      }
    },
    log(text) {
      if (started) bar.stop();
      stream.write(`${text}\n`);
      started = false;
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
