/**
 * Fuzz target `session`: the session file loader (electron/host/session/reader.ts `openSession`) on
 * real files written by `SessionWriter`, plain and gzip (sized members), closed and not closed.
 *
 * Damage: truncation at any byte, bit flips, bytes overwritten, garbage inserted or cut out; records
 * duplicated, swapped, deleted, replaced by other JSON or by a record with one field made hostile
 * (wrong types, `[]`, NaN-ish numbers, `__proto__` keys); a header of another format version; giant
 * records (a megabyte label, thousands of sample rows); the whole file recompressed as one foreign
 * gzip stream, or its sized members reordered or duplicated.
 *
 * Contract checked on every case: `openSession` resolves or rejects with a `SessionFileError` naming
 * the path, nothing else, within the time bound; an intact file opens with the runs written and no
 * warning (one "not closed" warning for a file the writer never closed); a file cut short either is
 * refused or opens with a warning and an exact prefix of what was written (runs, configs, sample
 * rows, phases); whatever opens can be read back from its store.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { SERIES_COUNT } from '../../../shared/run/sample';
import { type FlushTimer, type OpenedSession, openSession, SessionFileError, SessionWriter } from '../../../electron/host/session/file';
import { isGzip, sizedMember } from '../../../electron/host/session/gzip';
import { check, describeError, fail, type FuzzResult, type FuzzTarget, HOSTILE_KEYS, raceTimeout, type RunOptions, runProperty } from '../harness';
import { applyByteEdit } from '../byte-edits';

const CASE_BOUND_MS = 15_000;

// ---- base files ---------------------------------------------------------------------------------------

const noTimer: FlushTimer = { set: () => 0, clear: () => undefined };

function rows(run: number, from: number, n: number): number[][] {
  const cols: number[][] = Array.from({ length: SERIES_COUNT }, () => []);
  for (let i = 0; i < n; i++) {
    const op = (from + i) * 1000;
    cols[0]!.push(op);
    cols[1]!.push((from + i) * 7.5);
    for (let s = 2; s < SERIES_COUNT; s++) cols[s]!.push(run * 1e6 + op * s + (i % 3));
  }
  return cols;
}

const config = (workload: string): RunConfig => ({
  workload,
  params: { live: 1000, sizes: 'uniform(8, 512)' },
  seed: '0x2a',
  python: '3.12',
  sampleEvery: 1000,
});

/**
 * Writes a session the way the host does, flushing between steps so a gzip file has many members;
 * an unclosed one is the file as it was before `close()` (a host that crashed).
 */
async function writeBase(path: string, closed: boolean, samplesPerRun: number): Promise<Uint8Array> {
  const w = await SessionWriter.open(path, { fsync: false, timer: noTimer, now: () => new Date(0), app: 'fuzz' });
  w.addRun('r1', config('steady-churn'), { name: 'first ✓', createdAt: '1970-01-01T00:00:00.000Z' });
  w.setStarted('r1', {
    engineVersion: '0.1.0',
    workloadVersion: 2,
    python: { version: '3.12.1', family: 'G4', arenas: 'aligned' },
    params: { live: 1000, sizes: 'uniform(8, 512)' },
  });
  await w.flush();
  w.addRun('r2', config('ramp-cycles'));
  for (let k = 0; k < samplesPerRun; k++) {
    w.appendSamples('r1', rows(1, k * 3, 3), k);
    w.addPhase('r1', k * 3000, `phase ${k}`);
    w.appendSamples('r2', rows(2, k * 2, 2));
    w.setStatus('r1', { state: 'running', ops: k * 3000, wallMs: k * 10 });
    await w.flush();
  }
  if (closed) {
    w.setStatus('r1', { state: 'done', ops: 99_000, wallMs: 990 });
    w.setStatus('r2', { state: 'failed', ops: 5, wallMs: 1, reason: 'boom' });
    await w.close();
    return new Uint8Array(await readFile(path));
  }
  await w.flush();
  const crashed = new Uint8Array(await readFile(path));
  await w.close();
  writeFileSync(path, crashed);
  return crashed;
}

