import type { CellView, Curve, FillView, SnapshotStack, VolumeRef } from '../shared/protocol.ts';
import { showCellPanel, structureRows, type CellPlotProbe } from './cell-panel.ts';
import { fetchField, fetchFile, fetchLabels, fetchManifest, fetchRun } from './api.ts';
import { runLive, stopLive } from './live/live-client.ts';
import type { LiveModel } from './live/fill-worker.ts';
import { liveSubVolume } from './live/sub-volume.ts';
import { meshPhases } from './mesh/mesh-client.ts';
import { drawColorbar, drawCurve, formatNumber, niceTicks } from './plots.ts';
import { COLORMAP_NAMES } from './colormap.ts';
import type { ColormapName } from './colormap.ts';
import { OrthoSlices } from './slices.ts';
import { showStudy } from './study-panel.ts';
import { summaryRows } from './summary-table.ts';
import { VolumeView } from './volume-view.ts';
import { frontBandWidth, sortedFrontValues } from './front-band.ts';
import type { PhaseStyle } from './volume-view.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

interface Front {
  data: Float32Array;
  range: [number, number];
  name: string;
  unit: string;
  order: 'ascending' | 'descending';
  /** Finite pore values, ascending, for the front band (computed on first use). */
  sorted?: Float32Array;
}

interface State {
  labels: Uint8Array | null;
  shape: [number, number, number];
  voxelSize: number;
  front: Front | null;
  phase: Uint8Array | null;
  curve: Curve | null;
  time: number;
  /** The structure as loaded: live runs cut their sub-volume from it, not from a previous sub-volume. */
  loaded: { labels: Uint8Array; shape: [number, number, number]; voxelSize: number } | null;
  /** The LBM snapshot stack of a fill output, and the arrival-time front it stands in for while played. */
  snapshots: { stack: Uint8Array; meta: SnapshotStack; shown: number; arrivalFront: Front | null } | null;
}

/** What tests and the benchmark read from the page. */
interface ViewerProbe {
  ready: boolean;
  error: string | null;
  liveFrames: number;
  liveBackend: string | null;
  liveDone: boolean;
  /** The study run shown, once it has fully loaded. */
  openedRun: string | null;
  /** Longest main-thread task seen (ms), from the Long Tasks API where the browser has it. */
  longestTaskMs: number;
  /** Every long task (> 50 ms): start and duration, ms since page start. */
  longTasks: [number, number][];
  /** Triangles of the surfaces last meshed for the shown volume (0 before any). */
  meshedTriangles: number;
  /** The saturation the curve's marker reads at the slider (null without a marker). */
  curveMarker: number | null;
  /** The front value (s or Pa) the slider stands at. */
  time: number;
  /** The voxel the value probe last described, and what it said. */
  lastProbe: { voxel: [number, number, number]; text: string } | null;
  /** The discharge curves drawn for a cell output: ends in mAh/cm² and V, and in canvas pixels. */
  cellPlot: CellPlotProbe | null;
  view: VolumeView;
}

const PHASES: { label: number; name: string; style: PhaseStyle }[] = [
  { label: 1, name: 'active material', style: { visible: true, color: '#9ba7b4', opacity: 1 } },
  { label: 2, name: 'carbon-binder', style: { visible: true, color: '#d08a3c', opacity: 1 } },
  { label: 0, name: 'pore (gas)', style: { visible: false, color: '#5a7a9a', opacity: 0.08 } },
];

const view = new VolumeView($<HTMLCanvasElement>('view3d'), {
  axisLabels: $('axis-labels'),
  scaleBar: $('scalebar-bar'),
  scaleLabel: $('scalebar-label'),
  axisTicks: $('axis-ticks'),
});
const probe: ViewerProbe = { ready: false, error: null, liveFrames: 0, liveBackend: null, liveDone: false, openedRun: null, longestTaskMs: 0, longTasks: [], meshedTriangles: 0, curveMarker: null, time: 0, lastProbe: null, cellPlot: null, view };
(window as unknown as { __viewer: ViewerProbe }).__viewer = probe;

if (PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      probe.longestTaskMs = Math.max(probe.longestTaskMs, e.duration);
      probe.longTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
    }
  }).observe({ type: 'longtask', buffered: true });
}

const state: State = { labels: null, shape: [1, 1, 1], voxelSize: 1e-6, front: null, phase: null, curve: null, time: 0, loaded: null, snapshots: null };
const slices = new OrthoSlices($('slices'), (axis, index) => view.setSlice(axis, index));

function fail(e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  probe.error = msg;
  const el = $('message');
  el.hidden = false;
  el.textContent = msg;
}

