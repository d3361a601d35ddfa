import { z } from 'zod';
import { ConfigError, ImpossibleRequestError } from '../../src/errors.ts';
import { parseWith } from '../../src/config/parse.ts';
import { assertAllocatable } from '../../src/volume/volume.ts';
import { lognormalQuantile, sigmaFromSpan, sigmaFromD10D90 } from './psd.ts';

const positive = (what: string) => z.number().positive().describe(what);

const BimodalSchema = z
  .object({
    volumeShare: z.number().gt(0).lt(1).describe('share of the AM volume in the second population (fraction 0–1)'),
    d50Um: positive('median diameter of the second population (µm), on the same basis as psdBasis'),
    span: z.number().gt(0).max(5).default(1).describe('span (D90−D10)/D50 of the second population (dimensionless)'),
  })
  .strict();

/**
 * Thickness after calendering on the voxel grid: round(nz · (1 − percent/100)) voxels. The one place
 * the rounding lives, so that a calibration can find the thickness that calenders to a tomogram's.
 *
 * @param nz thickness before calendering (voxels).
 * @param percent thickness reduction (%).
 * @returns voxels after calendering.
 * @example calenderedThickness(60, 20) // 48
 */
export function calenderedThickness(nz: number, percent: number): number {
  return Math.round(nz * (1 - percent / 100));
}

/** What the z faces of a generated box are (GenerateParams.zFaces): the electrode's own surfaces, or cuts through a thicker one. */
export const Z_FACES = ['bounded', 'cut'] as const;
export type ZFaces = (typeof Z_FACES)[number];

/**
 * Process parameters of the generator, in the units users type. Lengths in µm, fractions 0–1,
 * calendering in percent. Exactly one of `porosity` and `amFraction` may be given (porosity 0.40
 * when neither is).
 */
