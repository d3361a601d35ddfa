import { z } from 'zod';
import { FACES } from '../common/faces.ts';

const angle = (what: string, fallback: number) =>
  z
    .number()
    .min(0)
    .max(180)
    .default(fallback)
    .describe(`contact angle of the electrolyte on ${what}, degrees through the electrolyte (0–180)`);

/**
 * Defaults: σ of 1 M LiPF6 in EC/DMC ≈ 0.035 N/m; contact angles of carbonate electrolytes on NMC
 * and on PVDF/carbon-black binder in the ranges pore-scale filling studies use (AM 20–30°, CBD
 * 40–60°). They are starting points; measured angles should replace them.
 */
export const DEFAULT_SURFACE_TENSION = 0.035;
export const DEFAULT_ANGLE_AM = 25;
export const DEFAULT_ANGLE_CBD = 50;

export const ContactAnglesSchema = z
  .object({
    am: angle('active material (label 1)', DEFAULT_ANGLE_AM),
    cbd: angle('carbon-binder domain (label 2)', DEFAULT_ANGLE_CBD),
    other: z
      .number()
      .min(0)
      .max(180)
      .optional()
      .describe('contact angle on any other solid label (3 and up), degrees; required when such labels are present'),
  })
  .strict();

export const QuasiStaticParamsSchema = z
  .object({
    surfaceTension: z.number().positive().finite().default(DEFAULT_SURFACE_TENSION).describe('electrolyte–gas surface tension, N/m'),
    contactAngle: ContactAnglesSchema.default({ am: DEFAULT_ANGLE_AM, cbd: DEFAULT_ANGLE_CBD }),
    cbdWetted: z
      .boolean()
      .default(false)
      .describe('treat the CBD as a porous phase always soaked with electrolyte: 0° contact angle and a path the electrolyte crosses (imbibition only)'),
    mode: z
      .enum(['imbibition', 'drainage'])
      .default('imbibition')
      .describe('imbibition: wetting electrolyte enters spontaneously, small pores first; drainage: non-wetting electrolyte (every angle ≥ 90°) is pushed in, large pores first'),
    inlet: z.enum(FACES).default('z-').describe('face the electrolyte enters through (z- = separator side)'),
    outlet: z
      .enum([...FACES, 'none'])
      .default('z+')
      .describe('face the gas escapes through, or none for a closed cell (gas then leaves only through the unfilled part of the inlet face)'),
    pressureSteps: z
      .number()
      .int()
      .min(2)
      .max(100000)
      .default(200)
      .describe('most capillary-pressure levels; when the structure has fewer distinct entry pressures, every one is a level (exact)'),
  })
  .strict();

export type QuasiStaticParams = z.output<typeof QuasiStaticParamsSchema>;
export type QuasiStaticParamsInput = z.input<typeof QuasiStaticParamsSchema>;
