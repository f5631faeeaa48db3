/**
 * Fuzz target `trace`: the pymtrace reader (shared/trace, pure) and its file layer
 * (electron/node/trace-file.ts).
 *
 * Inputs: random bytes; valid traces written with every spacing the format allows (tabs, VT, FF,
 * CRLF, leading blanks, comments, blank lines, a last line without its line end), then optionally
 * mutated (bit flips, NUL / CR / LF / digits / UTF-8 fragments inserted, lines duplicated or cut);
 * single lines with huge numbers (ids ≥ 2^53, sizes ≥ 2^31, 400 digits, leading zeros); unicode and
 * byte-soup checkpoint labels; lines of 10^6 characters; a small `maxLineBytes`; files on disk,
 * plain or gzip, whole or cut at a random byte, bit-flipped, missing, or a directory.
 *
 * Contract checked on every case:
 * - strict mode returns columns or throws a `TraceError` (`FILE:LINE: reason`, the file as given,
 *   a line number inside the input); nothing else;
 * - `skipBadLines` never throws, and its first bad line is the strict error (same line, reason, text);
 * - the outcome (columns or message) is the same however the bytes are cut into chunks and whatever
 *   the batch size;
 * - the file layer gives the pure outcome with the path as file name, or a `TraceFileError` naming
 *   the path; a gzip stream cut short is a `TraceFileError`, never a TraceError or a silent success;
 * - where the input's meaning is known (valid traces, single number lines, labels), the result is
 *   exactly that: every op, id, size and label, and the error's reason;
 * - each case finishes within its time bound.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { OP_ALLOC, OP_FREE, OP_MARK, OP_REALLOC } from '../../../shared/ops/op-batch';
import { readTraceBytes, TraceError, type TraceColumns, type TraceReaderOptions } from '../../../shared/trace';
import { loadTrace, TraceFileError } from '../../../electron/node/trace-file';
import { check, describeError, fail, type FuzzResult, type FuzzTarget, raceTimeout, type RunOptions, runProperty, timed } from '../harness';
import { applyByteEdit, bytePosition, concatBytes as concat } from '../byte-edits';

const encoder = new TextEncoder();
const bytesOf = (text: string): Uint8Array => encoder.encode(text);

/** What a valid trace means: its operations in order (marks with their label) and its line count. */
interface Expected {
  ops: { kind: number; id: number; size: number; label: string | null }[];
  lines: number;
  /** Set instead of ops when the input must be refused. */
  error?: { line: number; reason: string };
}

type Via =
  | { kind: 'pure' }
  | { kind: 'plain-file' }
  /** gzip of the bytes, cut to `cut` (a fraction of its length) and/or with one bit flipped. */
  | { kind: 'gzip-file'; cut: number | null; flip: number | null }
  | { kind: 'missing' }
  | { kind: 'directory' };

interface TraceCase {
  bytes: Uint8Array;
  expected: Expected | null;
  /** Where the chunked read cuts the bytes, as fractions of their length. */
  cuts: number[];
  batchSize: number;
  maxLineBytes: number | undefined;
  file: string;
  via: Via;
}

// ---- inputs ---------------------------------------------------------------------------------------

const BLANKS = [' ', '\t', '\v', '\f', '\r'];
const sep = fc.oneof(
  { weight: 6, arbitrary: fc.constant(' ') },
  {
    weight: 1,
    arbitrary: fc.array(fc.constantFrom(...BLANKS), { minLength: 1, maxLength: 3 }).map((b) => (b.join('').startsWith('\r') ? ` ${b.join('')}` : b.join(''))),
  },
);
const lead = fc.oneof(
  { weight: 8, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(' ', '\t', '\v', '\f'), { minLength: 1, maxLength: 2 }).map((b) => b.join('')) },
);
const tail = fc.oneof(
  { weight: 8, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...BLANKS), { minLength: 1, maxLength: 2 }).map((b) => b.join('')) },
);
const eol = fc.oneof({ weight: 4, arbitrary: fc.constant('\n') }, { weight: 1, arbitrary: fc.constant('\r\n') });

/** Labels: text of every script, emoji, lone surrogates, NULs, inner blanks; no line end. */
const label = fc
  .oneof(
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.string({ unit: 'binary', maxLength: 6 }),
    fc.constantFrom('phase 1', 'end', '\u0000', 'a\u0000b', 'ünïcödé ✓', '😀 🧠', '\u2028', '\ufeffbom', '#not a comment', 'c', '  padded  '),
  )
  .map((s) => s.replace(/[\n]/g, ' '));

