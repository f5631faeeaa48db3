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
