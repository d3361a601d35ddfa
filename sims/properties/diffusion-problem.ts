import type { Shape, Volume } from '../../src/volume/volume.ts';
import { ConfigError } from '../../src/errors.ts';
import { percolatingMask } from './connectivity.ts';
import { AXIS_INDEX, labelComponents, type Axis } from '../../src/voxel/components.ts';
import { allocator, type Allocator, type SolveWorkspace } from './workspace.ts';

/**
 * Steady diffusion along one axis as a finite-volume system on the voxel grid, rotated so the
 * flux runs along the slowest index (planes are contiguous). Concentration is 1 and 0 on the two
 * faces, imposed half a voxel from the first and last cell centres (as TauFactor does), no flux
 * on the other faces, face conductance = harmonic mean of the two cells' diffusivities.
 *
 * Arrays are padded with one plane before and after the grid so the 7-point stencil needs no
 * bounds checks: cell (i, j, k) sits at PAD + i + a*(j + b*k) with PAD = a*b. The padding planes
 * also stand for the two reservoirs: the conductance along L out of the padding plane before the
 * grid is each first-plane cell's conductance to the inlet, and the conductance along L out of the
 * last plane is each last-plane cell's conductance to the outlet. Fields are 0 on the padding
 * planes, so the stencil's terms towards them are the reservoir terms of the homogeneous operator
 * (no separate reservoir array, 4 bytes per voxel); the inlet's concentration 1 enters through the
 * right-hand side (inlet). Non-conducting cells have zero conductances.
 *
 * Solvers update with the residual written in differences, r = Σ g·(c_nb − c) + rhs (padding
 * neighbours counting as 0), and use the diagonal only to scale the step. The fixed point is then
 * the exact (zero row-sum) system of the stored float32 conductances; storing 1/diag or diag in
 * float32 and solving diag·c = Σ g·c_nb instead biases the answer by ~1e-7·L² (4e-4 at 64³), a
 * floor above tol.
 */
export interface DiffusionProblem {
  /** Grid in the rotated frame: a (fastest), b, L (along the flux). */
  dims: [number, number, number];
  pad: number;
  /**
   * Conductance between a cell and its +1 neighbour along a, b and L (0 where either is closed);
   * gl also holds the reservoir conductances, on the padding plane before the grid (inlet) and on
   * the last plane (outlet): see the module comment.
   */
  ga: Float32Array;
  gb: Float32Array;
  gl: Float32Array;
  /**
   * Conductance to the inlet reservoir (concentration 1) for each cell of the first plane (a*b
   * values): the right-hand side, which is zero off that plane, so it is kept as one plane rather
   * than a padded grid (4 bytes per voxel less). inletRhs expands it for the SOR engines.
   */
  inlet: Float32Array;
  /**
   * 1 / (sum of conductances) with the red–black colour as its sign (+ for even i+j+k, − for odd);
   * 0 for cells outside the percolating cluster, which stay at 0 and are never updated.
   */
  signedInvDiag: Float32Array;
  /**
   * Padded indices of the percolating cells of each colour, ascending: CPU sweeps walk these
   * instead of testing every cell, which skips solid cells and avoids an unpredictable branch.
   */
  activeEven: Int32Array;
  activeOdd: Int32Array;
  /** Conductance to the outlet reservoir for each cell of the last plane (a*b values). */
  outlet: Float32Array;
  /** Diffusivity of each cell in the rotated frame (unpadded), 0 outside the percolating cluster. */
  diffusivity: Float32Array;
  /** Mean diffusivity over the whole volume, Σ ε_i·D_i (the numerator of τ). */
  meanDiffusivity: number;
  /** Volume fraction of voxels with D > 0 (the conducting set, isolated parts included). */
  porosity: number;
  /** Volume fraction of the percolating cluster. */
  percolatingFraction: number;
}

