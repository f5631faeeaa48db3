// A bug the fuzz target `session` found in electron/host/session/records.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterAll, describe, expect, it } from 'vitest';
import { BodyRecordSchema } from '../../../electron/host/session/records';
import { openSession, SessionWriter } from '../../../electron/host/session/file';

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

describe('samples records whose column count does not match the header (pinned_bytes, version 4)', () => {
  // The schema takes 15 columns (version 4) or 14 (versions 2 and 3, before pinned_bytes); the reader
  // must hold each record to its own header's count, or a 14-column row would misread in a version-4 file.
  const row = (n: number) => Array.from({ length: n }, (_, s) => [s + 1]);
  const rewrite = (path: string, version: number, columns: number[][]) => {
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    const header = JSON.parse(lines[0]!) as { version: number; series: string[] };
    header.version = version;
    if (version < 4) header.series = header.series.slice(0, -1);
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

  it('a version-4 file with 14 columns is damaged from that record, with a warning that says why', async () => {
    const path = await written('v4-short.session');
    rewrite(path, 4, row(14));
    const opened = await openSession(path);
    expect(opened.warnings[0]).toMatch(/record 3: samples of run "r1" hold 14 columns, but the header names 15 series/);
  });

  it('a version-3 file with 15 columns is damaged likewise; with 14 it opens, pinned_bytes 0', async () => {
    const path = await written('v3-long.session');
    rewrite(path, 3, row(15));
    expect((await openSession(path)).warnings[0]).toMatch(/hold 15 columns, but the header names 14 series/);
    const ok = await written('v3-ok.session');
    rewrite(ok, 3, row(14));
    const opened = await openSession(ok);
    expect(opened.warnings).toEqual([]);
    const cols = opened.session.store.read(opened.session.runs[0]!.id);
    expect(cols.slice(0, 15).map((c) => c[0])).toEqual([...row(14).map((c) => c[0]), 0]);
  });
});
