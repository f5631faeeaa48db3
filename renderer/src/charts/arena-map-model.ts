/**
 * The arena occupancy map's geometry and colours (pure; drawing is in arena-map-draw.ts): one row
 * per arena, one cell per pool, coloured by state and fill.
 * Pool codes are DetailSnapshot's: −1 never carved, 0 empty, 1…100 percent of blocks in use.
 */
import type { DetailSnapshot } from '../../../shared/protocol/bridge';

export const CELL = 7;
export const GAP = 1;
/** Rows drawn at most; a run with more arenas says how many were left out. */
export const MAX_ROWS = 600;

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

export function mapSize(detail: DetailSnapshot): { width: number; height: number; rows: number } {
  const rows = Math.min(MAX_ROWS, detail.arenas.length);
  let cols = 0;
  for (const a of detail.arenas) cols = Math.max(cols, a.pools.length);
  return { width: cols * (CELL + GAP) + GAP, height: rows * (CELL + GAP) + GAP, rows };
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