/** Rotated shape and the map from rotated (i, j, k) to the original voxel index. */
export function rotation(shape: Shape, axis: Axis): { dims: [number, number, number]; strides: [number, number, number] } {
  const [nx, ny, nz] = shape;
  const sx = 1;
  const sy = nx;
  const sz = nx * ny;
  switch (AXIS_INDEX[axis]) {
    case 0:
      return { dims: [ny, nz, nx], strides: [sy, sz, sx] };
    case 1:
      return { dims: [nx, nz, ny], strides: [sx, sz, sy] };
    default:
      return { dims: [nx, ny, nz], strides: [sx, sy, sz] };
  }
}

export function validateConductivities(conductivityPerLabel: readonly number[], field = 'conductivityPerLabel'): void {
  conductivityPerLabel.forEach((d, i) => {
    if (!Number.isFinite(d) || d < 0) throw new ConfigError(`${field}[${i}]`, d, 'a finite relative conductivity >= 0');
  });
}

/**
 * Bytes per padded cell of the finest level's arrays: the solver's fields (mg-pcg.ts: x and r
 * float64; d and z, which A·d shares, float32) and the system's conductances and inverse diagonal.
 */
const FINEST_LEVEL_ARRAYS = [
  ['x', 8],
  ['r', 8],
  ['d', 4],
  ['z', 4],
  ['ga', 4],
  ['gb', 4],
  ['gl', 4],
  ['signedInvDiag', 4],
] as const;

/** Bytes per padded cell that the finest level's grid arrays hold (40). */
export const FINEST_LEVEL_BYTES = FINEST_LEVEL_ARRAYS.reduce((s, [, b]) => s + b, 0);

/**
 * Sizes the workspace's finest-level arrays for `paddedCells` cells (a·b·(L + 2), see
 * paddedCells), exactly. They are lent out as scratch (the system's construction, and in
 * computeProperties the surface-area, connectivity and size stages) before and after the solver
 * uses them, so they are sized for the solver from the start instead of being outgrown and replaced.
 */
export function reserveSolverFields(workspace: SolveWorkspace, paddedCells: number): void {
  for (const [key, bytes] of FINEST_LEVEL_ARRAYS) workspace.reserve(`L0.${key}`, bytes * paddedCells);
}

/**
 * Sizes the workspace's finest-level cell lists (the active cells of each red–black colour, and
 * their coarse parents, mg-pcg.ts) for the largest of several conducting sets: its conducting
 * cells of each colour, which bound the percolating ones along any axis (a cell's colour, the
 * parity of i + j + k, does not depend on the rotation). Sized for the first set solved, the lists
 * would be outgrown by a later, larger one, and each outgrown buffer would stay behind as garbage
 * until collected.
 *
 * @param workspace the run's workspace.
 * @param volume the labelled volume.
 * @param sets the relative conductivity per label of each set to be solved.
 */
export function reserveCellLists(workspace: SolveWorkspace, volume: Volume, sets: readonly (readonly number[])[]): void {
  const [nx, ny, nz] = volume.shape;
  let most = [0, 0];
  for (const set of sets) {
    const conducts = Uint8Array.from({ length: 256 }, (_, l) => ((set[l] ?? 0) > 0 ? 1 : 0));
    const count = [0, 0];
    for (let z = 0, q = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++, q++) if (conducts[volume.labels[q]!]) count[(x + y + z) & 1]!++;
      }
    }
    most = [Math.max(most[0]!, count[0]!), Math.max(most[1]!, count[1]!)];
  }
  for (const [colour, cells] of [['Even', most[0]!], ['Odd', most[1]!]] as const) {
    workspace.reserve(`L0.active${colour}`, 4 * cells);
    workspace.reserve(`L0.parent${colour}`, 4 * cells);
  }
}

/** Cells of the padded rotated grid for a flux along `axis`: the volume plus one plane before and after. */
export function paddedCells(shape: Shape, axis: Axis): number {
  const [a, b, L] = rotation(shape, axis).dims;
  return a * b * (L + 2);
}

/**
 * The finite-volume system for one conducting set along one axis.
 *
 * @param volume labelled volume.
 * @param conductivityPerLabel relative conductivity of each label (0 = closed).
 * @param axis the flux direction.
 * @param workspace arrays reused across solves (computeProperties passes one); none: fresh arrays.
 * @returns the padded system in the rotated frame.
 */
