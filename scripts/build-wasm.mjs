#!/usr/bin/env node
// Compiles the AssemblyScript LBM kernel (sims/filling/lbm/wasm/assembly/lbm.ts) into
// sims/filling/lbm/wasm/build/lbm.wasm (gitignored). Run by `npm install` (the `prepare` script)
// and by wasm-engine.ts on first use when the file is missing and assemblyscript is installed.
// Exports buildWasm() for that; run directly it builds and exits non-zero on failure.
import { mkdir, rename } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WASM_SOURCE = join(root, 'sims/filling/lbm/wasm/assembly/lbm.ts');
export const WASM_OUTPUT = join(root, 'sims/filling/lbm/wasm/build/lbm.wasm');

/** Builds the kernel; resolves to the output path, rejects with asc's diagnostics. */
export async function buildWasm() {
  const { default: asc } = await import('assemblyscript/asc');
  await mkdir(dirname(WASM_OUTPUT), { recursive: true });
  // Written under a temporary name and renamed, so a concurrent reader never sees half a file.
  const tmp = `${WASM_OUTPUT}.${process.pid}.tmp`;
  let log = '';
  const sink = { write: (s) => { log += String(s); return true; } };
  const { error } = await asc.main(
    [
      relative(process.cwd(), WASM_SOURCE),
      '--outFile', relative(process.cwd(), tmp),
      '-O3', '--noAssert',
      // No allocations in the kernel: the stub runtime, and memory imported so that every worker
      // instantiates the module on one shared WebAssembly.Memory (JS keeps the first 64 KiB free
      // for the module's own data, see wasm-engine.ts).
      '--runtime', 'stub',
      '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536',
      '--enable', 'simd', '--enable', 'threads',
      '--use', 'abort=',
    ],
    { stdout: sink, stderr: sink },
  );
  if (error) throw new Error(`assemblyscript build of ${relative(root, WASM_SOURCE)} failed: ${error.message}\n${log}`);
  await rename(tmp, WASM_OUTPUT);
  return WASM_OUTPUT;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const out = await buildWasm();
    process.stdout.write(`built ${relative(root, out)}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
