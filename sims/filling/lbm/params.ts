import { z } from 'zod';
import { ContactAnglesSchema, DEFAULT_SURFACE_TENSION, InletSchema, OutletSchema } from '../common/wetting.ts';
import { DEFAULT_RELAXATION } from './calibration.ts';

// Faces, outlet choices, contact angles and their defaults: the wetting vocabulary both filling
// models share (sims/filling/common/wetting.ts). Here an angle left out of a given map is an error
// for every solid label the volume holds (prepareFilling).
export { FACES, type Face } from '../common/faces.ts';

export const LbmParamsSchema = z
  .object({
    surfaceTension: z.number().positive().default(DEFAULT_SURFACE_TENSION).describe('electrolyte–gas surface tension (N/m)'),
    viscosity: z.number().positive().default(3e-3).describe('electrolyte dynamic viscosity (Pa·s)'),
    density: z.number().positive().default(1250).describe('electrolyte density (kg/m³), LiPF6 in EC:DMC ≈ 1250'),
    contactAngle: ContactAnglesSchema,
    inlet: InletSchema,
    outlet: OutletSchema,
    inletPressure: z.number().default(0).describe('electrolyte reservoir overpressure above the gas outlet pressure (Pa)'),
    lateral: z.enum(['periodic', 'wall']).default('wall').describe('boundaries of the four faces parallel to the flow: periodic, or solid walls wetted at wallContactAngle'),
    wallContactAngle: z
      .number()
      .gt(0)
      .lt(180)
      .optional()
      .describe('static contact angle of the side walls alongside the electrode (°, through the electrolyte); default the largest angle among the electrode\'s solids, so the walls trap no gas the electrode would not (a 90° wall beside 10–20° particles held bubbles whose crevices drifted to negative gas density: README, "Side walls")'),
    steps: z.number().int().positive().default(20000).describe('maximum number of lattice steps (steps)'),
    snapshotEvery: z.number().int().nonnegative().default(0).describe('steps between electrolyte-fraction snapshots; 0 = about 20 over the run (steps)'),
    timeLimitS: z.number().positive().default(3600).describe('wall-clock limit of the run (s)'),
    plateau: z
      .object({
        window: z.number().int().positive().default(2000).describe('steps over which saturation must stop changing (steps)'),
        tolerance: z.number().nonnegative().default(0.002).describe('largest saturation change over the window that counts as a plateau (fraction)'),
        invasion: z
          .boolean()
          .default(true)
          .describe('also end the run when the gas that can still reach the outlet has changed by less than the tolerance over the window: the invasion is over and what is left is trapped, which the model would only shrink further by dissolving it at its 0.7–5 % mutual solubility (README, "Plateau")'),
      })
      .strict()
      .default({ window: 2000, tolerance: 0.002, invasion: true }),
    lattice: z
      .object({
        g: z.number().min(2.2).max(4).default(4).describe('Shan–Chen cohesion G between electrolyte and gas (lattice units; >2 separates the phases; 4: 0.7 % mutual solubility and σ_lb 0.11, see the README on why not 3 or 3.5)'),
        tauElectrolyte: z.number().gt(0.5).max(5).default(DEFAULT_RELAXATION.electrolyte).describe('electrolyte relaxation time (lattice units; sets ν = (τ−½)/3; lower means fewer steps per physical second, see the README on what that costs)'),
        tauGas: z.number().gt(0.5).max(5).default(DEFAULT_RELAXATION.gas).describe('gas relaxation time (lattice units; closer to ½ than the electrolyte so the gas is about 8× less viscous)'),
        tauOdd: z.number().gt(0.5).max(5).default(DEFAULT_RELAXATION.odd).describe('relaxation time of the odd (flux) moments shared by both components (lattice units; sets the interdiffusion; a low-viscosity gas with the usual TRT pairing would get a smeared interface)'),
        reservoirLayers: z.number().int().min(4).max(64).default(4).describe('lattice layers of electrolyte reservoir before the inlet face and of gas after the outlet face (voxels); at least 4, since adhesive solid within 3 layers of the pressure outlet makes it pump gas back in'),
        diagnosticsEvery: z.number().int().positive().default(50).describe('steps between read-backs for saturation, arrival time and divergence checks (steps)'),
      })
      .strict()
      .default({ g: 4, tauElectrolyte: DEFAULT_RELAXATION.electrolyte, tauGas: DEFAULT_RELAXATION.gas, tauOdd: DEFAULT_RELAXATION.odd, reservoirLayers: 4, diagnosticsEvery: 50 }),
    engine: z
      .enum(['auto', 'typed-array', 'wasm', 'kernels', 'webgpu'])
      .default('auto')
      .describe('auto: the WGSL engine on webgpu (gpu.js kernels where no device is had), gpu.js kernels on webgl2, on CPU backends the WebAssembly-SIMD engine on every core under Node, else the TypedArray path (under Node on every core for lattices of 32,768 nodes or more)'),
  })
  .strict();

export type LbmParams = z.output<typeof LbmParamsSchema>;
export type LbmParamsInput = z.input<typeof LbmParamsSchema>;