export function buildDiffusionProblem(volume: Volume, conductivityPerLabel: readonly number[], axis: Axis, workspace?: SolveWorkspace): DiffusionProblem {
  validateConductivities(conductivityPerLabel);
  const { dims, strides } = rotation(volume.shape, axis);
  const [a, b, L] = dims;
  const labels = volume.labels;
  const alloc = allocator(workspace, 'L0');
  if (workspace) reserveSolverFields(workspace, a * b * (L + 2));
  // In a workspace the diffusivity borrows the buffer of the solver's x, which the initial guess
  // overwrites once the system is built (problem.diffusivity is then stale; only the coarse-grid
  // guess reads it, before that).
  const d = alloc.f32('x', a * b * L);
  for (let k = 0, q = 0; k < L; k++) {
    for (let j = 0; j < b; j++) {
      const base = j * strides[1] + k * strides[2];
      for (let i = 0; i < a; i++, q++) d[q] = conductivityPerLabel[labels[base + i * strides[0]]!] ?? 0;
    }
  }
  return problemFromDiffusivity(d, dims, alloc);
}

/**
 * The system for a diffusivity field already in the rotated frame (flux along the third index).
 * `d` is modified: cells outside the percolating cluster are set to 0.
 */
export function problemFromDiffusivity(d: Float32Array, dims: [number, number, number], alloc: Allocator = allocator(undefined, '')): DiffusionProblem {
  const [a, b, L] = dims;
  const n = a * b * L;
  let sumD = 0;
  let conducting = 0;
  for (let q = 0; q < n; q++) {
    sumD += d[q]!;
    if (d[q]! > 0) conducting++;
  }
  // The mask, the component labelling and the percolating cluster borrow the buffers of the
  // solver's fields (r, d, z) and of gb, which are filled only after they are done with.
  const open = alloc.u8('gb', n);
  for (let q = 0; q < n; q++) open[q] = d[q]! > 0 ? 1 : 0;
  // Isolated and one-sided clusters carry no flux; dropping the isolated ones also keeps the
  // system non-singular (they have no Dirichlet boundary).
  const scratch = { padded: (len: number) => alloc.i32('r', len), stack: (len: number) => alloc.i32('d', len), label: (len: number) => alloc.i32('z', len) };
  const perc = percolatingMask(labelComponents(open, dims, { scratch }), 'z', alloc.u8('gb', n));
  let percCount = 0;
  for (let q = 0; q < n; q++) {
    if (perc[q]) percCount++;
    else d[q] = 0;
  }

  const plane = a * b;
  const pad = plane;
  const total = n + 2 * pad;
  const ga = alloc.f32('ga', total);
  const gb = alloc.f32('gb', total);
  const gl = alloc.f32('gl', total);
  const inlet = alloc.f32('inlet', plane);
  const signedInvDiag = alloc.f32('signedInvDiag', total);
  const outlet = alloc.f32('outlet', plane);
  const harmonic = (x: number, y: number): number => (x > 0 && y > 0 ? (2 * x * y) / (x + y) : 0);
  for (let k = 0, q = 0; k < L; k++) {
    for (let j = 0; j < b; j++) {
      for (let i = 0; i < a; i++, q++) {
        const dq = d[q]!;
        if (dq === 0) continue;
        const p = q + pad;
        if (i < a - 1) ga[p] = harmonic(dq, d[q + 1]!);
        if (j < b - 1) gb[p] = harmonic(dq, d[q + a]!);
        if (k < L - 1) gl[p] = harmonic(dq, d[q + plane]!);
        // One pass suffices: the backward faces (p − 1, p − a, p − plane) belong to cells already
        // visited, and nothing later writes them.
        // Reservoir at half a voxel: conductance D / 0.5.
        if (k === 0) inlet[q] = gl[p - plane] = 2 * dq;
        if (k === L - 1) outlet[q - (L - 1) * plane] = gl[p] = 2 * dq;
        const diag = ga[p]! + ga[p - 1]! + gb[p]! + gb[p - a]! + gl[p]! + gl[p - plane]!;
        const colour = (i + j + k) & 1 ? -1 : 1;
        signedInvDiag[p] = colour / diag;
      }
    }
  }
  const { activeEven, activeOdd } = splitActiveCells(signedInvDiag, alloc);
  return {
    dims,
    pad,
    activeEven,
    activeOdd,
    diffusivity: d,
    ga,
    gb,
    gl,
    inlet,
    signedInvDiag,
    outlet,
    meanDiffusivity: sumD / n,
    porosity: conducting / n,
    percolatingFraction: percCount / n,
  };
}

