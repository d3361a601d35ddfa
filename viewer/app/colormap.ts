/** Viridis (matplotlib), 9 control points, linearly interpolated: perceptually uniform and colour-blind safe. */
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

export function viridis(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** Control points of the colour maps a field can be shown with (matplotlib's, sampled at 9 points). */
const MAPS: Record<ColormapName, [number, number, number][]> = {
  viridis: VIRIDIS,
  magma: [[0, 0, 4], [28, 16, 68], [79, 18, 123], [129, 37, 129], [181, 54, 122], [229, 80, 100], [251, 135, 97], [254, 194, 135], [252, 253, 191]],
  cividis: [[0, 34, 78], [35, 62, 108], [76, 85, 107], [109, 109, 113], [139, 134, 120], [172, 160, 116], [206, 188, 104], [240, 218, 81], [254, 232, 56]],
  greys: [[40, 40, 40], [255, 255, 255]],
  // Phase codes 1 electrolyte, 2 trapped gas, 3 gas not reached, over the range [1, 3].
  phase: [[74, 163, 255], [74, 163, 255], [255, 64, 140], [255, 64, 140], [140, 150, 165], [140, 150, 165]],
};

export type ColormapName = 'viridis' | 'magma' | 'cividis' | 'greys' | 'phase';
export const COLORMAP_NAMES: readonly ColormapName[] = ['viridis', 'magma', 'cividis', 'greys'];

/** The colour at t ∈ [0, 1] (clamped) of a named map; the phase map is stepwise, the others linear. */
export function colormap(name: ColormapName, t: number): [number, number, number] {
  const pts = MAPS[name];
  const v = Math.min(1, Math.max(0, t));
  if (name === 'phase') return pts[Math.min(pts.length - 1, Math.floor(v * pts.length))]!;
  const u = v * (pts.length - 1);
  const i = Math.min(pts.length - 2, Math.floor(u));
  const f = u - i;
  const a = pts[i]!;
  const b = pts[i + 1]!;
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** 256 RGBA texels of a map for the shader's lookup texture. */
export function colormapTable(name: ColormapName = 'viridis'): Uint8Array {
  const out = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = colormap(name, i / 255);
    out.set([Math.round(r), Math.round(g), Math.round(b), 255], 4 * i);
  }
  return out;
}

/** 256 RGBA texels of viridis. */
export function viridisTable(): Uint8Array {
  return colormapTable('viridis');
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
