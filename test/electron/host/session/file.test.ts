// Session files on disk: round trips, a writer killed mid-run, and damage of every kind (truncation
// at any byte, bit flips, wrong versions, files that are not sessions) — which must either open with
// a warning and an exact prefix of what was written, or fail with a SessionFileError.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../../shared/protocol/run-config';
import { SERIES_COUNT } from '../../../../shared/run/sample';
import { SESSION_VERSION } from '../../../../electron/host/session/records';
import { MEMBER_HEAD_BYTES, memberHead } from '../../../../electron/host/session/gzip';
import {
  type FlushTimer,
  openSession,
  type RunMeta,
  type RunStatus,
  saveSession,
  type Session,
  SessionFileError,
  SessionWriter,
  type StartedInfo,
} from '../../../../electron/host/session/file';

const dir = mkdtempSync(join(tmpdir(), 'arenascope-session-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
const tempFile = (name: string): string => join(dir, `${fileCount++}-${name}`);

/** A timer that fires only when told to. */
function manualTimer(): FlushTimer & { fire(): void; pending(): number; delays: number[] } {
  const callbacks = new Map<number, () => void>();
  const delays: number[] = [];
  let next = 0;
  return {
    delays,
    set(callback, ms) {
      delays.push(ms);
      callbacks.set(++next, callback);
      return next;
    },
    clear(handle) {
      callbacks.delete(handle as number);
    },
    fire() {
      const due = [...callbacks.values()];
      callbacks.clear();
      for (const c of due) c();
    },
    pending: () => callbacks.size,
  };
}

interface RunSpec {
  id: string;
  config: RunConfig;
  meta: RunMeta;
  started?: StartedInfo;
  status?: RunStatus;
  columns: number[][];
  phases: { op: number; label: string }[];
}

const config = (workload: string, extra: Partial<RunConfig> = {}): RunConfig => ({
  workload,
  params: { live: 1000, sizes: 'uniform:1-512' },
  seed: '0x2a',
  python: '3.12',
  sampleEvery: 10_000,
  ...extra,
});

const started: StartedInfo = {
  engineVersion: '0.1.0',
  workloadVersion: 2,
  python: { version: '3.12', family: 'G4', arenas: 'aligned' },
  params: { live: 1000, sizes: 'uniform:1-512' },
};

function columns(rows: number, seed: number): number[][] {
  const cols = Array.from({ length: SERIES_COUNT }, () => [] as number[]);
  let wall = 0;
  for (let i = 0; i < rows; i++) {
    wall += 0.25 + ((i * 7919 + seed) % 13) / 7; // non-integer, non-decreasing
    cols[0]!.push(i * 10_000);
    cols[1]!.push(wall);
    for (let s = 2; s < SERIES_COUNT; s++) cols[s]!.push(((i + seed) * 2654435761 * s) % 1_000_003);
  }
  return cols;
}

const RUNS: RunSpec[] = [
  {
    id: 'run-1',
    config: config('steady-churn', { ops: 5_000_000 }),
    meta: { name: 'baseline', createdAt: '2025-01-02T03:04:05.000Z' },
    started,
    status: { state: 'done', ops: 5_000_000, wallMs: 812.5 },
    columns: columns(300, 1),
    phases: [
      { op: 0, label: 'fill' },
      { op: 1_000_000, label: 'churn' },
    ],
  },
  {
    id: 'run-2 (crashed)',
    config: config('fragmenter', { arenas: 'misaligned' }),
    meta: {},
    started: { ...started, python: { ...started.python, arenas: 'misaligned' } },
    status: { state: 'crashed', ops: 1_230_000, wallMs: 400.25, reason: 'worker exited with signal SIGSEGV' },
    columns: columns(124, 2),
    phases: [{ op: 20_000, label: 'fragment ✂ phase' }],
  },
  {
    // Never started: no samples, no status.
    id: 'run-3',
    config: config('trace-replay', { durationMs: 60_000 }),
    meta: { name: 'from a trace' },
    columns: columns(0, 3),
    phases: [],
  },
  {
    // Still running when the session was written: no final status.
    id: 'run-4',
    config: config('steady-churn'),
    meta: {},
    started,
    status: { state: 'running', ops: 90_000, wallMs: 10 },
    columns: columns(250, 4),
    phases: [],
  },
];

/** Writes RUNS the way a host would: interleaved batches, a flush (one gzip member) per round. */
async function writeRuns(path: string): Promise<void> {
  const w = await SessionWriter.open(path, { timer: manualTimer(), fsync: false });
  for (const r of RUNS) w.addRun(r.id, r.config, r.meta);
  for (const r of RUNS) if (r.started) w.setStarted(r.id, r.started);
  const longest = Math.max(...RUNS.map((r) => r.columns[0]!.length));
  for (let round = 0, start = 0; start < longest; round++) {
    const end = start + 1 + (round % 5) * 3;
    for (const r of RUNS) {
      const rows = Math.min(end, r.columns[0]!.length);
      if (start >= rows) continue;
      w.appendSamples(
        r.id,
        r.columns.map((c) => c.slice(start, rows)),
        round % 7 === 0 ? 1 : 0,
      );
      const [first, last] = [r.columns[0]![start]!, r.columns[0]![rows - 1]!];
      for (const p of r.phases) if (p.op >= first && p.op <= last) w.addPhase(r.id, p.op, p.label);
      w.setStatus(r.id, { state: 'running', ops: last, wallMs: r.columns[1]![rows - 1]! });
    }
    await w.flush();
    start = end;
  }
  for (const r of RUNS) if (r.status) w.setStatus(r.id, r.status);
  await w.close();
}

/**
 * Checks that a loaded session holds a prefix of RUNS: known runs in order, each run's samples and
 * phases a prefix of what was written, values exact. With `whole`, everything must be there.
 */
function expectPrefixOfRuns(session: Session, whole: boolean): void {
  const ids = session.runs.map((r) => r.id);
  expect(ids).toEqual(RUNS.slice(0, ids.length).map((r) => r.id));
  if (whole) expect(ids).toHaveLength(RUNS.length);
  for (const run of session.runs) {
    const spec = RUNS.find((r) => r.id === run.id)!;
    expect(run.config).toEqual(spec.config);
    expect(run.meta).toEqual(spec.meta);
    if (run.started) expect(run.started).toEqual(spec.started);
    const cols = session.store.read(run.id);
    const n = cols[0]!.length;
    expect(n).toBeLessThanOrEqual(spec.columns[0]!.length);
    for (let s = 0; s < SERIES_COUNT; s++) expect(Array.from(cols[s]!)).toEqual(spec.columns[s]!.slice(0, n));
    const phases = session.store.phases(run.id);
    expect(phases).toEqual(spec.phases.slice(0, phases.length));
    if (whole) {
      expect(run.started).toEqual(spec.started);
      expect(run.status).toEqual(spec.status);
      expect(n).toBe(spec.columns[0]!.length);
      expect(phases).toEqual(spec.phases);
    }
  }
}

/** Opens a damaged file: a warning and an exact prefix, or a SessionFileError; nothing else. */
async function openDamaged(path: string, exact: boolean): Promise<'opened' | 'refused'> {
  try {
    const { session, warnings } = await openSession(path);
    if (exact) expectPrefixOfRuns(session, warnings.length === 0);
    for (const w of warnings) expect(w.startsWith(`${path}: `)).toBe(true);
    return 'opened';
  } catch (error) {
    if (!(error instanceof SessionFileError)) throw error;
    expect(error.file).toBe(path);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
    return 'refused';
  }
}

/** Opens copies of `file` with one bit flipped (200 drawn at random) as openDamaged demands (`exact`: only a prefix of the runs). */
async function openBitFlipped(file: string, copyName: string, exact: boolean): Promise<void> {
  const bytes = readFileSync(file);
  const path = tempFile(copyName);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: 7 }), async (at, bit) => {
      const copy = Buffer.from(bytes);
      copy[at]! ^= 1 << bit;
      writeFileSync(path, copy);
      await openDamaged(path, exact);
    }),
    { numRuns: 200 },
  );
}

