/**
 * Numbers as the charts show them: bytes in binary units (pymalloc's sizes are powers of two),
 * counts with SI suffixes, durations in the largest sensible unit. The dashboard and the exports
 * share these so tick labels read the same on screen and on paper.
 */
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** A fixed-point number without trailing zeros: one rule for every label ("8M", "9.5 MiB", not "8.00M"). */
export function trimFixed(v: number, digits: number): string {
  const text = v.toFixed(digits);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const sign = n < 0 ? '−' : '';
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${sign}${u === 0 ? v.toFixed(0) : trimFixed(v, v < 10 ? 2 : 1)} ${BYTE_UNITS[u]}`;
}

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${trimFixed(n / 1e9, 2)}G`;
  if (abs >= 1e6) return `${trimFixed(n / 1e6, 2)}M`;
  if (abs >= 1e4) return `${trimFixed(n / 1e3, 1)}k`;
  return String(Math.round(n));
}

/** An exact count for a table: thousands separated ("1,048,576"). */
export function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString('en-US');
}

/** "1 arena", "2 arenas", "1,024 pools": a count with its noun in the right number. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatInteger(n)} ${n === 1 ? singular : pluralForm}`;
}

/**
 * A sample value as a CSV cell: integers as they are, fractions (wall_ms) to the microsecond —
 * what a clock reports, not the float's noise ("17.646", not "17.64629600000012").
 */
export function csvNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/** A value in the unit its series is measured in. */
export function formatValue(unit: string, n: number): string {
  switch (unit) {
    case 'bytes':
      return formatBytes(n);
    case 'ms':
      return formatDuration(n);
    default:
      return formatCount(n);
  }
}

/** A signed difference in a unit ("+1.00 MiB", "−3", "0"). */
export function formatDelta(unit: string, n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n === 0) return '0';
  const text = formatValue(unit, Math.abs(n));
  return `${n > 0 ? '+' : '−'}${text}`;
}
