// Worker threads do not inherit the parent's tsx loader; register it here so the TypeScript
// worker loads the same way from `node bin/mesolab.js`, from vitest and from benchmarks.
import { register } from 'tsx/esm/api';

register();
await import('./run-worker.ts');