interface Base {
  name: string;
  bytes: Uint8Array;
  gzip: boolean;
  closed: boolean;
  /** The file's lines (decompressed). */
  lines: string[];
  /** What openSession gives for the intact file. */
  truth: Truth;
}

interface Truth {
  runs: { id: string; config: RunConfig; rows: number[][]; phases: { op: number; label: string }[] }[];
}

function truthOf(opened: OpenedSession): Truth {
  const { session } = opened;
  return {
    runs: session.runs.map((r) => ({
      id: r.id,
      config: r.config,
      rows: session.store.read(r.id).map((c) => Array.from(c)),
      phases: session.store.phases(r.id).map((p) => ({ op: p.op, label: p.label })),
    })),
  };
}

async function makeBases(dir: string): Promise<Base[]> {
  const specs = [
    { name: 'closed.session', closed: true, samples: 3 },
    { name: 'closed.session.gz', closed: true, samples: 3 },
    { name: 'open.session.gz', closed: false, samples: 2 },
    { name: 'open.session', closed: false, samples: 1 },
  ];
  const out: Base[] = [];
  for (const s of specs) {
    const path = join(dir, s.name);
    const bytes = await writeBase(path, s.closed, s.samples);
    const gzip = isGzip(bytes);
    const text = Buffer.from(gzip ? gunzipSync(bytes) : bytes).toString('utf8');
    const opened = await openSession(path);
    const warnings = s.closed ? 0 : 1;
    if (opened.warnings.length !== warnings)
      throw new Error(`base ${s.name}: ${opened.warnings.length} warnings, expected ${warnings}: ${opened.warnings.join('; ')}`);
    out.push({ name: s.name, bytes, gzip, closed: s.closed, lines: text.split('\n').filter((l) => l !== ''), truth: truthOf(opened) });
  }
  return out;
}

// ---- damage ----------------------------------------------------------------------------------------------

const frac = fc.double({ min: 0, max: 1, noNaN: true });
const byteMutation = fc.oneof(
  fc.record({ m: fc.constant('truncate' as const), at: frac }),
  fc.record({ m: fc.constant('flip' as const), at: frac, bit: fc.nat(7) }),
  fc.record({ m: fc.constant('set' as const), at: frac, byte: fc.nat(255) }),
  fc.record({
    m: fc.constant('insert' as const),
    at: frac,
    bytes: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 16 }),
      fc.constantFrom(...['\n', '{', '}\n', '\u0000', '\x1f\x8b', '\x1f\x8b\x08\x04'].map((t) => Uint8Array.from(Buffer.from(t, 'latin1')))),
    ),
  }),
  fc.record({ m: fc.constant('cut-out' as const), at: frac, len: fc.integer({ min: 1, max: 40 }) }),
);
type ByteMutation = typeof byteMutation extends fc.Arbitrary<infer M> ? M : never;

