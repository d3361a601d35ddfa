import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createSweepProgress } from './progress.ts';

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } });
  return { stream: w as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

describe('sweep progress without a TTY', () => {
  it('prints plain lines with done/failed/total, rate and ETA, throttled, plus one at the end', () => {
    const s = sink();
    const p = createSweepProgress({ stream: s.stream, plain: true, intervalSeconds: 3600, label: 'demo' });
    p.update({ done: 0, failed: 0, total: 10 });
    p.update({ done: 3, failed: 1, total: 10 }); // within the interval: no line
    p.log('a message');
    p.stop();
    const lines = s.text().trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^demo: 0\/10 \(0 ok, 0 failed\), 0\.0\/min, elapsed 0s, ETA \?$/);
    expect(lines[1]).toBe('a message');
    expect(lines[2]).toMatch(/^demo: 4\/10 \(3 ok, 1 failed\), [\d.]+\/min, elapsed \d+s, ETA /);
  });

  it('does not repeat an unchanged closing line', () => {
    const s = sink();
    const p = createSweepProgress({ stream: s.stream, plain: true, intervalSeconds: 3600 });
    p.update({ done: 0, failed: 0, total: 0 });
    p.stop();
    expect(s.text().trim().split('\n')).toHaveLength(1);
  });
});
