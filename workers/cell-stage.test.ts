import { afterAll, describe, expect, it } from 'vitest';
import { createCompute, type Compute } from '../src/gpu/backend.ts';
import { runChain, type ChainJob } from './chain.ts';
import { STAGES, STAGE_CATALOG } from './stages.ts';
import { parseStudy } from '../src/study/schema.ts';
import { cellModel } from '../sims/cell/index.ts';
import { DISCHARGE_CURVES_COLUMN, parseDischargeCurves } from '../src/study/cell-columns.ts';

const computes: Compute[] = [];
const getCompute = async (): Promise<Compute> => {
  if (!computes[0]) computes.push(await createCompute({ backend: 'cpu' }));
  return computes[0]!;
};
afterAll(() => computes.forEach((c) => c.destroy()));

const generate = { shape: [24, 24, 32], voxelSizeUm: 2, d50Um: 8, porosity: 0.4, cbdFraction: 0.1, seed: 5 };
const cell = { mesh: { negative: 3, separator: 4, positive: 8, particle: 6 } };
const job = (chain: string[], cellParams: Record<string, unknown> = cell): ChainJob => ({
  chain,
  fixed: { generate, cell: cellParams },
  varied: [],
  point: {},
  seed: 3,
  keepFields: [],
});

describe('cell stage in a study chain', () => {
  it('a study can vary cell parameters and target cell columns', () => {
    const study = parseStudy(
      {
        name: 'cells',
        chain: ['generate', 'fill-qs', 'cell'],
        varied: [{ name: 'separator_um', set: ['cell.separator.thickness'], distribution: 'uniform', min: 10e-6, max: 40e-6, unit: 'm' }],
        design: { type: 'lhs' },
        samples: 4,
        seed: 1,
      },
      STAGE_CATALOG,
    );
    expect(study.chain).toEqual(['generate', 'fill-qs', 'cell']);
    expect(() =>
      parseStudy({ name: 'bad', chain: ['generate', 'cell'], varied: [{ name: 'v', set: ['cell.voltageMin'], distribution: 'uniform', min: 6, max: 7 }], design: { type: 'lhs' }, samples: 2, seed: 1 }, STAGE_CATALOG),
    ).toThrow(/voltageMin/);
  });

  it('its columns are the cell model\'s declared outputs, read by the same readers (sims/cell/outputs.ts)', () => {
    const stage = STAGES.get('cell')!;
    expect(stage.outputs.map((o) => [o.name, o.unit, o.type])).toEqual(cellModel.outputs.map((o) => [o.name, o.unit, o.type ?? 'number']));
    expect(stage.outputs.map((o) => o.name)).toEqual(['cell_window_capacity', 'cell_capacity_0p1c', 'cell_capacity_1c', 'cell_capacity_2c', 'cell_utilisation_2c', 'cell_energy_1c', 'cell_power_1c', 'cell_resistance', 'cell_tau_eis', 'cell_ionic_tortuosity', 'cell_wetted_area_fraction', 'cell_saturation', 'cell_discharge_curves']);
  });

  it('is registered with fixed columns and units', () => {
    const stage = STAGES.get('cell');
    expect(stage?.outputs.map((o) => o.name)).toContain('cell_capacity_2c');
    expect(stage?.outputs.find((o) => o.name === 'cell_resistance')?.unit).toBe('Ω cm²');
  });

  it('generate → cell and generate → fill-qs → cell: capacities fall with rate, gas costs wetted area', async () => {
    const dry = await runChain(job(['generate', 'cell']), getCompute);
    expect(dry.failure).toBeUndefined();
    const o = dry.outputs;
    expect(o.cell_saturation).toBe(1);
    expect(o.cell_capacity_0p1c as number).toBeGreaterThan(o.cell_capacity_1c as number);
    expect(o.cell_capacity_1c as number).toBeGreaterThan(o.cell_capacity_2c as number);
    expect(o.cell_utilisation_2c as number).toBeLessThan(1);
    expect(o.cell_resistance as number).toBeGreaterThan(0);
    for (const v of Object.values(o)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    // The row keeps each rate's discharge curve: it ends at that rate's capacity column (5 digits kept).
    const curves = parseDischargeCurves(o[DISCHARGE_CURVES_COLUMN])!;
    expect(curves.cRates).toEqual([0.1, 1, 2]);
    ['cell_capacity_0p1c', 'cell_capacity_1c', 'cell_capacity_2c'].forEach((col, k) => {
      expect(Math.abs(curves.capacity[k]!.at(-1)! / (o[col] as number) - 1)).toBeLessThan(1e-4);
      expect(curves.capacity[k]!.length).toBeLessThanOrEqual(41);
      expect(curves.voltage[k]![0]!).toBeGreaterThan(curves.voltage[k]!.at(-1)!);
    });
    const wet = await runChain(job(['generate', 'fill-qs', 'cell']), getCompute);
    expect(wet.failure).toBeUndefined();
    const w = wet.outputs;
    // The cell sees exactly the filling's saturation.
    expect(Math.abs((w.cell_saturation as number) - (w.qs_saturation as number))).toBeLessThan(1e-9);
    expect(w.cell_wetted_area_fraction as number).toBeLessThanOrEqual(1);
  });

  it('generate → fill-lbm → cell: the cell stage sees where the lattice-Boltzmann electrolyte got to', async () => {
    // 1,500 steps wet the separator side only: the cell stage must see that partial filling (no
    // ionic path to the current collector: a recorded failed run naming it), not a wetted electrode.
    const lbm = { steps: 1500, contactAngle: { am: 20, cbd: 40 }, lateral: 'periodic' };
    const partial = await runChain({ ...job(['generate', 'fill-lbm', 'cell']), fixed: { generate, cell, 'fill-lbm': lbm } }, getCompute);
    expect(partial.outputs.lbm_saturation as number).toBeGreaterThan(0);
    expect(partial.outputs.lbm_saturation as number).toBeLessThan(0.9);
    expect(partial.failure?.stage).toBe('cell');
    expect(partial.failure?.message).toMatch(/percolating from the separator face to the current collector/);
  }, 120_000);

  it('bad cell parameters are a recorded failed run naming the field', async () => {
    const r = await runChain(job(['generate', 'cell'], { ...cell, voltageMin: 9 }), getCompute);
    expect(r.failure?.stage).toBe('cell');
    expect(r.failure?.message).toMatch(/voltageMin/);
    // What generate computed before the failure is kept.
    expect(Object.keys(r.outputs).length).toBeGreaterThan(0);
  });
});
