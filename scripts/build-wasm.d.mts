/** Types of build-wasm.mjs (plain JavaScript so `npm install` runs it without a TypeScript loader). */
export const WASM_SOURCE: string;
export const WASM_OUTPUT: string;
/** Compiles the AssemblyScript kernel to WASM_OUTPUT; resolves to that path. */
export function buildWasm(): Promise<string>;
