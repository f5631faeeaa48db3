/** The agent's byte stream cut into frames whatever the pipe's chunking: every record once, in order. */
import { describe, expect, it } from 'vitest';
import {
  AgentStreamError,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC,
  FRAME_RECORDS,
  FRAME_SUMMARY,
  FrameDecoder,
  RECORD_BYTES,
} from '../../../../electron/node/record/agent-frames';

function frame(kind: number, body: Buffer, count: number, produced: number): Buffer {
  const h = Buffer.alloc(FRAME_HEADER_BYTES);
  h.writeUInt32LE(FRAME_MAGIC, 0);
  h.writeUInt32LE(kind, 4);
  h.writeUInt32LE(count, 8);
  h.writeBigUInt64LE(BigInt(produced), 16);
  return Buffer.concat([h, body]);
}

function records(first: number, n: number): Buffer {
  const b = Buffer.alloc(n * RECORD_BYTES);
  for (let i = 0; i < n; i++) {
    b.writeBigUInt64LE(BigInt(first + i) + 2n ** 40n, i * RECORD_BYTES);
    b.writeUInt32LE(i % 300, i * RECORD_BYTES + 8);
    b.writeUInt32LE(1, i * RECORD_BYTES + 12);
  }
  return b;
}

/** A stream of three record frames (sizes 5000, 1, 20000) and the summary. */
const STREAM = Buffer.concat([
  frame(FRAME_RECORDS, records(0, 5000), 5000, 5000),
  frame(FRAME_RECORDS, records(5000, 1), 1, 5001),
  frame(FRAME_RECORDS, records(5001, 20000), 20000, 25001),
  frame(FRAME_SUMMARY, Buffer.from('{"ops_alloc":25001}'), 19, 25001),
]);

function decode(chunks: Buffer[]): { values: number[]; produced: number[]; decoder: FrameDecoder } {
  const values: number[] = [];
  const produced: number[] = [];
  const decoder = new FrameDecoder((f) => {
    produced.push(f.produced);
    for (let k = 0; k < f.count; k++) values.push(Number(f.view.getBigUint64(f.offset + k * RECORD_BYTES, true)));
  });
  for (const c of chunks) decoder.push(c);
  return { values, produced, decoder };
}

function cut(buf: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < buf.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(Buffer.from(buf.subarray(at, at + n)));
    at += n;
  }
  return out;
}

describe('FrameDecoder', () => {
  it.each([
    ['one chunk', [STREAM.length]],
    ['pipe-sized chunks', [65536]],
    ['odd chunks', [7, 1, 31, 33, 4096, 100_000]],
    ['one byte at a time (for the first frames)', [1]],
  ])('gives every record once, in order, and the summary: %s', (_name, sizes) => {
    const chunks = sizes[0] === 1 ? [...cut(STREAM.subarray(0, 200_000), [1]), Buffer.from(STREAM.subarray(200_000))] : cut(STREAM, sizes);
    const { values, produced, decoder } = decode(chunks);
    expect(values.length).toBe(25001);
    expect(values.every((v, i) => v === i + 2 ** 40)).toBe(true);
    expect(produced).toEqual([5000, 5001, 25001]);
    expect(decoder.summary).toEqual({ ops_alloc: 25001 });
    expect(decoder.leftover).toBe(0);
  });

  it('keeps the bytes of a frame cut short (a killed program) as leftover, and the frames before it', () => {
    // Cut 10 bytes before the end (in the summary frame), then 100 bytes before the end of the last records frame.
    const short = decode(cut(STREAM.subarray(0, STREAM.length - 10), [65536]));
    expect(short.values.length).toBe(25001);
    expect(short.decoder.summary).toBeNull();
    expect(short.decoder.leftover).toBe(FRAME_HEADER_BYTES + 19 - 10);
    const cutAt = STREAM.length - (FRAME_HEADER_BYTES + 19) - 100;
    const shorter = decode(cut(STREAM.subarray(0, cutAt), [65536]));
    expect(shorter.values.length).toBe(5001);
    expect(shorter.decoder.leftover).toBe(FRAME_HEADER_BYTES + 20000 * RECORD_BYTES - 100);
  });

  it('says where a bad header is', () => {
    const bad = Buffer.from(STREAM);
    bad.writeUInt32LE(0xdeadbeef, FRAME_HEADER_BYTES + 5000 * RECORD_BYTES);
    expect(() => decode(cut(bad, [65536]))).toThrow(AgentStreamError);
    expect(() => decode(cut(bad, [65536]))).toThrow(`bad frame header at byte ${FRAME_HEADER_BYTES + 5000 * RECORD_BYTES}`);
  });
});
