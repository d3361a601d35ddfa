import type { Parity, StudyTable } from '../shared/protocol.ts';
import { drawParity, formatNumber } from './plots.ts';

/** The runs table (click a header to sort, click a run with fields to open it) and the parity plot. */
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
    const head = table.columns.map((c, i) => `<th data-col="${i}">${escapeHtml(c)}${i === sortCol ? (ascending ? ' ▲' : ' ▼') : ''}</th>`).join('');
    const body = rows
      .map((r) => {
        const id = idCol >= 0 ? String(r[idCol]) : '';
        const cls = [withFields.has(id) ? 'has-fields' : '', id === selected ? 'selected' : ''].join(' ');
        const cells = r.map((v) => `<td>${escapeHtml(typeof v === 'number' ? formatNumber(v) : String(v ?? ''))}</td>`).join('');
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
    if (id && withFields.has(id)) {
      selected = id;
      render();
      openRun(id);
    }
  });
  render();

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

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