// ---- phases, clip plane ----
function buildPhaseControls(): void {
  const host = $('phase-controls');
  host.innerHTML = '';
  for (const p of PHASES) {
    const row = document.createElement('div');
    row.className = 'phase';
    row.innerHTML = `<input type="checkbox" ${p.style.visible ? 'checked' : ''} data-phase-toggle="${p.label}" title="show ${p.name}">
      <span data-phase-name="${p.label}">${p.name}</span><input type="color" value="${p.style.color}" title="colour">
      <input type="range" min="0" max="100" value="${Math.round(p.style.opacity * 100)}" title="opacity">`;
    const [toggle, color, opacity] = row.querySelectorAll('input');
    const apply = (): void => {
      p.style.visible = toggle!.checked;
      p.style.color = color!.value;
      p.style.opacity = Number(opacity!.value) / 100;
      view.setPhase(p.label, p.style);
      redrawSlices();
      showPhaseLegend();
    };
    for (const el of [toggle, color, opacity]) el!.addEventListener('input', apply);
    host.append(row);
    view.setPhase(p.label, p.style);
  }
}

/** The clip position in µm of the volume shown now (a live sub-volume has its own size). */
function updateClipLabel(): void {
  const a = Number($<HTMLSelectElement>('clip-axis').value);
  const f = Number($<HTMLInputElement>('clip-pos').value) / 1000;
  $('clip-out').textContent = `${(f * state.shape[a]! * state.voxelSize * 1e6).toFixed(1)} µm`;
}

function bindClip(): void {
  const axis = $<HTMLSelectElement>('clip-axis');
  const pos = $<HTMLInputElement>('clip-pos');
  const apply = (): void => {
    view.setClip(Number(axis.value), Number(pos.value) / 1000);
    updateClipLabel();
  };
  axis.addEventListener('input', apply);
  pos.addEventListener('input', apply);
  apply();
}

/** Width (field units) of the front band at the slider, 0 when the band is switched off. */
function currentBand(): number {
  const f = state.front;
  if (!f || !state.labels || f.name === PHASE_FIELD || !$<HTMLInputElement>('show-front').checked) return 0;
  f.sorted ??= sortedFrontValues(f.data, state.labels);
  return frontBandWidth(f.sorted, state.time, f.order);
}

function redrawSlices(): void {
  if (!state.labels) return;
  const colors = [0, 1, 2].map((l) => PHASES.find((p) => p.label === l)!.style.color);
  slices.setSource(
    {
      shape: state.shape,
      labels: state.labels,
      colors,
      ...(state.front ? { front: { data: state.front.data, time: state.time, range: display(state.front).range, order: state.front.order, band: currentBand(), colormap: display(state.front).colormap } } : {}),
      ...(state.phase ? { phase: state.phase } : {}),
    },
    state.voxelSize * 1e6,
  );
}

// ---- value probe ----
/** True when the shown labels were derived from a phase map (solid vs pore only). */
let labelsFromPhaseMap = false;
const LABEL_NAMES: Record<number, string> = { 0: 'pore', 1: 'active material', 2: 'carbon-binder' };
const PHASE_NAMES: Record<number, string> = { 0: 'solid', 1: 'electrolyte', 2: 'trapped gas', 3: 'gas not reached' };

/** Position (µm, voxel centre), label and field values of one voxel, in words. */
function describeVoxel([x, y, z]: [number, number, number]): string {
  const [nx, ny] = state.shape;
  const i = x + nx * (y + ny * z);
  const um = (n: number): string => ((n + 0.5) * state.voxelSize * 1e6).toFixed(2);
  const parts = [`x ${um(x)}, y ${um(y)}, z ${um(z)} µm (voxel ${x}, ${y}, ${z})`];
  const lab = state.labels?.[i] ?? 0;
  parts.push(labelsFromPhaseMap ? (lab === 0 ? 'pore' : 'solid') : (LABEL_NAMES[lab] ?? `label ${lab}`));
  const f = state.front;
  if (f && lab === 0) {
    const v = f.data[i]!;
    parts.push(Number.isFinite(v) ? `${f.name} ${formatNumber(v)} ${f.unit}` : `${f.name}: never reached`);
  }
  if (state.phase && lab === 0) parts.push(`phase: ${PHASE_NAMES[state.phase[i]!] ?? state.phase[i]}`);
  return parts.join(' · ');
}

function showProbe(voxel: [number, number, number] | null): void {
  const el = $('probe-readout');
  if (!voxel || !state.labels) {
    el.hidden = true;
    return;
  }
  const text = describeVoxel(voxel);
  el.hidden = false;
  el.textContent = text;
  probe.lastProbe = { voxel, text };
}

