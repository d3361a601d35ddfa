/** Unit conversions between what users type and the SI values used inside the code. */
export const UM = 1e-6;
export const MPA_S = 1e-3;

export const um = (v: number): number => v * UM;
export const toUm = (m: number): number => m / UM;
export const percent = (v: number): number => v / 100;
export const toPercent = (f: number): number => f * 100;
