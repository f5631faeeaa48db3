// Bugs the fuzz target `trace` found in shared/trace/reader.ts, one test each.
import { describe, expect, it } from 'vitest';
import { readTraceBytes, TraceError, type TraceReaderOptions } from '../../../shared/trace';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The error of reading `text` in chunks of `chunk` bytes (whole when omitted). */
function errorOf(text: string, chunk: number | undefined, options: TraceReaderOptions = {}): TraceError {
  const all = bytes(text);
  const size = chunk ?? all.length;
  const parts: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += size) parts.push(all.subarray(at, at + size));
  try {
    readTraceBytes(parts, { file: 't', ...options });
  } catch (error) {
    if (error instanceof TraceError) return error;
    throw error;
  }
  throw new Error('expected a TraceError');
}

describe('line length limit, whatever the chunking', () => {
  it('refuses an over-long line for its length even when something else is wrong with it', () => {
    // Before the fix, a line in one chunk got "unknown op", the same line carried over from an
    // earlier chunk "line longer than": the error depended on how the bytes were cut.
    const text = `a 1 8\n${'z'.repeat(40)}\nf 1\n`;
    const whole = errorOf(text, undefined, { maxLineBytes: 16 });
    const cut = errorOf(text, 7, { maxLineBytes: 16 });
    expect(whole.message).toBe(cut.message);
    expect(whole.line).toBe(2);
    expect(whole.reason).toBe('line longer than 16 bytes');
  });

  it('applies the limit to the fast path too (an a/f/r line with leading zeros)', () => {
    // Before the fix the whole-buffer fast path accepted `a 000…01 8` of any length.
    const text = `a ${'0'.repeat(30)}1 8\n`;
    const whole = errorOf(text, undefined, { maxLineBytes: 16 });
    expect(whole.reason).toBe('line longer than 16 bytes');
    expect(errorOf(text, 5, { maxLineBytes: 16 }).message).toBe(whole.message);
  });

  it('still reads lines within the limit', () => {
    expect(readTraceBytes(bytes('a 0001 8\nf 1\n'), { maxLineBytes: 16 }).applied).toBe(2);
  });
});
