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

/**
 * Graphite (MCMB 2528) OCP vs Li/Li+, V, of stoichiometry x: the fit shipped with Newman's dualfoil
 * (data of Bogatu, Telcordia/PolyStor 2000), as used by Marquis et al., JES 166 (2019) A3693.
 */
function graphiteMcmb2528Dualfoil(x: number): number {
  return (
    0.194 +
    1.5 * Math.exp(-120 * x) +
    0.0351 * Math.tanh((x - 0.286) / 0.083) -
    0.0045 * Math.tanh((x - 0.849) / 0.119) -
    0.035 * Math.tanh((x - 0.9233) / 0.05) -
    0.0147 * Math.tanh((x - 0.5) / 0.034) -
    0.102 * Math.tanh((x - 0.194) / 0.142) -
    0.022 * Math.tanh((x - 0.9) / 0.0164) -
    0.011 * Math.tanh((x - 0.124) / 0.0226) +
    0.0155 * Math.tanh((x - 0.105) / 0.029)
  );
}

/**
 * LiCoO2 OCP vs Li/Li+, V, of stoichiometry y: dualfoil's fit (Doyle's thesis, 1995, below y = 0.4;
 * Garcia 2001 above 0.5), with its stretch of the stoichiometry by 1.062; Marquis et al. 2019.
 */
function lico2Dualfoil(y: number): number {
  const s = 1.062 * y;
  return (
    2.16216 +
    0.07645 * Math.tanh(30.834 - 54.4806 * s) +
    2.1581 * Math.tanh(52.294 - 50.294 * s) -
    0.14169 * Math.tanh(11.0923 - 19.8543 * s) +
    0.2051 * Math.tanh(1.4684 - 5.4888 * s) +
    0.2531 * Math.tanh((-s + 0.56478) / 0.1316) -
    0.02167 * Math.tanh((s - 0.525) / 0.006)
  );
}

export const OCP_FUNCTIONS = {
  'graphite-chen2020': graphiteChen2020,
  'nmc811-chen2020': nmc811Chen2020,
  'graphite-mcmb2528-dualfoil': graphiteMcmb2528Dualfoil,
  'lico2-dualfoil': lico2Dualfoil,
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

/** LiPF6 in EC:DMC conductivity, S/m, of c in mol/m³: Capiglia et al. 1999 as fitted in dualfoil. */
function conductivityCapiglia1999(c: number): number {
  const m = c / 1000;
  return 0.0911 + 1.9101 * m - 1.052 * m * m + 0.1554 * m ** 3;
}

/** LiPF6 in EC:DMC salt diffusivity, m²/s, of c in mol/m³: Capiglia et al. 1999 as fitted in dualfoil. */
function diffusivityCapiglia1999(c: number): number {
  return 5.34e-10 * Math.exp((-0.65 * c) / 1000);
}

export const ELECTROLYTE_CONDUCTIVITY = { 'nyman2008': conductivityNyman2008, 'capiglia1999': conductivityCapiglia1999 } as const;
export const ELECTROLYTE_DIFFUSIVITY = { 'nyman2008': diffusivityNyman2008, 'capiglia1999': diffusivityCapiglia1999 } as const;

/** A property that is either a constant or a named published function of concentration. */
export type ConcentrationFunction = number | keyof typeof ELECTROLYTE_CONDUCTIVITY;

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
