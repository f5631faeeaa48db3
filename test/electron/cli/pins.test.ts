/** `pins`: its JSON is the analysis of the same run, its text says the summary, bad input exits 2 naming the option. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main';
import { createAllocator } from '../../../shared/engine';
import { analyzePins, driveTo, PinReplay } from '../../../shared/pins';
import { createGenerator, getWorkload } from '../../../shared/workloads/registry';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

async function run(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await main(args, (l) => lines.push(l));
  return { code, lines };
}

describe('pins', () => {
  it('--json is the analysis of the same run at the same op', async () => {
    const params = { N: 300_000, k: 256, hold_live: 2000, hold_ops: 50_000 };
    const at = 500_000;
    const r = await run(
      ...'pins --workload keep-every-kth --python 3.11'.split(' '),
      ...Object.entries(params).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
      '--at',
      String(at),
      '--json',
    );
    expect(r.code).toBe(0);
    const got = JSON.parse(r.lines.join('\n')) as Record<string, unknown>;
    const replay = new PinReplay(createAllocator('3.11'));
    driveTo(createGenerator('keep-every-kth', params, 1), replay, at);
    const want = JSON.parse(JSON.stringify(analyzePins(replay.alloc, { births: replay, workload: getWorkload('keep-every-kth') }))) as Record<string, unknown>;
    expect(got['summary']).toEqual(want['summary']);
    expect(got['arenas']).toEqual(want['arenas']);
    expect(got['origins']).toEqual(want['origins']);
    expect((got['summary'] as { op: number }).op).toBe(at);
    expect(got['python']).toMatch(/^3\.11\./);
  });

  it('keep-every-kth, k = 256, 3.11: one origin row, the kept blocks, holding every pinned arena', async () => {
    // The fill of 300 000 blocks and the thinning: only the kept blocks are live.
    const r = await run(
      ...'pins --workload keep-every-kth --python 3.11 --set N=300000 --set k=256 --set hold_live=0 --set hold_ops=0 --at'.split(' '),
      String(300_000 + 298_828),
    );
    expect(r.code).toBe(0);
    const table = r.lines.slice(r.lines.findIndex((l) => l.startsWith('origins of the pinning blocks')));
    expect(table[0]).toBe('origins of the pinning blocks (1; top 1):');
    const pinned = Number(/pinned arenas \((\d+);/.exec(r.lines.join('\n'))![1]);
    expect(pinned).toBeGreaterThan(1);
    expect(table[2]).toMatch(new RegExp(`^\\s+\\d+\\.\\d+ MiB\\s+${pinned}\\s+${Math.ceil(300_000 / 256)}\\s+\\d+\\s+keep-every-kth: kept block$`));
    expect(table).toHaveLength(3);
  });

  it('prints the summary, the arena table and the origin table; a trace replays with its phases', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arenascope-pins-'));
    const f = join(dir, 't.pymtrace');
    // 3 000 blocks of 32 bytes, then all but the first freed: one arena pinned by one block born in 'fill'.
    const lines = ['#pymtrace 1', 'c fill'];
    for (let i = 1; i <= 3000; i++) lines.push(`a ${i} 32`);
    lines.push('c thin');
    for (let i = 2; i <= 3000; i++) lines.push(`f ${i}`);
    writeFileSync(f, `${lines.join('\n')}\n`);
    const r = await run('pins', '--workload', 'trace-replay', '--set', `path=${f}`, '--python', '3.11');
    expect(r.code).toBe(0);
    const text = r.lines.join('\n');
    expect(text).toContain('retained arena bytes 1.00 MiB; 1.00 MiB of it is held by 1 blocks (100.0 % of live blocks) in arenas under 10 % full');
    expect(text).toMatch(/pinned arenas \(1; top 1\)/);
    expect(text).toContain("class 1 (32 B), born in phase 'fill'");
    // 32 bytes of 1 MiB is above 0.001 %: with that threshold no arena counts as pinned.
    const strict = await run('pins', '--workload', 'trace-replay', '--set', `path=${f}`, '--python', '3.11', '--threshold', '0.001', '--json');
    const s = (JSON.parse(strict.lines.join('\n')) as { summary: { pinnedArenas: number; threshold: number; liveBlocks: number } }).summary;
    expect(s).toMatchObject({ pinnedArenas: 0, threshold: 0.00001, liveBlocks: 1 });
  });

  describe('on a saved session', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arenascope-pins-session-'));
    const PARAMS = { N: 200_000, k: 256, hold_live: 0, hold_ops: 0 };
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'electron/cli/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
    let file = '';
    let runIds: string[] = [];

    beforeAll(() => {
      const sets = Object.entries(PARAMS).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
      const made = cli(...'run --workload keep-every-kth --python 3.8 --python 3.11'.split(' '), ...sets, '--out', dir);
      expect(made.status, made.stderr).toBe(0);
      file = join(dir, 'session.arenascope.gz');
      runIds = (JSON.parse(cli('open', file, '--json').stdout) as { runs: { run: string }[] }).runs.map((r) => r.run);
      expect(runIds).toHaveLength(2);
    }, 180_000);

    it('replays the named run to --at: the same analysis as its config driven there in this process', async () => {
      const at = 250_000;
      const r = await run('pins', file, '--run', runIds[1]!, '--at', String(at), '--json');
      expect(r.code).toBe(0);
      const got = JSON.parse(r.lines.join('\n')) as Record<string, unknown>;
      const replay = new PinReplay(createAllocator('3.11'));
      driveTo(createGenerator('keep-every-kth', PARAMS, 1), replay, at);
      const want = JSON.parse(JSON.stringify(analyzePins(replay.alloc, { births: replay, workload: getWorkload('keep-every-kth') }))) as Record<
        string,
        unknown
      >;
      expect(got['summary']).toEqual(want['summary']);
      expect(got['arenas']).toEqual(want['arenas']);
      expect(got).toMatchObject({ session: file, run: runIds[1], workload: 'keep-every-kth' });
    });

    it("defaults to the run's last operation, and says which run and where", async () => {
      const r = await run('pins', file, '--run', runIds[0]!);
      expect(r.code).toBe(0);
      const ops = 2 * PARAMS.N; // the fill, the thinning, then the kept blocks freed at the end
      expect(r.lines[0]).toContain(`at operation ${ops.toLocaleString('en')}`);
      expect(r.lines[1]).toMatch(/^keep-every-kth on 3\.8\./);
    });

    it.each([
      [[], /holds 2 runs: name one with --run \(/],
      [['--run', 'nope'], /--run nope: no such run in .*\(its runs: /],
      [['--run', '@0', '--at', '999999999'], /--at 999999999 is past the end of run .*which reached operation/],
      [['--workload', 'steady-churn'], /a session file names its run's workload and version: drop --workload/],
    ])('refuses %j with a message that names the runs or the option', (extra, message) => {
      const args = extra.map((a) => (a === '@0' ? runIds[0]! : a));
      const p = cli('pins', file, ...args);
      expect(p.status).toBe(2);
      expect(p.stderr).toMatch(message);
    });

    it('refuses a missing or corrupt session file, naming it', () => {
      const corrupt = join(dir, 'corrupt.arenascope.gz');
      writeFileSync(corrupt, 'not a session at all\n');
      for (const f of [join(dir, 'missing.arenascope.gz'), corrupt]) {
        const p = cli('pins', f);
        expect(p.status).toBe(2);
        expect(p.stderr).toContain(f);
      }
      const stray = cli('pins', '--workload', 'keep-every-kth', '--python', '3.11', '--run', 'x');
      expect(stray.status).toBe(2);
      expect(stray.stderr).toContain('--run RUN_ID goes with a session FILE');
    });
  });

  it.each([
    [['pins', '--python', '3.11'], /--workload NAME is required/],
    [['pins', '--workload', 'keep-every-kth'], /--python VERSION is required/],
    [['pins', '--workload', 'keep-every-kth', '--python', '3.11', '--at', 'soon'], /--at must be an integer/],
    [['pins', '--workload', 'keep-every-kth', '--python', '3.11', '--top', '0'], /--top must be an integer/],
    [['pins', '--workload', 'keep-every-kth', '--python', '3.11', '--set', 'k'], /--set takes key=value/],
    [['pins', '--workload', 'keep-every-kth', '--python', '3.11', '--set', 'k=1'], /\bk\b/],
    [['pins', '--workload', 'keep-every-kth', '--python', '3.99'], /unknown CPython version '3.99'/],
    [['pins', '--workload', 'keep-every-kth', '--python', '3.11', '--threshold', '0'], /--threshold must be a percentage/],
    [['pins', '--workload', 'keep-every-kth', '--python', '3.11', '--threshold', 'ten'], /--threshold must be a percentage/],
  ])('exits 2 naming the option: %j', (args, message) => {
    const p = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'electron/cli/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(message);
  });
});