const ID_LIMIT = 2 ** 53;
const SIZE_LIMIT = 2 ** 31;
const idArb = fc.oneof(fc.nat(20), fc.nat(), fc.constantFrom(ID_LIMIT - 1, 2 ** 32, 2 ** 31, 2 ** 40 + 7), fc.integer({ min: 0, max: ID_LIMIT - 1 }));
const sizeArb = fc.oneof(fc.nat(600), fc.constantFrom(0, 512, 513, SIZE_LIMIT - 1), fc.nat(SIZE_LIMIT - 1));

const stepArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('a' as const), id: idArb, size: sizeArb }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('f' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('r' as const), pick: fc.nat(), size: sizeArb }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('c' as const), label: fc.option(label, { nil: null, freq: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('#' as const), text: label }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('' as const) }) },
);
const lineFormat = fc.record({ lead, sep1: sep, sep2: sep, tail, eol });

/** A well-formed trace (every free and realloc names a live id), rendered with varied spacing. */
const validTrace = fc
  .record({
    steps: fc.array(fc.tuple(stepArb, lineFormat), { maxLength: 30 }),
    header: fc.boolean(),
    lastEol: fc.boolean(),
  })
  .map(({ steps, header, lastEol }) => {
    const live: number[] = [];
    const ops: Expected['ops'] = [];
    const lines: string[] = [];
    if (header) lines.push('#pymtrace 1\n');
    for (const [s, f] of steps) {
      const end = f.eol;
      if (s.t === 'a') {
        if (live.includes(s.id)) continue;
        live.push(s.id);
        ops.push({ kind: OP_ALLOC, id: s.id, size: s.size, label: null });
        lines.push(`${f.lead}a${f.sep1}${s.id}${f.sep2}${s.size}${f.tail}${end}`);
      } else if (s.t === 'f') {
        if (live.length === 0) continue;
        const id = live.splice(s.pick % live.length, 1)[0]!;
        ops.push({ kind: OP_FREE, id, size: 0, label: null });
        lines.push(`${f.lead}f${f.sep1}${id}${f.tail}${end}`);
      } else if (s.t === 'r') {
        if (live.length === 0) continue;
        const id = live[s.pick % live.length]!;
        ops.push({ kind: OP_REALLOC, id, size: s.size, label: null });
        lines.push(`${f.lead}r${f.sep1}${id}${f.sep2}${s.size}${f.tail}${end}`);
      } else if (s.t === 'c') {
        const text = s.label === null ? '' : s.label;
        const trimmed = trimBlanks(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytesOf(text)));
        ops.push({ kind: OP_MARK, id: -1, size: -1, label: trimmed === '' ? null : trimmed });
        lines.push(text === '' ? `${f.lead}c${f.tail.replace(/^\r/, ' \r')}${end}` : `${f.lead}c${f.sep1}${text}${f.tail}${end}`);
      } else if (s.t === '#') {
        lines.push(`${f.lead}#${s.text}${end}`);
      } else {
        lines.push(`${f.lead}${f.tail}${end}`);
      }
    }
    if (!lastEol && lines.length > 0) lines[lines.length - 1] = lines[lines.length - 1]!.replace(/\r?\n$/, '');
    const text = lines.join('');
    // An empty last piece (a blank line whose line end was dropped) is no line at all.
    const count = lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
    return { text, expected: { ops, lines: count } satisfies Expected };
  });

/** Trims the bytes the reader counts as blanks (not every Unicode space). */
function trimBlanks(s: string): string {
  return s.replace(/^[ \t\v\f\r]+|[ \t\v\f\r]+$/g, '');
}