function bindProbe(): void {
  slices.onHover = showProbe;
  const canvas = $<HTMLCanvasElement>('view3d');
  let pending: PointerEvent | null = null;
  // Hover with no button pressed (dragging orbits), at most once a frame; a click probes at once.
  canvas.addEventListener('pointermove', (e) => {
    if (e.buttons !== 0) return;
    if (!pending) requestAnimationFrame(() => {
      if (pending) showProbe(view.pick(pending.offsetX, pending.offsetY));
      pending = null;
    });
    pending = e;
  });
  canvas.addEventListener('click', (e) => showProbe(view.pick(e.offsetX, e.offsetY)));
  canvas.addEventListener('pointerleave', () => {
    pending = null;
    showProbe(null);
  });
}

// ---- surfaces ----
const meshing = { ms: 0, triangles: 0, labels: null as Uint8Array | null };
const modeSelect = $<HTMLSelectElement>('render-mode');

/** Meshes AM and CBD in the worker (once per volume) and shows them; voxel mode shows the raymarch. */
async function applyRenderMode(): Promise<void> {
  const status = $('mesh-status');
  $('colorbar').hidden = !state.front || modeSelect.value === 'surfaces';
  showPhaseLegend();
  if (modeSelect.value !== 'surfaces' || !state.labels) {
    view.setSurfaces(null);
    status.textContent = '';
    return;
  }
  const labels = state.labels;
  if (meshing.labels !== labels) {
    status.textContent = 'meshing…';
    const names: Record<number, string> = { 1: 'active material', 2: 'carbon-binder' };
    const result = await meshPhases(labels, state.shape, [1, 2], (label, f) => {
      status.textContent = `meshing ${names[label]}: ${Math.round(100 * f)} %`;
    });
    // A newer volume may have arrived while this one was meshing.
    if (state.labels !== labels || modeSelect.value !== 'surfaces') return;
    view.setSurfaces(result.meshes);
    meshing.ms = result.ms;
    meshing.labels = labels;
    meshing.triangles = view.surfaceTriangles();
  }
  status.textContent = `surfaces: ${meshing.triangles.toLocaleString('en')} triangles, meshed in ${meshing.ms.toFixed(0)} ms in a worker · wetting shows in voxel mode`;
  probe.meshedTriangles = meshing.triangles;
}

