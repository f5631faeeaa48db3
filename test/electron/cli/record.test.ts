/** `record` as a user runs it: a real process, the program's own stdio and exit status, real files. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ensureAgentBuilt } from '../../support/agent-build';
import { pythonsFrom } from '../../support/pythons';

ensureAgentBuilt();

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PROGRAMS = join(ROOT, 'test/fixtures/programs');
const CLI = ['--import', 'tsx', join(ROOT, 'electron/cli/main.ts')];
const pythons = pythonsFrom([3, 8], 'record command');
const py = pythons[pythons.length - 1];
const tmp = mkdtempSync(join(tmpdir(), 'arenascope-record-cli-'));

function cli(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: PROGRAMS, encoding: 'utf8', timeout: 180_000, ...(input !== undefined ? { input } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('record (command line)', () => {
  // Each refused before anything runs: exit status 2, the option named.
  const REFUSED: [args: string[], message: string][] = [
    [['--domains', 'heap', '--', 'threads.py'], "--domains must be obj, mem or both, not 'heap'"],
    [['--live', '--deferred', '--', 'threads.py'], '--live shows the models while the program runs, --deferred runs them after it'],
    [[], 'name the program'],
    [['--origins', '--frames', '0', '--', 'threads.py'], "--frames must be an integer from 1 to 16, not '0'"],
    [['--frames', '2', '--', 'threads.py'], '--frames N goes with --origins'],
    [['--origins', '--format', 'v2', '--', 'threads.py'], "--format must be sites or v1, not 'v2'"],
  ];
  it.each(REFUSED)('refuses record %j by name', (args, message) => {
    const r = cli(['record', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  describe.skipIf(!py)('with an interpreter', () => {
    it('record --origins, then pins on its trace: the keeping line heads the origins', () => {
      const out = join(tmp, 'origins');
      const r = cli(['record', '--python', py!.path, '--origins', '--out', out, '--', 'origins_keep.py', '60000']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/origins: [\d,]+ sites \([\d,]+ named in the trace\); [\d,]+ allocations with no Python frame/);
      const pins = cli(['pins', '--workload', 'trace-replay', '--set', `path=${join(out, 'trace.pymtrace.gz')}`, '--python', py!.version, '--top', '3']);
      expect(pins.code, pins.stderr).toBe(0);
      const rows = pins.stdout.split('\n');
      const head = rows.findIndex((l) => l.startsWith('origins of the pinning blocks'));
      expect(rows[head + 2]).toMatch(/origins_cache\.py:\d+ in remember$/);
      expect(gunzipSync(readFileSync(join(out, 'trace.pymtrace.gz'))).toString('utf8')).toMatch(/^#@ \d+$/m);
      // --format v1: the same recording, a plain v1 trace without a site line.
      const v1 = cli(['record', '--python', py!.path, '--origins', '--format', 'v1', '--out', out, '--', 'origins_keep.py', '20000']);
      expect(v1.code, v1.stderr).toBe(0);
      const text = gunzipSync(readFileSync(join(out, 'trace.pymtrace.gz'))).toString('utf8');
      expect(text).not.toMatch(/^#(@|site |pymtrace-ext)/m);
      expect(text).toMatch(/^a \d+ \d+$/m);
    }, 240_000);

    it('passes stdin, stdout, stderr and the exit status through and writes the trace, session and summary', () => {
      const out = join(tmp, 'echo');
      const r = cli(['record', '--python', py!.path, '--model', '3.8', '--out', out, '--checkpoint-every', '1000', '--', 'echo_stdin.py', '5'], 'hello\n');
      expect(r.stdout).toBe('HELLO\n');
      expect(r.code).toBe(5);
      expect(r.stderr).toContain('to stderr');
      expect(r.stderr).toMatch(/record: echo_stdin\.py on CPython [\d.]+: [\d,]+ ops in [\d.]+ s, peak live [\d,]+ bytes; the program exited with status 5/);
      expect(r.stderr).toMatch(/model 3\.8\.\d+ \(G\d\): arenas at peak \d+, at exit \d+/);
      expect(existsSync(join(out, 'trace.pymtrace.gz'))).toBe(true);
      const report = JSON.parse(readFileSync(join(out, 'record.json'), 'utf8')) as { ops: number; exit: { code: number }; models: unknown[] };
      expect(report.exit.code).toBe(5);
      expect(report.models).toHaveLength(py!.line[1] === 8 ? 1 : 2);
      // The trace replays with the repo's own `replay`, a checkpoint every 1000 ops plus start, end and the implicit end.
      const replay = cli(['replay', join(out, 'trace.pymtrace.gz'), '--python', py!.version]);
      expect(replay.code).toBe(0);
      const lines = replay.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { label: string | null; applied: number });
      expect(lines[0]!.label).toBe('start');
      expect(lines.at(-1)!.applied).toBe(report.ops);
      expect(lines.length).toBe(Math.floor(report.ops / 1000) + 3);
      // The session holds one run per model.
      const open = cli(['open', join(out, 'session.arenascope.gz')]);
      expect(open.code).toBe(0);
      expect(open.stdout).toContain('trace-replay');
    }, 240_000);

    it('Ctrl-C reaches the program; the run ends with its signal and keeps the trace', async () => {
      const out = join(tmp, 'sigint');
      const child = spawn(process.execPath, [...CLI, 'record', '--python', py!.path, '--out', out, '--', 'wait_for_sigint.py'], {
        cwd: PROGRAMS,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await new Promise<void>((ready) =>
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes('ready')) ready();
        }),
      );
      child.kill('SIGINT');
      const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
      // Python ends a KeyboardInterrupt by dying of SIGINT: 128 + 2.
      expect(code, stderr).toBe(130);
      expect(stderr).toContain('killed by SIGINT');
      const report = JSON.parse(readFileSync(join(out, 'record.json'), 'utf8')) as { complete: boolean; ops: number };
      expect(report.complete).toBe(true);
      expect(report.ops).toBeGreaterThan(0);
    }, 240_000);
  });
});