const INSERTS = [
  '\0',
  '\r',
  '\n',
  '\r\n',
  ' ',
  '\t',
  '-',
  '#',
  'a ',
  'f ',
  'r ',
  'c ',
  '9'.repeat(20),
  '1'.repeat(400),
  '9007199254740992',
  '2147483648',
  '00000',
  '\xff',
  'é',
  '\u{1f600}',
  '\u2028',
  '+',
  '.5',
  'e9',
];
const mutationArb = fc.oneof(
  fc.record({ m: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bit: fc.nat(7) }),
  fc.record({ m: fc.constant('set' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), byte: fc.nat(255) }),
  fc.record({
    m: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    text: fc.oneof(fc.constantFrom(...INSERTS), fc.string({ maxLength: 4 })),
  }),
  fc.record({ m: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ m: fc.constant('dup-line' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ m: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
);
type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let b = input;
  for (const mu of mutations) {
    switch (mu.m) {
      case 'insert':
        b = applyByteEdit(b, { m: 'insert', at: mu.at, bytes: bytesOf(mu.text) });
        break;
      case 'delete':
        b = applyByteEdit(b, { m: 'cut-out', at: mu.at, len: mu.len });
        break;
      case 'dup-line': {
        // The line around the position, once more after itself.
        const at = bytePosition(b, mu.at);
        const s = b.lastIndexOf(10, at - 1) + 1;
        const e0 = b.indexOf(10, at);
        const e = e0 < 0 ? b.length : e0 + 1;
        b = concat([b.subarray(0, e), b.subarray(s, e), b.subarray(e)]);
        break;
      }
      default:
        b = applyByteEdit(b, mu);
    }
  }
  return b;
}

/** Decimal strings around the limits, with leading zeros, 400 digits, and any bigint. */
const numberText = fc.oneof(
  fc.constantFrom(
    '0',
    '1',
    '9007199254740991',
    '9007199254740992',
    '9007199254740993',
    '2147483647',
    '2147483648',
    '4294967296',
    '18446744073709551616',
    '1'.repeat(400),
    '9'.repeat(400),
    `${'0'.repeat(400)}7`,
    '00',
    '000000000000000000000009007199254740991',
  ),
  fc.bigInt({ min: 0n, max: 2n ** 80n }).map(String),
  fc.tuple(fc.nat(30), fc.bigInt({ min: 0n, max: 2n ** 60n })).map(([z, n]) => '0'.repeat(z) + String(n)),
);

/** One line `a ID SIZE` or `f ID` with a precise expectation; the fast path and the general one. */
const numberLine = fc
  .record({ op: fc.constantFrom('a', 'f'), id: numberText, size: numberText, general: fc.boolean(), crlf: fc.boolean() })
  .map(({ op, id, size, general, crlf }) => {
    const s = general ? '\t ' : ' ';
    const end = crlf ? '\r\n' : '\n';
    const text = op === 'a' ? `a${s}${id}${s}${size}${end}` : `f${s}${id}${end}`;
    const idN = BigInt(id);
    const sizeN = BigInt(size);
    let expected: Expected;
    if (idN >= BigInt(ID_LIMIT)) expected = { ops: [], lines: 1, error: { line: 1, reason: 'id out of range (must be below 2^53)' } };
    else if (op === 'f') expected = { ops: [], lines: 1, error: { line: 1, reason: `id ${Number(idN)} is not live` } };
    else if (sizeN >= BigInt(SIZE_LIMIT)) expected = { ops: [], lines: 1, error: { line: 1, reason: 'size out of range (must be below 2^31)' } };
    else expected = { ops: [{ kind: OP_ALLOC, id: Number(idN), size: Number(sizeN), label: null }], lines: 1 };
    return { text, expected };
  });

/** Lines of about 10^6 bytes (the default limit is 2^20): just under, just over, in every line kind. */
const longLine = fc
  .record({ kind: fc.constantFrom('label', 'comment', 'zeros', 'junk', 'blank'), n: fc.constantFrom(1_000_000, (1 << 20) - 3, (1 << 20) + 1, 1_100_000) })
  .map(({ kind, n }) => {
    const body =
      kind === 'label'
        ? `c ${'x'.repeat(n - 2)}`
        : kind === 'comment'
          ? `#${'y'.repeat(n - 1)}`
          : kind === 'zeros'
            ? `a ${'0'.repeat(n - 6)}1 16`
            : kind === 'junk'
              ? 'z'.repeat(n)
              : ' '.repeat(n);
    const text = `a 1 8\n${body}\nf 1\n`;
    const tooLong = body.length > 1 << 20;
    let expected: Expected | null = null;
    if (tooLong) expected = { ops: [], lines: 3, error: { line: 2, reason: `line longer than ${1 << 20} bytes` } };
    else if (kind !== 'junk') {
      const ops: Expected['ops'] = [{ kind: OP_ALLOC, id: 1, size: 8, label: null }];
      if (kind === 'label') ops.push({ kind: OP_MARK, id: -1, size: -1, label: body.slice(2) });
      if (kind === 'zeros') ops.push({ kind: OP_ALLOC, id: 1, size: 16, label: null });
      if (kind === 'zeros') expected = { ops, lines: 3, error: { line: 2, reason: 'id 1 is already live' } };
      else expected = { ops: [...ops, { kind: OP_FREE, id: 1, size: 0, label: null }], lines: 3 };
    }
    return { text, expected };
  });

const fileName = fc.constantFrom('<trace>', 'run.pymtrace', 'dir/ü ñ:7.pymtrace', '');
const cutsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 });
const batchArb = fc.oneof(fc.constant(65536), fc.integer({ min: 1, max: 7 }));
const smallMax = fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined, freq: 2 });

