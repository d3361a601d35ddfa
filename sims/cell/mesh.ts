import { OCP_FUNCTIONS } from './materials.ts';
import type { CellParams, ElectrodeParams } from './params.ts';

/** Region of a finite volume across the cell. */
export const NEG = 0;
export const SEP = 1;
export const POS = 2;

/** Per-electrode constants the particle and kinetics equations need. */
export interface ElectrodeConstants {
  cmax: number;
  c0: number;
  ds: number;
  radius: number;
  k: number;
  alpha: number;
  ocp: (sto: number) => number;
  /** Active-material volume fraction. */
  epsS: number;
}

/**
 * The P2D grid: finite volumes across the cell (x from the negative current collector, or the
 * lithium foil of a half cell, to the positive current collector) with the effective properties
 * of each volume. Profiles measured on a structure are averaged onto the volumes here.
 */
export interface CellMesh {
  n: number;
  region: Int8Array;
  dx: Float64Array;
  /** Electrolyte volume fraction. */
  eps: Float64Array;
  /** Ionic tortuosity factor (κ_eff = κ ε / τ). */
  tau: Float64Array;
  /** Effective electronic conductivity (S/m), 0 in the separator. */
  sigma: Float64Array;
  /** Active interface per volume (1/m), 0 in the separator. */
  area: Float64Array;
  /** a·R/(3 ε_s): measured area over the area of ideal spheres (1 for spheres). */
  beta: Float64Array;
  /** Electrode constants by region (NEG, POS); undefined for the separator and a half cell's NEG. */
  electrodes: (ElectrodeConstants | undefined)[];
  /** Geometric part of the ionic face conductance between volume i and i+1 (1/m): 1/Σ dx τ/(2ε). */
  ionicFace: Float64Array;
  /** Electronic face conductance between i and i+1 (S/m²), 0 across region boundaries. */
  solidFace: Float64Array;
  /** Particle shells. */
  shells: number;
}

/** Average of a profile (samples at equal slices over [0,1]) over the interval [a,b] ⊂ [0,1]. */
function profileMean(samples: readonly number[], a: number, b: number, f: (v: number) => number = (v) => v): number {
  const m = samples.length;
  const sub = 16;
  let s = 0;
  for (let q = 0; q < sub; q++) {
    const x = a + ((q + 0.5) / sub) * (b - a);
    const pos = Math.min(m - 1, Math.max(0, x * m - 0.5));
    const i0 = Math.floor(pos);
    const i1 = Math.min(m - 1, i0 + 1);
    const w = pos - i0;
    s += f(samples[i0]! * (1 - w) + samples[i1]! * w);
  }
  return s / sub;
}

function constants(e: ElectrodeParams): ElectrodeConstants {
  return {
    cmax: e.maxConcentration,
    c0: e.initialConcentration,
    ds: e.diffusivity,
    radius: e.particleRadius,
    k: e.rateConstant,
    alpha: e.transferCoefficient,
    ocp: OCP_FUNCTIONS[e.ocp],
    epsS: e.activeFraction,
  };
}

export function buildMesh(p: CellParams): CellMesh {
  const parts: { region: number; count: number; thickness: number }[] = [];
  if (p.kind === 'full') parts.push({ region: NEG, count: p.mesh.negative, thickness: p.negative!.thickness });
  parts.push({ region: SEP, count: p.mesh.separator, thickness: p.separator.thickness });
  parts.push({ region: POS, count: p.mesh.positive, thickness: p.positive.thickness });
  const n = parts.reduce((s, q) => s + q.count, 0);
  const mesh: CellMesh = {
    n,
    region: new Int8Array(n),
    dx: new Float64Array(n),
    eps: new Float64Array(n),
    tau: new Float64Array(n),
    sigma: new Float64Array(n),
    area: new Float64Array(n),
    beta: new Float64Array(n),
    electrodes: [p.negative ? constants(p.negative) : undefined, undefined, constants(p.positive)],
    ionicFace: new Float64Array(Math.max(0, n - 1)),
    solidFace: new Float64Array(Math.max(0, n - 1)),
    shells: p.mesh.particle,
  };
  let i = 0;
  for (const part of parts) {
    const e = part.region === NEG ? p.negative : part.region === POS ? p.positive : undefined;
    for (let q = 0; q < part.count; q++, i++) {
      mesh.region[i] = part.region;
      mesh.dx[i] = part.thickness / part.count;
      if (!e) {
        mesh.eps[i] = p.separator.porosity;
        mesh.tau[i] = p.separator.tortuosity ?? p.separator.porosity ** -0.5;
        continue;
      }
      // Fraction of the electrode this volume spans, measured from the separator side.
      const fromSep = part.region === POS ? [q / part.count, (q + 1) / part.count] : [(part.count - 1 - q) / part.count, (part.count - q) / part.count];
      const [a, b] = fromSep as [number, number];
      const prof = e.profiles;
      const eps = prof?.porosity ? profileMean(prof.porosity, a, b) : e.porosity;
      // Resistances add along x: average τ/ε, then τ = ε · ⟨τ/ε⟩.
      let tau = e.tortuosity ?? e.porosity ** -0.5;
      if (prof?.tortuosity) {
        const porosity = prof.porosity;
        const tp = prof.tortuosity;
        const ratio = porosity && porosity.length === tp.length ? tp.map((t, s) => t / porosity[s]!) : tp.map((t) => t / eps);
        tau = eps * profileMean(ratio, a, b);
      }
      const area = prof?.activeArea ? profileMean(prof.activeArea, a, b) : (e.specificArea ?? (3 * e.activeFraction) / e.particleRadius);
      mesh.eps[i] = eps;
      mesh.tau[i] = tau;
      mesh.sigma[i] = e.conductivity;
      mesh.area[i] = area;
      mesh.beta[i] = (area * e.particleRadius) / (3 * e.activeFraction);
    }
  }
  for (let f = 0; f < n - 1; f++) {
    mesh.ionicFace[f] = 1 / ((mesh.dx[f]! * mesh.tau[f]!) / (2 * mesh.eps[f]!) + (mesh.dx[f + 1]! * mesh.tau[f + 1]!) / (2 * mesh.eps[f + 1]!));
    if (mesh.region[f] === mesh.region[f + 1] && mesh.region[f] !== SEP) {
      mesh.solidFace[f] = 1 / (mesh.dx[f]! / (2 * mesh.sigma[f]!) + mesh.dx[f + 1]! / (2 * mesh.sigma[f + 1]!));
    }
  }
  return mesh;
}