/** A JSON value a hostile record field may hold. */
const hostileJson = fc.oneof(
  fc.constantFrom<unknown>(
    [],
    {},
    null,
    true,
    -1,
    0,
    1.5,
    1e308,
    -1e308,
    '',
    'x'.repeat(300),
    [[]],
    Array(SERIES_COUNT).fill([]),
    Array(SERIES_COUNT).fill([1]),
    // Older row sets (version 4: no rss_bytes; versions 2/3: no pinned_bytes either): valid only under a header of their version.
    Array(SERIES_COUNT - 1).fill([1]),
    Array(SERIES_COUNT - 2).fill([1]),
    [1, 2],
    { __proto__: 1 },
    2 ** 53,
    'aligned',
    'crashed',
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

const recordMutation = fc.oneof(
  fc.record({ m: fc.constant('dup' as const), i: fc.nat() }),
  fc.record({ m: fc.constant('swap' as const), i: fc.nat(), j: fc.nat() }),
  fc.record({ m: fc.constant('delete' as const), i: fc.nat() }),
  fc.record({ m: fc.constant('version' as const), v: fc.constantFrom<unknown>(0, 2, -1, 1.5, '1', null, true, [1], 1e400, 99999999999) }),
  fc.record({ m: fc.constant('field' as const), i: fc.nat(), key: fc.nat(), value: hostileJson }),
  fc.record({
    m: fc.constant('add-key' as const),
    i: fc.nat(),
    key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 5 })),
    value: hostileJson,
  }),
  fc.record({ m: fc.constant('replace' as const), i: fc.nat(), json: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ m: fc.constant('not-json' as const), i: fc.nat(), text: fc.string({ maxLength: 20 }) }),
  fc.record({ m: fc.constant('giant' as const), i: fc.nat(), kind: fc.constantFrom('label', 'rows', 'spaces', 'run-id'), rare: fc.nat(9) }),
);
type RecordMutation = typeof recordMutation extends fc.Arbitrary<infer M> ? M : never;

function giantLine(kind: string, big: boolean): string {
  const n = big ? 2_000_000 : 20_000;
  switch (kind) {
    case 'label':
      return JSON.stringify({ t: 'phase', run: 'r1', op: 1e9, label: 'L'.repeat(n) });
    case 'rows': {
      const r = Math.floor(n / 200);
      return JSON.stringify({ t: 'samples', run: 'r1', columns: rows(1, 1e6, r) });
    }
    case 'run-id':
      return JSON.stringify({ t: 'run', run: 'R'.repeat(n), config: config('x') });
    default:
      return ' '.repeat(n);
  }
}

function mutateRecords(lines: readonly string[], mutations: readonly RecordMutation[]): string[] {
  const out = [...lines];
  const idx = (i: number): number => (out.length === 0 ? 0 : i % out.length);
  for (const mu of mutations) {
    switch (mu.m) {
      case 'dup':
        out.splice(idx(mu.i), 0, out[idx(mu.i)] ?? '');
        break;
      case 'swap': {
        const a = idx(mu.i);
        const b = idx(mu.j);
        [out[a], out[b]] = [out[b] ?? '', out[a] ?? ''];
        break;
      }
      case 'delete':
        out.splice(idx(mu.i), 1);
        break;
      case 'version':
        if (out.length > 0) out[0] = out[0]!.replace('"version":1', `"version":${JSON.stringify(mu.v) ?? 'null'}`);
        break;
      case 'field':
      case 'add-key': {
        const i = idx(mu.i);
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(out[i] ?? '{}') as Record<string, unknown>;
        } catch {
          break;
        }
        if (typeof record !== 'object' || record === null) break;
        if (mu.m === 'field') {
          const keys = Object.keys(record);
          if (keys.length > 0) record[keys[mu.key % keys.length]!] = mu.value;
        } else {
          Object.defineProperty(record, mu.key, { value: mu.value, enumerable: true, writable: true, configurable: true });
        }
        out[i] = JSON.stringify(record);
        break;
      }
      case 'replace':
        out[idx(mu.i)] = JSON.stringify(mu.json);
        break;
      case 'not-json':
        out[idx(mu.i)] = mu.text.replace(/\n/g, ' ');
        break;
      case 'giant':
        out.splice(idx(mu.i) + 1, 0, giantLine(mu.kind, mu.rare === 0));
        break;
    }
  }
  return out;
}

function mutateBytes(input: Uint8Array, mutations: readonly ByteMutation[]): Uint8Array {
  return mutations.reduce(applyByteEdit, input);
}

