/**
 * The reader's fast path for `samples` records, nearly every record of a long session's file.
 *
 * Checking one through BodyRecordSchema (valibot) costs about 0.6 µs per value: for a week's file
 * (6 M samples × 15 series) that was 3.6 s of a 15.5 s open, more than the inflating. This
 * accepts a record only when it is exactly what the schema accepts, in the current layout (every
 * series a column); anything else — another layout, a damaged record, anything unusual — returns
 * null and goes through the schema, which decides and names the problem. So it changes how fast a
 * file opens, never what opens, nor the messages (tested against the schema on random records).
 */
import { ENVELOPE_COUNT, SERIES_COUNT } from '../../../shared/run/sample';
import type { BodyRecord } from './records';

type SamplesRecord = Extract<BodyRecord, { t: 'samples' }>;

const KEYS = new Set(['t', 'run', 'columns', 'min', 'max', 'coalesced']);
/** RunId in records.ts. */
const MAX_RUN_ID = 200;

/** `json` as a samples record when it is certainly a valid one, else null (ask the schema). */
export function samplesRecordFast(json: unknown): SamplesRecord | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const r = json as Record<string, unknown>;
  if (r['t'] !== 'samples') return null;
  for (const key in r) if (!KEYS.has(key) || !Object.hasOwn(r, key)) return null;
  const run = r['run'];
  if (typeof run !== 'string' || run.length < 1 || run.length > MAX_RUN_ID) return null;
  const rows = columnsOf(r['columns'], SERIES_COUNT, -1);
  if (rows <= 0) return null;
  const hasMin = Object.hasOwn(r, 'min');
  if (hasMin !== Object.hasOwn(r, 'max')) return null;
  if (hasMin && (columnsOf(r['min'], ENVELOPE_COUNT, rows) < 0 || columnsOf(r['max'], ENVELOPE_COUNT, rows) < 0)) return null;
  if (Object.hasOwn(r, 'coalesced')) {
    const c = r['coalesced'];
    if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 0) return null;
  }
  return json as SamplesRecord;
}

/** Rows of `count` equal columns of finite numbers (each `rows` long, unless -1), or -1. */
function columnsOf(value: unknown, count: number, rows: number): number {
  if (!Array.isArray(value) || value.length !== count) return -1;
  let n = rows;
  for (const column of value as unknown[]) {
    if (!Array.isArray(column)) return -1;
    if (n < 0) n = column.length;
    else if (column.length !== n) return -1;
    for (let i = 0; i < column.length; i++) {
      const x: unknown = column[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) return -1;
    }
  }
  return n;
}
