/**
 * The reader's fast path for samples records never accepts what the schema refuses (nor changes a
 * record it accepts), and does take every plainly valid record of the current layout.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { samplesRecordFast } from '../../../../electron/host/session/samples-fast';
import { BodyRecordSchema } from '../../../../electron/host/session/records';
import { ENVELOPE_COUNT, LEGACY_SERIES_KEYS, SERIES_COUNT } from '../../../../shared/run/sample';

/** Plainly valid records of the current layout. */
const validRecord = fc
  .record({
    run: fc.string({ minLength: 1, maxLength: 200 }),
    rows: fc.integer({ min: 1, max: 5 }),
    envelope: fc.boolean(),
    coalesced: fc.option(fc.nat(), { nil: undefined }),
  })
  .chain((p) => {
    const col = fc.array(fc.integer(), { minLength: p.rows, maxLength: p.rows });
    return fc
      .record({
        columns: fc.array(col, { minLength: SERIES_COUNT, maxLength: SERIES_COUNT }),
        min: fc.array(col, { minLength: ENVELOPE_COUNT, maxLength: ENVELOPE_COUNT }),
        max: fc.array(col, { minLength: ENVELOPE_COUNT, maxLength: ENVELOPE_COUNT }),
      })
      .map((c) => ({
        t: 'samples',
        run: p.run,
        columns: c.columns,
        ...(p.envelope && { min: c.min, max: c.max }),
        ...(p.coalesced !== undefined && { coalesced: p.coalesced }),
      }));
  });

type Rec = Record<string, unknown>;
const BAD_CELLS: unknown[] = [null, '1', true, [], {}, 1e999];

/** Column `k` (mod their number) of a record, if it has any. */
function column(r: Rec, k: number): unknown[] | undefined {
  const cols = r['columns'] as unknown[][];
  return cols[k % Math.max(1, cols.length)];
}

/** One thing made wrong (or right in another way) in a record; `pick` chooses where. */
const MUTATIONS: ((r: Rec, pick: number) => void)[] = [
  (r, k) => (r['t'] = ['sample', 'run', 3][k % 3]),
  (r, k) => (r['run'] = ['', 'x'.repeat(201), 7, 'x'.repeat(200)][k % 4]),
  (r) => (r['columns'] as unknown[]).pop(),
  (r) => (r['columns'] as unknown[]).push([1]),
  (r, k) => column(r, k)?.push(1),
  (r, k) => column(r, k)?.splice(0, 1, BAD_CELLS[k % BAD_CELLS.length]),
  (r) => (r['columns'] = (r['columns'] as unknown[][]).map(() => [])),
  (r) => (r['columns'] = (r['columns'] as unknown[][]).slice(0, LEGACY_SERIES_KEYS.length)),
  (r) => delete r['min'],
  (r) => delete r['max'],
  (r, k) => (r['min'] = [ENVELOPE_COUNT - 1, ENVELOPE_COUNT + 1].map((n) => Array.from({ length: n }, () => [k]))[k % 2]),
  (r, k) => (r['coalesced'] = [-1, 0.5, '3', null, 2 ** 53, 0][k % 6]),
  (r, k) => Object.defineProperty(r, ['x', '__proto__', 'constructor'][k % 3]!, { value: 1, enumerable: true, configurable: true, writable: true }),
];

/** Records near the valid ones: a valid one with up to two things changed, as JSON text parsed back (as the reader gets it). */
const nearRecord = fc.tuple(validRecord, fc.array(fc.tuple(fc.nat(MUTATIONS.length - 1), fc.nat(1000)), { maxLength: 2 })).map(([record, changes]) => {
  const r = structuredClone(record) as Rec;
  for (const [m, pick] of changes) MUTATIONS[m]!(r, pick);
  return JSON.parse(JSON.stringify(r)) as unknown;
});

describe('samplesRecordFast', () => {
  it('accepts only what the schema accepts, and hands it on unchanged', () => {
    let accepted = 0;
    fc.assert(
      fc.property(nearRecord, (json) => {
        const fast = samplesRecordFast(json);
        if (fast === null) return;
        accepted++;
        const parsed = v.safeParse(BodyRecordSchema, json);
        expect(parsed.success).toBe(true);
        expect(fast).toEqual(parsed.output);
      }),
      { numRuns: 3000 },
    );
    // The property is not vacuous: near records are often valid ones.
    expect(accepted).toBeGreaterThan(100);
  });

  it('takes every plainly valid record of the current layout (the fast path is the one used)', () => {
    fc.assert(
      fc.property(validRecord, (json) => {
        expect(v.safeParse(BodyRecordSchema, json).success).toBe(true);
        expect(samplesRecordFast(json)).toBe(json);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves other records and other layouts to the schema', () => {
    const row = (n: number): number[][] => Array.from({ length: n }, () => [1]);
    expect(samplesRecordFast({ t: 'samples', run: 'r', columns: row(LEGACY_SERIES_KEYS.length) })).toBeNull();
    expect(samplesRecordFast({ t: 'status', run: 'r' })).toBeNull();
    expect(samplesRecordFast({ t: 'samples', run: 'r', columns: row(SERIES_COUNT), min: row(ENVELOPE_COUNT) })).toBeNull();
    expect(samplesRecordFast([{ t: 'samples' }])).toBeNull();
    expect(samplesRecordFast(null)).toBeNull();
  });
});
