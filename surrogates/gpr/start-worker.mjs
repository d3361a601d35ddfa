// Worker threads do not inherit the parent's tsx loader; register it so the TypeScript worker
// loads the same way from the CLI, vitest and benchmarks.
import { register } from 'tsx/esm/api';

register();
await import('./start-worker.ts');