const caseArb: fc.Arbitrary<TraceCase> = fc.oneof(
  // Random bytes, biased to the bytes the format cares about.
  {
    weight: 3,
    arbitrary: fc
      .record({
        bytes: fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.array(fc.constantFrom(...bytesOf('afrc# \t\r\n\v\f0123456789-\0\xff')), { maxLength: 200 }).map((a) => Uint8Array.from(a)),
        ),
        cuts: cutsArb,
        batchSize: batchArb,
        maxLineBytes: smallMax,
        file: fileName,
      })
      .map((c) => ({ ...c, expected: null, via: { kind: 'pure' } as Via })),
  },
  // Valid traces: exact result, or the first over-long line under a small limit.
  {
    weight: 4,
    arbitrary: fc.record({ t: validTrace, cuts: cutsArb, batchSize: batchArb, maxLineBytes: smallMax, file: fileName }).map(({ t, ...c }) => {
      const bytes = bytesOf(t.text);
      return { ...c, bytes, expected: limitLines(bytes, t.expected, c.maxLineBytes), via: { kind: 'pure' } as Via };
    }),
  },
  // Valid traces, mutated: only the general contract.
  {
    weight: 5,
    arbitrary: fc
      .record({
        t: validTrace,
        muts: fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        cuts: cutsArb,
        batchSize: batchArb,
        maxLineBytes: smallMax,
        file: fileName,
      })
      .map(({ t, muts, ...c }) => ({ ...c, bytes: mutate(bytesOf(t.text), muts), expected: null, via: { kind: 'pure' } as Via })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ l: numberLine, cuts: cutsArb, batchSize: batchArb, file: fileName })
      .map(({ l, ...c }) => ({ ...c, bytes: bytesOf(l.text), expected: l.expected, maxLineBytes: undefined, via: { kind: 'pure' } as Via })),
  },
  {
    weight: 1,
    arbitrary: fc.record({ labelBytes: fc.uint8Array({ maxLength: 40 }), cuts: cutsArb, file: fileName }).map(({ labelBytes, ...c }) => ({
      ...c,
      bytes: concat([bytesOf('c '), labelBytes.map((x) => (x === 10 ? 32 : x)), bytesOf('\n')]),
      expected: null,
      batchSize: 65536,
      maxLineBytes: undefined,
      via: { kind: 'pure' } as Via,
    })),
  },
  // Rare: they cost a megabyte each.
  {
    weight: 1,
    arbitrary: fc
      .record({ l: longLine, cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 2 }), file: fileName, rare: fc.nat(19) })
      .map(({ l, rare, ...c }) =>
        rare === 0
          ? { ...c, bytes: bytesOf(l.text), expected: l.expected, batchSize: 65536, maxLineBytes: undefined, via: { kind: 'pure' } as Via }
          : { ...c, bytes: bytesOf('a 1 8\nf 1\n'), expected: null, batchSize: 3, maxLineBytes: undefined, via: { kind: 'pure' } as Via },
      ),
  },
  // Files: plain, gzip (whole, cut, flipped), missing, a directory.
  {
    weight: 3,
    arbitrary: fc
      .record({
        source: fc.oneof(
          validTrace.map((t) => ({ bytes: bytesOf(t.text), expected: t.expected as Expected | null })),
          fc
            .record({ t: validTrace, muts: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) })
            .map(({ t, muts }) => ({ bytes: mutate(bytesOf(t.text), muts), expected: null })),
          fc.uint8Array({ maxLength: 120 }).map((bytes) => ({ bytes, expected: null })),
        ),
        via: fc.oneof(
          { weight: 3, arbitrary: fc.constant<Via>({ kind: 'plain-file' }) },
          {
            weight: 6,
            arbitrary: fc.record({
              kind: fc.constant('gzip-file' as const),
              cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
              flip: fc.option(fc.nat(), { nil: null, freq: 3 }),
            }),
          },
          { weight: 1, arbitrary: fc.constantFrom<Via>({ kind: 'missing' }, { kind: 'directory' }) },
        ),
        batchSize: batchArb,
      })
      .map(({ source, via, batchSize }) => ({ ...source, via, batchSize, cuts: [], maxLineBytes: undefined, file: '' })),
  },
);

