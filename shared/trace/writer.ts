/**
 * pymtrace v1 writer: operations in, text out (the caller encodes and stores it; text is ASCII except
 * for labels, so UTF-8 is the encoding to use).
 *
 *     const writer = new TraceWriter({ comments: ['workload churn, seed 7'] });
 *     writer.writeBatch(batch);        // or writer.alloc(id, size), .free(id), .realloc(id, size), .checkpoint(label)
 *     out.write(writer.take());        // the text written since the last take(), header first
 *
 * The writer does not track liveness; it checks only that each line it writes will parse. A reader
 * appends an implicit `end` checkpoint after the last line, so a stream read from a trace already ends
 * with that mark: write it back and the copy gets one more. `writeBatch`'s range lets a caller leave
 * it out.
 */
import { OP_ALLOC, OP_FREE, OP_MARK, OP_REALLOC, type OpBatch } from '../ops/op-batch';
import { ID_LIMIT, SIZE_LIMIT } from './reader';
import { decodeUtf8, encodeUtf8 } from './utf8';
import { SITES_EXTENSION, siteLine, type SiteFrame } from './sites';

export const TRACE_HEADER = '#pymtrace 1';

export interface TraceWriterOptions {
  /** Start with the `#pymtrace 1` header. Default true. */
  header?: boolean;
  /**
   * Write the sites extension (sites.ts): its declaration after the header, a `#@` line where a
   * batch's ALLOC sites change, and `site()` names. Default false: plain v1, batches' sites dropped.
   */
  sites?: boolean;
  /** Comment lines written after the header. */
  comments?: readonly string[];
}

export class TraceWriter {
  // The text as bytes (ASCII, UTF-8 for labels and comments): writing digits into a buffer makes no
  // string per line, which kept the garbage collector busy when recording a program (a few hundred
  // nanoseconds per op, beside the program).
  private buf = new Uint8Array(1 << 16);
  private pos = 0;
  /** The site of the last `#@` line (a reader starts at 0, unknown). */
  private lastSite = 0;
  private readonly withSites: boolean;

  constructor(options: TraceWriterOptions = {}) {
    if (options.header ?? true) this.text(`${TRACE_HEADER}\n`);
    this.withSites = options.sites === true;
    if (this.withSites) this.text(`${SITES_EXTENSION}\n`);
    for (const comment of options.comments ?? []) this.comment(comment);
  }

  alloc(id: number, size: number): void {
    this.reserve(LINE_BYTES);
    this.op(CH_A, checkId(id), checkSize(size));
  }

  free(id: number): void {
    this.reserve(LINE_BYTES);
    this.op(CH_F, checkId(id), -1);
  }

  realloc(id: number, size: number): void {
    this.reserve(LINE_BYTES);
    this.op(CH_R, checkId(id), checkSize(size));
  }

  /** `c label`; null or an empty label writes a bare `c`. */
  checkpoint(label: string | null): void {
    const text = label === null ? '' : oneLine(label);
    this.text(text === '' ? 'c\n' : `c ${text}\n`);
  }

  /** A `# text` line per line of `text`. */
  comment(text: string): void {
    for (const line of text.split(/\r?\n|\r/)) this.text(line === '' ? '#\n' : `# ${line}\n`);
  }

  /**
   * Writes operations `start` to `end` (exclusive) of `batch`. When the writer writes sites and the
   * batch carries them (`batch.site`), a `#@ <site>` line goes before each ALLOC whose site differs
   * from the last one written (the sites extension, sites.ts).
   */
  writeBatch(batch: OpBatch, start = 0, end = batch.length): void {
    const { kind, id, size } = batch;
    const site = this.withSites ? batch.site : null;
    this.reserve((site ? 2 : 1) * LINE_BYTES * Math.max(0, end - start));
    for (let i = start; i < end; i++) {
      switch (kind[i]) {
        case OP_ALLOC:
          if (site && site[i] !== this.lastSite) this.siteRef(site[i]!);
          this.op(CH_A, checkId(id[i]!), checkSize(size[i]!));
          break;
        case OP_FREE:
          this.op(CH_F, checkId(id[i]!), -1);
          break;
        case OP_REALLOC:
          this.op(CH_R, checkId(id[i]!), checkSize(size[i]!));
          break;
        case OP_MARK: {
          const at = size[i]!;
          const label = at >= 0 ? oneLine(batch.labels[at] ?? '') : '';
          this.text(label === '' ? 'c\n' : `c ${label}\n`);
          break;
        }
        default:
          throw new RangeError(`TraceWriter: unknown op kind ${kind[i]} at ${i}`);
      }
    }
  }

