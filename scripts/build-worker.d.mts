/** Types of build-worker.mjs (plain JavaScript so `npm install` runs it without a TypeScript loader). */
export const WORKER_SOURCE: string;
export const WORKER_BUNDLE: string;
/** Whether the bundle exists and was built from the sources as they are now. */
export function bundleState(): { fresh: true } | { fresh: false; why: string };
/** Bundles the pool worker into WORKER_BUNDLE (and its manifest); resolves to that path. */
export function buildWorkerBundle(): Promise<string>;