const gzFile = tempFile('ref.arenascope.gz');
const plainFile = tempFile('ref.arenascope');
const ready = Promise.all([writeRuns(gzFile), writeRuns(plainFile)]);

describe('session round trip', () => {
  for (const [kind, file] of [
    ['gzip', gzFile],
    ['plain', plainFile],
  ] as const) {
    it(`${kind}: every run, sample, phase and status comes back exactly`, async () => {
      await ready;
      const { session, warnings } = await openSession(file);
      expect(warnings).toEqual([]);
      expectPrefixOfRuns(session, true);
      expect(session.version).toBe(SESSION_VERSION);
      expect(session.flushMs).toBe(2000);
      expect(session.closedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      // Coalesced counts add up across batches (every 7th round of each run with samples).
      expect(session.runs[0]!.coalesced).toBeGreaterThan(0);
      expect(session.store.stats('run-3')).toEqual({ samples: 0, phases: 0, range: null });
    });
  }

  it('the gzip file is one ordinary gzip stream of JSON lines, one member per flush', async () => {
    await ready;
    const bytes = readFileSync(gzFile);
    const text = gunzipSync(bytes).toString('utf8');
    const lines = text.trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ t: 'session', format: 'arenascope-session', version: SESSION_VERSION });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ t: 'end' });
    expect(readFileSync(plainFile, 'utf8').split('\n').length).toBe(lines.length + 1);
    let members = 0;
    for (let i = 0; i + 3 < bytes.length; i++) if (bytes[i] === 0x1f && bytes[i + 1] === 0x8b && bytes[i + 2] === 8 && bytes[i + 3] === 4) members++;
    expect(members).toBeGreaterThan(30);
  });

  it('a file recompressed by another gzip tool still opens', async () => {
    await ready;
    const path = tempFile('recompressed.arenascope.gz');
    writeFileSync(path, gzipSync(gunzipSync(readFileSync(gzFile))));
    const { session, warnings } = await openSession(path);
    expect(warnings).toEqual([]);
    expectPrefixOfRuns(session, true);
  });

  it('save-as writes the whole session atomically, in either form', async () => {
    await ready;
    const { session } = await openSession(gzFile);
    for (const name of ['saved.arenascope', 'saved.arenascope.gz']) {
      const path = tempFile(name);
      writeFileSync(path, 'an older file in the way');
      await saveSession(path, session);
      const again = await openSession(path);
      expect(again.warnings).toEqual([]);
      expectPrefixOfRuns(again.session, true);
      expect(again.session.createdAt).toBe(session.createdAt);
      expect(again.session.runs.map((r) => r.coalesced)).toEqual(session.runs.map((r) => r.coalesced));
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('loads into a given store under new ids', async () => {
    await ready;
    const first = await openSession(gzFile);
    const second = await openSession(gzFile, { store: first.session.store, runId: (id) => `b/${id}` });
    expect(second.session.store).toBe(first.session.store);
    expect(first.session.store.runIds()).toHaveLength(2 * RUNS.length);
    expect(second.session.runs[0]!.id).toBe('b/run-1');
    const clash = await openSession(gzFile, { store: first.session.store });
    expect(clash.warnings[0]).toMatch(/record 2: run "run-1" is already in the store/);
  });
});

describe('the session writer', () => {
  it('flushes on a timer started by the first record, never more often than flushMs', async () => {
    const path = tempFile('timer.arenascope');
    const timer = manualTimer();
    const w = await SessionWriter.open(path, { timer, flushMs: 1500 });
    const headerOnly = readFileSync(path, 'utf8');
    expect(headerOnly.split('\n')).toHaveLength(2);
    expect(timer.pending()).toBe(0); // idle: no wake-ups
    w.addRun('r', RUNS[0]!.config);
    w.appendSamples('r', columns(3, 0));
    w.addPhase('r', 0, 'start');
    expect(timer.pending()).toBe(1);
    expect(timer.delays).toEqual([1500]);
    expect(readFileSync(path, 'utf8')).toBe(headerOnly); // nothing written before the timer fires
    timer.fire();
    await w.flush();
    const { session, warnings } = await openSession(path);
    expect(session.store.stats('r').samples).toBe(3);
    expect(warnings[0]).toMatch(/not closed.*up to the last 1\.5 s of run "r"/);
    expect(timer.pending()).toBe(0);
    await w.close();
    expect((await openSession(path)).warnings).toEqual([]);
  });

  it('refuses what the reader would refuse, queuing nothing', async () => {
    const path = tempFile('refuse.arenascope.gz');
    const w = await SessionWriter.open(path, { timer: manualTimer() });
    w.addRun('r', RUNS[0]!.config);
    expect(() => w.addRun('r', RUNS[0]!.config)).toThrow(/already added/);
    expect(() => w.addRun('bad', { ...RUNS[0]!.config, sampleEvery: 0 })).toThrow(/cannot record run: field config.sampleEvery/);
    expect(() => w.appendSamples('nope', columns(1, 0))).toThrow(/run nope was not added/);
    expect(() => w.appendSamples('r', columns(1, 0).slice(1))).toThrow(
      /expected 34 columns \(SERIES order, then the envelope.s minima and maxima\) or 16 \(no envelope\), got 15/,
    );
    const bad = columns(2, 0);
    bad[5]![1] = NaN;
    expect(() => w.appendSamples('r', bad)).toThrow(/arena_bytes\[1\] is not a finite number/);
    w.appendSamples('r', columns(5, 0));
    expect(() => w.appendSamples('r', columns(1, 0))).toThrow(/goes backwards/);
    expect(() => w.setStatus('r', { state: 'lost' as 'done', ops: 1, wallMs: 1 })).toThrow(/field state/);
    await w.close();
    expect(() => w.addPhase('r', 1, 'late')).toThrow(/closed/);
    const { session, warnings } = await openSession(path);
    expect(warnings).toEqual([]);
    expect(session.runs.map((r) => r.id)).toEqual(['r']);
    expect(session.store.stats('r').samples).toBe(5);
    await expect(SessionWriter.open(path)).rejects.toThrow(/cannot create the session file/);
  });

  it('a writer killed mid-run loses at most the last ~2 s', async () => {
    const path = tempFile('killed.arenascope.gz');
    const script = fileURLToPath(new URL('../fixtures/session-writer-child.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const t0 = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]!) as { t0: number }).t0);
      });
      child.on('exit', () => reject(new Error('the writer exited before it started')));
    });
    await new Promise((resolve) => setTimeout(resolve, 3200));
    const killedAt = Date.now() - t0;
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const { session, warnings } = await openSession(path);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/(not closed|truncated)/);
    expect(warnings[0]).toMatch(/run "a".*run "b"/);
    for (const id of ['a', 'b']) {
      const range = session.store.stats(id).range!;
      const lastWall = range.wall_ms[1];
      // Two seconds of flush interval, plus slack for a loaded machine's timers and the write itself.
      expect(lastWall).toBeGreaterThan(killedAt - 2000 - 700);
      expect(lastWall).toBeLessThanOrEqual(killedAt);
    }
    expect(session.store.phases('a').length).toBeGreaterThan(0);
  }, 30_000);
});

