import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, FileFormatError } from '../../src/errors.ts';
import type { CellView, Curve, FieldRef, FillView, Manifest, Parity, RunView, SnapshotStack, VolumeRef } from '../shared/protocol.ts';
import { DISCHARGE_FILE, parseDischargeFile } from '../../src/store/discharge-file.ts';
import { resolveInside } from './safe-path.ts';
import { gridHeader, isVolumeFile, type ReadOverrides } from './volume-source.ts';
import { readParity, readRuns } from './study.ts';

/**
 * Field files by role, matched on the name without extension: `fill` commands write
 * `arrival-time.*`, `fill-pressure.*`, `phase.*`; study runs keep `<model>_fill_pressure.raw`,
 * `<model>_phase.raw`, `volume.raw`. First match wins.
 */
const FRONT_FILES: { pattern: RegExp; name: string; unit: string }[] = [
  { pattern: /(^|[-_])arrival[-_]time$/i, name: 'arrival time', unit: 's' },
  { pattern: /(^|[-_])fill[-_]pressure$/i, name: 'fill pressure', unit: 'Pa' },
];
const PHASE_FILE = /(^|[-_])phase$/i;
const FIELD_EXT = ['.raw', '.tif', '.tiff', '.vti'];
const isFieldStem = (stem: string): boolean => PHASE_FILE.test(stem) || FRONT_FILES.some((f) => f.pattern.test(stem));

const toPosix = (p: string): string => p.split(path.sep).join('/');

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** The first file in `dir` whose name (without extension) matches, preferring .raw (fastest to read). */
function findFile(files: string[], pattern: RegExp): string | null {
  for (const ext of FIELD_EXT) {
    const hit = files.find((f) => path.extname(f).toLowerCase() === ext && pattern.test(path.basename(f, path.extname(f))));
    if (hit) return hit;
  }
  return null;
}

function labelFiles(files: string[]): string[] {
  // Hidden files (temporaries of a write in progress, dotfiles) are never offered: they are not served.
  return files.filter((f) => !f.startsWith('.') && isVolumeFile(f) && !isFieldStem(path.basename(f, path.extname(f)))).sort();
}

/**
 * What `root` holds (a fill output, a study, or volumes), for `/api/manifest`. `entry` is a file
 * the user named, if any; `read` (voxel size, grey-value map) applies to a named or lone volume
 * file, never to fill outputs and studies, which state their own.
 */
export async function describe(root: string, entry?: string, read: ReadOverrides = {}): Promise<Manifest> {
  const name = path.basename(entry ?? root);
  if (entry) return { kind: 'volume', name, volume: await volumeRef(root, entry, read) };
  if (await exists(path.join(root, 'study.duckdb'))) {
    const table = await readRuns(path.join(root, 'study.duckdb'));
    const runsWithFields = (await exists(path.join(root, 'fields'))) ? await readdir(path.join(root, 'fields')) : [];
    const parity = await findParity(root);
    // The trainer's rows carry no unit: take it from the study's columns table.
    for (const p of parity) if (!p.unit && table.units?.[p.output] && table.units[p.output] !== '1') p.unit = table.units[p.output]!;
    return { kind: 'study', name, study: { table, parity, runsWithFields: runsWithFields.sort() } };
  }
  // A cell output also has a result.json: its discharge file says what it is.
  if (await exists(path.join(root, DISCHARGE_FILE))) return { kind: 'cell', name, cell: await describeCell(root) };
  if (await exists(path.join(root, 'result.json'))) return { kind: 'fill', name, fill: await describeFill(root, '') };
  const volumes = labelFiles(await readdir(root));
  if (volumes.length === 0) throw new ConfigError('<path>', root, 'a volume (.raw, .tif, .vti), a fill output directory (result.json) or a study directory (study.duckdb)');
  return { kind: 'volume', name, volume: await volumeRef(root, volumes[0]!, read) };
}

async function volumeRef(root: string, rel: string, read: ReadOverrides = {}): Promise<VolumeRef> {
  const real = await resolveInside(root, rel.split('/').map(encodeURIComponent).join('/'));
  const h = await gridHeader(real, read);
  return { path: rel, shape: h.shape, voxelSize: h.voxelSize };
}

/**
 * A `mesolab cell -o` folder: `discharge.json` checked field by field (a bad file is refused naming
 * the field, never drawn wrong), the electrode `labels.*` and the wetting `phase.*` when present,
 * and the structure's scalars from `result.json`.
 */