/** A valid trace under a small line limit: the first line longer than it is the error. */
function limitLines(bytes: Uint8Array, expected: Expected, maxLine: number | undefined): Expected {
  if (maxLine === undefined) return expected;
  let start = 0;
  let line = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(10, start);
    const end = nl < 0 ? bytes.length : nl;
    line++;
    if (end - start > maxLine) return { ops: [], lines: line, error: { line, reason: `line longer than ${maxLine} bytes` } };
    start = end + 1;
  }
  return expected;
}

// ---- outcomes --------------------------------------------------------------------------------------

type Outcome = { ok: true; columns: TraceColumns; sig: string } | { ok: false; error: TraceError; sig: string };

function signature(c: TraceColumns): string {
  const labels = c.checkpoints.label.map((l) => (l === null ? '∅' : JSON.stringify(l))).join(',');
  return [
    Array.from(c.kind).join(','),
    Array.from(c.slot).join(','),
    Array.from(c.size).join(','),
    Array.from(c.id).join(','),
    labels,
    Array.from(c.checkpoints.op).join(','),
    Array.from(c.checkpoints.applied).join(','),
    `slots=${c.slotCount} applied=${c.applied} lines=${c.lines} bad=${c.badLineCount}`,
    JSON.stringify(c.badLines),
  ].join('|');
}

function chunked(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

function pureOutcome(bytes: Uint8Array | Uint8Array[], options: TraceReaderOptions & { batchSize?: number }): Outcome {
  try {
    const columns = readTraceBytes(bytes, options);
    return { ok: true, columns, sig: signature(columns) };
  } catch (error) {
    if (!(error instanceof TraceError)) fail(`the reader threw ${describeError(error)}, not a TraceError`);
    return { ok: false, error, sig: `E|${error.message}|${error.line}|${error.reason}|${error.text}` };
  }
}

function lineCount(bytes: Uint8Array): number {
  let n = 1;
  for (const b of bytes) if (b === 10) n++;
  return n;
}

/** `bytes`: the input, when known, to bound the line number. */
function checkTraceError(e: TraceError, file: string, bytes: Uint8Array | null): void {
  const lines = bytes === null ? Infinity : lineCount(bytes);
  check(e.file === file, () => `TraceError names file ${JSON.stringify(e.file)}, expected ${JSON.stringify(file)}`);
  check(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines, () => `TraceError line ${e.line} outside 1…${lines}`);
  check(e.message.startsWith(`${file}:${e.line}: ${e.reason}`), () => `TraceError message ${JSON.stringify(e.message)} is not FILE:LINE: reason`);
  check(e.reason.length > 0 && e.text.length <= 203, 'TraceError reason empty or excerpt too long');
}

function checkExpected(o: Outcome, expected: Expected): void {
  if (expected.error) {
    check(!o.ok, () => `expected an error at line ${expected.error!.line} (${expected.error!.reason}), the trace was accepted`);
    if (!o.ok) {
      check(
        o.error.line === expected.error.line && o.error.reason === expected.error.reason,
        () => `expected line ${expected.error!.line}: ${expected.error!.reason}; got ${o.error.message.slice(0, 300)}`,
      );
    }
    return;
  }
  if (!o.ok) fail(`a valid trace was refused: ${o.error.message.slice(0, 300)}`);
  const c = o.columns;
  const want = [...expected.ops, { kind: OP_MARK, id: -1, size: -1, label: 'end' }];
  check(c.length === want.length, () => `expected ${want.length} ops (end included), got ${c.length}`);
  check(c.lines === expected.lines, () => `expected ${expected.lines} lines, got ${c.lines}`);
  const slotOf = new Map<number, number>();
  const liveSlots = new Set<number>();
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    check(c.kind[i] === w.kind, () => `op ${i}: kind ${c.kind[i]}, expected ${w.kind}`);
    if (w.kind === OP_MARK) {
      const label = c.checkpoints.label[c.size[i]!];
      check(label === w.label, () => `op ${i}: label ${JSON.stringify(label)}, expected ${JSON.stringify(w.label)}`);
      continue;
    }
    check(c.id[i] === w.id, () => `op ${i}: id ${c.id[i]}, expected ${w.id}`);
    if (w.kind !== OP_FREE) check(c.size[i] === w.size, () => `op ${i}: size ${c.size[i]}, expected ${w.size}`);
    const slot = c.slot[i]!;
    check(slot >= 0 && slot < c.slotCount, () => `op ${i}: slot ${slot} outside 0…${c.slotCount - 1}`);
    if (w.kind === OP_ALLOC) {
      check(!liveSlots.has(slot), () => `op ${i}: slot ${slot} given to two live objects`);
      liveSlots.add(slot);
      slotOf.set(w.id, slot);
    } else {
      check(slotOf.get(w.id) === slot, () => `op ${i}: id ${w.id} moved from slot ${slotOf.get(w.id)} to ${slot}`);
      if (w.kind === OP_FREE) {
        liveSlots.delete(slot);
        slotOf.delete(w.id);
      }
    }
  }
}

