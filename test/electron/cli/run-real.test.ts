/**
 * `run` and `compare` with `--real EXE`: the same stream through an installed interpreter's own
 * allocator, as a run of its own beside the model run, checked against it; in the report too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonsWithAgent } from '../../support/pythons';

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'electron/cli/main.ts');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const pythons = pythonsWithAgent([2, 7], 'run --real');
const modern = pythons.find((p) => p.line[0] === 3 && p.line[1] >= 10);
const legacy = pythons.find((p) => p.line[0] === 2);

describe('run --real', () => {
  it.skipIf(!modern)('runs the model and the real interpreter side by side, labels the real run, and finds them identical', () => {
    const out = mkdtempSync(join(tmpdir(), 'arenascope-run-real-'));
    const r = cli(
      ...'run --workload steady-churn --real'.split(' '),
      modern!.path,
      ...'--arenas aligned --ops 40000 --sample-every 10000 --out'.split(' '),
      out,
    );
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${modern!.version} steady-churn (G5, aligned arenas): 40,000 ops`);
    expect(r.stdout).toMatch(new RegExp(`${modern!.version.replace(/\./g, '\\.')} real steady-churn \\(/.+python[^,]*, arenas aligned\\): 40,000 ops`));
    expect(r.stdout).toMatch(/real steady-churn vs .* steady-churn: identical at (\d+) of \1 common samples/);
    const csv = readFileSync(join(out, `real-${modern!.version}`, 'samples.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]!.split(',')[0]).toBe('op');
    expect(csv.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(expect.arrayContaining([10_000, 20_000, 30_000, 40_000]));
    const open = cli('open', join(out, 'session.arenascope.gz'), '--json');
    const s = JSON.parse(open.stdout) as { runs: { state: string; name: string }[] };
    expect(s.runs.map((x) => x.state)).toEqual(['done', 'done']);
  });

  it.skipIf(!legacy || !modern)('compare puts the verdict table in the HTML report; 2.7 runs without an arena hook', () => {
    const out = mkdtempSync(join(tmpdir(), 'arenascope-compare-real-'));
    const r = cli(
      ...'compare --workload ramp-cycles --python'.split(' '),
      legacy!.version,
      '--real',
      legacy!.path,
      ...'--ops 60000 --sample-every 20000 --out'.split(' '),
      out,
      ...'--format html'.split(' '),
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/2\.7\.18 real ramp-cycles vs 2\.7\.18 ramp-cycles: identical at (\d+) of \1 common samples/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<section id="verification">');
    expect(html).toContain('data-table="verdict"');
    expect(html).toContain('data-verdict="identical"');
    expect(existsSync(join(out, 'session.arenascope.gz'))).toBe(true);
  });

  it.skipIf(!modern)("a trace with moving and in-place reallocs: the real run's samples equal the model's", () => {
    const trace = join(ROOT, 'test/fixtures/conformance/traces/realloc-mix.pymtrace.gz');
    const r = cli('run', '--workload', 'trace-replay', '--set', `path=${trace}`, '--real', modern!.path, '--arenas', 'misaligned', '--sample-every', '5000');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/real trace-replay vs .* trace-replay: identical at (\d+) of \1 common samples/);
    expect(Number(/identical at (\d+)/.exec(r.stdout)![1])).toBeGreaterThan(40);
  });

  it('refuses an interpreter it cannot use, naming it; exit 2', () => {
    const r = cli('run', '--workload', 'steady-churn', '--real', '/bin/true', '--ops', '1000');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--real: /bin/true');
  });
});
