/** Rebuilds viewer/dist now (the viewer otherwise rebuilds on first use when its sources changed). */
import { buildViewer } from '../build/build.ts';
const t0 = performance.now();
await buildViewer();
process.stdout.write(`viewer built in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