/**
 * gl without the reservoir conductances (0 on the padding plane before the grid and on the last
 * plane), for the WebGPU engine, whose shaders take the reservoir terms from the inlet and outlet
 * planes themselves.
 */
export function interiorGl(p: DiffusionProblem): Float32Array {
  const plane = p.dims[0] * p.dims[1];
  const gl = p.gl.slice();
  gl.fill(0, 0, p.pad);
  gl.fill(0, p.pad + (p.dims[2] - 1) * plane, p.pad + p.dims[2] * plane);
  return gl;
}

/**
 * The right-hand side on the padded grid (the inlet conductances on the first plane, 0 elsewhere),
 * for the SOR engines whose stencils read it at every cell.
 */
export function inletRhs(p: DiffusionProblem): Float32Array {
  const rhs = new Float32Array(p.ga.length);
  rhs.set(p.inlet, p.pad);
  return rhs;
}

/** Linear profile between the reservoirs, on the percolating cells (a good start for SOR). */
export function linearGuess<T extends Float32Array | Float64Array>(p: DiffusionProblem, c: T): T {
  const [a, b, L] = p.dims;
  const plane = a * b;
  for (let k = 0; k < L; k++) {
    const v = 1 - (k + 0.5) / L;
    const start = p.pad + k * plane;
    for (let q = start; q < start + plane; q++) c[q] = p.signedInvDiag[q] !== 0 ? v : 0;
  }
  return c;
}

export interface FluxCheck {
  /** Flux through each of the L + 1 planes (inlet, the L − 1 internal planes, outlet). */
  planeFlux: Float64Array;
  meanFlux: number;
  /** max |F_k − mean| / mean over planes: 0 for the exact solution. */
  nonUniformity: number;
  /** D_eff / D_bulk = mean flux × L / (a·b) for a unit concentration drop over length L. */
  effectiveDiffusivity: number;
  /**
   * TauFactor 2's flux criterion on the same field: (F_max − F_min)·2/(F_max + F_min) over the
   * L − 1 internal planes only (taufactor 1.x `check_vertical_flux`; its default conv_crit is 1e-2).
   * At most 2·nonUniformity/(1 − nonUniformity): nonUniformity < 0.49·tol keeps it below tol (tol < 0.04).
   */
  taufactorSpread: number;
}

export function checkFlux(p: DiffusionProblem, c: ArrayLike<number>): FluxCheck {
  const [a, b, L] = p.dims;
  const plane = a * b;
  const pad = p.pad;
  const planeFlux = new Float64Array(L + 1);
  let fin = 0;
  for (let q = 0; q < plane; q++) fin += p.inlet[q]! * (1 - c[pad + q]!);
  planeFlux[0] = fin;
  for (let k = 0; k < L - 1; k++) {
    let f = 0;
    const start = pad + k * plane;
    for (let q = start; q < start + plane; q++) {
      const g = p.gl[q]!;
      if (g !== 0) f += g * (c[q]! - c[q + plane]!);
    }
    planeFlux[k + 1] = f;
  }
  let fout = 0;
  const last = pad + (L - 1) * plane;
  for (let q = 0; q < plane; q++) fout += p.outlet[q]! * c[last + q]!;
  planeFlux[L] = fout;
  return fluxStats(planeFlux, p.dims);
}

/**
 * The convergence measures of checkFlux from the L + 1 plane fluxes alone, so that a solver that
 * reduces the fluxes on a GPU reports exactly what the CPU engines report.
 *
 * @param planeFlux inlet, the L − 1 internal planes, outlet (length L + 1).
 * @param dims the rotated grid [a, b, L].
 * @returns mean flux, non-uniformity, TauFactor's spread and D_eff / D_bulk.
 * @example fluxStats(Float64Array.of(1, 1, 1), [1, 1, 2]).effectiveDiffusivity // 2
 */
