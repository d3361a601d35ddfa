import { describe, expect, it } from 'vitest';
import { NODE } from './lattice.ts';
import type { LatticeDomain } from './domain.ts';
import { trappedGas } from './trapped-gas.ts';

/**
 * A 1-node-wide column 12 long (z), volume between z = 2 and z = 10, outlet side from z = 10:
 * electrolyte fills z 2–4, a gas bubble sits at z 5–6 sealed by electrolyte at z 7, and gas at
 * z 8–11 still reaches the outlet.
 */
function column(): { domain: LatticeDomain; phi: Float32Array } {
  const nz = 12;
  const node = new Uint8Array(nz).fill(NODE.fluid);
  const phi = new Float32Array(nz);
  for (const z of [0, 1, 2, 3, 4, 7]) phi[z] = 1;
  const domain = { nx: 1, ny: 1, nz, node, adhesion: new Float32Array(3 * nz) } as unknown as LatticeDomain;
  return { domain, phi };
}

describe('trapped and outlet-connected gas', () => {
  it('counts the sealed bubble as trapped and the gas that reaches the outlet as connected', () => {
    const { domain, phi } = column();
    const r = trappedGas(domain, phi, [2, 10], 10);
    expect(r.trappedNodes).toBe(2);
    expect(r.clusters).toBe(1);
    expect(r.sizes).toEqual([2]);
    // z 8 and 9 lie inside the volume and connect to the outlet; z 10–11 are outside the volume.
    expect(r.connectedNodes).toBe(2);
  });

  it('with a closed outlet every gas node inside the volume is trapped and none is connected', () => {
    const { domain, phi } = column();
    const r = trappedGas(domain, phi, [2, 10], null);
    expect(r.trappedNodes).toBe(4);
    expect(r.connectedNodes).toBe(0);
  });

  it('a solid node is neither gas nor electrolyte', () => {
    const { domain, phi } = column();
    domain.node[8] = NODE.solid;
    const r = trappedGas(domain, phi, [2, 10], 10);
    expect(r.connectedNodes).toBe(1);
    expect(r.trappedNodes).toBe(2);
  });
});
