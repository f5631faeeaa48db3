// Session files keep each sample's envelope (version 3): written live or saved, read back whole or
// spilled and faulted back in, the band at a spike shows its peak. A version-2 file (no envelope)
// still opens, each value its own minimum and maximum.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../../shared/protocol/run-config';
import { ENVELOPE_KEYS, LEGACY_SERIES_KEYS, MAX_COLUMN, MIN_COLUMN, SAMPLE_WIDTH, SERIES, SERIES_COUNT, SERIES_INDEX } from '../../../../shared/run/sample';
import { SESSION_VERSION } from '../../../../electron/host/session/records';
import { CHUNK_ROWS, SeriesStore } from '../../../../shared/series';
import { type FlushTimer, openSession, saveSession, SessionWriter } from '../../../../electron/host/session/file';

const dir = mkdtempSync(join(tmpdir(), 'arenascope-envelope-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config: RunConfig = { workload: 'steady-churn', params: {}, seed: '1', python: '3.12', sampleEvery: 10_000 };
const neverTimer: FlushTimer = { set: () => 0, clear: () => undefined };
const REQ = SERIES_INDEX['requested_bytes'];

/** Flat rows; the window of every 4099th row held a spike and a dip of requested bytes. */
function rows(n: number): number[][] {
  const cols = Array.from({ length: SAMPLE_WIDTH }, () => new Array<number>(n).fill(7));
  for (let i = 0; i < n; i++) {
    cols[0]![i] = i * 10;
    cols[1]![i] = i;
    if (i % 4099 === 17) {
      cols[MAX_COLUMN[REQ]!]![i] = 900_000 + i;
      cols[MIN_COLUMN[REQ]!]![i] = 1;
    }
  }
  return cols;
}

const spikeAt = (i: number): number => 900_000 + i;

describe('the envelope in session files', () => {
  const n = 2 * CHUNK_ROWS + 100;
  const cols = rows(n);

  it('is written beside the samples (min, max), read back exactly, and survives spilling and save-as', async () => {
    const file = join(dir, 'live.arenascope.gz');
    const writer = await SessionWriter.open(file, { timer: neverTimer, fsync: false });
    writer.addRun('a', config);
    for (let start = 0; start < n; start += 5000) {
      writer.appendSamples(
        'a',
        cols.map((c) => c.slice(start, Math.min(n, start + 5000))),
      );
      await writer.flush();
    }
    await writer.close();

    const store = new SeriesStore({ spill: { budgetBytes: 0 } });
    const { session, warnings } = await openSession(file, { store, spill: true });
    expect(warnings).toEqual([]);
    const id = session.runs[0]!.id;
    // Spilled: the envelope's columns left memory with the values, the pyramid kept the spikes.
    expect(store.spillStats(id)!.spilledChunks).toBe(2);
    const all = store.window(id, 'requested_bytes', -Infinity, Infinity, 1);
    expect(all.max[0]).toBe(spikeAt(Math.floor((n - 1 - 17) / 4099) * 4099 + 17));
    expect(all.min[0]).toBe(1);
    // Zoomed in on a spike in a spilled chunk: read back from the file, exactly.
    const i = 4099 * 3 + 17;
    const near = store.window(id, 'requested_bytes', (i - 2) * 10, (i + 2) * 10, 5);
    expect(Array.from(near.max)).toEqual([7, 7, spikeAt(i), 7, 7]);
    const back = store.read(id);
    expect(back.length).toBe(SAMPLE_WIDTH);
    for (let s = 0; s < SAMPLE_WIDTH; s++) expect(Array.from(back[s]!), `column ${s}`).toEqual(cols[s]);

    // Save-as writes the envelope too.
    const saved = join(dir, 'saved.arenascope');
    await saveSession(saved, { store, runs: session.runs });
    const header = JSON.parse(readFileSync(saved, 'utf8').split('\n')[0]!) as { version: number; envelope: string[] };
    expect(header.version).toBe(SESSION_VERSION);
    expect(header.envelope).toEqual([...ENVELOPE_KEYS]);
    const again = await openSession(saved);
    expect(again.session.store.window(again.session.runs[0]!.id, 'requested_bytes', (i - 2) * 10, (i + 2) * 10, 5).max[2]).toBe(spikeAt(i));
  });

  it('a version-2 file (no envelope, no pinned_bytes) opens: each value is its own min and max, pinned_bytes reads 0', async () => {
    const file = join(dir, 'v2.arenascope');
    const values = cols.slice(0, LEGACY_SERIES_KEYS.length).map((c) => c.slice(0, 50));
    values[REQ]![20] = 123;
    const lines = [
      { t: 'session', format: 'arenascope-session', version: 2, createdAt: '2026-01-01T00:00:00.000Z', series: [...LEGACY_SERIES_KEYS], flushMs: 2000 },
      { t: 'run', run: 'old', config },
      { t: 'samples', run: 'old', columns: values },
      { t: 'end', closedAt: '2026-01-01T00:01:00.000Z' },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const { session, warnings } = await openSession(file);
    expect(warnings).toEqual([]);
    const id = session.runs[0]!.id;
    expect(session.store.read(id).length).toBe(SERIES_COUNT);
    const w = session.store.window(id, 'requested_bytes', -Infinity, Infinity, 50);
    expect(Array.from(w.max)).toEqual(values[REQ]);
    expect(Array.from(w.min)).toEqual(values[REQ]);
    expect(Array.from(session.store.read(id)[SERIES_INDEX.pinned_bytes]!)).toEqual(new Array(50).fill(0));
  });

  it('a version-3 file (envelope, no pinned_bytes) opens with pinned_bytes 0; a version-4 header without pinned_bytes is refused', async () => {
    const file = join(dir, 'v3.arenascope');
    const values = cols.slice(0, LEGACY_SERIES_KEYS.length).map((c) => c.slice(0, 5));
    const env = cols.slice(SERIES_COUNT, SERIES_COUNT + ENVELOPE_KEYS.length).map((c) => c.slice(0, 5));
    const head = {
      t: 'session',
      format: 'arenascope-session',
      version: 3,
      createdAt: '2026-01-01T00:00:00.000Z',
      series: [...LEGACY_SERIES_KEYS],
      envelope: [...ENVELOPE_KEYS],
      flushMs: 2000,
    };
    const write = (h: object) =>
      writeFileSync(
        file,
        [h, { t: 'run', run: 'old', config }, { t: 'samples', run: 'old', columns: values, min: env, max: env }].map((l) => JSON.stringify(l)).join('\n') +
          '\n',
      );
    write(head);
    const { session } = await openSession(file);
    const back = session.store.read(session.runs[0]!.id);
    expect(back.length).toBe(SAMPLE_WIDTH);
    expect(Array.from(back[SERIES_INDEX.arenas_reclaimed]!)).toEqual(values[SERIES_INDEX.arenas_reclaimed]);
    expect(Array.from(back[SERIES_INDEX.pinned_bytes]!)).toEqual([0, 0, 0, 0, 0]);
    write({ ...head, version: 4 });
    await expect(openSession(file)).rejects.toThrow(/bad header: series .* differ from what this build reads in a version-4 file/);
  });

  it('refuses a samples record with half an envelope, or envelope columns of another length', async () => {
    const file = join(dir, 'bad.arenascope');
    const head = {
      t: 'session',
      format: 'arenascope-session',
      version: SESSION_VERSION,
      createdAt: '2026-01-01T00:00:00.000Z',
      series: SERIES.map((s) => s.key),
      envelope: [...ENVELOPE_KEYS],
      flushMs: 2000,
    };
    const values = cols.slice(0, SERIES_COUNT).map((c) => c.slice(0, 3));
    const env = cols.slice(SERIES_COUNT, SERIES_COUNT + ENVELOPE_KEYS.length).map((c) => c.slice(0, 3));
    const open = async (samples: object) => {
      writeFileSync(
        file,
        [head, { t: 'run', run: 'r', config }, { t: 'samples', run: 'r', columns: values, ...samples }].map((l) => JSON.stringify(l)).join('\n') + '\n',
      );
      return (await openSession(file)).warnings.join('\n');
    };
    expect(await open({ min: env })).toMatch(/record 3: .*min and max come together/);
    expect(await open({ min: env, max: env.map((c) => c.slice(0, 2)) })).toMatch(/record 3: .*every min and max column must hold as many rows as the columns/);
    expect(await open({ min: env, max: env })).toMatch(/not closed/);
  });
});
