/**
 * `record --origins` in real interpreters: each allocation carries the Python site that made it,
 * read by the agent as raw frame memory, and `pins` on the recorded program names the line that
 * keeps the pinning blocks. Under every installed CPython 3.8-3.13 (3.11 and 3.12 at least in CI).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAllocator } from '../../../../shared/engine';
import { OP_ALLOC } from '../../../../shared/ops/op-batch';
import { analyzePins, PinReplay, type PinReport } from '../../../../shared/pins';
import type { TraceReader } from '../../../../shared/trace';
import { readTraceBatches } from '../../../../electron/node/trace-file';
import { installedPythons, pythonsFrom } from '../../../support/pythons';
import { waitFor } from '../../wait';
import { PROGRAMS, ROOT, record, request } from './record-harness';

const pythons = pythonsFrom([3, 8], 'record --origins').filter((p) => p.line[0] === 3 && p.line[1] <= 13);
if (process.env['CI'] && (!pythons.some((p) => p.line[1] === 11) || !pythons.some((p) => p.line[1] === 12))) {
  throw new Error('record --origins: CPython 3.11 and 3.12 must be installed in CI');
}
const newest = pythons[pythons.length - 1];

/** The 1-based line of `marker` in a fixture. */
function lineOf(file: string, marker: string): number {
  const i = readFileSync(join(PROGRAMS, file), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`${marker} not in ${file}`);
  return i + 1;
}

/** Pins at the end of the trace, grouped by its sites; and the reader (its site names). */
async function pinsOf(path: string, version: string): Promise<{ report: PinReport; reader: TraceReader }> {
  const replay = new PinReplay(createAllocator(version));
  let reader: TraceReader | null = null;
  for await (const step of readTraceBatches(path)) {
    reader = step.reader;
    replay.apply(step.batch);
  }
  return { report: analyzePins(replay.alloc, { births: replay, sites: reader!.sites }), reader: reader! };
}

describe.each(pythons.map((p) => [p.version, p] as const))('record --origins under CPython %s', (_v, py) => {
  it('pins on the recorded program names the keeping line first', async () => {
    const n = 120_000;
    const r = await record(request(py.path, 'origins_keep.py', { args: [String(n)], origins: { frames: 1 } }));
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`origins_keep ${n} ${n / 1000}`);
    const s = r.result.summary!;
    expect(s.origins).toBe(1);
    expect(s.sites).toBeGreaterThan(10);
    expect(r.result.sitesNamed).toBe(s.sites);
    const { report, reader } = await pinsOf(r.tracePath, py.version);
    expect(reader.hasSites).toBe(true);
    expect(report.summary.pinnedArenas).toBeGreaterThan(3);
    const top = report.origins[0]!;
    expect(top.file).toBe(join(PROGRAMS, 'origins_cache.py'));
    expect(top.line).toBe(lineOf('origins_cache.py', '# KEEP'));
    expect(top.func).toBe('remember');
    expect(top.label).toBe(`${join(PROGRAMS, 'origins_cache.py')}:${top.line} in remember`);
    // Every kept string is there (a few may share an arena with the interpreter's own blocks, not pinned).
    expect(top.blocks).toBeGreaterThanOrEqual((n / 1000) * 0.9);
    expect(top.blocks).toBeLessThanOrEqual(n / 1000);
    // The churning line made many blocks, all freed: it holds far less than the keeping line.
    const churn = lineOf('origins_keep.py', '# CHURN');
    const churnRow = report.origins.find((o) => o.line === churn && o.file?.endsWith('origins_keep.py'));
    expect(churnRow?.arenaBytes ?? 0).toBeLessThan(top.arenaBytes / 4);
    // And it did allocate: its site is in the trace, named.
    expect([...reader.sites.values()].some((f) => f[0]!.line === churn && f[0]!.file.endsWith('origins_keep.py'))).toBe(true);
  }, 180_000);
});

