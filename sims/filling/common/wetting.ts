import { z } from 'zod';
import { ConfigError } from '../../../src/errors.ts';
import { LABEL, phaseName } from '../../../src/volume/volume.ts';
import { FACES, oppositeFace, type Face } from './faces.ts';

/**
 * The wetting vocabulary both filling models (quasi-static and lattice Boltzmann) speak: the faces
 * electrolyte enters and gas leaves through, the names of the outlet choices, the contact angle of
 * each solid label and the defaults of all of them. Each model's schema is built from these pieces,
 * so a study or a config file means the same thing to both.
 */

/** Surface tension of 1 M LiPF6 in EC/DMC against its gas, N/m. */
export const DEFAULT_SURFACE_TENSION = 0.035;

/**
 * Default contact angles (degrees, through the electrolyte) on active material and carbon-binder
 * domain: carbonate electrolytes on NMC and on PVDF/carbon-black binder in the ranges pore-scale
 * filling studies use (AM 20–30°, CBD 40–60°). One pair for both models (the quasi-static model
 * had 25/50°, the lattice-Boltzmann model 30/60°; every example study already set 25/50° for
 * both). Starting points: measured angles should replace them.
 */
export const DEFAULT_CONTACT_ANGLE = { am: 25, cbd: 50 } as const;

/** Where the electrolyte enters by default: z-, the separator side. */
export const DEFAULT_INLET: Face = 'z-';

/**
 * Outlet choices: a face, `opposite` (the face opposite the inlet), or `none` for a closed cell;
 * `closed` is accepted as another spelling of `none` (the lattice-Boltzmann model's older word).
 */
export const OUTLETS = [...FACES, 'opposite', 'none', 'closed'] as const;
export type OutletChoice = (typeof OUTLETS)[number];

/** Default outlet: the face opposite the inlet (z+, the current collector, for the default inlet). */
export const DEFAULT_OUTLET: OutletChoice = 'opposite';

/** An outlet after `opposite` and `closed` are resolved: a face, or none for a closed cell. */
export type Outlet = Face | 'none';

/**
 * Resolves an outlet choice against the inlet: `opposite` becomes the face opposite the inlet,
 * `closed` becomes `none`; a face stays itself. Which faces a model accepts is the model's own
 * check (the lattice-Boltzmann lattice only has the opposite face or none).
 *
 * @param inlet face the electrolyte enters through
 * @param outlet the outlet as given (OUTLETS)
 * @returns a face or 'none'
 * @example
 *   resolveOutlet('x-', 'opposite'); // 'x+'
 *   resolveOutlet('z-', 'closed');   // 'none'
 */
export function resolveOutlet(inlet: Face, outlet: OutletChoice): Outlet {
  if (outlet === 'opposite') return oppositeFace(inlet);
  if (outlet === 'closed') return 'none';
  return outlet;
}

/** Schema of the inlet face, defaulting to DEFAULT_INLET. */
export const InletSchema = z.enum(FACES).default(DEFAULT_INLET).describe('face the electrolyte enters through (z- = separator side)');

/** Schema of the outlet choice, defaulting to DEFAULT_OUTLET. */
export const OutletSchema = z
  .enum(OUTLETS)
  .default(DEFAULT_OUTLET)
  .describe('face the gas escapes through: a face, opposite (the face opposite the inlet; the default) or none for a closed cell (closed is the same); each model says which faces it can take');

const LABEL_KEY = /^label\d+$/;
const angle = z.number().min(0).max(180);
const angleOn = (what: string) => angle.optional().describe(`contact angle of the electrolyte on ${what}, degrees through the electrolyte (0–180)`);

/**
 * Contact angles by solid label name: `am` (label 1), `cbd` (label 2), `labelN` for a label N ≥ 3,
 * `other` for every label ≥ 3 not named; degrees through the electrolyte, 0–180. The whole map
 * defaults to DEFAULT_CONTACT_ANGLE; what an angle left out of a given map means is the model's
 * rule (see `angleOfLabel`).
 */
export const ContactAnglesSchema = z
  .object({
    am: angleOn('active material (label 1)'),
    cbd: angleOn('carbon-binder domain (label 2)'),
    other: angleOn('any other solid label (3 and up) not named labelN; required when such labels are present'),
  })
  .catchall(angle)
  .superRefine((value, ctx) => {
    for (const key of Object.keys(value)) {
      if (key !== 'am' && key !== 'cbd' && key !== 'other' && !LABEL_KEY.test(key)) {
        ctx.addIssue({ code: 'custom', path: [key], input: value[key], message: 'a solid label name: am, cbd, other or labelN' });
      }
    }
  })
  .default(() => ({ ...DEFAULT_CONTACT_ANGLE }))
  .describe('contact angle of the electrolyte on each solid label, by name: am, cbd, labelN, or other for every label ≥ 3 not named (degrees)');

export type ContactAngles = z.output<typeof ContactAnglesSchema>;

/**
 * What an angle left out of a given contact-angle map means:
 * - `default`: am and cbd fall back to DEFAULT_CONTACT_ANGLE (the quasi-static model);
 * - `required`: every solid label present must be named (the lattice-Boltzmann model, whose run
 *   costs minutes: a forgotten angle is an error rather than a silent default).
 * Labels ≥ 3 always need `labelN` or `other`.
 */
export type MissingAngle = 'default' | 'required';

/**
 * Contact angle (degrees) of solid label `label`: its own name (am, cbd, labelN), else `other` for
 * labels ≥ 3, else the default for am/cbd when `missing` is 'default'.
 *
 * @param angles the model's parsed contact-angle map
 * @param label solid label (1 AM, 2 CBD, 3+ others)
 * @param missing what a name left out of the map means (MissingAngle)
 * @returns degrees; throws ConfigError naming `contactAngle.<name>` when no angle applies
 * @example
 *   angleOfLabel({ am: 30 }, 2, 'default');  // 50
 *   angleOfLabel({ am: 30 }, 2, 'required'); // throws "contactAngle.cbd: …"
 */
export function angleOfLabel(angles: ContactAngles, label: number, missing: MissingAngle): number {
  const name = phaseName(label);
  const own = (angles as Record<string, number | undefined>)[name];
  if (own !== undefined) return own;
  if (label > LABEL.cbd) {
    if (angles.other !== undefined) return angles.other;
    throw new ConfigError(`contactAngle.other`, undefined, `a contact angle in degrees for solid label ${label} (contactAngle.${name} or contactAngle.other), which the volume contains`);
  }
  if (missing === 'default') return label === LABEL.am ? DEFAULT_CONTACT_ANGLE.am : DEFAULT_CONTACT_ANGLE.cbd;
  throw new ConfigError(`contactAngle.${name}`, undefined, `a contact angle in degrees for label ${label} (${name}), present in the volume`);
}
