/**
 * What the viewer server tells the page about the directory it serves. Plain JSON; binary arrays
 * travel separately (`/api/labels/<path>` as Uint8 labels, `/api/field/<path>` as Float32 values,
 * little-endian, x fastest) so a 128³ volume is 2 MiB on the wire, not a JSON array.
 */
import type { DischargeFile } from '../../src/store/discharge-file.ts';

export type { DischargeFile };

export type DatasetKind = 'volume' | 'fill' | 'study' | 'cell';

export interface VolumeRef {
  /** Path relative to the served root, for `/api/labels/<path>`. */
  path: string;
  shape: [number, number, number];
  /** Metres. */
  voxelSize: number;
}

export interface FieldRef {
  path: string;
  /** e.g. "arrival time" */
  name: string;
  /** e.g. "s" or "Pa" */
  unit: string;
  /**
   * The order in which voxels fill: ascending for arrival time and drainage pressure, descending
   * for imbibition, where the capillary pressure falls as ever larger pores fill.
   */
  order: 'ascending' | 'descending';
}

export interface Curve {
  xLabel: string;
  yLabel: string;
  x: number[];
  y: number[];
}

export interface FillView {
  volume: VolumeRef;
  /** Arrival time (s, +Inf = never) or fill pressure (Pa): thresholded by the time slider. */
  front?: FieldRef;
  /** Phase map: 0 solid, 1 electrolyte, 2 trapped gas, 3 unreached gas (Uint8, via /api/labels). */
  phase?: { path: string };
  curve?: Curve;
  /** True when no labelled volume was found and `volume` is the phase map (0 solid, 1-3 pore). */
  volumeIsPhaseMap?: boolean;
  /** LBM electrolyte-fraction snapshots (`snapshots/index.json`), played by the time slider on request. */
  snapshots?: SnapshotStack;
  /** The scalar parts of result.json, shown as a table. */
  summary: Record<string, number | string | boolean>;
}

/**
 * One uint8 file of frames (electrolyte fraction × 255, solid 0), each x fastest then y then z,
 * frames one after another; fetched whole from `/files/<path>`.
 */
export interface SnapshotStack {
  path: string;
  shape: [number, number, number];
  voxelSize: number;
  frames: { step: number; t: number; offset: number }[];
}

export interface StudyTable {
  columns: string[];
  rows: (number | string | boolean | null)[][];
  /** Column holding the run id, used to open `fields/<run_id>/`. */
  idColumn: string | null;
  /** Role of each column from the study's `columns` table (absent when the study has none). */
  roles?: Record<string, 'input' | 'output' | 'meta'>;
  /** Unit of each column that has one. */
  units?: Record<string, string>;
}

export interface Parity {
  output: string;
  unit: string;
  simulated: number[];
  predicted: number[];
  /** Predictive standard deviation per point (output units), drawn as ±1.96σ error bars. */
  std?: number[];
  /** The model folder the file came from, relative to the study (e.g. "surrogates/gpr"). */
  model?: string;
  runIds?: string[];
}

/** A `mesolab cell -o` folder: its discharge curves, and the electrode (and wetting) they came from. */
export interface CellView {
  discharge: DischargeFile;
  /** `labels.*` beside the curves, when the folder has it. */
  volume?: VolumeRef;
  /** The filling's phase map the cell was wetted by (0 solid, 1 electrolyte, 2 trapped, 3 unreached). */
  phase?: { path: string };
  /** The structure's scalars from result.json, shown as a table. */
  summary: Record<string, number | string | boolean>;
}

export interface Manifest {
  kind: DatasetKind;
  /** Base name of what was given, for the title. */
  name: string;
  volume?: VolumeRef;
  fill?: FillView;
  study?: { table: StudyTable; parity: Parity[]; runsWithFields: string[] };
  cell?: CellView;
}

/** Everything the page needs about one run of a study, fetched on click. */
export interface RunView {
  runId: string;
  fill?: FillView;
  volume?: VolumeRef;
}