describe.skipIf(!newest)('record --origins, the site table', () => {
  it('--frames 3: a site names the call path, innermost first', async () => {
    const r = await record(request(newest!.path, 'origins_keep.py', { args: ['30000'], origins: { frames: 3 } }));
    expect(r.result.end.code).toBe(0);
    const { report } = await pinsOf(r.tracePath, newest!.version);
    const keep = lineOf('origins_cache.py', '# KEEP');
    const call = lineOf('origins_keep.py', 'origins_cache.remember(i)');
    const row = report.origins.find((o) => o.line === keep && o.func === 'remember');
    expect(row, JSON.stringify(report.origins.slice(0, 5))).toBeDefined();
    expect(row!.label).toMatch(
      new RegExp(`origins_cache\\.py:${keep} in remember ← .*origins_keep\\.py:${call} in build ← .*origins_keep\\.py:\\d+ in <module>$`),
    );
  }, 180_000);

  it('a killed program keeps its sites unnamed, and pins says so', async () => {
    const r = await record(request(newest!.path, 'killed.py', { origins: { frames: 1 } }), (run, onStdout) => {
      let killing = false;
      onStdout((text) => {
        if (killing || !text.includes('before the kill')) return;
        killing = true;
        void waitFor("the strings' records", () => run.stream.ops > 20_000, 60_000).then(() => run.recording.child.kill('SIGKILL'));
      });
    });
    expect(r.result.end.signal).toBe('SIGKILL');
    expect(r.result.sitesNamed).toBe(0);
    const { report, reader } = await pinsOf(r.tracePath, newest!.version);
    expect(reader.hasSites).toBe(true);
    expect(reader.sites.size).toBe(0);
    // The kept strings are live at the end: grouped by their (unnamed) site, not lost.
    const replay = new PinReplay(createAllocator(newest!.version));
    for await (const step of readTraceBatches(r.tracePath)) replay.apply(step.batch);
    const all = analyzePins(replay.alloc, { births: replay, threshold: 1, sites: reader.sites });
    // (The host killed it once 20,000 ops had arrived: the trace is a prefix of the strings' making.)
    expect(all.origins.length).toBeGreaterThan(0);
    for (const o of all.origins) expect(o.label).toMatch(/^(site \d+ \(not named: the program ended before its sites were\)|no Python frame: .*)$/);
    expect(all.origins.reduce((n, o) => n + o.blocks, 0)).toBe(all.summary.pinningBlocks);
    expect(all.origins[0]!.blocks).toBeGreaterThan(1000);
    expect(report.summary.op).toBe(r.result.ops);
  }, 180_000);

  it("reads each thread's own frames", async () => {
    const r = await record(request(newest!.path, 'threads.py', { args: ['4', '1500'], origins: { frames: 2 } }));
    expect(r.result.end.code).toBe(0);
    let reader: TraceReader | null = null;
    const used = new Set<number>();
    for await (const step of readTraceBatches(r.tracePath)) {
      reader = step.reader;
      const b = step.batch;
      for (let i = 0; i < b.length; i++) if (b.kind[i] === OP_ALLOC) used.add(b.site![i]!);
    }
    // The workers' allocations are named by the worker's lines, called from Thread.run.
    const workerLine = lineOf('threads.py', 'def worker') + 1;
    const inWorker = [...used].map((s) => reader!.sites.get(s)).filter((f) => f?.[0]?.func === 'worker');
    expect(inWorker.length).toBeGreaterThan(0);
    for (const f of inWorker) {
      expect(f![0]!.line).toBeGreaterThanOrEqual(workerLine);
      expect(f![1]!.func).toMatch(/run$/);
    }
  }, 180_000);

  it('keeps thousands of sites apart as its table grows, each named with its own line', async () => {
    const lines = 3000;
    const r = await record(request(newest!.path, 'origins_many_sites.py', { args: [String(lines)], origins: { frames: 1 } }));
    expect(r.stdout).toContain(`origins_many_sites ${lines}`);
    const s = r.result.summary!;
    expect(s.sites).toBeGreaterThan(lines);
    expect(s.allocs_site_table_full).toBe(0);
    // Each generated line's list is allocated at a site naming that line, and no other line.
    const allocsPerLine = new Map<number, number>();
    let reader: TraceReader | null = null;
    const siteOfAlloc: number[] = [];
    for await (const step of readTraceBatches(r.tracePath)) {
      reader = step.reader;
      const b = step.batch;
      for (let i = 0; i < b.length; i++) if (b.kind[i] === OP_ALLOC) siteOfAlloc.push(b.site![i]!);
    }
    for (const site of siteOfAlloc) {
      const frames = reader!.sites.get(site);
      if (frames?.[0]?.file === '<generated>') allocsPerLine.set(frames[0].line, (allocsPerLine.get(frames[0].line) ?? 0) + 1);
    }
    expect(allocsPerLine.size).toBe(lines);
    expect(Math.min(...allocsPerLine.keys())).toBe(1);
    expect(Math.max(...allocsPerLine.keys())).toBe(lines);
    // Every line does the same (a bytearray and its buffer): one line's blocks were never put on another's.
    expect(new Set(allocsPerLine.values()).size).toBe(1);
  }, 180_000);
});

/** The bootstrap's own check, for an interpreter the host would let through by mistake. */
const PROBE = [
  'import sys',
  `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'agent/python'))})`,
  'import json, record_origins',
  'try:',
  '    print("layout", json.dumps(record_origins.probe()))',
  'except record_origins.OriginsUnsupported as e:',
  '    print("refused:", e)',
].join('\n');

describe('record_origins.probe', () => {
  it.each(
    installedPythons()
      .filter((p) => p.line[0] === 3)
      .map((p) => [p.version, p] as const),
  )('under CPython %s: a layout on 3.8-3.13, a clear refusal elsewhere', (version, py) => {
    const out = execFileSync(py.path, ['-c', PROBE], { encoding: 'utf8' });
    if (py.line[1] >= 8 && py.line[1] <= 13) {
      expect(out.startsWith('layout ')).toBe(true);
      const layout = JSON.parse(out.slice('layout '.length)) as Record<string, number>;
      const keys = ['tss_key', 'tstate_frame', 'cframe_current', 'frame_code', 'frame_back', 'frame_instr', 'instr_kind', 'code_units', 'frame_owner'];
      expect(Object.keys(layout).sort()).toEqual([...keys].sort());
      // The shape of each version family (docs/recording.md): frame objects, then interpreter frames.
      expect(layout['instr_kind']).toBe(py.line[1] <= 9 ? 0 : py.line[1] === 10 ? 1 : 2);
      expect(layout['cframe_current']! >= 0).toBe(py.line[1] === 11 || py.line[1] === 12);
      expect(layout['frame_owner']! >= 0).toBe(py.line[1] >= 12);
    } else {
      expect(out.trim()).toBe(`refused: --origins supports CPython 3.8 to 3.13; this interpreter is ${version.split('.').slice(0, 2).join('.')}`);
    }
  });
});
