/**
 * Material functions of the P2D model: open-circuit potentials, electrolyte transport and
 * exchange-current densities, as published (equations of the papers, SI units). A function is
 * chosen by name in a parameter file so the file stays plain JSON.
 */

export const FARADAY = 96485.33212; // C/mol
export const GAS_CONSTANT = 8.314462618; // J/(mol K)

/** Graphite (LG M50) OCP vs Li/Li+, V, of stoichiometry x; Chen et al., JES 167 (2020) 080534. */
function graphiteChen2020(x: number): number {
  return 1.9793 * Math.exp(-39.3631 * x) + 0.2482 - 0.0909 * Math.tanh(29.8538 * (x - 0.1234)) - 0.04478 * Math.tanh(14.9159 * (x - 0.2769)) - 0.0205 * Math.tanh(30.4444 * (x - 0.6103));
}

/** NMC 811 (LG M50) OCP vs Li/Li+, V, of stoichiometry y; Chen et al. 2020. */
function nmc811Chen2020(y: number): number {
  return -0.809 * y + 4.4875 - 0.0428 * Math.tanh(18.5138 * (y - 0.5542)) - 17.7326 * Math.tanh(15.789 * (y - 0.3117)) + 17.5842 * Math.tanh(15.9308 * (y - 0.312));
}

export const OCP_FUNCTIONS = {
  'graphite-chen2020': graphiteChen2020,
  'nmc811-chen2020': nmc811Chen2020,
} as const;
export type OcpName = keyof typeof OCP_FUNCTIONS;

/** LiPF6 in EC:EMC 3:7 conductivity, S/m, of c in mol/m³; Nyman, Behm & Lindbergh 2008. */
function conductivityNyman2008(c: number): number {
  const m = c / 1000;
  return 0.1297 * m ** 3 - 2.51 * m ** 1.5 + 3.329 * m;
}

/** LiPF6 in EC:EMC 3:7 salt diffusivity, m²/s, of c in mol/m³; Nyman et al. 2008. */
function diffusivityNyman2008(c: number): number {
  const m = c / 1000;
  return 8.794e-11 * m * m - 3.972e-10 * m + 4.862e-10;
}

export const ELECTROLYTE_CONDUCTIVITY = { 'nyman2008': conductivityNyman2008 } as const;
export const ELECTROLYTE_DIFFUSIVITY = { 'nyman2008': diffusivityNyman2008 } as const;

/** A property that is either a constant or a named published function of concentration. */
export type ConcentrationFunction = number | 'nyman2008';

export function evaluateConductivity(f: ConcentrationFunction, c: number): number {
  return typeof f === 'number' ? f : ELECTROLYTE_CONDUCTIVITY[f](c);
}

export function evaluateDiffusivity(f: ConcentrationFunction, c: number): number {
  return typeof f === 'number' ? f : ELECTROLYTE_DIFFUSIVITY[f](c);
}

/**
 * Exchange-current density, A/m², of the form used by Chen et al. 2020 (and most DFN sets):
 * i0 = k · c_e^0.5 · c_s^0.5 · (c_max − c_s)^0.5, k in A/m² (m³/mol)^1.5.
 */
export function exchangeCurrent(k: number, ce: number, cs: number, cmax: number): number {
  return k * Math.sqrt(ce * cs * (cmax - cs));
}
