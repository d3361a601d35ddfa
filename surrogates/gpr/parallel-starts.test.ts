import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { smoothDataset } from '../data/synthetic.ts';
import { fitGpr } from './model.ts';
import { MIN_PARALLEL_ROWS, runStarts, warmStartHelpers } from './parallel-starts.ts';
import { StartAbandoned, type StartProblem, optimizeStart, workspaceFor } from './start.ts';

describe('parallel GPR restarts', () => {
  it('give bit-identical outcomes to the serial path, with a helper thread taking part', async () => {
    await warmStartHelpers(2);
    const n = Math.max(MIN_PARALLEL_ROWS, 150);
    const d = 3;
    const { x, y } = smoothDataset(n, d, 0.05, 31);
    const ys = Float64Array.from(y, (r) => r[0]!);
    const mean = ys.reduce((s, v) => s + v, 0) / n;
    ys.forEach((v, i) => (ys[i] = v - mean));
    const lower = new Array<number>(d + 2).fill(Math.log(1e-5));
    const upper = new Array<number>(d + 2).fill(Math.log(1e5));
    const problem: StartProblem = { kernel: 'matern52', x: Float64Array.from(x.flat()), y: ys, d, lower, upper };
    const rng = new Rng(3);
    const starts = Array.from({ length: 6 }, () => Float64Array.from(lower, (lo, k) => rng.range(lo, upper[k]!)));
    const serial = runStarts(problem, starts, 1);
    const parallel = runStarts(problem, starts, 2);
    expect(serial.ranOn.every((t) => t === 'caller')).toBe(true);
    expect(parallel.ranOn).toContain('helper');
    parallel.outcomes.forEach((o, k) => {
      expect(o.lml).toBe(serial.outcomes[k]!.lml);
      expect(o.evaluations).toBe(serial.outcomes[k]!.evaluations);
      expect(Array.from(o.theta)).toEqual(Array.from(serial.outcomes[k]!.theta));
    });
  });

  it('fit the same model on one thread and on two', async () => {
    await warmStartHelpers(2);
    const { x, y } = smoothDataset(MIN_PARALLEL_ROWS + 10, 2, 0.05, 5);
    const a = fitGpr(x, y, ['a', 'b'], ['y'], { kernel: 'rbf', restarts: 3, seed: 2, threads: 1 });
    const b = fitGpr(x, y, ['a', 'b'], ['y'], { kernel: 'rbf', restarts: 3, seed: 2, threads: 2 });
    expect(b.state.perOutput).toEqual(a.state.perOutput);
  });

  it('abandons a start as soon as told to (the caller racing a slow helper)', () => {
    const { x, y } = smoothDataset(30, 2, 0.05, 6);
    const problem: StartProblem = { kernel: 'rbf', x: Float64Array.from(x.flat()), y: Float64Array.from(y, (r) => r[0]!), d: 2, lower: [-5, -5, -5, -5], upper: [5, 5, 5, 5] };
    const ws = workspaceFor(problem);
    let polls = 0;
    expect(() => optimizeStart(ws, problem, new Float64Array(4), () => ++polls > 3)).toThrow(StartAbandoned);
    expect(polls).toBe(4);
    // The same workspace still gives the undisturbed outcome afterwards.
    const a = optimizeStart(ws, problem, new Float64Array(4));
    const b = optimizeStart(workspaceFor(problem), problem, new Float64Array(4));
    expect(a.lml).toBe(b.lml);
    expect(Array.from(a.theta)).toEqual(Array.from(b.theta));
  });
});
