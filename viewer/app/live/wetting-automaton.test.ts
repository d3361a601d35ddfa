import { GPU } from 'gpu.js';
import { describe, expect, it } from 'vitest';
import { createCompute } from '../../../src/gpu/backend.ts';
import { hasWebGpuDriver, vulkanSkipNote } from '../../../test/helpers/vulkan.ts';
import { capillaryGate, createWettingKernels, runWettingAutomaton } from './wetting-automaton.ts';
import type { AutomatonFrame } from './wetting-automaton.ts';

const shape: [number, number, number] = [5, 4, 12];
const [nx, ny, nz] = shape;
const idx = (x: number, y: number, z: number): number => x + nx * (y + ny * z);

async function run(gate: Float32Array, framesEvery = 1, gpu: GPU = new GPU({ mode: 'cpu' })): Promise<{ last: AutomatonFrame; frames: AutomatonFrame[] }> {
  try {
    const frames: AutomatonFrame[] = [];
    const last = await runWettingAutomaton(createWettingKernels(gpu, shape), gate, {
      maxSteps: 200,
      framesEvery,
      onFrame: (f) => void frames.push(f),
    });
    return { last, frames };
  } finally {
    gpu.destroy();
  }
}

describe('wetting-front automaton (gpu.js cpu mode)', () => {
  it('fills an open box layer by layer: voxel at depth z arrives at step z + 1', async () => {
    const { last, frames } = await run(new Float32Array(nx * ny * nz).fill(1));
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) expect(last.arrival[idx(x, y, z)]).toBe(z + 1);
    expect(last.saturation).toBe(1);
    expect(last.done).toBe(true);
    // Frame k (step k) holds exactly k filled layers: saturation k / nz.
    for (const f of frames.slice(0, nz)) expect(f.saturation).toBeCloseTo(Math.min(f.step, nz) / nz, 12);
  });

  it('goes around an obstacle by the shortest face-connected path and never reaches sealed pore', async () => {
    const gate = new Float32Array(nx * ny * nz).fill(1);
    // A wall at z = 3 with one hole at (x=4, y=3); a sealed pocket at z = 8..11 behind a full wall at z = 7.
    for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
      if (!(x === 4 && y === 3)) gate[idx(x, y, 3)] = 0;
      gate[idx(x, y, 7)] = 0;
    }
    const { last } = await run(gate, 2);
    expect(last.arrival[idx(4, 3, 3)]).toBe(4); // straight up the hole's column
    expect(last.arrival[idx(4, 3, 4)]).toBe(5);
    // From the hole to (0, 0, 4): 4 + 3 lateral steps.
    expect(last.arrival[idx(0, 0, 4)]).toBe(5 + 4 + 3);
    expect(last.arrival[idx(2, 2, 9)]).toBe(Infinity);
    const open = gate.reduce((a, g) => a + g, 0);
    const reached = Array.from(last.arrival).filter((v, i) => gate[i]! > 0 && Number.isFinite(v)).length;
    expect(reached).toBe(3 * nx * ny + 1 + 3 * nx * ny);
    expect(last.saturation).toBeCloseTo(reached / open, 12);
  });

  it('gate: a pore voxel needs minOpen open neighbours (outside the box counts as open)', () => {
    const labels = new Uint8Array(27).fill(1);
    labels[13] = 0; // centre of a 3×3×3 solid block: no open neighbour
    labels[0] = 0; // corner: 19 neighbours outside the box are open
    const g = capillaryGate(labels, [3, 3, 3], 1);
    expect(g[13]).toBe(1); // the corner pore is a neighbour
    expect(capillaryGate(labels, [3, 3, 3], 2)[13]).toBe(0);
    expect(capillaryGate(labels, [3, 3, 3], 20)[0]).toBe(1); // 19 outside + the centre
    expect(capillaryGate(labels, [3, 3, 3], 21)[0]).toBe(0);
    expect(g[1]).toBe(0); // solids are never gated open
  });
});

describe('wetting-front automaton on gpu.js webgpu', () => {
  // WebGPU results read back through mapAsync (toArray gives a Promise): frames must still hold every voxel.
  it.skipIf(!hasWebGpuDriver())(`gives the same arrival steps as cpu mode${vulkanSkipNote()}`, async () => {
    const gate = new Float32Array(nx * ny * nz).fill(1);
    for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) if (!(x === 4 && y === 3)) gate[idx(x, y, 3)] = 0;
    const reference = await run(gate, 2);
    const compute = await createCompute({ backend: 'webgpu' });
    const { last, frames } = await run(gate, 2, compute.gpu);
    expect(frames.every((f) => f.arrival.length === nx * ny * nz)).toBe(true);
    expect(Array.from(last.arrival)).toEqual(Array.from(reference.last.arrival));
    expect(last.saturation).toBe(1);
  });
});