// ---- wetting ----
function frontRange(data: Float32Array, labels: Uint8Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (labels[i] === 0 && Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return Number.isFinite(lo) ? [lo, hi > lo ? hi : lo + 1] : [0, 1];
}

const timeSlider = $<HTMLInputElement>('time');
function sliderTime(): number {
  const f = state.front;
  if (!f) return 0;
  // The slider runs forward in filling order: up in time, down in imbibition pressure.
  const u = Number(timeSlider.value) / 1000;
  return f.order === 'ascending' ? f.range[0] + (f.range[1] - f.range[0]) * u : f.range[1] - (f.range[1] - f.range[0]) * u;
}

const useSnapshots = $<HTMLInputElement>('use-snapshots');

/**
 * Snapshot k as a front the view thresholds: 1 − φ on pore voxels (solid 0), shown at time ½, so
 * the electrolyte is where φ ≥ ½ and its colour gives φ.
 */
function snapshotFront(k: number): Front {
  const s = state.snapshots!;
  const n = state.labels!.length;
  const bytes = s.stack.subarray(s.meta.frames[k]!.offset, s.meta.frames[k]!.offset + n);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = state.labels![i] === 0 ? 1 - bytes[i]! / 255 : 0;
  return { data, range: [0, 1], name: 'gas fraction 1 − φ', unit: '–', order: 'ascending' };
}

function showSnapshot(): void {
  const s = state.snapshots!;
  const k = Math.round((Number(timeSlider.value) / 1000) * (s.meta.frames.length - 1));
  if (k !== s.shown) {
    s.shown = k;
    const f = snapshotFront(k);
    state.front = f;
    view.setFront(f.data, f.range, f.order);
    applyDisplay();
  }
  state.time = 0.5;
  view.setTime(0.5);
  view.setFrontBand(currentBand());
  const frame = s.meta.frames[k]!;
  let sum = 0;
  let pores = 0;
  const n = state.labels!.length;
  for (let i = 0; i < n; i++) {
    if (state.labels![i] !== 0) continue;
    pores++;
    sum += s.stack[frame.offset + i]! / 255;
  }
  $('time-out').textContent = `snapshot ${k + 1}/${s.meta.frames.length} · step ${frame.step} · t = ${formatNumber(frame.t)} s · saturation ${(pores ? sum / pores : 0).toFixed(3)}`;
  if (state.curve) probe.curveMarker = drawCurve($<HTMLCanvasElement>('curve'), state.curve, frame.t);
  redrawSlices();
}

function showTime(): void {
  if (state.snapshots && useSnapshots.checked) {
    showSnapshot();
    return;
  }
  const f = state.front;
  if (!f) return;
  state.time = sliderTime();
  probe.time = state.time;
  view.setTime(state.time);
  view.setFrontBand(currentBand());
  const rel = f.order === 'ascending' ? '≤' : '≥';
  $('time-out').textContent = f.unit === 'step' ? `${f.name} ${Math.floor(state.time)}` : `${f.name} ${rel} ${formatNumber(state.time)} ${f.unit}`;
  if (state.curve) probe.curveMarker = drawCurve($<HTMLCanvasElement>('curve'), state.curve, state.time);
  redrawSlices();
}

// ---- colour map, colour range and field per field ----
const PHASE_FIELD = 'phase';
/** What the user chose for each field (by name): kept when switching fields or frames. */
const displays = new Map<string, { colormap?: ColormapName; range?: [number, number] }>();

/** The colour map and the values at its ends for a field: the user's choice, else the field's own. */
function display(f: Front): { colormap: ColormapName; range: [number, number] } {
  const d = displays.get(f.name);
  return { colormap: d?.colormap ?? (f.name === PHASE_FIELD ? 'phase' : 'viridis'), range: d?.range ?? f.range };
}

/** Pushes the shown field's colour map and range to the 3D view, the slices, the colour bar and the controls. */
function applyDisplay(): void {
  const f = state.front;
  if (f) {
    const d = display(f);
    view.setColormap(d.colormap);
    view.setColorRange(d.range, f.order);
    $<HTMLSelectElement>('colormap').value = d.colormap === 'phase' ? '' : d.colormap;
    $<HTMLSelectElement>('colormap').disabled = d.colormap === 'phase';
    $<HTMLInputElement>('range-min').value = String(Number(d.range[0].toPrecision(4)));
    $<HTMLInputElement>('range-max').value = String(Number(d.range[1].toPrecision(4)));
    $('range-unit').textContent = f.unit;
  }
  showColorbar(f);
  redrawSlices();
}

function bindDisplayControls(): void {
  const select = $<HTMLSelectElement>('colormap');
  select.innerHTML = COLORMAP_NAMES.map((n) => `<option value="${n}">${n}</option>`).join('');
  select.addEventListener('input', () => {
    const f = state.front;
    if (!f) return;
    displays.set(f.name, { ...displays.get(f.name), colormap: select.value as ColormapName });
    applyDisplay();
  });
  const applyRange = (): void => {
    const f = state.front;
    if (!f) return;
    const lo = Number($<HTMLInputElement>('range-min').value);
    const hi = Number($<HTMLInputElement>('range-max').value);
    const err = $('range-error');
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) {
      err.textContent = `colour range of ${f.name}: got ${$<HTMLInputElement>('range-min').value} to ${$<HTMLInputElement>('range-max').value} ${f.unit}; expected two numbers, the first below the second`;
      return;
    }
    err.textContent = '';
    displays.set(f.name, { ...displays.get(f.name), range: [lo, hi] });
    applyDisplay();
  };
  $('range-min').addEventListener('change', applyRange);
  $('range-max').addEventListener('change', applyRange);
  $('range-auto').addEventListener('click', () => {
    const f = state.front;
    if (!f) return;
    const { range: _r, ...rest } = displays.get(f.name) ?? {};
    displays.set(f.name, rest);
    $('range-error').textContent = '';
    applyDisplay();
  });
  $<HTMLSelectElement>('field').addEventListener('input', () => showField($<HTMLSelectElement>('field').value));
}

/** The fields a fill output offers: its front (arrival time or fill pressure), its phase map, the labels alone. */
const fields: { front: Front | null; phase: Front | null } = { front: null, phase: null };

function offerFields(front: Front | null, phase: Uint8Array | null, labels: Uint8Array): void {
  fields.front = front;
  fields.phase = null;
  if (phase) {
    // Phase codes on pore voxels (1 electrolyte, 2 trapped gas, 3 not reached), shown all at once.
    const data = new Float32Array(phase.length);
    for (let i = 0; i < data.length; i++) data[i] = labels[i] === 0 && phase[i]! > 0 ? phase[i]! : Infinity;
    fields.phase = { data, range: [1, 3], name: PHASE_FIELD, unit: 'code', order: 'ascending' };
  }
  const options: [string, string][] = [];
  if (front) options.push(['front', front.name]);
  if (fields.phase) options.push(['phase', 'phase (electrolyte / trapped / not reached)']);
  options.push(['labels', 'labels only (no field)']);
  const select = $<HTMLSelectElement>('field');
  select.innerHTML = options.map(([v, t]) => `<option value="${v}">${t}</option>`).join('');
  $('field-section').hidden = false;
}