describe('damaged session files', () => {
  it('truncated at any byte: an exact prefix with a warning, or a SessionFileError', async () => {
    await ready;
    for (const file of [gzFile, plainFile]) {
      const bytes = readFileSync(file);
      const path = tempFile(file.endsWith('.gz') ? 'cut.arenascope.gz' : 'cut.arenascope');
      const outcomes = new Set<string>();
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: bytes.length - 1 }), async (cut) => {
          writeFileSync(path, bytes.subarray(0, cut));
          const outcome = await openDamaged(path, true);
          outcomes.add(outcome);
          // Past the header (one short line or member, its envelope keys included), a cut file always opens.
          if (cut > 600) expect(outcome).toBe('opened');
        }),
        { numRuns: 150, examples: [[0], [1], [10], [bytes.length - 1], [bytes.length - 2]] },
      );
      expect(outcomes).toEqual(new Set(['opened', 'refused']));
    }
  });

  it('truncation warnings say where reading stopped and which runs may miss samples', async () => {
    await ready;
    const bytes = readFileSync(gzFile);
    const path = tempFile('half.arenascope.gz');
    writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
    const { session, warnings } = await openSession(path);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: truncated after record \\d+ \\(in the gzip member at byte \\d+: the member needs \\d+ bytes, the file has \\d+ left\\)`,
      ),
    );
    expect(warnings[0]).toMatch(/the last samples of run "run-1" \(kept up to op \d+, [\d.]+ s\)/);
    expect(session.runs.length).toBe(RUNS.length);
  });

  it('bit flips in a gzip session: CRC-checked members give an exact prefix, or a SessionFileError', async () => {
    await ready;
    await openBitFlipped(gzFile, 'flipped.arenascope.gz', true);
  });

  it('a damaged member among many read in one call is still named by its own offset, the members before it kept', async () => {
    await ready;
    const bytes = readFileSync(gzFile);
    const offsets: number[] = [];
    for (let at = 0; at < bytes.length;) {
      const h = memberHead(bytes.subarray(at, at + MEMBER_HEAD_BYTES), bytes.length - at);
      if (h.kind !== 'sized') throw new Error(`member at ${at}: ${h.kind}`);
      offsets.push(at);
      at += h.size;
    }
    expect(offsets.length).toBeGreaterThan(8);
    const k = offsets.length >> 1;
    const copy = Buffer.from(bytes);
    copy[offsets[k]! + MEMBER_HEAD_BYTES + 2]! ^= 0x55; // inside its deflate data: its CRC-32 (or the inflate) fails
    const path = tempFile('member-damaged.arenascope.gz');
    writeFileSync(path, copy);
    const { session, warnings } = await openSession(path);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`(in the gzip member at byte ${offsets[k]}: `);
    expectPrefixOfRuns(session, false);
  });

  it('bit flips in a plain session: a warning or a SessionFileError, never another exception', async () => {
    await ready;
    await openBitFlipped(plainFile, 'flipped.arenascope', false); // plain text has no checksum: a flipped digit can go unseen
  });

  it('a damaged record names its number and field, and keeps what came before', async () => {
    await ready;
    const lines = readFileSync(plainFile, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"t":"phase"'));
    const path = tempFile('bad-field.arenascope');
    writeFileSync(path, [...lines.slice(0, at), lines[at]!.replace(/"op":\d+/, '"op":-3'), ...lines.slice(at + 1)].join('\n'));
    const { session, warnings } = await openSession(path);
    expect(warnings[0]).toContain(`damaged after record ${at} (at byte `);
    expect(warnings[0]).toMatch(new RegExp(`record ${at + 1}: field op: .*>=0`));
    expect(session.runs).toHaveLength(RUNS.length);

    const path2 = tempFile('not-json.arenascope');
    writeFileSync(path2, [...lines.slice(0, at), '{"t":"phase",', ...lines.slice(at + 1)].join('\n'));
    expect((await openSession(path2)).warnings[0]).toMatch(new RegExp(`record ${at + 1} is not JSON`));

    const path3 = tempFile('orphan.arenascope');
    writeFileSync(path3, [lines[0], '{"t":"phase","run":"ghost","op":1,"label":"x"}', ''].join('\n'));
    expect((await openSession(path3)).warnings[0]).toMatch(/record 2: phase of run "ghost", which has no run record before it/);
  });

  it('an unknown format version is refused with the record and the reason', async () => {
    await ready;
    const path = tempFile('v9.arenascope');
    writeFileSync(path, readFileSync(plainFile, 'utf8').replace(`"version":${SESSION_VERSION}`, '"version":9'));
    const error = await openSession(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionFileError);
    expect(error).toMatchObject({ file: path, record: 1, reason: 'session format version 9 is not supported (this build reads versions 2, 3, 4 and 5)' });
    const gz = tempFile('v9.arenascope.gz');
    writeFileSync(gz, gzipSync(readFileSync(path)));
    await expect(openSession(gz)).rejects.toThrow(/version 9 is not supported/);
  });

  it('files that are not sessions are refused, and say so', async () => {
    await ready;
    const cases: [string, string | Uint8Array, RegExp][] = [
      ['empty.arenascope', '', /empty file: not an Arenascope session/],
      ['text.arenascope', 'hello\nworld\n', /not an Arenascope session \(the first record is not JSON\)/],
      ['json.arenascope', '{"a":1}\n{"b":2}\n', /not an Arenascope session \(the first record has no "format"/],
      ['trace.arenascope.gz', gzipSync('#pymtrace 1\na 1 16\nf 1\n'), /not an Arenascope session/],
      ['noise.arenascope', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251), /not an Arenascope session/],
      ['header-cut.arenascope', '{"t":"session","format":"arenascope-ses', /record 1: the header record is cut off/],
      ['gzip-header-cut.arenascope.gz', readFileSync(gzFile).subarray(0, 40), /record 1: truncated inside the header/],
    ];
    for (const [name, data, reason] of cases) {
      const path = tempFile(name);
      writeFileSync(path, data);
      const error = await openSession(path).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(SessionFileError);
      expect((error as Error).message, name).toMatch(reason);
      expect((error as Error).message.startsWith(path), name).toBe(true);
    }
    await expect(openSession(join(dir, 'missing.arenascope'))).rejects.toThrow(/missing\.arenascope: cannot open/);
  });
});
