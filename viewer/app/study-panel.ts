import type { Parity, StudyTable } from '../shared/protocol.ts';
import { drawParity, formatNumber } from './plots.ts';
import { showRateCapability } from './rate-capability.ts';
import { DISCHARGE_CURVES_COLUMN } from '../../src/study/cell-columns.ts';

/**
 * Columns shown at first: the run id, status, every input and output; bookkeeping columns (seeds,
 * timings, versions) wait in the column chooser, as do the cell stage's discharge curves (JSON text,
 * drawn under the rate capability instead). A study without roles shows everything.
 */
export function defaultVisibleColumns(table: StudyTable): boolean[] {
  const roles = table.roles;
  if (!roles) return table.columns.map(() => true);
  return table.columns.map((c) => c !== DISCHARGE_CURVES_COLUMN && (c === table.idColumn || c === 'status' || roles[c] === 'input' || roles[c] === 'output'));
}

/** The runs table (click a header to sort, click a run with fields to open it), its column chooser and the parity plot. */
export function showStudy(
  table: StudyTable,
  parity: Parity[],
  runsWithFields: string[],
  openRun: (runId: string) => void,
): void {
  const el = document.getElementById('runs') as HTMLTableElement;
  document.getElementById('study')!.hidden = false;
  document.getElementById('study-count')!.textContent = `(${table.rows.length})`;
  const withFields = new Set(runsWithFields);
  const idCol = table.idColumn ? table.columns.indexOf(table.idColumn) : -1;
  let sortCol = -1;
  let ascending = true;
  let selected: string | null = null;
  const visible = defaultVisibleColumns(table);
  const header = (c: string): string => (table.units?.[c] && table.units[c] !== '1' ? `${c} (${table.units[c]})` : c);

  const render = (): void => {
    const rows = [...table.rows];
    if (sortCol >= 0) {
      rows.sort((a, b) => {
        const x = a[sortCol];
        const y = b[sortCol];
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return ascending ? c : -c;
      });
    }
    const shown = table.columns.map((_, i) => i).filter((i) => visible[i]);
    const head = shown.map((i) => `<th data-col="${i}" class="role-${table.roles?.[table.columns[i]!] ?? 'any'}">${escapeHtml(header(table.columns[i]!))}${i === sortCol ? (ascending ? ' ▲' : ' ▼') : ''}</th>`).join('');
    const body = rows
      .map((r) => {
        const id = idCol >= 0 ? String(r[idCol]) : '';
        const cls = [withFields.has(id) ? 'has-fields' : '', id === selected ? 'selected' : ''].join(' ');
        const cells = shown.map((i) => r[i]).map((v) => `<td>${escapeHtml(typeof v === 'number' ? formatNumber(v) : String(v ?? ''))}</td>`).join('');
        return `<tr class="${cls}" data-run="${escapeHtml(id)}">${cells}</tr>`;
      })
      .join('');
    el.innerHTML = `<thead><tr>${head}</tr></thead><tbody>${body}</tbody>`;
  };
  el.addEventListener('click', (ev) => {
    const th = (ev.target as HTMLElement).closest('th');
    if (th) {
      const col = Number(th.dataset.col);
      ascending = col === sortCol ? !ascending : true;
      sortCol = col;
      render();
      return;
    }
    const tr = (ev.target as HTMLElement).closest('tr');
    const id = tr?.dataset.run;
    // Any run's rate capability (cell stage), whether or not it kept fields to open.
    const row = id !== undefined && idCol >= 0 ? table.rows.findIndex((r) => String(r[idCol]) === id) : -1;
    if (row >= 0) showRateCapability(table, row);
    if (id && withFields.has(id)) {
      selected = id;
      render();
      openRun(id);
    }
  });
  buildColumnChooser(table, visible, header, render);
  render();
  if (table.rows.length > 0) showRateCapability(table, 0);

  if (parity.length > 0) {
    document.getElementById('parity-wrap')!.hidden = false;
    const select = document.getElementById('parity-output') as HTMLSelectElement;
    select.innerHTML = parity.map((p, i) => `<option value="${i}">${escapeHtml(p.model ? `${p.output} · ${p.model}` : p.output)}</option>`).join('');
    const canvas = document.getElementById('parity') as HTMLCanvasElement;
    const draw = (): void => drawParity(canvas, parity[Number(select.value)]!);
    select.addEventListener('change', draw);
    draw();
  }
}

/** Checkboxes per column, grouped by role, that show or hide it in the table. */
function buildColumnChooser(table: StudyTable, visible: boolean[], header: (c: string) => string, render: () => void): void {
  const host = document.getElementById('column-chooser') as HTMLDetailsElement;
  const summary = (): string => `columns: ${visible.filter((v) => v).length} of ${table.columns.length} shown`;
  const groups: [string, number[]][] = table.roles
    ? (['input', 'output', 'meta'] as const).map((role) => [role === 'meta' ? 'bookkeeping' : `${role}s`, table.columns.map((_, i) => i).filter((i) => (table.roles![table.columns[i]!] ?? 'meta') === role)])
    : [['columns', table.columns.map((_, i) => i)]];
  host.innerHTML = `<summary>${summary()}</summary>${groups
    .filter(([, idx]) => idx.length > 0)
    .map(([name, idx]) => `<div class="chooser-group"><b>${name}</b>${idx.map((i) => `<label><input type="checkbox" data-choose-col="${i}" ${visible[i] ? 'checked' : ''}/> ${escapeHtml(header(table.columns[i]!))}</label>`).join('')}</div>`)
    .join('')}`;
  host.addEventListener('input', (ev) => {
    const box = ev.target as HTMLInputElement;
    const i = Number(box.dataset.chooseCol);
    if (!Number.isInteger(i)) return;
    visible[i] = box.checked;
    host.querySelector('summary')!.textContent = summary();
    render();
  });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
