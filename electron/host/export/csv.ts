/**
 * A run's samples as CSV: a header naming each column with its unit in brackets
 * (`arena_bytes (bytes)`), then one row per sample in SERIES order (docs/exports.md lists them).
 * Integers without a decimal point, no thousands separators; fractions (wall_ms) to three decimals.
 */
import { csvNumber } from '../../../shared/charts/format';
import { SERIES } from '../../../shared/run/sample';
import type { SeriesStore } from '../../../shared/series';

/** The header line (without its newline). */
export function csvHeader(): string {
  return SERIES.map((s) => `${s.key} (${s.unit})`).join(',');
}

/** Rows are built in slices, so a run of millions of samples never holds more than one slice of text twice. */
const SLICE = 65_536;

export function* csvChunks(store: SeriesStore, runId: string): Generator<string> {
  yield `${csvHeader()}\n`;
  const n = store.stats(runId).samples;
  for (let start = 0; start < n; start += SLICE) {
    const cols = store.read(runId, start, start + SLICE);
    const rows = cols[0]!.length;
    const lines = new Array<string>(rows);
    for (let i = 0; i < rows; i++) {
      let line = csvNumber(cols[0]![i]!);
      // The SERIES values: a run's envelope columns (after them) are not exported.
      for (let k = 1; k < SERIES.length; k++) line += `,${csvNumber(cols[k]![i]!)}`;
      lines[i] = line;
    }
    yield `${lines.join('\n')}\n`;
  }
}

export function toCsv(store: SeriesStore, runId: string): string {
  return [...csvChunks(store, runId)].join('');
}
