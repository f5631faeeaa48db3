/** The command line as a user runs it: a real process, real files, real exit codes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FIX = join(ROOT, 'test/fixtures/conformance');

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'electron/cli/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'arenascope-cli-'));

describe('replay', () => {
  it("prints the real interpreter's checkpoint lines for interleave under 3.11 (aligned)", () => {
    const r = cli('replay', join(FIX, 'traces/interleave.pymtrace.gz'), '--python', '3.11', '--arenas', 'aligned');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const want = readFileSync(join(FIX, 'expected/3.11.7/interleave.aligned.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(got).toHaveLength(want.length);
    const keys = ['label', 'op', 'applied', 'classes', 'arenas', 'pools', 'pools_per_arena', 'large', 'fingerprint', 'slot_fingerprint'];
    got.forEach((g, i) => {
      for (const k of keys) expect(g[k], `line ${i + 1} ${k}`).toEqual(want[i]![k]);
      const gd = g['debug'] as Record<string, number>;
      const wd = want[i]!['debug'] as Record<string, number>;
      for (const k of ['arenas_allocated_total', 'arenas_reclaimed', 'arenas_allocated_current', 'unused_pools']) expect(gd[k]).toBe(wd[k]);
    });
  });

  it('reads a plain trace with comments and labels, and ends with the implicit checkpoint', () => {
    const f = join(tmp, 'small.pymtrace');
    writeFileSync(f, '#pymtrace 1\n# a comment\na 1 16\na 2 600\nc two live\nf 1\n');
    const r = cli('replay', f, '--python', '2.4');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l['label'], l['op'], l['applied']])).toEqual([
      ['two live', 2, 2],
      ['end', 4, 3],
    ]);
    // 600 bytes is above 2.4's 256-byte threshold: a libc block.
    expect(lines[0]!['large']).toEqual({ count: 1, bytes: 600 });
    expect(lines[0]!['classes']).toEqual([{ szidx: 1, blocks: 1, pools: 1 }]);
  });

  it.each([
    [['replay'], /expected one TRACE file/],
    [['replay', 'x.pymtrace'], /--python VERSION is required/],
    [['replay', 'x.pymtrace', '--python', '3.99'], /unknown CPython version '3.99': known are/],
    [['replay', 'x.pymtrace', '--python', '3.11', '--arenas', 'sideways'], /--arenas must be 'aligned' or 'misaligned'/],
    [['replay', 'x.pymtrace', '--python', '3.11', '--color'], /Unknown option '--color'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['replay', 'no-such-file.pymtrace', '--python', '3.11'], /no-such-file\.pymtrace: cannot read trace: no such file/],
  ])('exits 2 with a clear message: %j', (args, message) => {
    const r = cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('exits 2 naming the file and line of a bad trace', () => {
    const f = join(tmp, 'bad.pymtrace');
    writeFileSync(f, 'a 1 16\nf 1\nf 1\n');
    const r = cli('replay', f, '--python', '3.11');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:3: `);
    const g = join(tmp, 'broken.pymtrace.gz');
    writeFileSync(g, 'this is not gzip');
    const rg = cli('replay', g, '--python', '3.11');
    expect(rg.code).toBe(2);
    expect(rg.stderr).toMatch(/broken\.pymtrace\.gz: cannot read trace: not a valid gzip file/);
  });
});

describe('bench', () => {
  it('prints one JSON line with per-run and median ns/op', () => {
    const r = cli('bench', join(FIX, 'traces/interleave.pymtrace.gz'), '--python', '3.9', '--runs', '3');
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout) as { ops: number; ns_per_op: number[]; median_ns_per_op: number; family: string };
    expect(line.ops).toBe(60000);
    expect(line.family).toBe('G4');
    expect(line.ns_per_op).toHaveLength(3);
    expect(line.median_ns_per_op).toBeGreaterThan(0);
    expect(line.ns_per_op).toContain(line.median_ns_per_op);
  });
});

describe('conformance', () => {
  it('prints a pass table and a closing count', () => {
    const r = cli('conformance', FIX);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^interleave\s+3\.6\.15\s+native\s+G3\s+9\s+pass$/m);
    expect(r.stdout).toMatch(/^39 passed, 0 failed, 13 skipped \(468 checkpoints compared\)$/m);
  });
});