/** Lines back to a file: plain text, sized gzip members (grouped as `groups` says), or one foreign stream. */
async function encode(lines: readonly string[], how: 'plain' | 'sized' | 'foreign' | 'mixed', groups: number): Promise<Uint8Array> {
  const text = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  if (how === 'plain') return Buffer.from(text, 'utf8');
  if (how === 'foreign') return gzipSync(Buffer.from(text, 'utf8'));
  const size = Math.max(1, Math.ceil(lines.length / Math.max(1, groups)));
  const members: Uint8Array[] = [];
  for (let i = 0; i < lines.length; i += size) members.push(await sizedMember(Buffer.from(`${lines.slice(i, i + size).join('\n')}\n`, 'utf8')));
  // mixed: the last half recompressed by "another tool".
  if (how === 'mixed' && members.length > 1) {
    const half = Math.ceil(lines.length / 2);
    return Buffer.concat([
      ...(await Promise.all([sizedMember(Buffer.from(`${lines.slice(0, half).join('\n')}\n`))])),
      gzipSync(Buffer.from(`${lines.slice(half).join('\n')}\n`)),
    ]);
  }
  return Buffer.concat(members);
}

const memberMutation = fc.record({ m: fc.constantFrom('dup-member', 'swap-members', 'drop-member'), i: fc.nat(), j: fc.nat() });

// ---- the property -----------------------------------------------------------------------------------------

interface SessionCase {
  base: number;
  records: RecordMutation[];
  encoding: 'same' | 'plain' | 'sized' | 'foreign' | 'mixed';
  groups: number;
  bytes: ByteMutation[];
  member: { m: string; i: number; j: number } | null;
}

const caseArb: fc.Arbitrary<SessionCase> = fc.record({
  base: fc.nat(3),
  records: fc.oneof(
    { weight: 3, arbitrary: fc.constant<RecordMutation[]>([]) },
    { weight: 2, arbitrary: fc.array(recordMutation, { minLength: 1, maxLength: 3 }) },
  ),
  encoding: fc.oneof(
    { weight: 6, arbitrary: fc.constant('same' as const) },
    { weight: 1, arbitrary: fc.constantFrom('plain' as const, 'sized' as const, 'foreign' as const, 'mixed' as const) },
  ),
  groups: fc.integer({ min: 1, max: 12 }),
  bytes: fc.oneof({ weight: 1, arbitrary: fc.constant<ByteMutation[]>([]) }, { weight: 3, arbitrary: fc.array(byteMutation, { minLength: 1, maxLength: 3 }) }),
  member: fc.option(memberMutation, { nil: null, freq: 6 }),
});

/** Splits a file of sized members at their boundaries (reading each member's size field). */
function members(bytes: Uint8Array): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 20 > bytes.length || bytes[at] !== 0x1f || (bytes[at + 3]! & 4) === 0) return null;
    const size = Buffer.from(bytes.buffer, bytes.byteOffset + at + 16, 4).readUInt32LE(0);
    if (size < 28 || at + size > bytes.length) return null;
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

async function build(c: SessionCase, base: Base): Promise<{ bytes: Uint8Array; truncatedOnly: boolean; intact: boolean }> {
  let bytes = base.bytes;
  let rewritten = false;
  if (c.records.length > 0 || c.encoding !== 'same') {
    const lines = mutateRecords(base.lines, c.records);
    const how = c.encoding === 'same' ? (base.gzip ? 'sized' : 'plain') : c.encoding;
    bytes = await encode(lines, how, c.groups);
    rewritten = true;
  }
  let memberChanged = false;
  if (c.member !== null) {
    const ms = members(bytes);
    if (ms !== null && ms.length > 1) {
      const i = c.member.i % ms.length;
      const j = c.member.j % ms.length;
      if (c.member.m === 'dup-member') ms.splice(i, 0, ms[i]!);
      else if (c.member.m === 'drop-member') ms.splice(i, 1);
      else [ms[i], ms[j]] = [ms[j]!, ms[i]!];
      bytes = Buffer.concat(ms);
      memberChanged = true;
    }
  }
  const before = bytes;
  bytes = mutateBytes(bytes, c.bytes);
  const onlyTruncations = c.bytes.every((m) => m.m === 'truncate');
  const truncatedOnly = !rewritten && !memberChanged && onlyTruncations && bytes.length < before.length;
  const intact = !rewritten && !memberChanged && bytes.length === base.bytes.length && Buffer.compare(Buffer.from(bytes), Buffer.from(base.bytes)) === 0;
  return { bytes, truncatedOnly, intact };
}

