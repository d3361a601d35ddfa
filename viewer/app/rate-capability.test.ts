import { describe, expect, it } from 'vitest';
import type { StudyTable } from '../shared/protocol.ts';
import { rateCapabilityOf, rateColumns } from './rate-capability.ts';

/** Columns as a study with a cell stage stores them (workers/cell-stage.ts), in the table's order, not the rates'. */
const table: StudyTable = {
  columns: ['run_id', 'calendering', 'cell_capacity_2c', 'cell_capacity_0p1c', 'cell_window_capacity', 'cell_capacity_1c', 'cell_utilisation_2c', 'status'],
  rows: [
    ['a', 0, 2.9, 5.2, 5.35, 4.0, 0.54, 'ok'],
    ['b', 10, null, 5.0, 5.1, 3.1, null, 'failed'],
  ],
  idColumn: 'run_id',
  units: { cell_capacity_2c: 'mAh/cm²', cell_capacity_0p1c: 'mAh/cm²', cell_capacity_1c: 'mAh/cm²' },
};

describe('rate capability from a study with a cell stage', () => {
  it('finds the capacity column of each C-rate (p for the decimal point), by rising rate, and nothing else', () => {
    expect(rateColumns(table)).toEqual([
      { column: 3, cRate: 0.1 },
      { column: 5, cRate: 1 },
      { column: 2, cRate: 2 },
    ]);
    expect(rateColumns({ ...table, columns: ['run_id', 'cell_window_capacity', 'cell_capacity_x'] })).toEqual([]);
  });

  it("gives a run's capacity per rate; a rate the run has no value for is left out", () => {
    expect(rateCapabilityOf(table, 0)).toEqual({ cRate: [0.1, 1, 2], capacity: [5.2, 4.0, 2.9] });
    expect(rateCapabilityOf(table, 1)).toEqual({ cRate: [0.1, 1], capacity: [5.0, 3.1] });
  });
});
