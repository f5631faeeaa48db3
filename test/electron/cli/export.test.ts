/** `run --format`, `compare` and `export` as a user runs them: real host process, real workers, real files. */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { csvHeader, readExportJson } from '../../../electron/host/export';
import { openSession } from '../../../electron/host/session/file';
import { cli, ROOT } from './cli-process';
import { createAllocator } from '../../../shared/engine';
import { analyzePins, driveTo, PinReplay, summaryLine } from '../../../shared/pins';
import { createGenerator, getWorkload } from '../../../shared/workloads/registry';

const tmp = mkdtempSync(join(tmpdir(), 'arenascope-cli-export-'));

const small = ['--workload', 'seed-16b-fill-free', '--set', 'N=200000', '--sample-every', '2000'];

describe('run --format', () => {
  it('writes the chosen formats (and the session) instead of samples.csv and run.json', async () => {
    const out = join(tmp, 'run');
    const r = cli('run', ...small, '--python', '3.11', '--out', out, '--format', 'png,csv,json', '--width', '640', '--height', '360', '--theme', 'dark');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['arenas.png', 'export.json', 'memory.png', 'pools.png', 'samples.csv', 'session.arenascope.gz']);
    expect(r.stdout).toMatch(/exported 5 files to .* in \d+ ms/);
    const img = await loadImage(readFileSync(join(out, 'memory.png')));
    expect([img.width, img.height]).toEqual([640, 360]);
    // The CSV holds what the session holds.
    const { session } = await openSession(join(out, 'session.arenascope.gz'));
    const lines = readFileSync(join(out, 'samples.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(csvHeader());
    expect(lines.length - 1).toBe(session.store.stats(session.runs[0]!.id).samples);
    const json = readExportJson(readFileSync(join(out, 'export.json'), 'utf8'));
    expect(json.runs[0]!.series['op']).toEqual(Array.from(session.store.read(session.runs[0]!.id)[0]!));
  });

  it("carries why the run's arenas are kept at its end in the report and the JSON, as the analysis in this process does", () => {
    const out = join(tmp, 'pins');
    const params = { N: 200_000, k: 256, hold_live: 0, hold_ops: 0 };
    const sets = Object.entries(params).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    // Stopped after the thinning, before the kept blocks are freed: every arena is pinned by them.
    const r = cli('run', '--workload', 'keep-every-kth', ...sets, '--ops', '390000', '--python', '3.11', '--out', out, '--format', 'json,html');
    expect(r.code, r.stderr).toBe(0);
    const replay = new PinReplay(createAllocator('3.11'));
    driveTo(createGenerator('keep-every-kth', params, 1), replay, 390_000);
    const expected = analyzePins(replay.alloc, { births: replay, workload: getWorkload('keep-every-kth') });
    expect(expected.summary.pinnedArenas).toBeGreaterThan(0);
    const json = readExportJson(readFileSync(join(out, 'export.json'), 'utf8'));
    expect(json.runs[0]!.pins).toEqual(JSON.parse(JSON.stringify(expected)));
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<section id="pins">');
    expect(html).toContain(summaryLine(expected).replace(/'/g, '&#39;'));
  });

  it('refuses bad export options by name', () => {
    expect(cli('run', ...small, '--python', '3.11', '--format', 'png').stderr).toMatch(/--format needs --out DIR/);
    const bad = cli('run', ...small, '--python', '3.11', '--out', join(tmp, 'x'), '--format', 'png,gif');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown format 'gif'/);
    expect(cli('run', ...small, '--python', '3.11', '--out', join(tmp, 'x'), '--format', 'png', '--theme', 'blue').stderr).toMatch(
      /--theme must be 'light' or 'dark'/,
    );
    expect(cli('run', ...small, '--python', '3.11', '--width', '300').stderr).toMatch(/--width is an export option/);
  });
});

describe('compare', () => {
  it('runs the versions at once, prints the differences, writes overlaid charts and a report with the delta table', () => {
    const out = join(tmp, 'compare');
    const r = cli('compare', ...small, '--python', '2.4', '--python', '3.8', '--python', '3.11', '--out', out, '--format', 'svg,html');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/differences from 2\.4\.\d+ seed-16b-fill-free:/);
    expect(r.stdout).toMatch(/arena_bytes \(bytes\): 2\.4\.\d+ peak \d+ final \d+; 3\.8\.\d+ peak \d+ \([-+]\d+\)/);
    const files = readdirSync(out);
    expect(files).toContain('compare-arena_bytes.svg');
    expect(files).toContain('report.html');
    const svg = readFileSync(join(out, 'compare-arena_bytes.svg'), 'utf8');
    expect(svg.match(/<path /g)).toHaveLength(3);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('data-table="delta"');
    expect(html).not.toMatch(/http/i);
  });

  it('needs two versions', () => {
    const r = cli('compare', ...small, '--python', '3.11');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give --python at least twice/);
  });
});

describe('export', () => {
  it("exports a saved session's runs, every format by default; --compare overlays them", () => {
    const src = join(tmp, 'src');
    expect(cli('run', ...small, '--python', '2.7', '--python', '3.12', '--out', src).code).toBe(0);
    const session = join(src, 'session.arenascope.gz');
    const out = join(tmp, 'exported');
    const r = cli('export', session, '--out', out);
    expect(r.code).toBe(0);
    const files = readdirSync(out).sort();
    for (const ext of ['png', 'svg'])
      for (const chart of ['memory', 'arenas', 'pools']) expect(files.filter((f) => f.endsWith(`-${chart}.${ext}`))).toHaveLength(2);
    expect(files.filter((f) => f.endsWith('.png'))).toHaveLength(6);
    expect(files.filter((f) => f.startsWith('samples-'))).toHaveLength(2);
    expect(files).toContain('export.json');
    expect(files).toContain('report.html');
    const cmp = cli('export', session, '--out', join(tmp, 'exported-cmp'), '--compare', '--format', 'png', '--from', '1000', '--to', '100000', '--axis', 'op');
    expect(cmp.code).toBe(0);
    expect(readdirSync(join(tmp, 'exported-cmp'))).toContain('compare-arena_bytes.png');
    const one = cli('export', session, '--out', join(tmp, 'exported-one'), '--run', 'run-2', '--format', 'csv');
    expect(readdirSync(join(tmp, 'exported-one'))).toEqual(['samples.csv']);
    expect(one.code).toBe(0);
    expect(cli('export', session, '--out', join(tmp, 'e'), '--run', 'run-9').stderr).toMatch(/has no run 'run-9' \(runs: run-1, run-2\)/);
  });

  it('a folder it cannot write to: exit 2, the path named, nothing left behind', () => {
    const src = join(tmp, 'src-ro');
    expect(cli('run', ...small, '--python', '3.11', '--out', src).code).toBe(0);
    const dir = join(tmp, 'read-only');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    let immutable = false;
    if (process.getuid?.() === 0) {
      // root ignores permissions: make the folder immutable instead (skip where that is not allowed).
      if (spawnSync('chattr', ['+i', dir]).status !== 0) return;
      immutable = true;
    }
    try {
      const r = cli('export', join(src, 'session.arenascope.gz'), '--out', dir, '--format', 'png,csv');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(join(dir, 'memory.png'));
      expect(r.stderr).toMatch(/cannot write/);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      if (immutable) spawnSync('chattr', ['-i', dir]);
      chmodSync(dir, 0o755);
    }
  });

  it('refuses a file that is not a session', () => {
    const r = cli('export', join(ROOT, 'package.json'), '--out', join(tmp, 'nope'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/package\.json/);
  });
});
