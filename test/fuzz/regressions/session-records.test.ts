// A bug the fuzz target `session` found in electron/host/session/records.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterAll, describe, expect, it } from 'vitest';
import { BodyRecordSchema } from '../../../electron/host/session/records';
import { openSession, SessionWriter } from '../../../electron/host/session/file';
import { SERIES_COUNT, seriesOfSessionVersion } from '../../../shared/run/sample';

const dir = mkdtempSync(join(tmpdir(), 'arenascope-regression-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a samples record with no columns', () => {
  // Before the fix the schema's "no rows" check read columns[0].length of `[]` (valibot runs every
  // check of a pipe after the length check failed) and threw a TypeError out of safeParse.
  it('is refused by the schema, not thrown out of it', () => {
    const r = v.safeParse(BodyRecordSchema, { t: 'samples', run: 'r1', columns: [] });
    expect(r.success).toBe(false);
  });

  it('makes openSession keep the records before it, with a warning', async () => {
    const path = join(dir, 'empty-columns.session');
    const w = await SessionWriter.open(path, { fsync: false });
    w.addRun('r1', { workload: 'steady-churn', params: {}, seed: '1', python: '3.12', sampleEvery: 1000 });
    await w.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    lines.splice(2, 0, JSON.stringify({ t: 'samples', run: 'r1', columns: [] }));
    writeFileSync(path, `${lines.join('\n')}\n`);
    const opened = await openSession(path);
    expect(opened.session.runs.map((r) => r.id)).toEqual(['r1']);
    expect(opened.warnings).toHaveLength(1);
    expect(opened.warnings[0]).toMatch(/damaged after record 2 .*record 3: field columns/);
  });
});

describe('samples records whose column count does not match the header (each version has its own series)', () => {
  // The schema takes 16 columns (version 5), 15 (version 4, before rss_bytes) or 14 (versions 2 and 3,
  // before pinned_bytes); the reader must hold each record to its own header's count, or a shorter row
  // would misread in a newer file.
  const row = (n: number) => Array.from({ length: n }, (_, s) => [s + 1]);
  const rewrite = (path: string, version: number, columns: number[][]) => {
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    const header = JSON.parse(lines[0]!) as { version: number; series: string[] };
    header.version = version;
    header.series = [...seriesOfSessionVersion(version)];
    lines[0] = JSON.stringify(header);
    lines.splice(2, 0, JSON.stringify({ t: 'samples', run: 'r1', columns }));
    writeFileSync(path, `${lines.join('\n')}\n`);
  };
  const written = async (name: string) => {
    const path = join(dir, name);
    const w = await SessionWriter.open(path, { fsync: false });
    w.addRun('r1', { workload: 'steady-churn', params: {}, seed: '1', python: '3.12', sampleEvery: 1000 });
    await w.close();
    return path;
  };

  it.each([
    [5, 15, 16],
    [5, 14, 16],
    [4, 14, 15],
    [4, 16, 15],
    [3, 15, 14],
  ])('a version-%i file with %i columns is damaged from that record, with a warning that says why', async (version, columns, named) => {
    const path = await written(`v${version}-${columns}.session`);
    rewrite(path, version, row(columns));
    const opened = await openSession(path);
    expect(opened.warnings[0]).toMatch(new RegExp(`record 3: samples of run "r1" hold ${columns} columns, but the header names ${named} series`));
  });

  it.each([
    [3, 14],
    [4, 15],
    [5, 16],
  ])('a version-%i file with its %i columns opens, the series it lacks read as 0', async (version, columns) => {
    const path = await written(`v${version}-ok.session`);
    rewrite(path, version, row(columns));
    const opened = await openSession(path);
    expect(opened.warnings).toEqual([]);
    const cols = opened.session.store.read(opened.session.runs[0]!.id);
    expect(cols.slice(0, SERIES_COUNT).map((c) => c[0])).toEqual([...row(columns).map((c) => c[0]), ...new Array<number>(SERIES_COUNT - columns).fill(0)]);
  });
});
