/**
 * Typed arrays that the tortuosity solves of one properties run share, so that peak memory does
 * not grow with the number of solves (3 axes × 3 conducting sets = 9 at 256³ held 10 GB when each
 * solve allocated its own ~100 B/voxel and the garbage of the previous ones, including buffers a
 * helper thread still referenced, was not yet collected). Each array has a key (its role, e.g.
 * "L0.ga"); asking for a key again hands back the same memory, zeroed, grown only when a later
 * solve needs more (the rotated grids of the three axes have equal cell counts, coarse levels
 * nearly so). Backed by SharedArrayBuffer where available, so the two-thread multigrid passes use
 * the arrays in place instead of copying them into shared memory.
 *
 * @example
 * const ws = new SolveWorkspace();
 * const a = ws.f32('L0.ga', n); // zeroed; the next solve's ws.f32('L0.ga', n) reuses it
 */
export class SolveWorkspace {
  private readonly buffers = new Map<string, ArrayBuffer | SharedArrayBuffer>();
  private held = 0;
  private peak = 0;

  /**
   * Drops every buffer (for the garbage collector; the peak stays recorded): computeProperties
   * calls it once the solves are done, so that later stages do not sit on top of the solver's memory.
   */
  clear(): void {
    this.buffers.clear();
    this.held = 0;
  }

  /** Bytes the workspace holds now. */
  get bytes(): number {
    return this.held;
  }

  /** Most bytes it has held at once (a buffer outgrown is counted until it is replaced). */
  get peakBytes(): number {
    return this.peak;
  }

  /** The buffer held under a key, if any (to tell whether an array already lives here). */
  peekBuffer(key: string): ArrayBuffer | SharedArrayBuffer | undefined {
    return this.buffers.get(key);
  }

  /**
   * Makes the buffer under `key` hold at least `bytes`, without touching its contents: taken
   * first for a small borrowed use, it would otherwise be replaced (and its old memory left to
   * the garbage collector) when its real user asks for more.
   */
  reserve(key: string, bytes: number): void {
    this.take(key, bytes, true);
  }

  f32(key: string, length: number): Float32Array {
    return new Float32Array(this.take(key, length * 4), 0, length).fill(0);
  }

  f64(key: string, length: number): Float64Array {
    return new Float64Array(this.take(key, length * 8), 0, length).fill(0);
  }

  i32(key: string, length: number): Int32Array {
    return new Int32Array(this.take(key, length * 4), 0, length).fill(0);
  }

  u32(key: string, length: number): Uint32Array {
    return new Uint32Array(this.take(key, length * 4), 0, length).fill(0);
  }

  u8(key: string, length: number): Uint8Array {
    return new Uint8Array(this.take(key, length), 0, length).fill(0);
  }

  private take(key: string, bytes: number, exact = false): ArrayBuffer | SharedArrayBuffer {
    const have = this.buffers.get(key);
    if (have && have.byteLength >= bytes) return have;
    // Round up a little so that the slightly different coarse grids of the three axes share one
    // buffer; reservations are made for the largest use already, exactly.
    const size = Math.max(8, Math.ceil((bytes * (exact ? 1 : 1.02)) / 8) * 8);
    this.peak = Math.max(this.peak, this.held + size);
    const buffer = typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(size) : new ArrayBuffer(size);
    this.held += size - (have?.byteLength ?? 0);
    this.buffers.set(key, buffer);
    return buffer;
  }
}

/**
 * Allocation through a workspace under a key prefix, or plain new arrays without one (a single
 * solve outside computeProperties, tests).
 */
export interface Allocator {
  f32(name: string, length: number): Float32Array;
  f64(name: string, length: number): Float64Array;
  i32(name: string, length: number): Int32Array;
  u8(name: string, length: number): Uint8Array;
}

export function allocator(ws: SolveWorkspace | undefined, prefix: string): Allocator {
  if (!ws) {
    return {
      f32: (_n, len) => new Float32Array(len),
      f64: (_n, len) => new Float64Array(len),
      i32: (_n, len) => new Int32Array(len),
      u8: (_n, len) => new Uint8Array(len),
    };
  }
  return {
    f32: (n, len) => ws.f32(`${prefix}.${n}`, len),
    f64: (n, len) => ws.f64(`${prefix}.${n}`, len),
    i32: (n, len) => ws.i32(`${prefix}.${n}`, len),
    u8: (n, len) => ws.u8(`${prefix}.${n}`, len),
  };
}
