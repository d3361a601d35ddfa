import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompute, type Compute } from '../../../src/gpu/backend.ts';
import { parseWith } from '../../../src/config/validate.ts';
import { ConfigError } from '../../../src/errors.ts';
import { Rng } from '../../../src/random/rng.ts';
import { overlappingSpheres } from '../../../src/voxel/test-geometries.ts';
import { QuasiStaticParamsSchema } from '../quasistatic/params.ts';
import { fillQuasiStatic } from '../quasistatic/fill-quasi-static.ts';
import { LbmParamsSchema } from '../lbm/params.ts';
import { prepareFilling } from '../lbm/setup.ts';
import { angleOfLabel, DEFAULT_CONTACT_ANGLE, resolveOutlet } from './wetting.ts';

let compute: Compute;
beforeAll(async () => {
  compute = await createCompute({ backend: 'cpu' });
});
afterAll(() => compute.destroy());

describe('one wetting vocabulary for both filling models', () => {
  it('both schemas default to the same angles (25°/50°), inlet z- and outlet opposite', () => {
    const qs = parseWith(QuasiStaticParamsSchema, {});
    const lbm = parseWith(LbmParamsSchema, {});
    expect(qs.contactAngle).toEqual({ am: 25, cbd: 50 });
    expect(lbm.contactAngle).toEqual({ am: 25, cbd: 50 });
    expect(DEFAULT_CONTACT_ANGLE).toEqual({ am: 25, cbd: 50 });
    expect([qs.inlet, qs.outlet]).toEqual(['z-', 'opposite']);
    expect([lbm.inlet, lbm.outlet]).toEqual(['z-', 'opposite']);
  });

  it('both accept the same outlet names (a face, opposite, none, closed) and label names (am, cbd, labelN, other)', () => {
    for (const outlet of ['z+', 'opposite', 'none', 'closed'] as const) {
      expect(parseWith(QuasiStaticParamsSchema, { outlet }).outlet).toBe(outlet);
      expect(parseWith(LbmParamsSchema, { outlet }).outlet).toBe(outlet);
    }
    const angles = { am: 20, cbd: 40, label3: 70, other: 80 };
    expect(parseWith(QuasiStaticParamsSchema, { contactAngle: angles }).contactAngle).toEqual(angles);
    expect(parseWith(LbmParamsSchema, { contactAngle: angles }).contactAngle).toEqual(angles);
  });

  it('both refuse an unknown label name and an angle out of 0–180, naming the field', () => {
    for (const schema of [QuasiStaticParamsSchema, LbmParamsSchema]) {
      expect(() => parseWith(schema, { contactAngle: { pvdf: 30 } })).toThrow('contactAngle.pvdf: got 30, expected a solid label name: am, cbd, other or labelN');
      expect(() => parseWith(schema, { contactAngle: { label4: 200 } })).toThrow('contactAngle.label4: got 200, expected a number <= 180');
      expect(() => parseWith(schema, { outlet: 'top' })).toThrow(/^outlet: got "top", expected one of "x-", .*"opposite", "none", "closed"/);
    }
  });

  it('resolveOutlet turns opposite into the face opposite the inlet and closed into none', () => {
    expect(resolveOutlet('z-', 'opposite')).toBe('z+');
    expect(resolveOutlet('x+', 'opposite')).toBe('x-');
    expect(resolveOutlet('z-', 'closed')).toBe('none');
    expect(resolveOutlet('z-', 'none')).toBe('none');
    expect(resolveOutlet('z-', 'y+')).toBe('y+');
  });

  it('angleOfLabel: own name, then other for labels ≥ 3, then the default or an error naming the field', () => {
    expect(angleOfLabel({ am: 30 }, 2, 'default')).toBe(50);
    expect(angleOfLabel({ cbd: 40 }, 1, 'default')).toBe(25);
    expect(angleOfLabel({ am: 30, label3: 70, other: 80 }, 3, 'default')).toBe(70);
    expect(angleOfLabel({ am: 30, other: 80 }, 4, 'required')).toBe(80);
    expect(() => angleOfLabel({ am: 30 }, 2, 'required')).toThrow(ConfigError);
    expect(() => angleOfLabel({ am: 30 }, 2, 'required')).toThrow(/^contactAngle\.cbd: /);
    expect(() => angleOfLabel({ am: 30 }, 3, 'default')).toThrow(/^contactAngle\.other: .*solid label 3/);
  });
});

describe('the models read the shared defaults', () => {
  // 16³ random spheres with a one-voxel CBD shell: both solid labels present.
  const volume = (): ReturnType<typeof overlappingSpheres> => overlappingSpheres([16, 16, 16], new Rng(3), { voxelSize: 1e-6, solidFraction: 0.55, rMin: 2, rMax: 3, cbdShell: 1 });

  it('lattice Boltzmann with no contactAngle uses 25°/50° (was 30°/60°) and resolves the default outlet to the face opposite the inlet', async () => {
    const prep = await prepareFilling(volume(), { inlet: 'x-' });
    expect(prep.angles).toEqual({ am: 25, cbd: 50 });
    expect(prep.outlet).toBe('x+');
    expect((await prepareFilling(volume(), { outlet: 'none' })).outlet).toBe('closed');
  });

  it('quasi-static: the default outlet follows the inlet, and outlet opposite gives exactly what naming the face gives', async () => {
    const v = volume();
    const ctx = { rng: new Rng(1), compute };
    const named = await fillQuasiStatic(v, { inlet: 'x-', outlet: 'x+' }, ctx);
    const byDefault = await fillQuasiStatic(v, { inlet: 'x-' }, ctx);
    expect(byDefault.parameters.outlet).toBe('x+');
    expect(byDefault.saturation).toBe(named.saturation);
    expect(byDefault.trappedFraction).toBe(named.trappedFraction);
    expect(Array.from(byDefault.phase)).toEqual(Array.from(named.phase));
    expect(byDefault.parameters.contactAngle).toMatchObject({ value: { am: 25, cbd: 50 } });
    const closed = await fillQuasiStatic(v, { outlet: 'closed' }, ctx);
    expect(closed.parameters.outlet).toBe('none');
  });
});
