/**
 * Writes a synthetic fill output directory (random-sphere electrode, arrival time, phase map,
 * result.json) to try the viewer without running a simulation:
 * `node bin/run-ts.js viewer/testing/make-fixture.ts <dir> [n=48]`
 */
import { syntheticElectrode, writeSyntheticFill } from './fixtures.ts';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: make-fixture <dir> [n]\n');
  process.exit(2);
}
await writeSyntheticFill(dir, syntheticElectrode(Number(process.argv[3] ?? 48)));
process.stdout.write(`wrote ${dir}\n`);
