import { FileFormatError } from '../errors.ts';

/** TIFF ResolutionUnit values (TIFF 6.0, tag 296). */
export const RESOLUTION_UNIT = { none: 1, inch: 2, centimetre: 3 } as const;

/** What the first page says about physical size. Resolutions are pixels per unit, as stored. */
export interface ResolutionTags {
  xResolution?: number;
  yResolution?: number;
  resolutionUnit?: number;
  description?: string;
}

/** Key=value lines of an ImageJ ImageDescription ("ImageJ=1.54f\nimages=64\nunit=micron\n..."); undefined for other descriptions. */
export function parseImageJDescription(description: string | undefined): Map<string, string> | undefined {
  if (!description || !description.startsWith('ImageJ=')) return undefined;
  const props = new Map<string, string>();
  for (const line of description.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) props.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return props;
}

/** Metres per ImageJ length unit; undefined for "pixel", blank or anything not a length. */
export function imageJUnitLength(unit: string | undefined): number | undefined {
  if (unit === undefined) return undefined;
  // ImageJ escapes µ as \u00B5 in its description because Java Properties files are Latin-1.
  const u = unit.replace(/\\u00b5/gi, 'µ').replace(/\\u03bc/gi, 'µ').replace('μ', 'µ').toLowerCase();
  const table: Record<string, number> = {
    micron: 1e-6,
    microns: 1e-6,
    um: 1e-6,
    'µm': 1e-6,
    micrometer: 1e-6,
    micrometre: 1e-6,
    nm: 1e-9,
    nanometer: 1e-9,
    mm: 1e-3,
    millimeter: 1e-3,
    cm: 1e-2,
    m: 1,
    meter: 1,
    metre: 1,
    inch: 0.0254,
  };
  return table[u];
}

export interface PhysicalSpacing {
  x: number | undefined;
  y: number | undefined;
  z: number | undefined;
  /** An exact value written by mesolab itself, which wins over everything rounded into tags. */
  exact: number | undefined;
}

/**
 * Voxel spacing in metres from resolution tags and an ImageJ description, read the way ImageJ
 * reads them: with an ImageJ length unit, XResolution is pixels per that unit, except that
 * ResolutionUnit=centimetre with unit=um means pixels per centimetre (ImageJ's own conversion);
 * without one, ResolutionUnit (centimetre or inch) gives the unit. ImageJ's uncalibrated
 * default (no unit or "pixel") is unknown, never 1 m.
 */
export function physicalSpacing(tags: ResolutionTags): PhysicalSpacing {
  const props = parseImageJDescription(tags.description);
  const exactText = props?.get('mesolab_voxel_size_m');
  const exact = exactText !== undefined && Number.isFinite(Number(exactText)) && Number(exactText) > 0 ? Number(exactText) : undefined;
  const dsUnit = props?.get('unit');
  const dsLength = imageJUnitLength(dsUnit);
  const resUnit = tags.resolutionUnit ?? RESOLUTION_UNIT.inch;

  let unitPerPixel: number | undefined;
  if (dsLength !== undefined) {
    const normalised = dsUnit!.toLowerCase();
    unitPerPixel = resUnit === RESOLUTION_UNIT.centimetre && normalised === 'um' ? 0.01 : dsLength;
  } else if (!props || dsUnit === undefined) {
    // Not calibrated by ImageJ: the TIFF tags alone decide.
    if (resUnit === RESOLUTION_UNIT.centimetre) unitPerPixel = 0.01;
    else if (resUnit === RESOLUTION_UNIT.inch) unitPerPixel = 0.0254;
  }

  const fromRes = (res: number | undefined): number | undefined =>
    unitPerPixel !== undefined && res !== undefined && Number.isFinite(res) && res > 0 ? unitPerPixel / res : undefined;
  const x = fromRes(tags.xResolution);
  const y = fromRes(tags.yResolution) ?? x;
  const spacingText = props?.get('spacing');
  const z =
    spacingText !== undefined && dsLength !== undefined && Number(spacingText) > 0 ? Number(spacingText) * dsLength : undefined;
  return { x, y, z, exact };
}

/**
 * One voxel size for the whole volume, or undefined if the file does not state it. mesolab
 * volumes have cubic voxels, so a file with different x, y and z spacing is refused rather than
 * silently resampled.
 */
export function cubicVoxelSize(s: PhysicalSpacing, file: string): number | undefined {
  if (s.exact !== undefined) return s.exact;
  if (s.x === undefined) return undefined;
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-4 * Math.max(a, b);
  const parts = [s.y, s.z].filter((v): v is number => v !== undefined);
  if (parts.some((v) => !close(v, s.x!))) {
    const um = (v: number | undefined): string => (v === undefined ? '?' : (v * 1e6).toPrecision(6));
    throw new FileFormatError(
      'voxelSize',
      file,
      'cubic voxels (equal x, y and z spacing)',
      `the file says x ${um(s.x)} µm, y ${um(s.y)} µm, z ${um(s.z)} µm; resample it, or pass --voxel-size to use one size`,
    );
  }
  return s.x;
}

/** The closest fraction num/den to x with both below 2^32, for TIFF RATIONAL tags. */
export function toRational(x: number): [number, number] {
  const max = 0xffffffff;
  if (!(x > 0) || !Number.isFinite(x)) return [0, 1];
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let v = x;
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(v);
    const h2 = a * h1 + h0;
    const k2 = a * k1 + k0;
    if (h2 > max || k2 > max) break;
    [h0, h1, k0, k1] = [h1, h2, k1, k2];
    const frac = v - a;
    if (frac < 1e-12) break;
    v = 1 / frac;
  }
  return k1 === 0 ? [Math.min(Math.round(x), max), 1] : [h1, k1];
}
