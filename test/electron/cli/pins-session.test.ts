/** `pins SESSION_FILE`: a saved run replayed from its config to --at; bad files, run ids and ops exit 2 saying what. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../electron/cli/main';
import { SessionWriter } from '../../../electron/host/session/file';
import { createAllocator } from '../../../shared/engine';
import { analyzePins, driveTo, PinReplay } from '../../../shared/pins';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { SERIES_COUNT } from '../../../shared/run/sample';
import { createGenerator, getWorkload } from '../../../shared/workloads/registry';

const dir = mkdtempSync(join(tmpdir(), 'arenascope-pins-session-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const params = { N: 300_000, k: 256, hold_live: 2000, hold_ops: 50_000 };
const config: RunConfig = { workload: 'keep-every-kth', params, seed: '1', python: '3.11', sampleEvery: 1000 };
const LAST_OP = 600_000;
const one = join(dir, 'one.arenascope');
const two = join(dir, 'two.arenascope');

/** Samples at op 0 and LAST_OP: the session says the run reached LAST_OP. */
function samples(): number[][] {
  return Array.from({ length: SERIES_COUNT }, (_, s) => (s === 0 ? [0, LAST_OP] : s === 1 ? [0, 10] : [0, 0]));
}

async function write(path: string, runs: string[]): Promise<void> {
  const w = await SessionWriter.open(path, { fsync: false });
  for (const id of runs) {
    w.addRun(id, config);
    w.appendSamples(id, samples());
  }
  await w.close();
}

beforeAll(async () => {
  await write(one, ['run-1']);
  await write(two, ['run-a', 'run-b']);
});

async function cli(...args: string[]): Promise<{ code: number; lines: string[]; stderr: string }> {
  const lines: string[] = [];
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(args, (l) => lines.push(l));
    return { code, lines, stderr };
  } finally {
    spy.mockRestore();
  }
}

function expected(at: number): unknown {
  const replay = new PinReplay(createAllocator('3.11'));
  driveTo(createGenerator('keep-every-kth', params, 1), replay, at);
  return JSON.parse(JSON.stringify(analyzePins(replay.alloc, { births: replay, workload: getWorkload('keep-every-kth') })));
}

describe('pins SESSION_FILE', () => {
  it('--at OP --json is the analysis of the saved run replayed to OP', async () => {
    const r = await cli('pins', one, '--at', '500000', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = JSON.parse(r.lines.join('\n')) as { summary: unknown; arenas: unknown; origins: unknown };
    const want = expected(500_000) as typeof got;
    expect(got.summary).toEqual(want.summary);
    expect(got.arenas).toEqual(want.arenas);
    expect(got.origins).toEqual(want.origins);
  });

  it('without --at: the last operation the session recorded; --run picks among several runs', async () => {
    const r = await cli('pins', two, '--run', 'run-b', '--json');
    expect(r.code).toBe(0);
    const got = JSON.parse(r.lines.join('\n')) as { summary: { op: number } };
    expect(got.summary.op).toBe(LAST_OP);
    expect(got.summary).toEqual((expected(LAST_OP) as typeof got).summary);
    const text = await cli('pins', one);
    expect(text.code).toBe(0);
    expect(text.lines[0]).toMatch(/^run 'run-1' of .*one\.arenascope: keep-every-kth on 3\.11/);
  });

  it.each([
    [() => ['pins', two], /holds 2 runs; choose one with --run \(run-a, run-b\)/],
    [() => ['pins', two, '--run', 'nope'], /has no run 'nope' \(its runs: run-a, run-b\)/],
    [() => ['pins', one, '--at', String(LAST_OP + 1)], /--at 600001 is beyond run 'run-1', which ends at operation 600000/],
    [() => ['pins', join(dir, 'missing.arenascope')], /missing\.arenascope/],
    [() => ['pins', join(dir, 'corrupt.arenascope')], /corrupt\.arenascope.*not an Arenascope session/],
    [() => ['pins', one, '--workload', 'keep-every-kth'], /either a session file or --workload/],
    [() => ['pins', '--workload', 'keep-every-kth', '--python', '3.11', '--run', 'x'], /--run RUN_ID goes with a session file/],
  ])('bad input exits 2 saying what: %#', async (args, message) => {
    writeFileSync(join(dir, 'corrupt.arenascope'), 'not a session\n');
    const r = await cli(...args());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