export function fluxStats(planeFlux: Float64Array, dims: readonly [number, number, number]): FluxCheck {
  const [a, b, L] = dims;
  const plane = a * b;
  let mean = 0;
  for (const f of planeFlux) mean += f;
  mean /= L + 1;
  let dev = 0;
  for (const f of planeFlux) dev = Math.max(dev, Math.abs(f - mean));
  let fMax = -Infinity;
  let fMin = Infinity;
  for (let k = 1; k < L; k++) {
    fMax = Math.max(fMax, planeFlux[k]!);
    fMin = Math.min(fMin, planeFlux[k]!);
  }
  return {
    planeFlux,
    meanFlux: mean,
    nonUniformity: mean > 0 ? dev / mean : Infinity,
    taufactorSpread: L > 1 && fMax + fMin > 0 ? ((fMax - fMin) * 2) / (fMax + fMin) : 0,
    effectiveDiffusivity: (mean * L) / plane,
  };
}

/**
 * The field coarsened by 2 along each axis (sizes rounded up): each coarse cell gets the mean
 * diffusivity of its children. Used only to build an initial guess, so its crude treatment of
 * thin necks costs sweeps at worst, never accuracy.
 */
export function coarsenDiffusivity(d: Float32Array, dims: readonly [number, number, number]): { d: Float32Array; dims: [number, number, number] } {
  const [a, b, L] = dims;
  const cd: [number, number, number] = [Math.ceil(a / 2), Math.ceil(b / 2), Math.ceil(L / 2)];
  const sum = new Float32Array(cd[0] * cd[1] * cd[2]);
  const count = new Uint8Array(sum.length);
  for (let k = 0, q = 0; k < L; k++) {
    for (let j = 0; j < b; j++) {
      const row = cd[0] * ((j >> 1) + cd[1] * (k >> 1));
      for (let i = 0; i < a; i++, q++) {
        sum[row + (i >> 1)]! += d[q]!;
        count[row + (i >> 1)]!++;
      }
    }
  }
  for (let q = 0; q < sum.length; q++) sum[q]! /= count[q]!;
  return { d: sum, dims: cd };
}

/** Injects a coarse solution (padded layout of `coarse`) into the fine grid's padded layout. */
export function prolong(coarse: DiffusionProblem, cc: ArrayLike<number>, fine: DiffusionProblem, cf: Float64Array): void {
  const [a, b, L] = fine.dims;
  const [ca, cb] = coarse.dims;
  linearGuess(fine, cf);
  for (let k = 0, q = fine.pad; k < L; k++) {
    for (let j = 0; j < b; j++) {
      const row = coarse.pad + ca * ((j >> 1) + cb * (k >> 1));
      for (let i = 0; i < a; i++, q++) {
        if (fine.signedInvDiag[q] === 0) continue;
        const p = row + (i >> 1);
        if (coarse.signedInvDiag[p] !== 0) cf[q] = cc[p]!;
      }
    }
  }
}

/**
 * The active cells of each red–black colour, from the signed inverse diagonal (positive on even
 * cells, negative on odd ones, zero where nothing conducts).
 */
export function splitActiveCells(signedInvDiag: Float32Array, alloc: Allocator = allocator(undefined, '')): { activeEven: Int32Array; activeOdd: Int32Array } {
  let even = 0;
  let odd = 0;
  for (let p = 0; p < signedInvDiag.length; p++) {
    if (signedInvDiag[p]! > 0) even++;
    else if (signedInvDiag[p]! < 0) odd++;
  }
  const activeEven = alloc.i32('activeEven', even);
  const activeOdd = alloc.i32('activeOdd', odd);
  even = odd = 0;
  for (let p = 0; p < signedInvDiag.length; p++) {
    if (signedInvDiag[p]! > 0) activeEven[even++] = p;
    else if (signedInvDiag[p]! < 0) activeOdd[odd++] = p;
  }
  return { activeEven, activeOdd };
}
