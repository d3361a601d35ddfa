import { z } from 'zod';
import { ImpossibleRequestError, throwIfAborted } from '../src/errors.ts';
import type { Stage } from './stage.ts';

const QuadraticParams = z
  .object({
    x: z.number().default(0).describe('first input (dimensionless)'),
    y: z.number().default(0).describe('second input (dimensionless)'),
    noise: z.number().min(0).default(0).describe('standard deviation of Gaussian noise added to f, drawn from the run seed (dimensionless)'),
    sleepMs: z.number().int().min(0).max(600_000).default(5).describe('time the stage takes (ms), to stand in for a simulation'),
    failAbove: z.number().optional().describe('fail with ImpossibleRequestError when x > failAbove (to test failure handling)'),
    hangAbove: z.number().optional().describe('never finish when x > hangAbove (to test per-run time limits)'),
    reportThreads: z.boolean().default(false).describe('add an output run_threads: the threads the run was allowed (SimContext.threads; null when none was given), to test the thread budget'),
  })
  .strict();

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

/**
 * A documented analytic stage for testing pipelines and surrogates without physics:
 * f = (x − 1)² + 2 (y + 0.5)² + noise·N(0,1), g = x·y, and a 4×4×4 field of f scaled by voxel
 * index. It sleeps `sleepMs` to stand in for work and can be told to fail or hang for some inputs.
 */
export const quadraticStage: Stage<typeof QuadraticParams> = {
  name: 'test-quadratic',
  description: 'analytic test function f = (x-1)^2 + 2(y+0.5)^2 (+ noise), g = x*y; sleeps sleepMs; can fail (failAbove) or hang (hangAbove) on purpose',
  params: QuadraticParams,
  needsVolume: false,
  usesCompute: false,
  producesVolume: false,
  outputs: [
    { name: 'f', type: 'number', unit: '1', description: '(x-1)^2 + 2(y+0.5)^2 + noise' },
    { name: 'g', type: 'number', unit: '1', description: 'x*y' },
    { name: 'f_below_1', type: 'boolean', description: 'f < 1' },
  ],
  fields: ['quadratic_field'],
  async run(p, _state, ctx) {
    if (p.failAbove !== undefined && p.x > p.failAbove) {
      throw new ImpossibleRequestError('test-quadratic.x', p.x, `a value <= failAbove (${p.failAbove})`, 'failing on purpose');
    }
    if (p.hangAbove !== undefined && p.x > p.hangAbove) await sleep(3_600_000, ctx.signal);
    if (p.sleepMs > 0) await sleep(p.sleepMs, ctx.signal);
    throwIfAborted(ctx.signal);
    const f = (p.x - 1) ** 2 + 2 * (p.y + 0.5) ** 2 + (p.noise > 0 ? p.noise * ctx.rng.normal() : 0);
    const data = new Float32Array(64);
    for (let i = 0; i < 64; i++) data[i] = f * (i + 1);
    return {
      outputs: { f, g: p.x * p.y, f_below_1: f < 1, ...(p.reportThreads ? { run_threads: ctx.threads ?? null } : {}) },
      fields: { quadratic_field: { shape: [4, 4, 4], voxelSize: 1e-6, data, description: 'f times (voxel index + 1)' } },
    };
  },
};
