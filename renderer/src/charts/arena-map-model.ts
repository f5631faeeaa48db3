/**
 * The arena occupancy map's geometry and colours (pure; drawing is in arena-map-draw.ts): one row
 * per arena, one cell per pool, coloured by state and fill.
 * Pool codes are DetailSnapshot's: −1 never carved, 0 empty, 1…100 percent of blocks in use.
 */
import type { DetailSnapshot } from '../../../shared/protocol/bridge';

export const CELL = 7;
export const GAP = 1;
/**
 * Rows drawn at most (16,000 px of canvas in a scrolling box). A heap with more arenas is drawn
 * whole all the same: each row then stands for several consecutive arenas, each cell the mean fill
 * of that pool position over them.
 */
export const MAX_ROWS = 2000;

/** One row of the map: one arena, or `count` consecutive arenas averaged. */
export interface MapRow {
  /** Index in `detail.arenas` of the row's first arena. */
  first: number;
  count: number;
  /** Per pool position: the fill code (the mean over the row's arenas that carved it; −1 when none did). */
  codes: number[];
  /** Per pool position: the size class, −1 when none or when the row's arenas differ. */
  szidx: number[];
}

export interface MapLayout {
  rows: MapRow[];
  /** Arenas per row (1 up to MAX_ROWS arenas). */
  perRow: number;
  width: number;
  height: number;
}

export function mapLayout(detail: DetailSnapshot): MapLayout {
  const n = detail.arenas.length;
  const perRow = Math.max(1, Math.ceil(n / MAX_ROWS));
  let cols = 0;
  for (const a of detail.arenas) cols = Math.max(cols, a.pools.length);
  const rows: MapRow[] = [];
  for (let first = 0; first < n; first += perRow) {
    const count = Math.min(perRow, n - first);
    if (count === 1) {
      const a = detail.arenas[first]!;
      rows.push({ first, count, codes: a.pools, szidx: a.szidx });
      continue;
    }
    const codes: number[] = [];
    const szidx: number[] = [];
    for (let p = 0; p < cols; p++) {
      let sum = 0;
      let carved = 0;
      let cls = -2;
      for (let i = first; i < first + count; i++) {
        const code = detail.arenas[i]!.pools[p] ?? -1;
        if (code < 0) continue;
        sum += code;
        carved++;
        const c = detail.arenas[i]!.szidx[p] ?? -1;
        cls = cls === -2 || cls === c ? c : -1;
      }
      // A mean is 0 or 100 only when every pool is: empty and full keep their meaning.
      const mean = carved === 0 ? -1 : sum / carved;
      codes.push(mean < 0 ? -1 : mean > 0 && mean < 1 ? 1 : mean > 99 && mean < 100 ? 99 : Math.round(mean));
      szidx.push(cls < 0 ? -1 : cls);
    }
    rows.push({ first, count, codes, szidx });
  }
  return { rows, perRow, width: cols * (CELL + GAP) + GAP, height: rows.length * (CELL + GAP) + GAP };
}

/** The row and pool position under a point of the map (CSS pixels from its top left), or null. */
export function cellAt(layout: MapLayout, x: number, y: number): { row: number; pool: number } | null {
  const row = Math.floor((y - GAP / 2) / (CELL + GAP));
  const pool = Math.floor((x - GAP / 2) / (CELL + GAP));
  if (row < 0 || row >= layout.rows.length || pool < 0 || pool >= layout.rows[row]!.codes.length) return null;
  return { row, pool };
}

/** What the hover line says of a cell: the pool, and the arena (or arenas) it belongs to. */
export function describeCell(detail: DetailSnapshot, layout: MapLayout, at: { row: number; pool: number }): string {
  const r = layout.rows[at.row]!;
  const code = r.codes[at.pool]!;
  const cls = r.szidx[at.pool]!;
  const blockSize = cls >= 0 ? detail.classes.blockSize[cls] : undefined;
  const state = code < 0 ? 'never carved' : code === 0 ? 'empty' : code >= 100 ? 'full: every block in use' : `${code} % of its blocks in use`;
  const klass = cls >= 0 ? `class ${cls}${blockSize !== undefined ? ` (${blockSize}-byte blocks)` : ''}, ` : '';
  if (r.count === 1) {
    const a = detail.arenas[r.first]!;
    const t = poolCounts(a.pools);
    return `arena slot ${a.slot}, pool ${at.pool + 1} of ${a.totalPools}: ${code < 0 ? state : klass + state} · this arena: ${t.full} full, ${t.used} used, ${t.empty} empty, ${t.untouched} never carved`;
  }
  const from = detail.arenas[r.first]!.slot;
  const to = detail.arenas[r.first + r.count - 1]!.slot;
  return `arena slots ${from}–${to} (${r.count} arenas), pool ${at.pool + 1}: ${code < 0 ? 'never carved in any' : `${klass}mean fill ${code} %`}`;
}

function poolCounts(pools: readonly number[]): { full: number; used: number; empty: number; untouched: number } {
  const t = { full: 0, used: 0, empty: 0, untouched: 0 };
  for (const c of pools) {
    if (c < 0) t.untouched++;
    else if (c === 0) t.empty++;
    else if (c >= 100) t.full++;
    else t.used++;
  }
  return t;
}

export interface MapColors {
  uncarved: string;
  empty: string;
  /** Hue of used pools; fill sets the lightness. */
  usedHue: number;
  full: string;
}

export function cellColor(code: number, colors: MapColors): string | null {
  if (code < 0) return null; // never carved: outline only
  if (code === 0) return colors.empty;
  if (code >= 100) return colors.full;
  // 1% → light, 99% → dark: fuller pools look heavier.
  const lightness = Math.round(80 - (code / 100) * 45);
  return `hsl(${colors.usedHue} 65% ${lightness}%)`;
}

/** The counts under the map. */
export function mapSummary(detail: DetailSnapshot): { arenas: number; carved: number; empty: number; full: number } {
  let carved = 0;
  let empty = 0;
  let full = 0;
  for (const a of detail.arenas) {
    for (const code of a.pools) {
      if (code < 0) continue;
      carved++;
      if (code === 0) empty++;
      else if (code >= 100) full++;
    }
  }
  return { arenas: detail.arenas.length, carved, empty, full };
}
