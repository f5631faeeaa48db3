/** `run`, `workloads` and `open` as a user runs them: real host process, real workers, real files. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childPids } from '../../support/proc';
import { CATALOGUE_NAMES } from '../../support/catalogue-names';
import { cli, startCli } from './cli-process';

const tmp = mkdtempSync(join(tmpdir(), 'arenascope-run-'));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => T | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Sample rows of a run in a session file being written (0 while it cannot be read yet): the file is
 * gzip members appended at each flush, and one being written does not decompress yet.
 */
function sessionSamples(file: string, runId: string): number {
  let text: string;
  try {
    text = gunzipSync(readFileSync(file)).toString('utf8');
  } catch {
    return 0;
  }
  let rows = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{"t":"samples"')) continue;
    const record = JSON.parse(line) as { run: string; columns: number[][] };
    if (record.run === runId) rows += record.columns[0]!.length;
  }
  return rows;
}

function csvRows(file: string): number[][] {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  expect(header).toBe(
    'op,wall_ms,requested_bytes,block_bytes,pool_bytes,arena_bytes,arenas,pools_used,pools_full,pools_empty,large_bytes,arenas_highwater,arenas_allocated_total,arenas_reclaimed,pinned_bytes,rss_bytes',
  );
  return rows.map((r) => r.split(',').map(Number));
}