export const GenerateParamsSchema = z
  .object({
    shape: z
      .tuple([z.number().int().min(8), z.number().int().min(8), z.number().int().min(8)])
      .default([64, 64, 64])
      .describe('domain size in voxels [nx, ny, nz]; x, y in-plane (periodic), z through the thickness before calendering'),
    voxelSizeUm: z.number().positive().max(1000).default(1).describe('voxel edge length (µm)'),
    d50Um: z.number().positive().default(10).describe('median particle diameter D50 (µm)'),
    span: z.number().gt(0).max(5).optional().describe('PSD span (D90−D10)/D50 (dimensionless); default 1 unless d10Um/d90Um are given'),
    d10Um: z.number().positive().optional().describe('D10 particle diameter (µm); give with d90Um instead of span'),
    d90Um: z.number().positive().optional().describe('D90 particle diameter (µm); give with d10Um instead of span'),
    psdBasis: z
      .enum(['volume', 'number'])
      .default('volume')
      .describe('whether D10/D50/D90 are volume-weighted (laser diffraction, the usual datasheet value) or number-weighted'),
    bimodal: BimodalSchema.optional().describe('optional second particle population'),
    porosity: z
      .number()
      .gt(0)
      .lt(1)
      .optional()
      .describe('target pore fraction (label 0) before calendering, 0–1; AM fraction = 1 − porosity − cbdFraction'),
    amFraction: z.number().gt(0).lt(1).optional().describe('target AM volume fraction before calendering, 0–1 (instead of porosity)'),
    cbdFraction: z.number().min(0).lt(1).default(0.12).describe('CBD volume fraction of the uncalendered domain, 0–1 (CBD volume is kept by calendering)'),
    cbdMorphology: z
      .enum(['bridge', 'film', 'web'])
      .default('bridge')
      .describe('bridge: CBD at particle contacts and necks; film: uniform coating; web: seeded at necks and spread into the pores as fine domains (cbdDomainUm, cbdReachUm)'),
    cbdDomainUm: z
      .number()
      .positive()
      .optional()
      .describe('web only: size of the CBD domains (µm), the correlation length L of the field (covariance exp(−r²/L²)); intensive mixing gives small domains; default 2 voxels'),
    cbdReachUm: z
      .number()
      .min(0)
      .optional()
      .describe('web only: how far the CBD wanders from the particle necks into the pores (µm, amplitude of the field in neck-distance units); 0 gives the bridge model; default 0.5·d50Um'),
    cbdNeckWeight: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('web only: where the binder settles, 1 at the particle contacts (necks), 0 as a coating of the particle surfaces (a binder that wets the AM), 0–1; default 1'),
    cbdFibres: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('web only: share of the binder field given to fibres, 0–1: 0 separate domains, 1 a lace of strands a voxel or two across spanning the pores (carbon black chained by the binder, as in tomograms of NMC electrodes); default 0'),
    cbdStrands: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('web only: share of the binder laid first as strands across the gaps between neighbouring particles (up to a particle radius wide), 0–1: carbon black chained by the binder from one particle to the next, which joins particles that do not touch; default 0'),
    cbdPorosity: z.number().min(0).lt(1).default(0.5).describe('internal (nano)porosity of the CBD, 0–1; passed on to transport models'),
    particleAggregation: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe('share of the particles that settle against one already placed, 0–1: 0 a random packing; agglomerates left by a short or gentle mixing cluster the particles'),
    particleCompactness: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe('share of the aggregating particles that settle where they touch the most others rather than against one, 0–1: 0 chains, 1 compact agglomerates (secondary particles pressed together by a dry or intensive premix); fewer, wider gaps between them'),
    particleDispersion: z
      .number()
      .min(-1)
      .max(1)
      .default(0)
      .describe('how the particles that do not aggregate spread, −1–1: the share |d| of them placed where the packing around them (a few diameters) is emptiest (d > 0, a well-dispersed slurry: even, no large voids) or fullest (d < 0, a flocculated one: flocs of many particles with voids between); 0 random addition'),
    particleOverlap: z
      .number()
      .min(0)
      .max(0.5)
      .default(0)
      .describe('how far neighbouring particles merge, as a fraction of the radius, 0–0.5: 0 packs touching spheres; secondary particles pressed or sintered together (and touching particles a tomogram cannot separate) share wider necks, less surface and longer correlation lengths'),
    calenderingPercent: z.number().min(0).max(60).default(0).describe('thickness reduction by calendering (%), 0 = uncalendered'),
    zFaces: z
      .enum(Z_FACES)
      .default('bounded')
      .describe("the z faces: 'bounded' keeps particle centres inside them, so the layers at a face hold less AM than the bulk (the two outer layers 0.6–0.7 of it with aggregated, merged particles: the electrode's own surfaces); 'cut' packs particles across them, so the AM density is the same up to the faces, as in a box cut from inside a thicker electrode (a tomogram crop)"),
    amDensityGcm3: z.number().positive().default(4.7).describe('AM true density (g/cm³), NMC ≈ 4.7'),
    seed: z.number().int().min(0).max(0xffffffff).optional().describe('random seed (integer); default: drawn from the context generator and reported in the summary'),
  })
  .strict();

export type GenerateParams = z.input<typeof GenerateParamsSchema>;
export type ParsedGenerateParams = z.output<typeof GenerateParamsSchema>;

/** One lognormal population in voxel units (number-weighted diameters). */
export interface Population {
  /** number-weighted median diameter (voxels) */
  medianD: number;
  sigmaLog: number;
  /** share of the AM volume */
  volumeShare: number;
  /** truncation of the drawn diameters (voxels): the 0.1 % and 99.9 % quantiles */
  minD: number;
  maxD: number;
}

/** Parameters checked and converted to voxel units: everything the algorithm needs. */
export interface ResolvedParams {
  shape: [number, number, number];
  voxelSize: number;
  populations: Population[];
  amFraction: number;
  cbdFraction: number;
  cbdMorphology: 'bridge' | 'film' | 'web';
  /** web model: domain size L and reach, in voxels (absent for bridge and film) */
  cbdWeb?: { domain: number; reach: number; neckWeight: number; fibres: number; strands: number };
  cbdPorosity: number;
  /** share of the particles placed against another (0: random sequential addition) */
  particleAggregation: number;
  /** share of those that take the free position touching the most particles (0: chains) */
  particleCompactness: number;
  /** share of the others placed where the packing around them is emptiest (> 0) or fullest (< 0); 0 random addition */
  particleDispersion: number;
  /** particle radius over packing core radius, less 1 (0: touching spheres) */
  particleOverlap: number;
  /** voxels of packing beyond each z face ('cut' faces: one largest particle diameter; 'bounded': 0) */
  zMargin: number;
  /** thickness after calendering / before, as realised on the voxel grid (nz' / nz) */
  calenderScale: number;
  nzCalendered: number;
  amDensity: number; // kg/m³
  seed: number | undefined;
  input: ParsedGenerateParams;
}

