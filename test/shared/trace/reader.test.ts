import { describe, it, expect } from 'vitest';
import { OP_ALLOC, OP_FREE, OP_MARK, OP_REALLOC, OpBatch } from '../../../shared/ops/op-batch';
import { type Checkpoint, NO_LABEL, readTraceBytes, type TraceColumns, TraceError, TraceReader, type TraceReaderOptions } from '../../../shared/trace';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Feeds `text` in chunks of `size` bytes (all at once when omitted). */
function read(text: string, options: TraceReaderOptions & { chunk?: number; batchSize?: number } = {}): TraceColumns {
  const all = bytes(text);
  const size = options.chunk ?? Math.max(1, all.length);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += size) chunks.push(all.slice(at, at + size));
  return readTraceBytes(chunks, { file: 't.pymtrace', ...options });
}

/** The columns as readable lines, e.g. `a #0 1 16`, `c "x" @1/1`. */
function dump(t: TraceColumns): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.length; i++) {
    const kind = t.kind[i];
    if (kind === OP_MARK) {
      const k = t.size[i]!;
      out.push(`c ${JSON.stringify(t.checkpoints.label[k])} @${t.checkpoints.op[k]}/${t.checkpoints.applied[k]}`);
    } else {
      const letter = kind === OP_ALLOC ? 'a' : kind === OP_FREE ? 'f' : kind === OP_REALLOC ? 'r' : '?';
      out.push(`${letter} #${t.slot[i]} ${t.id[i]}${kind === OP_FREE ? '' : ` ${t.size[i]}`}`);
    }
  }
  return out;
}

function errorOf(text: string, options: TraceReaderOptions & { chunk?: number } = {}): TraceError {
  try {
    read(text, options);
  } catch (error) {
    if (error instanceof TraceError) return error;
    throw error;
  }
  throw new Error('no error');
}

const SAMPLE = '#pymtrace 1\r\n# a comment\n\na 1 16\nc x\r\nr 1 40\n  \t\na\t2  24 \n c  two words \nf 1\nc\nf 2\na 1 8\n#last';

