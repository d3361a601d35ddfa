import { describe, expect, it } from 'vitest';
import { P2DModel } from './p2d.ts';
import { singleParticleVoltage } from './spm.ts';
import { CHEN2020, parseCellParams, type CellParamsInput } from './params.ts';
import { FARADAY } from './materials.ts';
import { ConfigError, ImpossibleRequestError } from '../../src/errors.ts';

const chen = (): CellParamsInput => structuredClone(CHEN2020);

/** An NMC 811 half cell against lithium (Chen 2020 positive electrode, faster solid diffusion). */
function halfCell(): CellParamsInput {
  const c = chen();
  return {
    kind: 'half',
    separator: { thickness: 25e-6, porosity: 0.4 },
    positive: { ...c.positive, diffusivity: 1e-13 },
    electrolyte: c.electrolyte,
    voltageMin: 3.5,
    voltageMax: 4.3,
    area: 1e-4,
  };
}

describe('P2D (Doyle–Fuller–Newman) model', () => {
  it('low rate: the capacity equals the stoichiometric window to the cut-off within 1 % (full and half cell)', () => {
    const full = new P2DModel(parseCellParams(chen()));
    const q = full.discharge(0.05).dischargeCapacity;
    expect(Math.abs(q / full.windowCapacity() - 1)).toBeLessThan(0.01);
    const half = new P2DModel(parseCellParams(halfCell()));
    const qh = half.discharge(0.02).dischargeCapacity;
    expect(Math.abs(qh / half.windowCapacity() - 1)).toBeLessThan(0.01);
    // And a real rate does not: 1C loses more than 1 % (the check can fail).
    expect(half.discharge(1).dischargeCapacity / half.windowCapacity()).toBeLessThan(0.99);
  });

  it('single-particle limit: with electrolyte and solid transport 10^3–10^5 × faster the voltage matches the SPM within 3 mV', () => {
    const p = chen();
    p.electrolyte.conductivity = 1e3;
    p.electrolyte.diffusivity = 1e-6;
    p.negative!.conductivity = 1e5;
    p.positive.conductivity = 1e5;
    const params = parseCellParams(p);
    const model = new P2DModel(params);
    for (const rate of [1, 2]) {
      const d = model.discharge(rate);
      const times = d.time.slice(1, -1);
      const spm = singleParticleVoltage(params, rate, model.nominalCapacity(), times);
      let worst = 0;
      times.forEach((_, k) => (worst = Math.max(worst, Math.abs(spm[k]! - d.voltage[k + 1]!))));
      expect(worst).toBeLessThan(3e-3);
    }
    // With the real electrolyte the DFN departs from the SPM (tens of mV at 2C): the comparison bites.
    const real = new P2DModel(parseCellParams(chen()));
    const d = real.discharge(2);
    const mid = Math.floor(d.time.length / 2);
    const spm = singleParticleVoltage(parseCellParams(chen()), 2, real.nominalCapacity(), [d.time[mid]!]);
    expect(Math.abs(spm[0]! - d.voltage[mid]!)).toBeGreaterThan(0.02);
  });

  it('conserves lithium: solid inventory constant in a full cell, salt constant, electrode exchange = I t / F', () => {
    const model = new P2DModel(parseCellParams(chen()));
    const d = model.discharge(1, { keepStates: true });
    const states = d.states!;
    const start = model.lithiumInventory(states[0]!);
    const end = model.lithiumInventory(states[states.length - 1]!);
    const tLast = d.time[states.length - 1]!;
    const moved = (d.currentDensity * tLast) / FARADAY;
    expect(Math.abs(end.negative + end.positive - (start.negative + start.positive))).toBeLessThan(1e-9 * start.negative);
    expect(Math.abs(end.electrolyte - start.electrolyte)).toBeLessThan(1e-9 * start.electrolyte);
    expect(Math.abs(start.negative - end.negative - moved)).toBeLessThan(1e-8 * moved);
    // Half cell: the foil supplies I t / F to the positive electrode; the salt stays.
    const half = new P2DModel(parseCellParams(halfCell()));
    const h = half.discharge(1, { keepStates: true });
    const hs = h.states!;
    const a = half.lithiumInventory(hs[0]!);
    const b = half.lithiumInventory(hs[hs.length - 1]!);
    const movedH = (h.currentDensity * h.time[hs.length - 1]!) / FARADAY;
    expect(Math.abs(b.positive - a.positive - movedH)).toBeLessThan(1e-8 * movedH);
    expect(Math.abs(b.electrolyte - a.electrolyte)).toBeLessThan(1e-9 * a.electrolyte);
  });

  it('converges with mesh refinement: the 1C capacity changes less at each refinement, < 0.1 % at the default mesh', () => {
    const capacity = (k: number): number => {
      const p = chen();
      p.mesh = { negative: 6 * k, separator: 3 * k, positive: 6 * k, particle: 5 * k };
      return new P2DModel(parseCellParams(p)).discharge(1).dischargeCapacity;
    };
    // Measured: 4.9299, 4.9358, 4.9369 Ah (and 4.9373 at 4×): second order in the spacing.
    const [q1, q2, q3] = [capacity(1), capacity(2), capacity(3)];
    expect(Math.abs(q2 - q3)).toBeLessThan(Math.abs(q1 - q3) / 3);
    expect(Math.abs(q2 / q3 - 1)).toBeLessThan(0.001);
  });

  it('Chen et al. 2020 (LG M50, PyBaMM Chen2020 values): 5.0 Ah nominal at C/5 within 2 %, capacity falling with rate', () => {
    const model = new P2DModel(parseCellParams(chen()));
    const slow = model.discharge(0.2);
    expect(Math.abs(slow.dischargeCapacity / 5 - 1)).toBeLessThan(0.02);
    const one = model.discharge(1);
    const two = model.discharge(2);
    expect(one.dischargeCapacity).toBeLessThan(slow.dischargeCapacity);
    expect(two.dischargeCapacity).toBeLessThan(one.dischargeCapacity);
    expect(Math.abs(one.dischargeCapacity / 5 - 1)).toBeLessThan(0.03);
    // Energy is ∫V I dt: between cut-off × capacity and OCV × capacity.
    expect(one.energy).toBeGreaterThan(2.5 * one.dischargeCapacity);
    expect(one.energy).toBeLessThan(4.2 * one.dischargeCapacity);
    // DC resistance of a 21700 cell: tens of mΩ.
    expect(one.dcResistance).toBeGreaterThan(0.01);
    expect(one.dcResistance).toBeLessThan(0.1);
    for (const v of [...one.voltage, ...one.capacity, one.energy, one.meanPower]) expect(Number.isFinite(v)).toBe(true);
  });

  it('a rate the cell cannot sustain is an error; salt running out ends the discharge with that reason', () => {
    const thin = chen();
    thin.positive.conductivity = 0.002; // 90× less: the ohmic drop alone crosses the cut-off
    const model = new P2DModel(parseCellParams(thin));
    expect(() => model.discharge(10)).toThrow(ImpossibleRequestError);
    expect(() => model.discharge(10)).toThrow(/cRate.*sustain/);
    const d = new P2DModel(parseCellParams(chen())).discharge(5);
    expect(d.termination).toBe('electrolyte depleted');
    expect(d.dischargeCapacity).toBeGreaterThan(0);
    expect(d.dischargeCapacity).toBeLessThan(1);
  });

  it('out-of-range parameters are refused naming the field', () => {
    const p = chen();
    p.positive.porosity = 1.2;
    expect(() => parseCellParams(p)).toThrow(ConfigError);
    expect(() => parseCellParams(p)).toThrow(/positive\.porosity/);
    const q = chen();
    q.positive.activeFraction = 0.9; // with porosity 0.335: more than the whole volume
    expect(() => parseCellParams(q)).toThrow(/positive\.activeFraction/);
    const r = chen();
    r.negative!.initialConcentration = 40000; // above c_max = 33133
    expect(() => parseCellParams(r)).toThrow(/negative\.initialConcentration/);
    const m = new P2DModel(parseCellParams(chen()));
    expect(() => m.discharge(-1)).toThrow(/cRate/);
  });
});

