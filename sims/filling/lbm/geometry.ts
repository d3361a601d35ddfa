import type { Volume } from '../../../src/volume/volume.ts';
import { LABEL, voxelCount } from '../../../src/volume/volume.ts';
import { ConfigError } from '../../../src/errors.ts';
import { NODE } from './lattice.ts';
import { adhesionField } from './domain.ts';
import type { LatticeDomain } from './domain.ts';
import { faceAxis, type Face } from '../common/faces.ts';

/**
 * The lattice built around a volume: the volume turned so the flow runs along lattice +z from
 * the inlet face, an inlet plane and `reservoir` electrolyte layers before it, `reservoir` gas
 * layers and an outlet plane (or a solid lid when closed) after it, and one solid layer around
 * the sides when the lateral boundary is a wall.
 */
export interface FillingLattice {
  domain: LatticeDomain;
  /** Lattice node of every voxel, in the volume's own order. */
  nodeOfVoxel: Int32Array;
  /** Lattice z of the first volume layer. */
  volumeStartZ: number;
  /** Number of nodes in the electrolyte reservoir (inlet plane included) = first nodes in z order. */
  reservoirEndZ: number;
}

/** Axis (0 x, 1 y, 2 z) and direction of a face. */
function faceDirection(face: Face): { axis: 0 | 1 | 2; reversed: boolean } {
  return { axis: faceAxis(face), reversed: face[1] === '+' };
}

/**
 * Builds the lattice of a filling run around a labelled volume (see FillingLattice for the
 * layout): the inlet face's axis becomes lattice +z; z = 0 is the inlet plane, then `reservoir`
 * layers, the volume, `reservoir` layers and the outlet plane (a solid lid when closed). Every
 * non-pore voxel is solid with the adhesion strength of its label; side walls, when asked for,
 * are one solid layer (each lends a fluid neighbour its own ψ, like any solid) with adhesion
 * `wallStrength` alongside the volume (default 0, neutral) and none in the reservoir layers.
 *
 * @param volume labelled volume (shape in voxels; labels 0 pore, 1 AM, 2 CBD, …; voxel size in m,
 *   not used here: one voxel is one node).
 * @param opts inlet: face the electrolyte enters through (x-, x+, y-, y+, z-, z+); outletClosed:
 *   solid lid instead of the outlet plane; lateral: 'periodic' or 'wall' sides; reservoir: open
 *   layers before and after the volume (nodes); strengthOfLabel: adhesion strength g of each solid
 *   label (lattice units, adhesionForAngle); wallStrength: adhesion of the side walls alongside the volume.
 * @returns the domain (node kinds, adhesion field, side-wall mirror), the lattice node of each voxel,
 *   the lattice z of the first volume layer and the end of the electrolyte reservoir (nodes).
 *   Throws ConfigError (field volume.shape) for a lattice beyond 2³¹/40 nodes.
 * @example
 * const lat = buildFillingLattice(volume, { inlet: 'z-', outletClosed: false, lateral: 'wall', reservoir: 4, strengthOfLabel: (l) => (l === LABEL.am ? -0.56 : -0.40) });
 * lat.domain.nz; // volume.shape[2] + 10
 */
export function buildFillingLattice(
  volume: Volume,
  opts: { inlet: Face; outletClosed: boolean; lateral: 'periodic' | 'wall'; reservoir: number; strengthOfLabel: (label: number) => number; wallStrength?: number },
): FillingLattice {
  const [vx, vy, vz] = volume.shape;
  const dims = [vx, vy, vz];
  const { axis, reversed } = faceDirection(opts.inlet);
  // Lattice x, y are the two remaining axes in order; lattice z is the flow axis.
  const others = [0, 1, 2].filter((a) => a !== axis) as [number, number];
  const lx = dims[others[0]]!;
  const ly = dims[others[1]]!;
  const lz = dims[axis]!;
  const pad = opts.lateral === 'wall' ? 1 : 0;
  const nx = lx + 2 * pad;
  const ny = ly + 2 * pad;
  const r = opts.reservoir;
  const nz = lz + 2 * r + 2;
  const n = nx * ny * nz;
  if (n > 2 ** 31 / 40) throw new ConfigError('volume.shape', volume.shape, 'a volume whose lattice (38 floats per node) fits in memory');
  const node = new Uint8Array(n);
  const strength = new Float32Array(n);
  const nodeOfVoxel = new Int32Array(voxelCount(volume.shape));
  const coord = [0, 0, 0];
  for (let z = 0; z < vz; z++) {
    coord[2] = z;
    for (let y = 0; y < vy; y++) {
      coord[1] = y;
      for (let x = 0; x < vx; x++) {
        coord[0] = x;
        const v = x + vx * (y + vy * z);
        const a = coord[axis]!;
        const lzIdx = (reversed ? lz - 1 - a : a) + r + 1;
        const li = coord[others[0]]! + pad + nx * (coord[others[1]]! + pad + ny * lzIdx);
        nodeOfVoxel[v] = li;
        const label = volume.labels[v]!;
        if (label !== LABEL.pore) {
          node[li] = NODE.solid;
          strength[li] = opts.strengthOfLabel(label);
        }
      }
    }
  }
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        // Side walls alongside the volume carry the adhesion asked for (prepareFilling: the least
        // wetting solid's); in the reservoirs they stay neutral (adhesion cut by the outlet plane
        // pumps gas: README, "Filling rate").
        if (x < pad || x >= nx - pad || y < pad || y >= ny - pad) {
          node[i] = NODE.solid;
          if (z >= r + 1 && z < r + 1 + lz) strength[i] = opts.wallStrength ?? 0;
        } else if (z === 0) node[i] = NODE.inlet;
        else if (z === nz - 1) node[i] = opts.outletClosed ? NODE.solid : NODE.outlet;
      }
    }
  }
  const domain: LatticeDomain = { nx, ny, nz, node, adhesion: adhesionField(nx, ny, nz, strength) };
  // No mirrored densities at the side walls: a wall node lends each fluid neighbour its own ψ,
  // like any solid, which keeps an interface flat at a neutral wall (0.008 node, walls.test.ts).
  // Mirrored walls (domain.mirror) went unstable in one-voxel slots between a wall and a partly
  // wetting particle: issue 13's 96³ electrode at θ 45°/70° diverged by step 8,050–9,400 with them
  // at three lattices and ran past 20,000 steps without (lattice README, "The 96³ calendered electrode").
  return { domain, nodeOfVoxel, volumeStartZ: r + 1, reservoirEndZ: r + 1 };
}
