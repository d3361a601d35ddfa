import { z } from 'zod';
import { ContactAnglesSchema, DEFAULT_SURFACE_TENSION, InletSchema, OutletSchema } from '../common/wetting.ts';

/**
 * Faces, outlet choices, contact angles and their defaults come from the wetting vocabulary both
 * filling models share (sims/filling/common/wetting.ts). An angle left out of a given map falls
 * back to the default (am 25°, cbd 50°).
 */
export const QuasiStaticParamsSchema = z
  .object({
    surfaceTension: z.number().positive().finite().default(DEFAULT_SURFACE_TENSION).describe('electrolyte–gas surface tension, N/m'),
    contactAngle: ContactAnglesSchema,
    cbdWetted: z
      .boolean()
      .default(false)
      .describe('treat the CBD as a porous phase always soaked with electrolyte: 0° contact angle and a path the electrolyte crosses (imbibition only)'),
    mode: z
      .enum(['imbibition', 'drainage'])
      .default('imbibition')
      .describe('imbibition: wetting electrolyte enters spontaneously, small pores first; drainage: non-wetting electrolyte (every angle ≥ 90°) is pushed in, large pores first'),
    inlet: InletSchema,
    outlet: OutletSchema,
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