function showField(which: string): void {
  const f = which === 'front' ? fields.front : which === 'phase' ? fields.phase : null;
  const isPhase = which === 'phase';
  timeSlider.disabled = isPhase;
  $<HTMLButtonElement>('play').disabled = isPhase;
  if (isPhase) timeSlider.value = '1000';
  setFront(f);
  $('colour-controls').hidden = !f;
}

/**
 * The colour key of the phases, shown wherever no field colour bar is (labels only, surfaces mode,
 * a structure without a fill): every mode has a key to what its colours mean. Swatches follow the
 * phase controls' colours; hidden phases are left out.
 */
function showPhaseLegend(): void {
  const legend = $('phase-legend');
  legend.hidden = !$('colorbar').hidden || !state.labels;
  if (legend.hidden) return;
  const rows = PHASES.filter((p) => p.style.visible).map((p) => `<div><span class="swatch" style="background:${p.style.color}"></span>${$('phase-controls').querySelector(`[data-phase-name="${p.label}"]`)?.textContent ?? p.name}</div>`);
  const note = modeSelect.value === 'surfaces' && state.front ? '<div class="note">wetting shows in voxel mode</div>' : '';
  legend.innerHTML = `<div class="title">phase</div>${rows.join('')}${note}`;
}

function showColorbar(f: Front | null): void {
  $('colorbar').hidden = !f || modeSelect.value === 'surfaces';
  showPhaseLegend();
  if (!f) return;
  const notes = [$<HTMLInputElement>('show-front').checked ? '<span class="swatch front"></span>front' : '', state.phase && $<HTMLInputElement>('show-trapped').checked ? '<span class="swatch trapped"></span>trapped gas' : '']
    .filter((n) => n)
    .join(' ');
  $('colorbar-note').innerHTML = notes;
  $('colorbar-title').textContent = `${f.name} (${f.unit})`;
  const d = display(f);
  const [lo, hi] = d.range;
  drawColorbar($<HTMLCanvasElement>('colorbar-canvas'), f.order === 'descending', d.colormap);
  const ticks: [number, string][] = f.name === PHASE_FIELD ? [[1.33, 'electrolyte'], [2, 'trapped gas'], [2.67, 'not reached']] : niceTicks(lo, hi, 5).map((t) => [t, formatNumber(t)]);
  $('colorbar-ticks').innerHTML = ticks.map(([t, text]) => `<span style="top:${(1 - (t - lo) / (hi - lo)) * 160}px">${text}</span>`).join('');
}

function setFront(f: Front | null): void {
  state.front = f;
  $('wetting-section').hidden = !f;
  view.setFront(f?.data ?? null, f?.range ?? [0, 1], f?.order ?? 'ascending');
  applyDisplay();
  if (f) showTime();
}

function setCurve(c: Curve | null): void {
  state.curve = c;
  $('curve-panel').hidden = !c;
  if (c) {
    $('curve-title').textContent = `${c.yLabel.replace(/ \(.*\)$/, '')} vs ${c.xLabel}`;
    drawCurve($<HTMLCanvasElement>('curve'), c, state.front ? state.time : null);
  }
}

