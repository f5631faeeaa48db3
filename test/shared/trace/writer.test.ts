import { describe, it, expect } from 'vitest';
import { bytes, readBatches } from './read-batches';
import { OP_MARK, OpBatch } from '../../../shared/ops/op-batch';
import { type Checkpoint, formatTrace, readTraceBytes, type TraceColumns, TraceReader, TraceWriter } from '../../../shared/trace';

/** Reads `text` into batches of `capacity`, as a replay would receive them. */
function batchesOf(text: string, capacity: number): OpBatch[] {
  return readBatches(text, capacity).batches;
}

function same(a: TraceColumns, b: TraceColumns): void {
  expect(b.length).toBe(a.length);
  expect(b.kind).toEqual(a.kind);
  expect(b.slot).toEqual(a.slot);
  expect(b.size).toEqual(a.size);
  expect(b.id).toEqual(a.id);
  expect(b.checkpoints).toEqual(a.checkpoints);
  expect(b.slotCount).toBe(a.slotCount);
}

describe('TraceWriter', () => {
  it('writes the header, comments and one line per operation', () => {
    const writer = new TraceWriter({ comments: ['made by a test', 'two\nlines'] });
    writer.alloc(1, 16);
    writer.checkpoint('peak');
    writer.realloc(1, 0);
    writer.checkpoint(null);
    writer.checkpoint('  padded\r\nlabel  ');
    writer.free(1);
    expect(writer.take()).toBe('#pymtrace 1\n# made by a test\n# two\n# lines\na 1 16\nc peak\nr 1 0\nc\nc padded label\nf 1\n');
    expect(writer.take()).toBe('');
    writer.alloc(2 ** 53 - 1, 2 ** 31 - 1);
    expect(writer.take()).toBe('a 9007199254740991 2147483647\n');
    expect(new TraceWriter({ header: false }).take()).toBe('');
  });

  it('writes batches, a bare c for a mark without a label', () => {
    const batch = new OpBatch(8);
    batch.alloc(0, 7, 24);
    batch.mark('x');
    batch.realloc(0, 7, 48);
    batch.kind[3] = OP_MARK;
    batch.size[3] = -1;
    batch.length = 4;
    batch.free(0, 7);
    expect(formatTrace([batch])).toBe('#pymtrace 1\na 7 24\nc x\nr 7 48\nc\nf 7\n');
    const writer = new TraceWriter({ header: false });
    writer.writeBatch(batch, 1, 3);
    expect(writer.take()).toBe('c x\nr 7 48\n');
  });

  it('refuses values a reader would reject', () => {
    const writer = new TraceWriter();
    expect(() => writer.alloc(-1, 8)).toThrow(RangeError);
    expect(() => writer.alloc(1.5, 8)).toThrow(RangeError);
    expect(() => writer.alloc(2 ** 53, 8)).toThrow(RangeError);
    expect(() => writer.realloc(1, 2 ** 31)).toThrow(RangeError);
    expect(() => writer.free(Number.NaN)).toThrow(RangeError);
  });

  it('round-trips through the reader', () => {
    const text = '#pymtrace 1\n# source\na 1 16\na 2 0\nc first\nr 1 600\nf 2\nc\na 2 4096\nc  spaced  label \nf 1\nr 2 1\na 9007199254740991 7\n';
    const first = readTraceBytes(bytes(text));
    for (const capacity of [1, 3, 64]) {
      const batches = batchesOf(text, capacity);
      // The reader's implicit `end` is the last mark of the stream: leave it to the next reader.
      const writer = new TraceWriter();
      batches.forEach((batch, k) => writer.writeBatch(batch, 0, k === batches.length - 1 ? batch.length - 1 : batch.length));
      const written = writer.take();
      expect(written).toBe('#pymtrace 1\na 1 16\na 2 0\nc first\nr 1 600\nf 2\nc\na 2 4096\nc spaced  label\nf 1\nr 2 1\na 9007199254740991 7\n');
      same(first, readTraceBytes(bytes(written)));
    }
  });

  it('round-trips a generated stream', () => {
    const batch = new OpBatch(5000);
    const live: number[] = [];
    let next = 0;
    let seed = 99;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return Math.floor((seed / 2 ** 32) * n);
    };
    const reader = new TraceReader();
    const checkpoints: Checkpoint[] = [];
    const writer = new TraceWriter();
    // Write ops straight from a model, then check that reading them back gives the model's ids.
    for (let i = 0; i < 4999; i++) {
      const roll = rand(10);
      if (roll === 0) writer.checkpoint(rand(2) === 0 ? null : `cp ${i}`);
      else if (live.length === 0 || roll < 6) {
        live.push(next);
        writer.alloc(next++, rand(1000));
      } else if (roll < 8) writer.realloc(live[rand(live.length)]!, rand(1000));
      else writer.free(live.splice(rand(live.length), 1)[0]!);
    }
    reader.push(bytes(writer.take()));
    reader.end();
    expect(reader.fill(batch, checkpoints)).toBe(true);
    expect(reader.finished).toBe(true);
    expect(reader.liveCount).toBe(live.length);
    const again = formatTrace([batch]);
    const back = readTraceBytes(bytes(again));
    // Writing the read batch back adds the `end` mark as a `c end` line, then the implicit one.
    expect(back.length).toBe(batch.length + 1);
    expect(back.checkpoints.label.slice(-2)).toEqual(['end', 'end']);
    expect(back.kind.subarray(0, batch.length)).toEqual(batch.kind);
    expect(back.id.subarray(0, batch.length)).toEqual(batch.id);
  });
  it('writes labels and comments as UTF-8, and takeBytes gives the bytes of what take would', () => {
    const a = new TraceWriter({ comments: ['héllo wörld ✓ 🐍'] });
    const b = new TraceWriter({ comments: ['héllo wörld ✓ 🐍'] });
    for (const w of [a, b]) {
      w.alloc(0, 0);
      w.alloc(1234567890123, 2 ** 31 - 1);
      w.checkpoint('phase é → 🐍');
      w.free(1234567890123);
      w.realloc(0, 10);
    }
    const text = a.take();
    expect(text).toBe('#pymtrace 1\n# héllo wörld ✓ 🐍\na 0 0\na 1234567890123 2147483647\nc phase é → 🐍\nf 1234567890123\nr 0 10\n');
    expect(b.takeBytes()).toEqual(new TextEncoder().encode(text));
    // Taken: the next take starts empty, and a writer keeps going after a take.
    expect(a.take()).toBe('');
    a.free(0);
    expect(a.take()).toBe('f 0\n');
  });

  it('grows past its first buffer without losing a line', () => {
    const writer = new TraceWriter({ header: false });
    const batch = new OpBatch(100_000);
    for (let i = 0; i < 100_000; i++) batch.alloc(0, i * 1001, i % 512);
    writer.writeBatch(batch);
    const lines = writer.take().split('\n');
    expect(lines.length).toBe(100_001);
    expect(lines[99_999]).toBe(`a ${99_999 * 1001} ${99_999 % 512}`);
  });
});