describe('TraceReader', () => {
  it('reads operations, slots and checkpoints', () => {
    expect(dump(read(SAMPLE))).toEqual([
      'a #0 1 16',
      'c "x" @1/1',
      'r #0 1 40',
      'a #1 2 24',
      'c "two words" @4/3',
      'f #0 1',
      'c null @6/4',
      'f #1 2',
      'a #1 1 8',
      'c "end" @9/6',
    ]);
  });

  it('reports checkpoint op and applied indexes, the implicit end included', () => {
    const t = read('a 1 16\nc x\nf 1\nc\n');
    expect(t.checkpoints.label).toEqual(['x', null, 'end']);
    expect([...t.checkpoints.op]).toEqual([1, 3, 4]);
    expect([...t.checkpoints.applied]).toEqual([1, 2, 2]);
    expect(t.applied).toBe(2);
    expect(t.lines).toBe(4);
  });

  it('keeps a missing label apart from any string in the batch', () => {
    const reader = new TraceReader();
    const batch = new OpBatch(16);
    const checkpoints: Checkpoint[] = [];
    reader.push(bytes('c\nc  \r\nc end\na 5 1\n'));
    reader.end();
    expect(reader.fill(batch, checkpoints)).toBe(false);
    expect(batch.length).toBe(5);
    expect([...batch.kind.subarray(0, 5)]).toEqual([OP_MARK, OP_MARK, OP_MARK, OP_ALLOC, OP_MARK]);
    expect([...batch.size.subarray(0, 5)]).toEqual([NO_LABEL, NO_LABEL, 0, 1, 1]);
    expect(batch.labels).toEqual(['end', 'end']);
    expect(checkpoints).toEqual([
      { label: null, op: 0, applied: 0, line: 1, index: 0 },
      { label: null, op: 1, applied: 0, line: 2, index: 1 },
      { label: 'end', op: 2, applied: 0, line: 3, index: 2 },
      { label: 'end', op: 4, applied: 1, line: 0, index: 4 },
    ]);
    expect(reader.finished).toBe(true);
  });

  it('gives the same result for every chunking, down to one byte', () => {
    const whole = dump(read(SAMPLE));
    for (let chunk = 1; chunk <= 8; chunk++) expect(dump(read(SAMPLE, { chunk }))).toEqual(whole);
    const all = bytes(SAMPLE);
    for (let cut = 0; cut <= all.length; cut++) {
      const t = readTraceBytes([all.slice(0, cut), all.slice(cut)], { file: 't' });
      expect(dump(t)).toEqual(whole);
    }
  });

  it('fills small batches exactly and resumes where it stopped', () => {
    const whole = dump(read(SAMPLE));
    for (const batchSize of [1, 2, 3]) {
      expect(dump(read(SAMPLE, { batchSize }))).toEqual(whole);
      expect(dump(read(SAMPLE, { batchSize, chunk: 1 }))).toEqual(whole);
    }
    const reader = new TraceReader();
    const batch = new OpBatch(2);
    reader.push(bytes('a 1 1\na 2 2\na 3 3\n'));
    expect(reader.fill(batch)).toBe(true);
    expect(batch.length).toBe(2);
    batch.clear();
    expect(reader.fill(batch)).toBe(false);
    expect(batch.length).toBe(1);
  });

  it('accepts a last line without a line end, and an empty input', () => {
    expect(dump(read('a 7 3'))).toEqual(['a #0 7 3', 'c "end" @1/1']);
    expect(dump(read('c last'))).toEqual(['c "last" @0/0', 'c "end" @1/0']);
    expect(dump(read(''))).toEqual(['c "end" @0/0']);
    expect(dump(read('#pymtrace 1\n'))).toEqual(['c "end" @0/0']);
  });

  it('reuses ids after a free and reuses the freed slot first', () => {
    const t = read('a 1 8\na 2 8\na 3 8\nf 2\nf 1\na 2 16\na 4 16\na 5 16\nf 3\na 1 32\n');
    expect(dump(t).slice(0, -1)).toEqual([
      'a #0 1 8',
      'a #1 2 8',
      'a #2 3 8',
      'f #1 2',
      'f #0 1',
      'a #0 2 16',
      'a #1 4 16',
      'a #3 5 16',
      'f #2 3',
      'a #2 1 32',
    ]);
    expect(t.slotCount).toBe(4);
  });

  it('takes size 0 and the largest id and size', () => {
    const t = read('a 0 0\nr 0 0\na 9007199254740991 2147483647\nf 9007199254740991\n');
    expect(dump(t).slice(0, -1)).toEqual(['a #0 0 0', 'r #0 0 0', 'a #1 9007199254740991 2147483647', 'f #1 9007199254740991']);
  });

  it('keeps ids above 2^31 apart from small ones', () => {
    const big = 2 ** 32 + 5;
    const t = read(`a 5 1\na ${big} 2\na ${2 ** 31 - 1} 3\nf 5\nr ${big} 4\nf ${big}\na ${big} 5\n`);
    expect(dump(t).slice(0, -1)).toEqual(['a #0 5 1', `a #1 ${big} 2`, `a #2 ${2 ** 31 - 1} 3`, 'f #0 5', `r #1 ${big} 4`, `f #1 ${big}`, `a #1 ${big} 5`]);
  });

  it('matches a plain map model over a long random trace', () => {
    // Ids drawn from dense runs, strided addresses and huge values, with frees in random order, so
    // that the id table grows, shrinks and shifts runs back on delete.
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return Math.floor((seed / 2 ** 32) * n);
    };
    const live: number[] = [];
    const isLive = new Set<number>();
    let text = '';
    let next = 0;
    for (let i = 0; i < 60000; i++) {
      const phase = Math.floor(i / 10000);
      if (live.length === 0 || rand(100) < (phase % 2 === 0 ? 70 : 30)) {
        let id: number;
        do {
          const style = rand(3);
          id = style === 0 ? next++ : style === 1 ? 0x7f0000000000 + 16 * rand(1 << 20) : rand(1 << 16) * 4096;
        } while (isLive.has(id));
        live.push(id);
        isLive.add(id);
        text += `a ${id} ${rand(600)}\n`;
      } else {
        const j = rand(live.length);
        const id = live[j]!;
        live[j] = live[live.length - 1]!;
        live.pop();
        isLive.delete(id);
        text += rand(4) === 0 ? `r ${id} 9\nf ${id}\n` : `f ${id}\n`;
      }
    }
    const t = read(text);
    const slotOf = new Map<number, number>();
    const used = new Set<number>();
    for (let i = 0; i < t.length - 1; i++) {
      const id = t.id[i]!;
      const slot = t.slot[i]!;
      if (t.kind[i] === OP_ALLOC) {
        expect(slotOf.has(id)).toBe(false);
        expect(used.has(slot)).toBe(false);
        slotOf.set(id, slot);
        used.add(slot);
      } else {
        expect(slotOf.get(id)).toBe(slot);
        if (t.kind[i] === OP_FREE) {
          slotOf.delete(id);
          used.delete(slot);
        }
      }
    }
    expect(slotOf.size).toBe(live.length);
  });

  describe('errors', () => {
    const cases: [string, string][] = [
      ['a 1 8\nx 1 2\n', 't.pymtrace:2: unknown op "x" (got: "x 1 2")'],
      ['cx\n', 't.pymtrace:1: unknown op "cx" (got: "cx")'],
      ['alloc 1 2\n', 't.pymtrace:1: unknown op "alloc" (got: "alloc 1 2")'],
      ['a\n', 't.pymtrace:1: missing id (got: "a")'],
      ['a 1\n', 't.pymtrace:1: missing size (got: "a 1")'],
      ['a 1   \r\n', 't.pymtrace:1: missing size (got: "a 1   ")'],
      ['f\n', 't.pymtrace:1: missing id (got: "f")'],
      ['r 1\n', 't.pymtrace:1: missing size (got: "r 1")'],
      ['a 1 8\nf 1 8\n', 't.pymtrace:2: unexpected extra field (got: "f 1 8")'],
      ['a 1 8 9\n', 't.pymtrace:1: unexpected extra field (got: "a 1 8 9")'],
      ['a -1 8\n', 't.pymtrace:1: negative id (got: "a -1 8")'],
      ['a 1 -8\n', 't.pymtrace:1: negative size (got: "a 1 -8")'],
      ['a x 8\n', 't.pymtrace:1: id is not a decimal integer (got: "a x 8")'],
      ['a 1 8x\n', 't.pymtrace:1: size is not a decimal integer (got: "a 1 8x")'],
      ['a 1.5 8\n', 't.pymtrace:1: id is not a decimal integer (got: "a 1.5 8")'],
      ['a +1 8\n', 't.pymtrace:1: id is not a decimal integer (got: "a +1 8")'],
      ['a 9007199254740992 8\n', 't.pymtrace:1: id out of range (must be below 2^53) (got: "a 9007199254740992 8")'],
      ['a 1 2147483648\n', 't.pymtrace:1: size out of range (must be below 2^31) (got: "a 1 2147483648")'],
      ['a 1 99999999999999999999999\n', 't.pymtrace:1: size out of range (must be below 2^31) (got: "a 1 99999999999999999999999")'],
      ['a 1 8\na 1 8\n', 't.pymtrace:2: id 1 is already live (got: "a 1 8")'],
      ['# header\n\nf 3\n', 't.pymtrace:3: id 3 is not live (got: "f 3")'],
      ['r 3 8\r\n', 't.pymtrace:1: id 3 is not live (got: "r 3 8")'],
      ['a 3 8\nf 3\nf 3\n', 't.pymtrace:3: id 3 is not live (got: "f 3")'],
      ['a 3 8\nf 3\nr 3 1', 't.pymtrace:3: id 3 is not live (got: "r 3 1")'],
    ];

    it.each(cases)('%j → %s', (text, message) => {
      const error = errorOf(text);
      expect(error.message).toBe(message);
      expect(error.file).toBe('t.pymtrace');
      expect(`${error.file}:${error.line}: ${error.reason}`).toBe(message.replace(/ \(got: .*\)$/, ''));
      // The same error, fed a byte at a time.
      expect(errorOf(text, { chunk: 1 }).message).toBe(message);
      // For whoever does not own the file: file, line and what was expected, nothing of the line.
      expect(error.contentFreeMessage).toMatch(/^t\.pymtrace:\d+: /);
      const said = error.contentFreeMessage.slice('t.pymtrace:1: '.length);
      const saidWords = new Set(said.split(/[^\w^+.-]+/));
      for (const word of error.text.split(/\s+/).filter((w) => w.length > 1)) expect(saidWords.has(word)).toBe(false);
    });

    it('says what was expected instead of quoting an unknown op or an id', () => {
      expect(errorOf('a 1 8\nroot:x:0:0:root:/root:/bin/bash\n').contentFreeMessage).toBe(
        't.pymtrace:2: unknown op: expected a line starting with a, f, r, c or #',
      );
      expect(errorOf('a 77 8\na 77 8\n').contentFreeMessage).toBe('t.pymtrace:2: id is already live: expected it freed before it is allocated again');
      expect(errorOf('f 77\n').contentFreeMessage).toBe('t.pymtrace:1: id is not live: expected an id allocated earlier and not yet freed');
      expect(errorOf('a 1 8x\n').contentFreeMessage).toBe('t.pymtrace:1: size is not a decimal integer');
    });

    it('stops the read at the first error', () => {
      const reader = new TraceReader({ file: 'stop' });
      const batch = new OpBatch(8);
      reader.push(bytes('a 1 8\nq\na 2 8\n'));
      expect(() => reader.fill(batch)).toThrow('stop:2: unknown op "q" (got: "q")');
      expect(batch.length).toBe(1);
      expect(() => reader.fill(batch)).toThrow(TraceError);
      expect(() => reader.push(bytes('a 3 3\n'))).toThrow(TraceError);
    });

    it('cuts the quoted line to about 200 characters', () => {
      const error = errorOf(`c ok\nz${'y'.repeat(500)}\n`);
      expect(error.line).toBe(2);
      expect(error.text).toBe(`z${'y'.repeat(199)}...`);
      expect(error.reason).toBe(`unknown op "z${'y'.repeat(19)}"`);
    });

    it('rejects over-long lines without buffering them', () => {
      const long = `# ${'x'.repeat(40)}\n`;
      for (const chunk of [undefined, 1, 7]) {
        expect(errorOf(`a 1 1\n${long}f 1\n`, { maxLineBytes: 16, chunk }).message).toBe(
          `t.pymtrace:2: line longer than 16 bytes (got: "# ${'x'.repeat(15)}...")`,
        );
      }
      expect(errorOf(`c ${'x'.repeat(20)}`, { maxLineBytes: 16, chunk: 3 }).reason).toBe('line longer than 16 bytes');
      // At the limit is fine.
      for (const chunk of [undefined, 1, 5]) {
        expect(read(`c ${'x'.repeat(14)}\n`, { maxLineBytes: 16, chunk }).checkpoints.label[0]).toBe('x'.repeat(14));
        expect(read(`c ${'x'.repeat(14)}`, { maxLineBytes: 16, chunk }).checkpoints.label[0]).toBe('x'.repeat(14));
      }
    });

    it('counts and keeps bad lines when asked to skip them', () => {
      const text = 'a 1 8\nq\nf 9\n' + `# ${'x'.repeat(40)}\n` + 'c mid\na 1 2\nf 1\n';
      for (const chunk of [undefined, 1, 5]) {
        const t = read(text, { skipBadLines: true, keepBadLines: 2, maxLineBytes: 16, chunk });
        expect(t.badLineCount).toBe(4);
        expect(t.badLines).toEqual([
          { line: 2, text: 'q', reason: 'unknown op "q"' },
          { line: 3, text: 'f 9', reason: 'id 9 is not live' },
        ]);
        // Skipped lines take no op index.
        expect(dump(t)).toEqual(['a #0 1 8', 'c "mid" @1/1', 'f #0 1', 'c "end" @3/2']);
        expect(t.lines).toBe(7);
      }
    });
  });

  it('decodes UTF-8 labels, replacing broken bytes', () => {
    expect(read('c café ✓ 𝄞\n').checkpoints.label[0]).toBe('café ✓ 𝄞');
    const broken = new Uint8Array([0x63, 0x20, 0x61, 0xff, 0x62, 0xe2, 0x82, 0x0a]);
    expect(readTraceBytes(broken).checkpoints.label[0]).toBe('a\ufffdb\ufffd');
  });

  it('refuses a push before the previous chunk is drained, and after end()', () => {
    const reader = new TraceReader();
    reader.push(bytes('a 1 1\n'));
    expect(() => reader.push(bytes('a 2 2\n'))).toThrow(/drained/);
    reader.fill(new OpBatch(4));
    reader.end();
    expect(() => reader.push(bytes('a 2 2\n'))).toThrow(/after end/);
  });

  it('summarises what it read', () => {
    const reader = new TraceReader();
    reader.push(bytes('#pymtrace 1\na 1 1\na 2 1\nf 1\nc\n'));
    reader.end();
    reader.fill(new OpBatch(16));
    expect(reader.summary()).toEqual({ lines: 5, ops: 4, applied: 3, live: 1, slotCount: 2, badLineCount: 0, badLines: [] });
  });
});