let playing = false;
function bindWetting(): void {
  timeSlider.addEventListener('input', showTime);
  useSnapshots.addEventListener('input', () => {
    const s = state.snapshots;
    if (!s) return;
    s.shown = -1;
    if (useSnapshots.checked) {
      showTime();
    } else if (s.arrivalFront) setFront(s.arrivalFront);
    else {
      setFront(null);
      $('wetting-section').hidden = false;
    }
  });
  $<HTMLInputElement>('show-trapped').addEventListener('input', (e) => {
    view.setShowTrapped((e.target as HTMLInputElement).checked);
    showColorbar(state.front);
  });
  $<HTMLInputElement>('show-front').addEventListener('input', (e) => {
    view.setFrontBand(currentBand());
    showColorbar(state.front);
    redrawSlices();
  });
  $<HTMLInputElement>('electrolyte-opacity').addEventListener('input', (e) =>
    view.setElectrolyteOpacity(Number((e.target as HTMLInputElement).value) / 100),
  );
  const play = $('play');
  play.addEventListener('click', () => {
    playing = !playing;
    play.textContent = playing ? '❚❚ pause' : '▶ play';
    if (!playing) return;
    if (Number(timeSlider.value) >= 1000) timeSlider.value = '0';
    let last = performance.now();
    const tick = (now: number): void => {
      if (!playing) return;
      // A full sweep of the front takes about 8 s whatever the frame rate.
      const v = Math.min(1000, Number(timeSlider.value) + ((now - last) / 8000) * 1000);
      last = now;
      timeSlider.value = String(v);
      showTime();
      if (v >= 1000) {
        playing = false;
        play.textContent = '▶ play';
        return;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

// ---- loading ----
async function loadVolume(ref: VolumeRef, phaseMap = false): Promise<void> {
  const { grid, labels } = await fetchLabels(ref.path);
  performance.mark('mesolab:labels-fetched');
  state.shape = grid.shape;
  state.voxelSize = grid.voxelSize;
  // A phase map (0 solid, 1-3 pore) stands in for labels when a fill output has none.
  state.labels = phaseMap ? labels.map((p) => (p === 0 ? 1 : 0)) : labels;
  labelsFromPhaseMap = phaseMap;
  $('field-section').hidden = true;
  timeSlider.disabled = false;
  state.phase = phaseMap ? labels : null;
  state.loaded = { labels: state.labels, shape: grid.shape, voxelSize: grid.voxelSize };
  clearSnapshots();
  view.setVolume(state.labels, grid.shape, grid.voxelSize);
  view.setPhaseMap(state.phase);
  showTrappedControl();
  updateClipLabel();
  probe.meshedTriangles = 0;
  void applyRenderMode().catch(fail);
  // A phase map cannot tell active material from binder: call the solid what it is.
  $('phase-controls').querySelector('[data-phase-name="1"]')!.textContent = phaseMap ? 'solid' : 'active material';
  $('dataset-info').textContent = gridInfo(grid.shape, grid.voxelSize);
}

function gridInfo(shape: [number, number, number], voxelSize: number): string {
  const [nx, ny, nz] = shape;
  const um = (n: number): string => (n * voxelSize * 1e6).toFixed(1);
  return `${nx}×${ny}×${nz} voxels · ${um(nx)}×${um(ny)}×${um(nz)} µm · voxel ${(voxelSize * 1e6).toPrecision(3)} µm`;
}

async function loadFill(fill: FillView): Promise<void> {
  await loadVolume(fill.volume, fill.volumeIsPhaseMap === true);
  if (fill.phase && !fill.volumeIsPhaseMap) {
    const { labels: phase } = await fetchLabels(fill.phase.path);
    state.phase = phase;
    view.setPhaseMap(phase);
    showTrappedControl();
  }
  if (fill.front) {
    const { data } = await fetchField(fill.front.path);
    performance.mark('mesolab:front-fetched');
    setFront({ data, range: frontRange(data, state.labels!), name: fill.front.name, unit: fill.front.unit, order: fill.front.order });
  } else setFront(null);
  offerFields(state.front, state.phase, state.labels!);
  setCurve(fill.curve ?? null);
  await loadSnapshots(fill);
  showSummary(fill.summary);
}

/** Trapped gas is known only from a phase map (quasi-static filling); without one the control goes. */
function showTrappedControl(): void {
  $('trapped-row').hidden = !state.phase;
}

function showSummary(summary: Record<string, number | string | boolean>): void {
  const table = $<HTMLTableElement>('wetting-summary');
  table.innerHTML = '';
  for (const [label, value] of summaryRows(summary)) {
    const tr = table.insertRow();
    tr.insertCell().textContent = label;
    tr.insertCell().textContent = value;
  }
}

function clearSnapshots(): void {
  state.snapshots = null;
  useSnapshots.checked = false;
  $('snapshot-row').hidden = true;
}

/** The LBM snapshot stack, when the fill output has one whose grid is the shown volume's. */
async function loadSnapshots(fill: FillView): Promise<void> {
  clearSnapshots();
  const meta = fill.snapshots;
  const usable = meta && state.labels && meta.shape.every((v, i) => v === state.shape[i]);
  $('snapshot-row').hidden = !usable;
  if (!usable) return;
  const stack = await fetchFile(meta.path);
  state.snapshots = { stack, meta, shown: -1, arrivalFront: state.front };
  // Without an arrival-time field the snapshots are the only wetting there is: show them.
  if (!state.front) {
    $('wetting-section').hidden = false;
    useSnapshots.checked = true;
    timeSlider.value = '1000';
    showTime();
  }
}

/** A `mesolab cell` output: the discharge panel, and the electrode with its wetting when the folder has them. */
async function loadCell(cell: CellView): Promise<void> {
  if (cell.volume) await loadVolume(cell.volume);
  else {
    // Curves without the electrode (a folder of discharge.json alone): no empty 3D box, say why.
    for (const id of ['view3d', 'scalebar', 'slices-panel']) $(id).hidden = true;
    $('dataset-info').textContent = 'discharge curves only: no labels.raw (the electrode) in this folder';
  }
  if (cell.volume && cell.phase) {
    const { labels: phase } = await fetchLabels(cell.phase.path);
    state.phase = phase;
    view.setPhaseMap(phase);
    showTrappedControl();
  }
  probe.cellPlot = showCellPanel(cell.discharge);
  const table = $<HTMLTableElement>('cell-structure');
  table.innerHTML = '';
  for (const [label, value] of structureRows(cell.summary)) {
    const tr = table.insertRow();
    tr.insertCell().textContent = label;
    tr.insertCell().textContent = value;
  }
}

async function openRun(runId: string): Promise<void> {
  try {
    const run = await fetchRun(runId);
    $('dataset-name').textContent = `${manifestName} · run ${runId}`;
    if (run.fill) await loadFill(run.fill);
    else if (run.volume) {
      await loadVolume(run.volume);
      setFront(null);
      setCurve(null);
    }
    probe.openedRun = runId;
  } catch (e) {
    fail(e);
  }
}

// ---- live simulation ----
let liveRunning = false;
const numberInput = (id: string): number => Number($<HTMLInputElement>(id).value);

/**
 * Shows the sub-volume a live run works on in place of the loaded structure (the run's frames are
 * on its grid); a later run cuts its sub-volume from the loaded structure again.
 */
function showLiveSubVolume(edge: number): { labels: Uint8Array; shape: [number, number, number]; voxelSize: number } {
  const src = state.loaded!;
  const sub = liveSubVolume(src.labels, src.shape, src.voxelSize, edge);
  clearSnapshots();
  state.labels = sub.labels;
  $('field-section').hidden = true;
  timeSlider.disabled = false;
  state.shape = sub.shape;
  state.voxelSize = sub.voxelSize;
  state.phase = null;
  view.setVolume(sub.labels, sub.shape, sub.voxelSize);
  view.setPhaseMap(null);
  showTrappedControl();
  updateClipLabel();
  setFront(null);
  void applyRenderMode().catch(fail);
  const how = [sub.factor > 1 ? `${sub.factor}× coarser` : '', Math.ceil(src.shape[0] / sub.factor) > sub.shape[0] || Math.ceil(src.shape[1] / sub.factor) > sub.shape[1] ? `cropped at x,y = ${sub.origin[0]},${sub.origin[1]}` : '']
    .filter((s) => s)
    .join(', ');
  $('wetting-summary').innerHTML = '';
  $('dataset-info').textContent = `live sub-volume${how ? ` (${how})` : ''}: ${gridInfo(sub.shape, sub.voxelSize)}`;
  $('live-gave-up').textContent = sub.gaveUp.length > 0 ? `left out: ${sub.gaveUp.join('; ')}` : '';
  return sub;
}

function bindLive(): void {
  const button = $<HTMLButtonElement>('simulate');
  const status = $('live-status');
  button.addEventListener('click', async () => {
    if (liveRunning) {
      await stopLive();
      return;
    }
    if (!state.loaded) return;
    liveRunning = true;
    probe.liveDone = false;
    probe.liveFrames = 0;
    button.textContent = 'stop';
    const model = $<HTMLSelectElement>('live-model').value as LiveModel;
    const modelName = model === 'lbm' ? 'LBM (two-component Shan–Chen, D3Q19)' : 'wetting-front automaton (fallback, no physics: no viscosity, no trapping)';
    const sub = showLiveSubVolume(Number($<HTMLSelectElement>('live-size').value));
    const liveCurve: Curve = { xLabel: model === 'lbm' ? 'time (s)' : 'automaton step', yLabel: 'saturation (–)', x: [], y: [] };
    status.textContent = `${modelName}: starting the worker…`;
    const maxSteps = Math.max(1, Math.round(numberInput('live-steps')));
    // Rate and ETA from the frames after the first, so worker start-up and kernel compilation do not count.
    let first: { step: number; at: number } | null = null;
    try {
      const result = await runLive(
        {
          model,
          labels: sub.labels.slice(),
          shape: sub.shape,
          voxelSize: sub.voxelSize,
          backend: $<HTMLInputElement>('live-cpu').checked ? 'cpu' : 'auto',
          maxSteps,
          stepsPerFrame: Math.max(1, Math.round(numberInput('live-every'))),
          contactAngle: { am: numberInput('live-angle-am'), cbd: numberInput('live-angle-cbd') },
          inletPressure: 0,
        },
        (f) => {
          probe.liveFrames++;
          probe.liveBackend = f.backend;
          liveCurve.x.push(f.t);
          liveCurve.y.push(f.saturation);
          const lbm = model === 'lbm';
          // The first frame is at t = 0; the range must still be an interval.
          const end = lbm ? Math.max(f.t, 1e-12) : Math.max(2, f.step);
          setFront({ data: f.arrival, range: [lbm ? 0 : 1, end], name: lbm ? 'LBM arrival time' : 'automaton step', unit: lbm ? 's' : 'step', order: 'ascending' });
          timeSlider.value = '1000';
          showTime();
          setCurve(liveCurve);
          const when = lbm ? ` · t = ${formatNumber(f.t)} s` : '';
          status.innerHTML = '';
          const now = performance.now();
          first ??= { step: f.step, at: now };
          const rate = now > first.at ? ((f.step - first.step) * 1000) / (now - first.at) : 0;
          const eta = rate > 0 ? ` · ${rate.toFixed(1)} steps/s · ETA ${formatDuration((maxSteps - f.step) / rate)}` : '';
          status.append(`${modelName} · ${f.backend} · frame ${probe.liveFrames} · step ${f.step} of ${maxSteps}${when} · saturation ${f.saturation.toFixed(3)}${eta}`);
          if (f.fallback) {
            const w = document.createElement('div');
            w.className = 'warn';
            w.textContent = `⚠ ${f.fallback}`;
            status.append(w);
          }
        },
      );
      probe.liveBackend = result.backend;
      const [lx, ly, lz] = result.latticeShape;
      const line = document.createElement('div');
      line.textContent = `done: ${result.steps} steps, ${result.stepsPerSecond.toFixed(1)} steps/s on ${lx}×${ly}×${lz} ${model === 'lbm' ? 'lattice nodes' : 'cells'} (device ${result.stepSeconds.toFixed(1)} s, frames ${result.deliverSeconds.toFixed(1)} s) · ran on ${result.backend}`;
      status.append(line);
    } catch (e) {
      fail(e);
      status.append(` · failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      liveRunning = false;
      probe.liveDone = true;
      button.textContent = 'simulate here';
    }
  });
}

/** "45 s", "3 min 20 s", "1 h 5 min". */
function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

// ---- export, stats ----
function bindExport(): void {
  $('screenshot').addEventListener('click', () => {
    const a = document.createElement('a');
    a.href = view.screenshot();
    a.download = `${manifestName || 'mesolab'}-view.png`;
    a.click();
  });
}

function startStats(): void {
  $('measure').addEventListener('click', () => {
    const times = view.measureOrbit(12).sort((a, b) => a - b);
    view.stats.frameMs = times[times.length >> 1]!;
  });
  const gl = view.renderer.getContext();
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const rendererName = ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : String(gl.getParameter(gl.RENDERER));
  $('renderer-info').textContent = `${gl instanceof WebGL2RenderingContext ? 'WebGL2' : 'WebGL'} · ${rendererName}`;
  const table = $('stats');
  setInterval(() => {
    const s = view.stats;
    const rows: [string, string][] = [
      ['rendering', modeSelect.value === 'surfaces' ? 'surface nets meshes' : 'raymarched 3D texture'],
      ['texture build + upload', `${s.uploadMs.toFixed(1)} ms`],
      ['meshing', meshing.ms ? `${meshing.ms.toFixed(0)} ms (worker)` : 'none (raymarched)'],
      ['frame (GPU, measured)', s.frameMs ? `${s.frameMs.toFixed(1)} ms` : '–'],
      ['while orbiting', state.labels && state.labels.length >= view.lodVoxels ? '½ resolution, 2× raymarch step' : 'full quality'],
      ['fps', s.fps.toFixed(1)],
      ['frames', String(s.frames)],
      ['longest block', probe.longestTaskMs ? `${probe.longestTaskMs.toFixed(0)} ms` : '–'],
      ['voxels', state.labels ? state.labels.length.toLocaleString('en') : '–'],
    ];
    table.innerHTML = rows.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join('');
  }, 500);
}

let manifestName = '';
async function boot(): Promise<void> {
  buildPhaseControls();
  modeSelect.addEventListener('input', () => void applyRenderMode().catch(fail));
  bindClip();
  bindWetting();
  bindLive();
  bindProbe();
  bindDisplayControls();
  bindExport();
  startStats();
  performance.mark('mesolab:boot');
  const [manifest] = await Promise.all([fetchManifest(), view.compile()]);
  performance.mark('mesolab:compiled');
  manifestName = manifest.name;
  $('dataset-name').textContent = manifest.name;
  document.title = `${manifest.name} · mesolab viewer`;
  if (manifest.kind === 'fill' && manifest.fill) await loadFill(manifest.fill);
  else if (manifest.kind === 'volume' && manifest.volume) await loadVolume(manifest.volume);
  else if (manifest.kind === 'cell' && manifest.cell) await loadCell(manifest.cell);
  else if (manifest.kind === 'study' && manifest.study) {
    const s = manifest.study;
    showStudy(s.table, s.parity, s.runsWithFields, (id) => void openRun(id));
    const first = s.runsWithFields[0];
    if (first) await openRun(first);
  }
  performance.mark('mesolab:loaded');
  // The helpers (axes, outlines) made with the volume compile here too, off the main thread.
  await view.compile();
  performance.mark('mesolab:helpers-compiled');
  bindClip();
  redrawSlices();
  view.render();
  performance.mark('mesolab:first-frame');
  probe.ready = true;
}

boot().catch(fail);