// ---- the property ----------------------------------------------------------------------------------

const CASE_BOUND_MS = 10_000;

function checkPure(c: TraceCase): Outcome {
  const base: TraceReaderOptions = { file: c.file, ...(c.maxLineBytes !== undefined && { maxLineBytes: c.maxLineBytes }) };
  const whole = timed('strict read', CASE_BOUND_MS, () => pureOutcome(c.bytes, base));
  const parts = timed('chunked strict read', CASE_BOUND_MS, () => pureOutcome(chunked(c.bytes, c.cuts), { ...base, batchSize: c.batchSize }));
  check(
    whole.sig === parts.sig,
    () =>
      `the outcome depends on chunking (cuts at ${chunked(c.bytes, c.cuts)
        .map((p) => p.length)
        .join('+')} bytes, batch ${c.batchSize}):\n  whole:   ${whole.sig.slice(0, 400)}\n  chunked: ${parts.sig.slice(0, 400)}`,
  );
  if (!whole.ok) checkTraceError(whole.error, c.file, c.bytes);

  const skipOpts = { ...base, skipBadLines: true, keepBadLines: 1_000_000 };
  let skipWhole: TraceColumns;
  let skipParts: TraceColumns;
  try {
    skipWhole = timed('skipBadLines read', CASE_BOUND_MS, () => readTraceBytes(c.bytes, skipOpts));
    skipParts = timed('chunked skipBadLines read', CASE_BOUND_MS, () => readTraceBytes(chunked(c.bytes, c.cuts), { ...skipOpts, batchSize: c.batchSize }));
  } catch (error) {
    if (error instanceof Error && error.name === 'FuzzFailure') throw error;
    return fail(`skipBadLines threw ${describeError(error)}`);
  }
  check(
    signature(skipWhole) === signature(skipParts),
    () => `skipBadLines outcome depends on chunking:\n  whole:   ${signature(skipWhole).slice(0, 400)}\n  chunked: ${signature(skipParts).slice(0, 400)}`,
  );
  if (whole.ok) {
    check(skipWhole.badLineCount === 0 && signature(skipWhole) === whole.sig, 'skipBadLines differs from strict on an input strict mode accepts');
  } else {
    const first = skipWhole.badLines[0];
    check(skipWhole.badLineCount >= 1 && first !== undefined, 'strict mode refused the input but skipBadLines found no bad line');
    check(
      first.line === whole.error.line && first.reason === whole.error.reason && first.text === whole.error.text,
      () => `skipBadLines' first bad line ${JSON.stringify(first)} differs from the strict error ${whole.error.message.slice(0, 300)}`,
    );
  }
  check(skipWhole.badLines.length === skipWhole.badLineCount, 'kept bad lines differ from the count under a large keepBadLines');
  if (c.expected) checkExpected(whole, c.expected);
  return whole;
}

