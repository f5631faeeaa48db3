// Bad input on the command line, as a first-time user gives it: each is exit 2 with a message that
// says what and where, the same message whichever command met the file, and nothing printed of a
// binary file's bytes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './cli-process';

const dir = mkdtempSync(join(tmpdir(), 'arenascope-input-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes that are no text: what a user gets by pointing at the wrong file. */
const binary = join(dir, 'data.bin');
writeFileSync(binary, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 97 + 13) % 256)));

describe('bad input files and parameters', () => {
  it('run of a missing trace: exit 2 with the reason replay gives, before any worker starts', () => {
    const missing = join(dir, 'missing.pymtrace');
    const run = cli('run', '--workload', 'trace-replay', '--set', `path=${missing}`, '--python', '3.11', '--out', join(dir, 'o1'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${missing}: cannot read trace: no such file`);
    expect(run.stdout).not.toMatch(/FAILED/);
    const replay = cli('replay', missing, '--python', '3.11');
    expect(replay.code).toBe(2);
    expect(replay.stderr).toContain(`${missing}: cannot read trace: no such file`);
  });

  it('a trace that is binary data: exit 2, said so, none of its bytes printed', () => {
    for (const r of [
      cli('replay', binary, '--python', '3.11'),
      cli('run', '--workload', 'trace-replay', '--set', `path=${binary}`, '--python', '3.11', '--out', join(dir, 'o2')),
    ]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${binary}:1: `);
      expect(r.stderr).toContain('(this is binary data, not a trace');
      expect(r.stderr).not.toMatch(/[\uFFFD\u0000-\u0008\u000E-\u001F]/);
    }
  });

  it('names a missing path and lists trace-replay among the workloads', () => {
    const noPath = cli('run', '--workload', 'trace-replay', '--python', '3.11');
    expect(noPath.code).toBe(2);
    expect(noPath.stderr).toContain("parameter 'path' is missing: expected the path of a trace file");
    expect(noPath.stderr).not.toContain('undefined');
    const unknown = cli('run', '--workload', 'nope', '--python', '3.11');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown workload 'nope': known are seed-16b-fill-free, .*, trace-replay/);
  });

  it('open of a trace points to replay; open of a session with nothing recoverable is exit 2, saying so', () => {
    const trace = join(dir, 'tiny.pymtrace');
    writeFileSync(trace, '#pymtrace 1\na 1 16\nf 1\n');
    const opened = cli('open', trace);
    expect(opened.code).toBe(2);
    expect(opened.stderr).toContain('it is a pymtrace trace: replay it');

    const out = join(dir, 's');
    const ran = cli('run', '--workload', 'seed-16b-fill-free', '--set', 'N=20000', '--python', '3.11', '--out', out);
    expect(ran.code).toBe(0);
    // The summary speaks the progress line's units: binary byte sizes, not raw byte counts.
    expect(ran.stdout).toMatch(/retained 1 MiB \(peak 1 MiB\); requested 0 B$/m);
    const whole = readFileSync(join(out, 'session.arenascope.gz'));
    const cut = join(dir, 'cut.arenascope.gz');
    writeFileSync(cut, whole.subarray(0, 300));
    const truncated = cli('open', cut);
    expect(truncated.code).toBe(2);
    expect(truncated.stdout).toContain('0 runs recovered from a damaged file');
    expect(truncated.stderr).toContain('no run could be recovered from it');
    const intact = cli('open', join(out, 'session.arenascope.gz'));
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/: 1 run, created/);
  });
});
