/**
 * Colours of the app, in one place: one per series, one per run in an overlay, and each theme's
 * palette, from which the dashboard sets its CSS custom properties (`--bg`, `--text` …) and its
 * canvas drawings take their colours, and the exports draw their charts, so that an exported chart
 * looks like the one on screen.
 */

import { type ChartedKey, isChartedKey } from './definitions';

/** Colours per series; readable on both themes. */
export const SERIES_COLORS: Readonly<Record<ChartedKey, string>> = {
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
  pinned_bytes: '#e64980',
  rss_bytes: '#495057',
};

/** Runs in an overlay take these in turn. */
export const RUN_COLORS: readonly string[] = ['#d9480f', '#1c7ed6', '#2b8a3e', '#9c36b5', '#f59f00', '#0ca678', '#e64980', '#495057'];

export function colorFor(key: string): string {
  return isChartedKey(key) ? SERIES_COLORS[key] : '#868e96';
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

/** One theme's colours: the page (renderer/src/style.css uses them as `var(--bg)` …) and its canvases. */
export interface Palette {
  /** The page behind the panels. */
  bg: string;
  /** Panels, and a chart's background. */
  surface: string;
  text: string;
  muted: string;
  border: string;
  grid: string;
  /** A selected row. */
  selected: string;
  /** The selected time on a chart. */
  accent: string;
  error: string;
  errorBg: string;
  ok: string;
  /** The primary button, and the overview's selected window. */
  primary: string;
  /** Text on `primary`. */
  onPrimary: string;
  /** Arena map cells: a carved pool with no block, and a full pool (partly used ones lie between). */
  mapEmpty: string;
  mapFull: string;
}

export const PALETTES: Readonly<Record<ThemeName, Readonly<Palette>>> = {
  light: {
    bg: '#f8f9fa',
    surface: '#ffffff',
    text: '#212529',
    muted: '#6c757d',
    border: '#dee2e6',
    grid: '#e9ecef',
    selected: '#e7f1ff',
    accent: '#e03131',
    error: '#c92a2a',
    errorBg: '#fff0f0',
    ok: '#2b8a3e',
    primary: '#1c7ed6',
    onPrimary: '#ffffff',
    mapEmpty: '#cfe3f7',
    mapFull: '#a33a0b',
  },
  dark: {
    bg: '#16181c',
    surface: '#1f2227',
    text: '#e9ecef',
    muted: '#9aa3ad',
    border: '#3a3f47',
    grid: '#2c3036',
    selected: '#23344d',
    accent: '#ff6b6b',
    error: '#ff8787',
    errorBg: '#3b1f22',
    ok: '#69db7c',
    primary: '#1c7ed6',
    onPrimary: '#ffffff',
    mapEmpty: '#2f4f6f',
    mapFull: '#ff8a4c',
  },
};

/** The palette as CSS custom properties: `errorBg` → `['--error-bg', '#fff0f0']`. */
export function cssVariables(palette: Readonly<Palette>): [string, string][] {
  return Object.entries(palette).map(([name, value]) => [`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, value]);
}

/** The colours a chart is drawn with, besides its series. */
export interface ChartTheme {
  /** Behind the chart (the panel's surface colour). */
  background: string;
  text: string;
  muted: string;
  grid: string;
  /** The selected time. */
  accent: string;
  /** A report's figures that grew (error) and shrank (ok) against the baseline run. */
  error: string;
  ok: string;
}

function chartTheme(p: Readonly<Palette>): ChartTheme {
  return { background: p.surface, text: p.text, muted: p.muted, grid: p.grid, accent: p.accent, error: p.error, ok: p.ok };
}

export const THEMES: Readonly<Record<ThemeName, ChartTheme>> = { light: chartTheme(PALETTES.light), dark: chartTheme(PALETTES.dark) };

/** The font stack of the page and of exported charts. */
export const CHART_FONT = 'system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Arial, sans-serif';