async function fileOutcome(path: string, batchSize: number): Promise<Outcome | { ok: false; fileError: TraceFileError }> {
  try {
    const columns = await raceTimeout(`loadTrace(${path})`, CASE_BOUND_MS, loadTrace(path, { batchSize }));
    return { ok: true, columns, sig: signature(columns) };
  } catch (error) {
    if (error instanceof Error && error.name === 'FuzzFailure') throw error;
    if (error instanceof TraceFileError) {
      check(error.file === path && error.message.startsWith(`${path}: `), () => `TraceFileError does not name the path: ${error.message}`);
      return { ok: false, fileError: error };
    }
    if (error instanceof TraceError) return { ok: false, error, sig: `E|${error.message}|${error.line}|${error.reason}|${error.text}` };
    return fail(`the file layer threw ${describeError(error)}, not a TraceError or TraceFileError`);
  }
}

async function checkFile(c: TraceCase, dir: string, n: number): Promise<void> {
  const via = c.via;
  if (via.kind === 'missing' || via.kind === 'directory') {
    const path = join(dir, via.kind === 'missing' ? `missing-${n}.pymtrace.gz` : `dir-${n}.pymtrace`);
    if (via.kind === 'directory') mkdirSync(path);
    const o = await fileOutcome(path, c.batchSize);
    check(!o.ok && 'fileError' in o, () => `a ${via.kind} path did not give a TraceFileError`);
    return;
  }
  if (via.kind === 'plain-file') {
    const path = join(dir, `t-${n}.pymtrace`);
    writeFileSync(path, c.bytes);
    const pure = checkPure({ ...c, file: path });
    const o = await fileOutcome(path, c.batchSize);
    if ('fileError' in o) return fail(`a readable plain file gave ${o.fileError.message}`);
    check(o.sig === pure.sig, () => `file read differs from the pure read:\n  file: ${o.sig.slice(0, 300)}\n  pure: ${pure.sig.slice(0, 300)}`);
    return;
  }
  if (via.kind !== 'gzip-file') return;
  const path = join(dir, `t-${n}.pymtrace.gz`);
  const gz = gzipSync(c.bytes);
  let data: Uint8Array = gz;
  if (via.cut !== null) data = data.subarray(0, Math.floor(via.cut * data.length));
  if (via.flip !== null && data.length > 0) {
    data = data.slice();
    const bit = via.flip % (data.length * 8);
    data[bit >> 3] = data[bit >> 3]! ^ (1 << (bit & 7));
  }
  writeFileSync(path, data);
  const o = await fileOutcome(path, c.batchSize);
  const intact = data.length === gz.length && via.flip === null;
  if (intact) {
    const pure = checkPure({ ...c, file: path });
    if ('fileError' in o) return fail(`an intact gzip file gave ${o.fileError.message}`);
    check(o.sig === pure.sig, () => `gzip file read differs from the pure read:\n  file: ${o.sig.slice(0, 300)}\n  pure: ${pure.sig.slice(0, 300)}`);
  } else if (via.flip === null && c.expected !== null && !c.expected.error) {
    // A valid trace's stream cut short must be reported as such, not read as a shorter trace.
    check(
      !o.ok && 'fileError' in o,
      () =>
        `a gzip file cut at ${data.length} of ${gz.length} bytes gave ${o.ok ? 'a trace' : `a TraceError (${'error' in o ? o.error.message : ''})`}, not a TraceFileError`,
    );
  } else if (!o.ok && 'error' in o) {
    // Bad content before the cut, or a flipped bit decompressing to other bytes before the CRC
    // catches it: a TraceError is fine.
    checkTraceError(o.error, path, null);
  }
}

export const traceTarget: FuzzTarget = {
  name: 'trace',
  async run(numRuns: number, options: RunOptions = {}): Promise<FuzzResult> {
    const dir = mkdtempSync(join(tmpdir(), 'arenascope-fuzz-trace-'));
    let n = 0;
    try {
      const property = fc.asyncProperty(caseArb, async (c) => {
        if (c.via.kind === 'pure') checkPure(c);
        else await checkFile(c, dir, n++);
      });
      return await runProperty('trace', property as fc.IAsyncProperty<[unknown]>, numRuns, options);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
