/**
 * `verify` from the command line: the verdict and exit status 0 on a real interpreter, and exit 2
 * with a message naming the interpreter or option for each kind of bad input.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonsWithAgent } from '../../support/pythons';
import { fakePython } from '../node/real/fake-python';

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'electron/cli/main.ts');

function cli(args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 170_000, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const pythons = pythonsWithAgent([3, 6], 'verify CLI');

describe('verify (command line)', () => {
  it.skipIf(pythons.length === 0)('prints model vs real per checkpoint and the verdict; exit 0', () => {
    const py = pythons[pythons.length - 1]!;
    const r = cli([
      'verify',
      '--workload',
      'steady-churn',
      '--real',
      py.path,
      '--ops',
      '30000',
      '--sample-every',
      '10000',
      ...(py.line[1] >= 10 ? ['--arenas', 'aligned'] : []),
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`real:  CPython ${py.version} (`);
    expect(r.stdout).toMatch(/^\s+1 sample\s+10000\s+model\s+\d+/m);
    expect(r.stdout.match(/ same$/gm)?.length).toBe(5);
    expect(r.stdout).toContain('identical at 5 of 5 checkpoints');
  });

  it('refuses a path that is not an interpreter', () => {
    const missing = cli(['verify', '--workload', 'steady-churn', '--real', '/nonexistent/python9']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/python9: no such file or command');
    const notPython = cli(['verify', '--workload', 'steady-churn', '--real', '/bin/true']);
    expect(notPython.status).toBe(2);
    expect(notPython.stderr).toContain('/bin/true');
    expect(notPython.stderr).toMatch(/not a Python interpreter/);
  });

  it('refuses too old a Python, another implementation, debug and free-threaded builds, naming the interpreter', () => {
    const cases: [string, Parameters<typeof fakePython>[1], RegExp][] = [
      ['python3.5', { version: [3, 5, 10] }, /3\.0–3\.5 are not supported/],
      ['python2.6', { version: [2, 6, 9] }, /needs CPython 2\.7 or newer/],
      ['pypy3', { implementation: 'PyPy' }, /needs CPython; this is PyPy/],
      ['python3.12d', { debugBuild: true }, /debug build pads every request/],
      ['python3.13t', { version: [3, 13, 0], freeThreaded: true }, /free-threaded build/],
    ];
    for (const [name, answer, why] of cases) {
      const exe = fakePython(name, answer);
      const r = cli(['verify', '--workload', 'steady-churn', '--real', exe]);
      expect(r.status, name).toBe(2);
      expect(r.stderr).toContain(exe);
      expect(r.stderr).toMatch(why);
    }
  });

  it.skipIf(pythons.length === 0)('says where the agent library was looked for when it is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'arenascope-no-agent-'));
    const r = cli(['verify', '--workload', 'steady-churn', '--real', pythons[0]!.path, '--ops', '1000'], { ...process.env, ARENASCOPE_AGENT_DIR: empty });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('libarenascope-agent.so');
    expect(r.stderr).toContain(join(empty, 'build'));
    expect(r.stderr).toContain('npm run build');
  });

  it('refuses bad options by name', () => {
    const noReal = cli(['verify', '--workload', 'steady-churn']);
    expect(noReal.status).toBe(2);
    expect(noReal.stderr).toContain('--real EXE is required');
    const both = cli(['verify', '--workload', 'steady-churn', '--trace', 'x.pymtrace', '--real', '/bin/true']);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('exactly one of --workload NAME or --trace FILE');
    const arenas = cli(['verify', '--workload', 'steady-churn', '--real', '/bin/true', '--arenas', 'sideways']);
    expect(arenas.status).toBe(2);
    expect(arenas.stderr).toContain("--arenas must be 'aligned' or 'misaligned'");
    const param = cli(['verify', '--workload', 'steady-churn', '--real', '/bin/true', '--set', 'bogus=1']);
    expect(param.status).toBe(2);
    expect(param.stderr).toContain('bogus');
  });

  it.skipIf(pythons.length === 0)('refuses misaligned arenas where pools are one page', () => {
    const old = pythons.find((p) => p.line[1] < 10);
    if (!old) return;
    const r = cli(['verify', '--workload', 'steady-churn', '--real', old.path, '--arenas', 'misaligned']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--arenas misaligned applies to CPython 3.10+');
  });
});
