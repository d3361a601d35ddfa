/**
 * How a study's `cell` stage names its capacity columns: `cell_capacity_<rate>c`, with `p` for the
 * decimal point (`cell_capacity_0p1c` is C/10). The viewer and the report card read C-rates back
 * from these names, so the convention lives here, once.
 */
const CAPACITY_COLUMN = /^cell_capacity_(\d+)(?:p(\d+))?c$/;

/**
 * The C-rate a column holds the capacity at, or null for any other column.
 *
 * @example
 *   capacityColumnRate('cell_capacity_0p1c'); // 0.1
 *   capacityColumnRate('cell_resistance'); // null
 */
export function capacityColumnRate(name: string): number | null {
  const m = CAPACITY_COLUMN.exec(name);
  return m ? Number(`${m[1]}.${m[2] ?? '0'}`) : null;
}