export async function describeCell(root: string): Promise<CellView> {
  const file = path.join(root, DISCHARGE_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new FileFormatError(DISCHARGE_FILE, (e as Error).message, 'valid JSON');
  }
  const discharge = parseDischargeFile(raw);
  const files = (await readdir(root)).sort();
  const cell: CellView = { discharge, summary: {} };
  const labelFile = findFile(files, /^labels$/i);
  if (labelFile) cell.volume = await volumeRef(root, labelFile);
  const phaseFile = findFile(files, PHASE_FILE);
  if (phaseFile && labelFile) cell.phase = { path: phaseFile };
  if (await exists(path.join(root, 'result.json'))) {
    const result = JSON.parse(await readFile(path.join(root, 'result.json'), 'utf8')) as { structure?: Record<string, unknown> };
    if (result.structure && typeof result.structure === 'object') cell.summary = scalarSummary(result.structure);
  }
  return cell;
}

/** A fill output directory `rel` (relative to root, '' for root itself). */
export async function describeFill(root: string, rel: string): Promise<FillView> {
  const dir = path.join(root, rel);
  const join = (f: string): string => (rel ? `${rel}/${f}` : f);
  const result = (await exists(path.join(dir, 'result.json')))
    ? (JSON.parse(await readFile(path.join(dir, 'result.json'), 'utf8')) as Record<string, unknown>)
    : {};
  const files = (await readdir(dir)).sort();
  let front: FieldRef | undefined;
  for (const f of FRONT_FILES) {
    const file = findFile(files, f.pattern);
    if (file) {
      // Quasi-static imbibition (its default mode) fills as the capillary pressure falls.
      const descending = f.unit === 'Pa' && result.mode !== 'drainage';
      front = { path: join(file), name: f.name, unit: f.unit, order: descending ? 'descending' : 'ascending' };
      break;
    }
  }
  const phaseFile = findFile(files, PHASE_FILE);
  // `fill -o` copies its input structure in as labels.*; any other volume there is second choice.
  const labelFile = findFile(files, /^labels$/i) ?? labelFiles(files)[0];
  // Without a labelled volume beside the fields, the phase map still tells solid from pore.
  const volumeFile = labelFile ?? phaseFile ?? front?.path.slice(rel ? rel.length + 1 : 0);
  if (!volumeFile) throw new FileFormatError('<path>', dir, 'a fill output with a volume, arrival-time, fill-pressure or phase field beside result.json');
  const volume = await volumeRef(root, join(volumeFile));
  const fill: FillView = { volume, summary: scalarSummary(result) };
  if (!labelFile) fill.volumeIsPhaseMap = phaseFile !== null;
  if (front) fill.front = front;
  if (phaseFile) fill.phase = { path: join(phaseFile) };
  const curve = extractCurve(result);
  if (curve) fill.curve = curve;
  const snapshots = await readSnapshotIndex(dir, rel ? `${rel}/snapshots` : 'snapshots', volume.shape);
  if (snapshots) fill.snapshots = snapshots;
  return fill;
}

/**
 * `snapshots/index.json` as `fill --model lbm -o` writes it, checked against the volume's shape
 * and the stack's size so the page never slices past the file; absent → undefined.
 */
async function readSnapshotIndex(dir: string, relDir: string, shape: [number, number, number]): Promise<SnapshotStack | undefined> {
  const indexPath = path.join(dir, 'snapshots', 'index.json');
  if (!(await exists(indexPath))) return undefined;
  let index: { file?: unknown; dtype?: unknown; shape?: unknown; voxelSize?: unknown; frames?: unknown };
  try {
    index = JSON.parse(await readFile(indexPath, 'utf8')) as typeof index;
  } catch (e) {
    throw new FileFormatError(indexPath, (e as Error).message, 'valid JSON');
  }
  const file = typeof index.file === 'string' ? index.file : '';
  if (!file || file.includes('/') || file.includes('\\') || file.startsWith('.')) throw new FileFormatError(`${indexPath}: file`, index.file, 'a file name beside index.json');
  if (index.dtype !== 'uint8') throw new FileFormatError(`${indexPath}: dtype`, index.dtype, '"uint8"');
  const s = index.shape;
  if (!Array.isArray(s) || s.length !== 3 || s.some((v, i) => v !== shape[i])) throw new FileFormatError(`${indexPath}: shape`, JSON.stringify(s), `the volume's shape ${shape.join('×')}`);
  const frameBytes = shape[0] * shape[1] * shape[2];
  const size = (await stat(path.join(dir, 'snapshots', file))).size;
  const frames = Array.isArray(index.frames) ? (index.frames as { step?: unknown; t?: unknown; offset?: unknown }[]) : [];
  const out: SnapshotStack['frames'] = [];
  for (const [k, f] of frames.entries()) {
    const ok = typeof f.step === 'number' && typeof f.t === 'number' && typeof f.offset === 'number' && Number.isInteger(f.offset) && f.offset >= 0 && f.offset + frameBytes <= size;
    if (!ok) throw new FileFormatError(`${indexPath}: frames[${k}]`, JSON.stringify(f), `{step, t, offset} with offset + ${frameBytes} ≤ ${size} bytes`);
    out.push({ step: f.step as number, t: f.t as number, offset: f.offset as number });
  }
  if (out.length === 0) return undefined;
  return { path: `${relDir}/${file}`, shape, voxelSize: typeof index.voxelSize === 'number' ? index.voxelSize : 0, frames: out };
}