/** Dense random packings of spheres do not go beyond this without gross overlap. */
export const MAX_PACKING_FRACTION = 0.66;
/** Calendered AM + CBD beyond this leaves no pore network worth the name. */
export const MAX_SOLID_AFTER_CALENDERING = 0.95;
export const TRUNCATION_QUANTILE = 0.001;

/**
 * Validates and resolves the parameters before any work: impossible requests fail here, naming
 * the field, the value and what would be possible.
 *
 * @param params the generator's parameters (schema in this file: µm, fractions, %)
 * @returns voxel-unit quantities: shape, voxel size (m), particle populations with their truncated
 *   lognormal diameters (voxels), AM/CBD fractions, the calendering scale and the seed
 * @throws ConfigError naming the field when the request cannot be met (packing fraction above
 *   MAX_PACKING_FRACTION, solid after calendering above MAX_SOLID_AFTER_CALENDERING, …)
 * @example resolveParams(GenerateParamsSchema.parse({ shape: [64, 64, 64], voxelSizeUm: 0.5, d50Um: 4 })).populations[0];
 */
export function resolveParams(params: GenerateParams): ResolvedParams {
  const p = parseWith(GenerateParamsSchema, params);
  const vs = p.voxelSizeUm;
  if (p.porosity !== undefined && p.amFraction !== undefined) {
    throw new ConfigError('amFraction', p.amFraction, 'either porosity or amFraction, not both', `porosity is ${p.porosity}`);
  }
  const porosity = p.porosity ?? (p.amFraction === undefined ? 0.4 : undefined);
  const amFraction = p.amFraction ?? 1 - porosity! - p.cbdFraction;
  const sum = amFraction + p.cbdFraction + (porosity ?? 0);
  if (porosity !== undefined && amFraction <= 0) {
    throw new ImpossibleRequestError('porosity', porosity, `porosity + cbdFraction below 1 (cbdFraction is ${p.cbdFraction})`, 'no room is left for active material');
  }
  if (p.amFraction !== undefined && sum >= 1) {
    throw new ImpossibleRequestError('cbdFraction', p.cbdFraction, `amFraction + cbdFraction below 1 (amFraction is ${p.amFraction})`, `they sum to ${round(sum)}`);
  }
  if (amFraction > MAX_PACKING_FRACTION) {
    throw new ImpossibleRequestError(
      p.amFraction !== undefined ? 'amFraction' : 'porosity',
      p.amFraction ?? porosity,
      `an AM fraction of at most ${MAX_PACKING_FRACTION} before calendering (dense random sphere packing; calender to go denser)`,
      `it implies AM fraction ${round(amFraction)}`,
    );
  }

  const hasD10 = p.d10Um !== undefined;
  const hasD90 = p.d90Um !== undefined;
  if (hasD10 !== hasD90) throw new ConfigError(hasD10 ? 'd90Um' : 'd10Um', undefined, 'both d10Um and d90Um, or neither');
  if (hasD10 && p.span !== undefined) throw new ConfigError('span', p.span, 'span or d10Um/d90Um, not both');
  let sigma: number;
  if (hasD10) {
    if (!(p.d10Um! < p.d50Um && p.d50Um < p.d90Um!)) {
      throw new ConfigError('d10Um', [p.d10Um, p.d50Um, p.d90Um], 'd10Um < d50Um < d90Um');
    }
    sigma = sigmaFromD10D90(p.d10Um!, p.d90Um!);
  } else {
    sigma = sigmaFromSpan(p.span ?? 1);
  }

  const populations: Population[] = [];
  const share2 = p.bimodal?.volumeShare ?? 0;
  populations.push(population(p.d50Um / vs, sigma, 1 - share2, p.psdBasis));
  if (p.bimodal) populations.push(population(p.bimodal.d50Um / vs, sigmaFromSpan(p.bimodal.span), share2, p.psdBasis));

  const [nx, ny, nz] = p.shape;
  // Before packing allocates anything: the label volume alone (1 byte a voxel) must fit, as
  // `volume info` refuses such a file, rather than V8 dying out of memory minutes later.
  assertAllocatable([nx, ny, nz], 1, 'generated electrode volume');
  const nzCal = calenderedThickness(nz, p.calenderingPercent);
  const s = nzCal / nz;
  const minSide = Math.min(nx, ny, nz);
  for (const [k, pop] of populations.entries()) {
    const field = k === 0 ? 'd50Um' : 'bimodal.d50Um';
    const value = k === 0 ? p.d50Um : p.bimodal!.d50Um;
    // Calendering flattens a sphere of diameter d into an oblate spheroid d/√s wide.
    const widest = pop.maxD / Math.sqrt(s);
    if (pop.maxD >= nz || widest >= Math.min(nx, ny)) {
      throw new ImpossibleRequestError(
        field,
        value,
        `particles smaller than the domain (${minSide} voxels × ${vs} µm = ${round(minSide * vs)} µm on its shortest side)`,
        `the 99.9 % quantile diameter is ${round(pop.maxD * vs)} µm${s < 1 ? `, ${round(widest * vs)} µm wide after calendering` : ''}`,
      );
    }
    if (pop.medianD < 2) {
      throw new ConfigError('voxelSizeUm', vs, `a voxel size that resolves the particles (number-median diameter ${round(pop.medianD * vs)} µm is under 2 voxels)`);
    }
  }
  if (nzCal < 4) throw new ImpossibleRequestError('calenderingPercent', p.calenderingPercent, 'a reduction that leaves at least 4 voxels of thickness', `nz ${nz} → ${nzCal}`);
  const solidAfter = (amFraction + p.cbdFraction) / s;
  if (solidAfter > MAX_SOLID_AFTER_CALENDERING) {
    throw new ImpossibleRequestError(
      'calenderingPercent',
      p.calenderingPercent,
      `a reduction that leaves pore space (AM + CBD at most ${MAX_SOLID_AFTER_CALENDERING} of the calendered volume)`,
      `AM ${round(amFraction)} + CBD ${p.cbdFraction} over thickness ratio ${round(s)} gives ${round(solidAfter)}`,
    );
  }
  for (const field of ['cbdDomainUm', 'cbdReachUm', 'cbdNeckWeight', 'cbdFibres', 'cbdStrands'] as const) {
    if (p[field] !== undefined && p.cbdMorphology !== 'web') {
      throw new ConfigError(field, p[field], `cbdMorphology "web" (it is "${p.cbdMorphology}", which has no ${field})`);
    }
  }
  const cbdWeb = p.cbdMorphology === 'web' ? { domain: (p.cbdDomainUm ?? 2 * vs) / vs, reach: (p.cbdReachUm ?? 0.5 * p.d50Um) / vs, neckWeight: p.cbdNeckWeight ?? 1, fibres: p.cbdFibres ?? 0, strands: p.cbdStrands ?? 0 } : undefined;
  if (cbdWeb && cbdWeb.domain < 0.5) {
    throw new ConfigError('cbdDomainUm', p.cbdDomainUm, `a domain size of at least half a voxel (${round(vs / 2)} µm)`);
  }
  return {
    shape: [nx, ny, nz],
    voxelSize: vs * 1e-6,
    populations,
    amFraction,
    cbdFraction: p.cbdFraction,
    cbdMorphology: p.cbdMorphology,
    ...(cbdWeb ? { cbdWeb } : {}),
    cbdPorosity: p.cbdPorosity,
    particleAggregation: p.particleAggregation,
    particleCompactness: p.particleCompactness,
    particleDispersion: p.particleDispersion,
    particleOverlap: p.particleOverlap,
    // One largest diameter: a particle that reaches into the box then sits in packing as dense as the bulk.
    zMargin: p.zFaces === 'cut' ? Math.ceil(Math.max(...populations.map((q) => q.maxD))) : 0,
    calenderScale: s,
    nzCalendered: nzCal,
    amDensity: p.amDensityGcm3 * 1000,
    seed: p.seed,
    input: p,
  };
}

function population(d50: number, sigma: number, volumeShare: number, basis: 'volume' | 'number'): Population {
  // A volume-weighted lognormal is the number-weighted one shifted by 3σ² in log space (Hatch–Choate).
  const medianD = basis === 'volume' ? d50 * Math.exp(-3 * sigma * sigma) : d50;
  return {
    medianD,
    sigmaLog: sigma,
    volumeShare,
    minD: lognormalQuantile(TRUNCATION_QUANTILE, medianD, sigma),
    maxD: lognormalQuantile(1 - TRUNCATION_QUANTILE, medianD, sigma),
  };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
