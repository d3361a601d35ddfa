#!/usr/bin/env -S node --single-threaded-gc --no-concurrent-recompilation
// The V8 options keep the runtime's helper threads inside a sweep's thread budget (src/threads.ts,
// RUNTIME_FLAGS says why).
// The CLI is TypeScript run through tsx, so `npx mesolab` works straight after `npm install`
// with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