function scalarSummary(result: Record<string, unknown>): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const [k, v] of Object.entries(result)) {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
    // t50/t90/t95 are null when the fill never got that far: say so rather than drop the row.
    else if (v === null && /^t\d+$/.test(k)) out[k] = 'not reached';
  }
  return out;
}

const X_KEYS: [string, string][] = [
  ['t', 'time (s)'],
  ['time', 'time (s)'],
  ['pc', 'capillary pressure (Pa)'],
  ['Pc', 'capillary pressure (Pa)'],
  ['pressure', 'capillary pressure (Pa)'],
  ['step', 'step'],
];
const Y_KEYS = ['saturation', 'S', 'sw'];

/** The saturation curve of either filling model: lbm `curve:[{step,t,saturation}]`, quasi-static `pcCurve`. */
export function extractCurve(result: Record<string, unknown>): Curve | undefined {
  for (const key of ['curve', 'pcCurve', 'saturationCurve']) {
    const c = result[key];
    if (Array.isArray(c) && c.length > 0 && typeof c[0] === 'object' && c[0] !== null) {
      const rows = c as Record<string, unknown>[];
      const x = X_KEYS.find(([k]) => typeof rows[0]![k] === 'number');
      const y = Y_KEYS.find((k) => typeof rows[0]![k] === 'number');
      if (x && y) return { xLabel: x[1], yLabel: 'saturation (–)', x: rows.map((r) => Number(r[x[0]])), y: rows.map((r) => Number(r[y])) };
    }
    if (c && typeof c === 'object' && !Array.isArray(c)) {
      const o = c as Record<string, unknown>;
      const x = X_KEYS.find(([k]) => Array.isArray(o[k]));
      const y = Y_KEYS.find((k) => Array.isArray(o[k]));
      if (x && y) return { xLabel: x[1], yLabel: 'saturation (–)', x: (o[x[0]] as unknown[]).map(Number), y: (o[y] as unknown[]).map(Number) };
    }
  }
  return undefined;
}

/** A study run with fields under `fields/<runId>/`. */
export async function describeRun(root: string, runId: string): Promise<RunView> {
  const rel = `fields/${runId}`;
  await resolveInside(root, rel.split('/').map(encodeURIComponent).join('/'));
  const dir = path.join(root, rel);
  const files = await readdir(dir);
  const hasFill = files.includes('result.json') || files.some((f) => isVolumeFile(f) && isFieldStem(path.basename(f, path.extname(f))));
  if (hasFill) return { runId, fill: await describeFill(root, rel) };
  const vol = labelFiles(files)[0];
  if (!vol) throw new FileFormatError('run', runId, `a volume or fill fields under ${rel}`);
  return { runId, volume: await volumeRef(root, `${rel}/${vol}`) };
}

/** How deep under a study folder `parity.json` files are looked for: `surrogates/gpr/parity.json` is depth 3. */
const PARITY_DEPTH = 3;

/**
 * Parity data of surrogate models trained on this study: every `parity.json` in the study folder
 * or in folders up to PARITY_DEPTH levels under it (`models/gpr/`, `surrogates/gpr/` as
 * `npm start` writes it, `tau/`), never under `fields/` (one folder per run) or dot-folders. Each
 * entry carries the model folder it came from, so two models of one output stay apart.
 */
export async function findParity(root: string): Promise<Parity[]> {
  const files: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const d of entries) {
      if (d.isFile() && d.name === 'parity.json') files.push(path.join(dir, d.name));
    }
    if (depth >= PARITY_DEPTH) return;
    for (const d of entries) {
      if (!d.isDirectory() || d.name.startsWith('.') || d.name === 'node_modules' || (depth === 0 && d.name === 'fields')) continue;
      await walk(path.join(dir, d.name), depth + 1);
    }
  };
  await walk(root, 0);
  const perFile = await Promise.all(files.map(async (f) => ({ model: toPosix(path.relative(root, path.dirname(f))), parity: await readParity(f) })));
  const out: Parity[] = [];
  for (const { model, parity } of perFile) {
    for (const p of parity) {
      if (model) p.model = model;
      out.push(p);
    }
  }
  return out;
}

export { toPosix };
