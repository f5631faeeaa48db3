/**
 * Colours of the charts, shared by the dashboard and the exports so that an exported chart looks
 * like the one on screen: one colour per series, one per run in an overlay, and the two themes'
 * page colours (the same values as renderer/src/style.css).
 */

/** Colours per series; readable on both themes. */
export const SERIES_COLORS: Readonly<Record<string, string>> = {
  arena_bytes: '#d9480f',
  pool_bytes: '#1c7ed6',
  block_bytes: '#2b8a3e',
  requested_bytes: '#9c36b5',
  arenas: '#d9480f',
  pools_used: '#1c7ed6',
  pools_full: '#2b8a3e',
  pools_empty: '#f59f00',
  large_bytes: '#868e96',
  arenas_highwater: '#1c7ed6',
  arenas_allocated_total: '#2b8a3e',
  arenas_reclaimed: '#9c36b5',
};

/** Runs in an overlay take these in turn. */
export const RUN_COLORS: readonly string[] = ['#d9480f', '#1c7ed6', '#2b8a3e', '#9c36b5', '#f59f00', '#0ca678', '#e64980', '#495057'];

export function colorFor(key: string): string {
  return SERIES_COLORS[key] ?? '#868e96';
}

export function runColor(index: number): string {
  return RUN_COLORS[((index % RUN_COLORS.length) + RUN_COLORS.length) % RUN_COLORS.length]!;
}

/** `#rrggbb` with an alpha, for a band's fill. */
export function withAlpha(hex: string, alpha: number): string {
  const a = Math.round(Math.max(0, Math.min(1, alpha)) * 255)
    .toString(16)
    .padStart(2, '0');
  return `${hex}${a}`;
}

/** Opacity of the fill between a band's minima and maxima. */
export const BAND_FILL_ALPHA = 0.25;
/** Width of a band's edges, in CSS pixels. */
export const BAND_LINE_WIDTH = 1.25;

export type ThemeName = 'light' | 'dark';

/** The colours a chart is drawn with, besides its series. */
export interface ChartTheme {
  /** Behind the chart (the panel's surface colour). */
  background: string;
  text: string;
  muted: string;
  grid: string;
  /** The selected time. */
  accent: string;
}

export const THEMES: Readonly<Record<ThemeName, ChartTheme>> = {
  light: { background: '#ffffff', text: '#212529', muted: '#6c757d', grid: '#e9ecef', accent: '#e03131' },
  dark: { background: '#1f2227', text: '#e9ecef', muted: '#9aa3ad', grid: '#2c3036', accent: '#ff6b6b' },
};

/** The font stack of the page and of exported charts. */
export const CHART_FONT = 'system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Arial, sans-serif';