function checkPrefix(opened: OpenedSession, truth: Truth): void {
  const runs = truthOf(opened).runs;
  check(runs.length <= truth.runs.length, () => `a cut file opened with ${runs.length} runs, more than the ${truth.runs.length} written`);
  runs.forEach((r, i) => {
    const t = truth.runs[i]!;
    check(r.id === t.id && isDeepStrictEqual(r.config, t.config), () => `run ${i} of a cut file is ${r.id}, not the ${t.id} written`);
    const n = r.rows[0]?.length ?? 0;
    check(n <= (t.rows[0]?.length ?? 0), () => `run ${r.id} of a cut file has ${n} rows, more than written`);
    for (let s = 0; s < r.rows.length; s++) {
      check(isDeepStrictEqual(r.rows[s], t.rows[s]!.slice(0, n)), () => `run ${r.id}: series ${s} of a cut file is not a prefix of what was written`);
    }
    check(
      r.phases.length <= t.phases.length && isDeepStrictEqual(r.phases, t.phases.slice(0, r.phases.length)),
      () => `run ${r.id}: the phases of a cut file are not a prefix`,
    );
  });
}

async function checkCase(c: SessionCase, bases: readonly Base[], dir: string, n: number): Promise<void> {
  const base = bases[c.base % bases.length]!;
  const { bytes, truncatedOnly, intact } = await build(c, base);
  const path = join(dir, `${n}-${base.name}`);
  writeFileSync(path, bytes);
  let opened: OpenedSession;
  try {
    opened = await raceTimeout(`openSession (${bytes.length} bytes)`, CASE_BOUND_MS, openSession(path));
  } catch (error) {
    if (error instanceof Error && error.name === 'FuzzFailure') throw error;
    if (!(error instanceof SessionFileError)) return fail(`openSession threw ${describeError(error)}, not a SessionFileError`);
    check(error.file === path && error.message.startsWith(`${path}: `), () => `SessionFileError does not name the path: ${error.message}`);
    check(!intact, () => `an intact file was refused: ${error.message}`);
    return;
  } finally {
    rmSync(path, { force: true });
  }
  // Whatever opened is readable.
  for (const run of opened.session.runs) {
    check(opened.session.store.has(run.id), () => `run ${run.id} is not in the store`);
    opened.session.store.read(run.id);
  }
  if (intact) {
    check(opened.warnings.length === (base.closed ? 0 : 1), () => `an intact file opened with warnings: ${opened.warnings.join('; ')}`);
    check(isDeepStrictEqual(truthOf(opened), base.truth), 'an intact file opened with other content');
  }
  if (truncatedOnly) {
    check(opened.warnings.length >= 1, () => `a file cut to ${bytes.length} of ${base.bytes.length} bytes opened without a warning`);
    checkPrefix(opened, base.truth);
  }
}

export const sessionTarget: FuzzTarget = {
  name: 'session',
  async run(numRuns: number, options: RunOptions = {}): Promise<FuzzResult> {
    const dir = mkdtempSync(join(tmpdir(), 'arenascope-fuzz-session-'));
    try {
      const bases = await makeBases(dir);
      let n = 0;
      const property = fc.asyncProperty(caseArb, (c) => checkCase(c, bases, dir, n++));
      return await runProperty('session', property as fc.IAsyncProperty<[unknown]>, numRuns, options);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
