import { describe, expect, it } from 'vitest';
import { capacityColumnRate } from '../src/study/cell-columns.ts';
import { CELL_STAGE_RATES, cellStage } from './cell-stage.ts';

describe('the cell stage names its capacity columns as the viewer and the report card read them', () => {
  it('each cell_capacity_* column gives back one of the stage’s C-rates, every rate once; no other column parses', () => {
    const rates = cellStage.outputs.map((o) => capacityColumnRate(o.name)).filter((r): r is number => r !== null);
    expect(rates).toEqual([...CELL_STAGE_RATES]);
    expect(capacityColumnRate('cell_window_capacity')).toBeNull();
    expect(capacityColumnRate('cell_capacity_12p5c')).toBe(12.5);
  });
});