describe('workloads', () => {
  it('lists all sixteen with parameters, as text and as JSON', () => {
    const r = cli('workloads', '--json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { name: string; params: { name: string }[] }[];
    expect(list.map((w) => w.name)).toEqual([...CATALOGUE_NAMES, 'trace-replay']);
    expect(list.every((w) => w.params.length > 0)).toBe(true);
    const text = cli('workloads');
    expect(text.stdout).toMatch(/^W04 keep-every-kth/m);
    expect(text.stdout).toMatch(/k = 1000 +\[2, \d+\], an integer/);
  });
});

describe('run', () => {
  it('runs two versions in two worker processes and writes a folder per run and a session', () => {
    const out = join(tmp, 'two');
    const r = cli(...'run --workload seed-16b-fill-free --python 3.8 --python 3.11 --set N=300000 --sample-every 5000 --out'.split(' '), out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^3\.8\.20 seed-16b-fill-free \(G3, aligned arenas\): 600,000 ops .* final 0;/m);
    expect(r.stdout).toMatch(/^3\.11\.14 seed-16b-fill-free \(G5, misaligned arenas\): 600,000 ops .* final 1;/m);
    for (const v of ['3.8.20', '3.11.14']) {
      const rows = csvRows(join(out, v, 'samples.csv'));
      expect(rows.length).toBeGreaterThanOrEqual(120);
      expect(rows[rows.length - 1]![0]).toBe(600_000);
      const run = JSON.parse(readFileSync(join(out, v, 'run.json'), 'utf8')) as Record<string, unknown>;
      expect(run['state']).toBe('done');
      expect((run['workload'] as { params: Record<string, unknown> }).params['N']).toBe(300_000);
      expect(run['phases']).toEqual([
        { op: 0, label: 'fill' },
        { op: 300_000, label: 'free' },
      ]);
    }
    expect(JSON.parse(readFileSync(join(out, '3.8.20', 'run.json'), 'utf8'))).toMatchObject({ sampleEvery: 5000, maxSampleRate: 20 });
    const open = cli('open', join(out, 'session.arenascope.gz'), '--json');
    expect(open.code).toBe(0);
    const s = JSON.parse(open.stdout) as { runs: { python: string; state: string; arenas: { final: number } }[]; warnings: string[] };
    expect(s.warnings).toEqual([]);
    expect(s.runs.map((x) => [x.python, x.state, x.arenas.final])).toEqual([
      ['3.8.20', 'done', 0],
      ['3.11.14', 'done', 1],
    ]);
  });

  it('--max-sample-rate: a short run keeps every point whatever the cap, and run.json says the cap', () => {
    const out = join(tmp, 'capped');
    const r = cli(...'run --workload seed-16b-fill-free --python 3.12 --set N=100000 --sample-every 1000 --max-sample-rate 0.5 --out'.split(' '), out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = csvRows(join(out, 'samples.csv'));
    // 200,000 operations at every 1000: 201 rows (the empty allocator first), fewer than FREE_SAMPLES.
    expect(rows.map((row) => row[0])).toEqual(Array.from({ length: 201 }, (_, i) => i * 1000));
    // samples.csv holds the SERIES values only: 16 since pinned_bytes, then rss_bytes joined them, last.
    expect(rows[0]!.length).toBe(16);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))).toMatchObject({ maxSampleRate: 0.5 });
  });

  it('survives a killed worker: says which run crashed and why, lets the other finish, exits 3', async () => {
    const out = join(tmp, 'killed');
    const {
      child,
      out: printed,
      exited,
    } = startCli('run', '--workload', 'steady-churn', '--python', '3.9', '--python', '3.12', '--set', 'L=20000', '--ops', '100000000', '--out', out);
    const workers = await waitFor('two workers', () => {
      const p = childPids(child.pid!);
      return p.length >= 2 && p;
    });
    // Kill one only once both runs' samples are in the session file (an event, not a guess at time).
    const session = join(out, 'session.arenascope.gz');
    await waitFor('samples of both runs in the session file', () => ['run-1', 'run-2'].every((id) => sessionSamples(session, id) > 0), 90_000);
    process.kill(Math.min(...workers), 'SIGKILL');
    expect(await exited).toBe(3);
    expect(printed.stdout).toMatch(/CRASHED: killed by SIGKILL/);
    expect(printed.stdout).toMatch(/: 100,000,000 ops in/);
    const open = cli('open', join(out, 'session.arenascope.gz'), '--json');
    const s = JSON.parse(open.stdout) as { runs: { state: string; samples: number; reason: string | null }[] };
    expect(s.runs.map((x) => x.state).sort()).toEqual(['crashed', 'done']);
    const crashed = s.runs.find((x) => x.state === 'crashed')!;
    expect(crashed.reason).toMatch(/SIGKILL/);
    expect(crashed.samples).toBeGreaterThan(0);
  }, 120_000);

  it('a killed host loses at most the last ~2 s of its session file', async () => {
    const out = join(tmp, 'host-killed');
    const { child, exited } = startCli(
      'run',
      '--workload',
      'steady-churn',
      '--python',
      '3.11',
      '--set',
      'L=20000',
      '--duration',
      '60s',
      '--sample-every',
      '20000',
      '--out',
      out,
    );
    await waitFor('a worker', () => childPids(child.pid!).length > 0 && true);
    const workers = childPids(child.pid!);
    // Killed once a flush has put more than ten samples on disk (an event, not a guess at time).
    await waitFor('samples in the session file', () => sessionSamples(join(out, 'session.arenascope.gz'), 'run-1') > 10, 90_000);
    const killedAt = Date.now();
    process.kill(child.pid!, 'SIGKILL');
    await exited;
    // The orphaned worker notices its parent is gone and leaves.
    await waitFor(
      'the worker to leave',
      () => workers.every((p) => !existsSync(`/proc/${p}`) || readFileSync(`/proc/${p}/stat`, 'utf8').includes(') Z')) && true,
      10_000,
    );
    void killedAt;
    const open = cli('open', join(out, 'session.arenascope.gz'), '--json');
    expect(open.code).toBe(0);
    expect(open.stderr).toMatch(/not closed/);
    const s = JSON.parse(open.stdout) as { runs: { samples: number; ops: number }[] };
    expect(s.runs).toHaveLength(1);
    // What was flushed before the kill is all still there.
    expect(s.runs[0]!.samples).toBeGreaterThan(10);
    expect(s.runs[0]!.ops).toBeGreaterThan(0);
  }, 120_000);

  it.each([
    [['run', '--python', '3.11'], /--workload NAME is required/],
    [['run', '--workload', 'steady-churn'], /--python VERSION is required/],
    [['run', '--workload', 'nope', '--python', '3.11'], /unknown workload 'nope': known are seed-16b-fill-free/],
    [['run', '--workload', 'steady-churn', '--python', '3.11', '--set', 'L=-5'], /parameter 'L' = "-5": out of range: valid is \[1, /],
    [['run', '--workload', 'steady-churn', '--python', '3.11', '--set', 'L=NaN'], /parameter 'L'/],
    [['run', '--workload', 'steady-churn', '--python', '3.11', '--ops', '5', '--duration', '1s'], /--ops or --duration, not both/],
    [['run', '--workload', 'steady-churn', '--python', '3.11', '--duration', 'soon'], /--duration must look like/],
    [['run', '--workload', 'steady-churn', '--python', '9.9'], /unknown CPython version '9\.9'/],
    [
      ['run', '--workload', 'steady-churn', '--python', '3.11', '--max-sample-rate', '2000'],
      /--max-sample-rate must be a number of samples a second from 0 \(no cap\) to 1000, not '2000'/,
    ],
    [['run', '--workload', 'steady-churn', '--python', '3.11', '--max-sample-rate', 'fast'], /--max-sample-rate must be a number .* not 'fast'/],
    [['run', '--workload', 'steady-churn', '--python', '3.11', '--max-sample-rate', '-1'], /--max-sample-rate must not be negative/],
    [['open', join(tmp, 'nothing.arenascope.gz')], /nothing\.arenascope\.gz/],
  ])('exits 2 with a clear message: %j', (args, message) => {
    const r = cli(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
