import type { Progress } from '../simulation.ts';

/**
 * Progress of a simulation on stderr (stdout stays clean for --json): on a terminal one line
 * rewritten in place with count, rate and ETA; otherwise (logs, CI) a plain line when the stage
 * changes, when it ends, and at most every few seconds in between. `quiet` drops the plain lines.
 */
export function simulationProgress(options: { quiet?: boolean; everyMs?: number } = {}): (p: Progress) => void {
  const tty = Boolean(process.stderr.isTTY);
  const every = options.everyMs ?? (tty ? 200 : 5000);
  let stage = '';
  let stageStart = performance.now();
  let last = 0;
  let open = false;
  return (p) => {
    const now = performance.now();
    const newStage = p.stage !== stage;
    if (newStage) {
      if (open) process.stderr.write('\n');
      open = false;
      stage = p.stage;
      stageStart = now;
    }
    const finished = p.total !== undefined && p.done >= p.total;
    if (!newStage && !finished && now - last < every) return;
    if (!tty && options.quiet) return;
    last = now;
    process.stderr.write(tty ? `\r${formatProgress(p, (now - stageStart) / 1000).padEnd(78)}` : `${formatProgress(p, (now - stageStart) / 1000)}\n`);
    open = tty && !finished;
    if (tty && finished) process.stderr.write('\n');
  };
}

export function formatProgress(p: Progress, elapsedSeconds: number): string {
  const unit = p.unit ? ` ${p.unit}` : '';
  const count = p.total !== undefined ? `${p.done}/${p.total}${unit}` : `${p.done}${unit}`;
  const rate = elapsedSeconds > 0 && p.done > 0 ? p.done / elapsedSeconds : 0;
  const eta = p.total !== undefined && rate > 0 && p.done < p.total ? `, ETA ${formatSeconds((p.total - p.done) / rate)}` : '';
  const rateText = rate > 0 ? `, ${rate >= 10 ? rate.toFixed(0) : rate.toPrecision(2)}${unit}/s` : '';
  const info = p.info
    ? `, ${Object.entries(p.info)
        .map(([k, v]) => `${k} ${typeof v === 'number' ? v.toPrecision(4) : v}`)
        .join(', ')}`
    : '';
  return `${p.stage}: ${count}${rateText}${eta}${info}`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