  /** `#site <site> <json>`: names a site of the sites extension (after the ops that use it is fine); nothing in plain v1. */
  site(site: number, frames: readonly SiteFrame[]): void {
    if (!this.withSites) return;
    this.text(`${siteLine(site, frames)}\n`);
  }

  /** `#@ <site>`; room reserved by the caller. */
  private siteRef(site: number): void {
    const b = this.buf;
    b[this.pos++] = 0x23;
    b[this.pos++] = 0x40;
    b[this.pos++] = CH_SPACE;
    this.pos = writeDigits(b, this.pos, site);
    b[this.pos++] = CH_NEWLINE;
    this.lastSite = site;
  }

  /** The text written since the last call. */
  take(): string {
    const bytes = this.takeBytes();
    return decodeUtf8(bytes, 0, bytes.length);
  }

  /** The text written since the last call, as UTF-8 bytes (the caller owns them). */
  takeBytes(): Uint8Array {
    const out = this.buf.slice(0, this.pos);
    this.pos = 0;
    return out;
  }

  /** Room for `n` more bytes. */
  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const grown = new Uint8Array(cap);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** `k id[ size]\n`; size < 0: none. Room reserved by the caller. */
  private op(k: number, id: number, size: number): void {
    const b = this.buf;
    b[this.pos] = k;
    b[this.pos + 1] = CH_SPACE;
    this.pos = writeDigits(b, this.pos + 2, id);
    if (size >= 0) {
      b[this.pos++] = CH_SPACE;
      this.pos = writeDigits(b, this.pos, size);
    }
    b[this.pos++] = CH_NEWLINE;
  }

  private text(text: string): void {
    const bytes = encodeUtf8(text);
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
}

const CH_A = 0x61;
const CH_F = 0x66;
const CH_R = 0x72;
const CH_SPACE = 0x20;
const CH_NEWLINE = 0x0a;
/** The longest op line: a letter, a space, an id below 2^53 (16 digits), a space, a size below 2^31 (10 digits), a newline. */
const LINE_BYTES = 1 + 1 + 16 + 1 + 10 + 1;

/** Writes the decimal digits of `n` (an integer in [0, 2^53)) at `at`; returns the position after them. */
function writeDigits(b: Uint8Array, at: number, n: number): number {
  if (n < 10) {
    b[at] = 0x30 + n;
    return at + 1;
  }
  if (n >= 0x80000000) return writeDigitsLarge(b, at, n);
  // Below 2^31: integer division (`| 0`), the common case by far.
  const end =
    at + (n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10);
  let x = n;
  for (let p = end - 1; p >= at; p--) {
    const q = (x / 10) | 0;
    b[p] = 0x30 + (x - q * 10);
    x = q;
  }
  return end;
}

function writeDigitsLarge(b: Uint8Array, at: number, n: number): number {
  let len = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) len++;
  const end = at + len;
  let x = n;
  for (let p = end - 1; p >= at; p--) {
    const q = Math.floor(x / 10);
    b[p] = 0x30 + (x - q * 10);
    x = q;
  }
  return end;
}

/** Writes whole batches to one string (for tests and small exports). */
export function formatTrace(batches: Iterable<OpBatch>, options: TraceWriterOptions = {}): string {
  const writer = new TraceWriter(options);
  for (const batch of batches) writer.writeBatch(batch);
  return writer.take();
}

function checkId(id: number): number {
  if (!(Number.isInteger(id) && id >= 0 && id < ID_LIMIT)) throw new RangeError(`TraceWriter: id ${id} is not an integer in [0, 2^53)`);
  return id;
}

function checkSize(size: number): number {
  if (!(Number.isInteger(size) && size >= 0 && size < SIZE_LIMIT)) throw new RangeError(`TraceWriter: size ${size} is not an integer in [0, 2^31)`);
  return size;
}

/** A label as a reader will give it back: on one line, trimmed. */
function oneLine(label: string): string {
  return label.replace(/[\r\n]+/g, ' ').trim();
}
