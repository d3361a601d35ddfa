// Browser-safe (no Node imports), so kernels shared with the viewer can report their backend.
/** What actually runs a kernel object (gpu.js can degrade to cpu per kernel). */
export function kernelBackend(kernel: unknown): string {
  const k = kernel as { kernel?: { constructor?: { mode?: string } }; constructor?: { mode?: string } };
  return String(k.kernel?.constructor?.mode ?? k.constructor?.mode ?? 'unknown');
}