describe('P2D with through-thickness profiles', () => {
  it('uniform profiles reproduce the scalar electrode exactly; a tortuous current-collector side costs capacity', () => {
    const base = chen();
    const scalar = new P2DModel(parseCellParams(base)).discharge(2).dischargeCapacity;
    const uniform = chen();
    const eps = uniform.positive.porosity;
    const tau = uniform.positive.tortuosity!;
    const area = (3 * uniform.positive.activeFraction) / uniform.positive.particleRadius;
    uniform.positive.profiles = { porosity: new Array(7).fill(eps), tortuosity: new Array(7).fill(tau), activeArea: new Array(7).fill(area) };
    uniform.negative!.profiles = { porosity: new Array(5).fill(uniform.negative!.porosity), tortuosity: new Array(5).fill(uniform.negative!.tortuosity!) };
    expect(Math.abs(new P2DModel(parseCellParams(uniform)).discharge(2).dischargeCapacity - scalar)).toBeLessThan(1e-9 * scalar);
    // The same tortuous half-layer at the current collector or at the separator: next to the
    // separator every ion crosses it, at the current collector only those for the far particles.
    const graded = (farSide: boolean): number => {
      const p = chen();
      const t = Array.from({ length: 8 }, (_, k) => ((farSide ? k >= 4 : k < 4) ? 3 * tau : tau));
      p.positive.profiles = { tortuosity: t };
      return new P2DModel(parseCellParams(p)).discharge(2).dischargeCapacity;
    };
    const far = graded(true);
    const near = graded(false);
    expect(far).toBeLessThan(scalar);
    expect(near).toBeLessThan(far);
  });
});
