// A run's old rows leave memory and come back from its session file: while the writer appends (the
// live run) and after the file is opened again (streamed, gzip or plain), every value read back is
// the one written, windows agree with a store that never spilled, and opening a file holds a bounded
// amount of it at a time however big it is.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../../shared/protocol/run-config';
import { SERIES_COUNT } from '../../../../shared/run/sample';
import { CHUNK_ROWS, SeriesStore } from '../../../../shared/series';
import { type FlushTimer, openSession, saveSession, SessionWriter } from '../../../../electron/host/session/file';
import { mulberry32 as prng } from '../../../support/mulberry32';

const dir = mkdtempSync(join(tmpdir(), 'arenascope-spill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config: RunConfig = { workload: 'steady-churn', params: {}, seed: '1', python: '3.12', sampleEvery: 10_000 };
const neverTimer: FlushTimer = { set: () => 0, clear: () => undefined };

function columns(n: number, seed: number): Float64Array[] {
  const rnd = prng(seed);
  const cols = Array.from({ length: SERIES_COUNT }, () => new Float64Array(n));
  let walk = 5e6;
  for (let i = 0; i < n; i++) {
    cols[0]![i] = i * 10_000;
    cols[1]![i] = i * 100 + Math.round(rnd() * 5000) / 1000;
    walk = Math.max(0, walk + Math.round((rnd() - 0.5) * 4096));
    for (let s = 2; s < SERIES_COUNT; s++) cols[s]![i] = walk + s + (rnd() < 1e-5 ? 1e9 : 0);
  }
  return cols;
}

const N = 3 * CHUNK_ROWS + 5000;
const cols = columns(N, 3);
const other = columns(N >> 2, 4);

/** Writes run "a" (cols) and run "b" (other) interleaved, as a host with two runs does, flushing every few batches. */
async function writeSession(file: string, store: SeriesStore | null): Promise<SessionWriter> {
  const writer = await SessionWriter.open(file, { timer: neverTimer, fsync: false });
  writer.addRun('a', config);
  writer.addRun('b', config);
  if (store) {
    store.addRun('a');
    store.spillTo('a', writer.spillSource('a'));
  }
  const batch = 997;
  let o = 0;
  for (let start = 0, k = 0; start < N; start += batch, k++) {
    const part = cols.map((c) => Array.from(c.subarray(start, Math.min(N, start + batch))));
    store?.append('a', part);
    writer.appendSamples('a', part);
    const next = Math.min(other[0]!.length, o + (batch >> 2));
    if (o < next)
      writer.appendSamples(
        'b',
        other.map((c) => Array.from(c.subarray(o, next))),
      );
    o = next;
    if (k % 3 === 2) await writer.flush();
  }
  return writer;
}

function same(store: SeriesStore, id: string, expected: Float64Array[]): void {
  const got = store.read(id);
  for (let s = 0; s < SERIES_COUNT; s++) {
    expect(got[s]!.length).toBe(expected[s]!.length);
    let differ = 0;
    for (let i = 0; i < got[s]!.length; i++) if (got[s]![i] !== expected[s]![i]) differ++;
    expect(differ).toBe(0);
  }
}

const whole = new SeriesStore();
whole.addRun('a');
whole.append('a', cols);

function sameWindows(store: SeriesStore, id: string): void {
  const rnd = prng(17);
  for (let i = 0; i < 20; i++) {
    const from = Math.floor(rnd() * (N - 20_000)) * 10_000;
    // Fewer than 8 samples a point: exact, the spilled rows read back.
    const to = from + Math.floor(rnd() * 7_900) * 10_000;
    expect(store.window(id, 'arena_bytes', from, to, 1000)).toEqual(whole.window('a', 'arena_bytes', from, to, 1000));
  }
  // Zoomed out over spilled rows: the spike stays.
  const all = store.window(id, 'arena_bytes', -Infinity, Infinity, 500);
  expect(Math.max(...all.max)).toBe(Math.max(...whole.window('a', 'arena_bytes', -Infinity, Infinity, 500).max));
}

describe('spilling to the session file', () => {
  for (const gzip of [true, false]) {
    const form = gzip ? 'gzip' : 'plain';
    const file = join(dir, `live.arenascope${gzip ? '.gz' : ''}`);

    it(`a live run spills what the writer has written and reads it back (${form})`, async () => {
      const store = new SeriesStore({ spill: { budgetBytes: 0 } });
      const writer = await writeSession(file, store);
      // Spilling follows the flushes: the last chunk sealed may wait for its rows to be written.
      expect(store.spillStats('a')!.spilledChunks).toBeGreaterThanOrEqual(2);
      await writer.close();
      store.enforceBudget('a');
      expect(store.spillStats('a')!.spilledChunks).toBe(3);
      same(store, 'a', cols);
      sameWindows(store, 'a');
      expect(store.spillStats('a')!.pagesRead).toBeGreaterThan(0);
    });

    it(`a reopened session spills while it loads and reads back (${form})`, async () => {
      const store = new SeriesStore({ spill: { budgetBytes: 0 } });
      const { session, warnings } = await openSession(file, { store, spill: true, runId: (id) => `file-${id}` });
      expect(warnings).toEqual([]);
      expect(session.runs.map((r) => r.id)).toEqual(['file-a', 'file-b']);
      expect(store.spillStats('file-a')!.spilledChunks).toBe(3);
      same(store, 'file-a', cols);
      same(store, 'file-b', other);
      sameWindows(store, 'file-a');
    });
  }

  it('a saved session (large members, several records per member) spills and reads back too', async () => {
    const store = new SeriesStore();
    store.addRun('a');
    store.append('a', cols);
    const file = join(dir, 'saved.arenascope.gz');
    await saveSession(file, { runs: [{ id: 'a', config, meta: {}, coalesced: 0 }], store });
    const reopened = new SeriesStore({ spill: { budgetBytes: 0 } });
    await openSession(file, { store: reopened, spill: true });
    expect(reopened.spillStats('a')!.spilledChunks).toBe(3);
    same(reopened, 'a', cols);
  });

  it('a file recompressed by another tool opens, and keeps its rows in memory (no index into one stream)', async () => {
    const file = join(dir, 'live.arenascope');
    const foreign = join(dir, 'foreign.arenascope.gz');
    const { readFileSync } = await import('node:fs');
    writeFileSync(foreign, gzipSync(readFileSync(file)));
    const store = new SeriesStore({ spill: { budgetBytes: 0 } });
    const { warnings, reading } = await openSession(foreign, { store, spill: true, readBytes: 1 << 16 });
    expect(warnings).toEqual([]);
    expect(store.spillStats('a')!.spilledChunks).toBe(0);
    same(store, 'a', cols);
    expect(reading.bytesRead).toBeGreaterThanOrEqual(statSync(foreign).size);
    expect(reading.bytesRead).toBeLessThan(statSync(foreign).size * 1.01);
    expect(reading.largestHeld).toBeLessThan(1 << 20);
  });
});

describe('the streamed reader', () => {
  it('holds a bounded amount of the file at once, however big it is (plain, gzip, gzip inflated as a stream)', async () => {
    const gz = join(dir, 'live.arenascope.gz');
    const plain = join(dir, 'live.arenascope');
    const plainSize = statSync(plain).size;
    const gzSize = statSync(gz).size;
    expect(plainSize).toBeGreaterThan(8 << 20);

    const p = await openSession(plain, { readBytes: 1 << 16 });
    expect(p.reading.bytesRead).toBe(plainSize);
    // The read buffer plus one unfinished line (a flush of 3 batches: under 1/2 MiB here).
    expect(p.reading.largestHeld).toBeLessThan(1 << 19);
    expect(p.reading.largestHeld * 20).toBeLessThan(plainSize);
    same(p.session.store, 'a', cols);

    const g = await openSession(gz, { readBytes: 1 << 16 });
    // Every byte, and again the start of each member that crossed the end of a read.
    expect(g.reading.bytesRead).toBeGreaterThanOrEqual(gzSize);
    expect(g.reading.bytesRead).toBeLessThan(gzSize * 1.5);
    // The read buffer, one member's text and a line carried over at most.
    expect(g.reading.largestHeld).toBeLessThan(1 << 20);
    expect(g.reading.largestHeld * 10).toBeLessThan(plainSize);

    const s = await openSession(gz, { maxMemberBytes: 64, readBytes: 1 << 16 });
    expect(s.warnings).toEqual([]);
    expect(s.reading.largestHeld).toBeLessThan(1 << 20);
    same(s.session.store, 'a', cols);
  });

  it('a line longer than any record is damage, found without reading it whole', async () => {
    const file = join(dir, 'long-line.arenascope');
    const header = JSON.stringify({
      t: 'session',
      format: 'arenascope-session',
      version: 2,
      createdAt: '2026-01-01T00:00:00.000Z',
      series: (await import('../../../../shared/run/sample')).LEGACY_SERIES_KEYS,
      flushMs: 2000,
    });
    writeFileSync(file, `${header}\n{"t":"end","closedAt":"${'x'.repeat(70 << 20)}`);
    const { warnings, reading } = await openSession(file);
    expect(warnings.join('\n')).toMatch(/damaged after record 1 \(at byte \d+: record 2 is longer than 67108864 bytes\)/);
    expect(reading.largestHeld).toBeLessThan((64 << 20) + (2 << 20));
  });
});
