/**
 * Streaming pymtrace v1 reader: bytes in, columnar operations out.
 *
 * Usage (the caller owns the batch and drives the parse, so nothing is allocated per operation):
 *
 *     const reader = new TraceReader({ file: 'run.pymtrace' });
 *     const batch = new OpBatch(65536);
 *     const checkpoints: Checkpoint[] = [];
 *     for (const chunk of chunks) {
 *       reader.push(chunk);
 *       while (reader.fill(batch, checkpoints)) { consume(batch, checkpoints); batch.clear(); checkpoints.length = 0; }
 *     }
 *     reader.end();
 *     while (reader.fill(batch, checkpoints)) { consume(...); batch.clear(); checkpoints.length = 0; }
 *     if (batch.length > 0) consume(batch, checkpoints);
 *
 * - `push(chunk)` hands over one chunk of bytes; the reader parses it in place (no copy, no string), so
 *   the chunk must stay unchanged until `fill` has drained it, and the next `push` must wait for that.
 *   A line split across chunks is carried over in a small buffer bounded by `maxLineBytes`.
 * - `fill(batch, checkpoints?)` appends operations to `batch` until it is full (returns true: consume
 *   it, clear it, call again) or the pushed input is used up (returns false: push more, or stop
 *   after `end()`). It appends to whatever the batch already holds.
 * - `end()` says no more input follows: the next `fill` parses a last line without a line end and
 *   appends the implicit `end` checkpoint, so every stream ends with that OP_MARK.
 *
 * Checkpoints in the batch: an OP_MARK's `size` is the index of its label in `batch.labels`, as
 * `OpBatch.mark` writes it, except that a `c` line without a label gets `size = NO_LABEL` (-1) and no
 * entry in `labels`, so "no label" stays distinct from any string. When a `checkpoints` array is
 * given, `fill` also pushes one `Checkpoint` record per OP_MARK, in stream order, with its position in
 * the batch, its op index and the number of a/f/r operations applied before it.
 *
 * Slots: the reader names each live object by a dense `slot` (see op-batch.ts), from a free-slot stack
 * so that a freed slot is reused first; `slotCount` is the number of slots ever needed (the peak live
 * count). Memory follows the live set: an id→slot hash table (id-slot-table.ts) sized to it.
 *
 * Syntax: `a <id> <size>`, `f <id>`, `r <id> <size>`, `c [label]`; fields are separated by runs of
 * ASCII blanks (space, tab, `\r`, VT, FF), so leading and trailing blanks and a CRLF line end are
 * fine; blank lines and lines whose first non-blank byte is `#` are skipped. Numbers are plain decimal
 * digits (no sign): id < 2^53, size < 2^31. A label is the rest of the line, trimmed, decoded as UTF-8.
 *
 * Errors: a bad line throws a `TraceError` (`FILE:LINE: reason`) and the reader stays failed. With
 * `skipBadLines` the line is counted, the first `keepBadLines` are kept, and reading goes on; a
 * skipped line is not an operation line (it takes no op index).
 */
import { OP_MARK, type OpBatch } from '../ops/op-batch';
import { type BadLine, printable, TraceError } from './trace-error';
import { IdSlotTable, NARROW_ID_LIMIT } from './id-slot-table';
import { decodeUtf8 } from './utf8';
import { parseSiteFrames, type SiteTable } from './sites';

export interface TraceReaderOptions {
  /** Name used in error messages, as the user gave it. Default `<trace>`. */
  file?: string;
  /** Count and skip bad lines instead of stopping at the first one. Default false. */
  skipBadLines?: boolean;
  /** How many skipped lines to keep for the report. Default 20. */
  keepBadLines?: number;
  /** Longest accepted line, in bytes without the line end. Default 1 MiB. */
  maxLineBytes?: number;
}

/** One checkpoint as `fill` reports it. */
export interface Checkpoint {
  /** The label; null for a `c` line without one. The implicit last checkpoint is `end`. */
  label: string | null;
  /** 0-based index of the `c` line among operation lines (a/f/r/c). */
  op: number;
  /** Number of a/f/r operations before it. */
  applied: number;
  /** 1-based line number of the `c` line; 0 for the implicit `end`. */
  line: number;
  /** Position of its OP_MARK in the batch `fill` wrote it to. */
  index: number;
}

export interface TraceSummary {
  /** Lines read, comments and blank lines included. */
  lines: number;
  /** Operation lines accepted (a/f/r/c), the implicit `end` excluded. */
  ops: number;
  /** a/f/r operations accepted. */
  applied: number;
  /** Objects live now. */
  live: number;
  /** Dense slots ever handed out: the peak live count. */
  slotCount: number;
  badLineCount: number;
  badLines: readonly BadLine[];
}

/** `size` of an OP_MARK whose `c` line had no label. */
export const NO_LABEL = -1;
/** Label of the checkpoint implied after the last line. */
export const END_LABEL = 'end';
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;
/** Ids are below 2^53 so that they stay exact in a double. */
export const ID_LIMIT = 2 ** 53;
/** Sizes fit an Int32Array column. */
export const SIZE_LIMIT = 2 ** 31;

const NL = 10;
const CR = 13;
const TAB = 9;
const SP = 32;
const HASH = 35;
const MINUS = 45;
const ZERO = 48;
const CH_A = 97;
const CH_C = 99;
const CH_F = 102;
const CH_R = 114;
const CH_S = 115;
const AT = 64;
/** Site ids travel in 24 bits (the agent's records). */
const MAX_SITE = 2 ** 24 - 1;

// Negative results of the line and field scanners.
const INCOMPLETE = -1;
const MISSING = -2;
const NEGATIVE = -3;
const NOT_NUMBER = -4;

const EXCERPT_CHARS = 200;
const NEWLINE = new Uint8Array([NL]);

/** Field separators: ASCII whitespace other than the line end (a trailing `\r` is one of them). */
function isBlank(c: number): boolean {
  return c === SP || (c >= TAB && c <= CR && c !== NL);
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= ZERO + 9;
}

export class TraceReader {
  private readonly file: string;
  private readonly skip: boolean;
  private readonly keepBad: number;
  private readonly maxLine: number;

  /** Live object id → its slot, for ids below NARROW_ID_LIMIT and (made on first use) the rest. */
  private readonly narrow = new IdSlotTable(false);
  private wideTable: IdSlotTable | null = null;
  /** Stack of freed slots, reused before new ones. */
  private freeSlots = new Int32Array(64);
  private freeTop = 0;
  private slotHigh = 0;

  private lines = 0;
  private ops = 0;
  private applied = 0;
  private badCount = 0;
  private readonly bad: BadLine[] = [];

  /** The pushed chunk not parsed yet, from `pos`. */
  private chunk: Uint8Array | null = null;
  private pos = 0;
  /** Start of a line whose end is still to come. */
  private carry = new Uint8Array(256);
  private carryLen = 0;
  /** Skipping the rest of an over-long line (only under skipBadLines). */
  private discarding = false;
  private ended = false;
  private done = false;
  private failure: TraceError | null = null;

  /** The sites extension: the current `#@` site, whether any was seen, the `#site` names read so far. */
  private site = 0;
  private sited = false;
  readonly sites: SiteTable = new Map();

  /** Value of the last field scanned (a field out-parameter without an allocation). */
  private value = 0;
  private checkpoints: Checkpoint[] | undefined = undefined;

  constructor(options: TraceReaderOptions = {}) {
    this.file = options.file ?? '<trace>';
    this.skip = options.skipBadLines ?? false;
    this.keepBad = options.keepBadLines ?? 20;
    this.maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** Hands over the next chunk of the file; `fill` must have drained the previous one. */
  push(chunk: Uint8Array): void {
    if (this.failure !== null) throw this.failure;
    if (this.ended) throw new Error('TraceReader.push() after end()');
    if (this.chunk !== null) throw new Error('TraceReader.push() before fill() drained the previous chunk');
    if (chunk.length > 0) {
      this.chunk = chunk;
      this.pos = 0;
    }
  }

  /** No more input: the next `fill` finishes the last line and appends the `end` checkpoint. */
  end(): void {
    this.ended = true;
  }

  /**
   * Appends operations to `batch` (and checkpoint records to `checkpoints`) until the batch is full
   * or the input pushed so far is parsed. Returns true when the batch is full.
   */
  fill(batch: OpBatch, checkpoints?: Checkpoint[]): boolean {
    if (this.failure !== null) throw this.failure;
    this.checkpoints = checkpoints;
    while (batch.length < batch.capacity) {
      const chunk = this.chunk;
      if (chunk !== null) {
        if (this.carryLen > 0 || this.discarding) this.continueCarry(chunk, batch);
        else this.scan(chunk, batch);
      } else if (!this.ended || this.done) {
        break;
      } else if (this.discarding) {
        this.discarding = false;
        this.lines++;
      } else if (this.carryLen > 0) {
        // The last line had no line end: give it one and parse it like any other.
        if (this.appendCarry(NEWLINE, 0, 1)) this.parseCarry(batch);
        else this.tooLong(NEWLINE, 0, 0, true);
      } else {
        this.mark(batch, END_LABEL, 0);
        this.done = true;
      }
    }
    this.checkpoints = undefined;
    return batch.length >= batch.capacity;
  }

  /** Whether the stream carries sites (a `#@` line was read): its batches' ALLOCs then have `site` set. */
  get hasSites(): boolean {
    return this.sited;
  }

  /** True once `end` was called and `fill` has appended the `end` checkpoint. */
  get finished(): boolean {
    return this.done;
  }

  get lineCount(): number {
    return this.lines;
  }

  get opCount(): number {
    return this.ops;
  }

  get appliedCount(): number {
    return this.applied;
  }

  get liveCount(): number {
    return this.narrow.size + (this.wideTable?.size ?? 0);
  }

  get slotCount(): number {
    return this.slotHigh;
  }

  get badLineCount(): number {
    return this.badCount;
  }

  get badLines(): readonly BadLine[] {
    return this.bad;
  }

  summary(): TraceSummary {
    return {
      lines: this.lines,
      ops: this.ops,
      applied: this.applied,
      live: this.liveCount,
      slotCount: this.slotHigh,
      badLineCount: this.badCount,
      badLines: this.bad.slice(),
    };
  }

  // ---- chunk handling ----

  /** Parses whole lines of `chunk` in place; carries a last partial line over. */
  private scan(chunk: Uint8Array, batch: OpBatch): void {
    const n = chunk.length;
    let p = this.pos;
    while (p < n) {
      if (batch.length >= batch.capacity) {
        this.pos = p;
        return;
      }
      const q = this.line(chunk, p, batch);
      if (q < 0) {
        this.chunk = null;
        this.pos = 0;
        if (!this.appendCarry(chunk, p, n)) this.tooLong(chunk, p, n, false);
        return;
      }
      p = q;
    }
    this.chunk = null;
    this.pos = 0;
  }

  /** Completes a carried line from the head of `chunk`, then parses it. */
  private continueCarry(chunk: Uint8Array, batch: OpBatch): void {
    const from = this.pos;
    const nl = chunk.indexOf(NL, from);
    const to = nl < 0 ? chunk.length : nl + 1;
    if (to >= chunk.length) {
      this.chunk = null;
      this.pos = 0;
    } else {
      this.pos = to;
    }
    if (this.discarding) {
      if (nl >= 0) {
        this.discarding = false;
        this.lines++;
      }
      return;
    }
    if (!this.appendCarry(chunk, from, to)) {
      this.tooLong(chunk, from, to, nl >= 0);
      return;
    }
    if (nl >= 0) this.parseCarry(batch);
  }

  private parseCarry(batch: OpBatch): void {
    const line = this.carry.subarray(0, this.carryLen);
    this.carryLen = 0;
    this.line(line, 0, batch);
  }

  /** Appends `src[from, to)` to the carried line; false when that makes the line too long. */
  private appendCarry(src: Uint8Array, from: number, to: number): boolean {
    const len = this.carryLen + (to - from);
    // +1: the carried bytes may include the line end.
    if (len > this.maxLine + 1) return false;
    if (len > this.carry.length) {
      let cap = this.carry.length * 2;
      while (cap < len) cap *= 2;
      const grown = new Uint8Array(Math.min(cap, this.maxLine + 1));
      grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    this.carry.set(src.subarray(from, to), this.carryLen);
    this.carryLen = len;
    return true;
  }

  /**
   * The carried line plus `src[from, to)` outgrew `maxLineBytes`; `ended` says whether its line end
   * was seen. Without it the rest of the line is skipped as it arrives (under skipBadLines).
   */
  private tooLong(src: Uint8Array, from: number, to: number, ended: boolean): void {
    const head = new Uint8Array(Math.min(this.longHeadBytes(), this.carryLen + (to - from)));
    const carried = Math.min(this.carryLen, head.length);
    head.set(this.carry.subarray(0, carried));
    head.set(src.subarray(from, from + head.length - carried), carried);
    const line = this.lines + 1;
    this.carryLen = 0;
    this.report(line, longText(head), this.tooLongReason());
    if (ended) this.lines = line;
    else this.discarding = true;
  }

  /** A line over the limit, all in one buffer. */
  private longLine(buf: Uint8Array, start: number, e: number): number {
    const line = this.lines + 1;
    this.report(line, longText(buf.subarray(start, start + this.longHeadBytes())), this.tooLongReason());
    this.lines = line;
    return e + 1;
  }

  /**
   * How much of an over-long line an error quotes: never more than the reader holds when it gives up
   * on a line arriving in pieces, so the message is the same however the input was cut.
   */
  private longHeadBytes(): number {
    return Math.min(this.maxLine + 1, EXCERPT_CHARS * 4);
  }

  private tooLongReason(): string {
    return `line longer than ${this.maxLine} bytes`;
  }

  // ---- one line ----

  /**
   * Parses the line starting at `start`; returns the index after its line end, or INCOMPLETE when
   * the buffer ends first (nothing was applied then: the caller carries the line over).
   *
   * The fast path takes the shape writers produce, `a 12 34\n` (single spaces, optional `\r`), and
   * hands anything else, errors included, to `generalLine`, which parses the line again from the start.
   */
  private line(buf: Uint8Array, start: number, batch: OpBatch): number {
    const n = buf.length;
    const op = buf[start]!;
    if ((op !== CH_A && op !== CH_F && op !== CH_R) || start + 2 >= n || buf[start + 1] !== SP) {
      return this.generalLine(buf, start, batch);
    }
    let p = start + 2;
    let c = buf[p]!;
    let id = c - ZERO;
    if (id < 0 || id > 9) return this.generalLine(buf, start, batch);
    for (;;) {
      if (++p >= n) return INCOMPLETE;
      c = buf[p]!;
      const d = c - ZERO;
      if (d < 0 || d > 9) break;
      id = id * 10 + d;
    }
    let size = 0;
    if (op !== CH_F) {
      if (c !== SP || ++p >= n) return this.generalLine(buf, start, batch);
      c = buf[p]!;
      size = c - ZERO;
      if (size < 0 || size > 9) return this.generalLine(buf, start, batch);
      for (;;) {
        if (++p >= n) return INCOMPLETE;
        c = buf[p]!;
        const d = c - ZERO;
        if (d < 0 || d > 9) break;
        size = size * 10 + d;
      }
    }
    if (c === CR) {
      if (++p >= n) return INCOMPLETE;
      c = buf[p]!;
    }
    // Over-long lines (leading zeros) go the general way too, so the limit holds however the input was cut.
    if (c !== NL || id >= ID_LIMIT || size >= SIZE_LIMIT || p - start > this.maxLine) return this.generalLine(buf, start, batch);
    return this.apply(op, id, size, buf, start, p, batch);
  }

  /** Any line: leading and repeated blanks, comments, checkpoints, and every error. */
  private generalLine(buf: Uint8Array, start: number, batch: OpBatch): number {
    const n = buf.length;
    let p = start;
    let c = 0;
    for (;;) {
      if (p >= n) return INCOMPLETE;
      c = buf[p]!;
      if (!isBlank(c)) break;
      p++;
    }
    if (c === NL) return this.ignored(buf, start, p);
    if (c === HASH) {
      const e = buf.indexOf(NL, p);
      if (e < 0) return INCOMPLETE;
      if (buf[p + 1] === AT || buf[p + 1] === CH_S) this.siteComment(buf, p + 1, e);
      return this.ignored(buf, start, e);
    }
    const op = c;
    if (++p >= n) return INCOMPLETE;
    c = buf[p]!;
    if (c !== NL && !isBlank(c)) return this.reject(buf, start, unknownOp(buf, start), UNKNOWN_OP);
    if (op === CH_C) return this.checkpointLine(buf, start, p, batch);
    if (op !== CH_A && op !== CH_F && op !== CH_R) return this.reject(buf, start, unknownOp(buf, start), UNKNOWN_OP);

    p = this.field(buf, p);
    if (p < 0) return this.badField(buf, start, p, 'id');
    const id = this.value;
    if (id >= ID_LIMIT) return this.reject(buf, start, 'id out of range (must be below 2^53)');
    let size = 0;
    if (op !== CH_F) {
      p = this.field(buf, p);
      if (p < 0) return this.badField(buf, start, p, 'size');
      size = this.value;
      if (size >= SIZE_LIMIT) return this.reject(buf, start, 'size out of range (must be below 2^31)');
    }
    for (;;) {
      if (p >= n) return INCOMPLETE;
      c = buf[p]!;
      if (!isBlank(c)) break;
      p++;
    }
    if (c !== NL) return this.reject(buf, start, 'unexpected extra field');
    if (p - start > this.maxLine) return this.longLine(buf, start, p);
    return this.apply(op, id, size, buf, start, p, batch);
  }

  /**
   * The sites extension (sites.ts): `#@ <site>` sets the site of the `a` lines that follow, `#site
   * <site> <json>` names one. `p` is at the byte after `#`. Anything else, or anything malformed, is
   * a plain comment: a v1 trace stays readable whatever its comments say.
   */
  private siteComment(buf: Uint8Array, p: number, e: number): void {
    if (e - p > this.maxLine) return;
    if (buf[p] === AT) {
      let q = p + 1;
      while (q < e && isBlank(buf[q]!)) q++;
      let v = 0;
      const from = q;
      while (q < e && isDigit(buf[q]!) && q - from < 10) v = v * 10 + (buf[q++]! - ZERO);
      while (q < e && isBlank(buf[q]!)) q++;
      if (q === e && q > from && v <= MAX_SITE) {
        this.site = v;
        this.sited = true;
      }
      return;
    }
    const text = decodeUtf8(buf, p, e);
    const m = /^site[ \t]+(\d{1,10})[ \t]+(.*?)\s*$/.exec(text);
    if (!m) return;
    const site = Number(m[1]);
    const frames = parseSiteFrames(m[2]!);
    if (frames && site > 0 && site <= MAX_SITE) this.sites.set(site, frames);
  }

  /** Applies a well-formed a/f/r line whose line end is at `e`; returns the index after it. */
  private apply(op: number, id: number, size: number, buf: Uint8Array, start: number, e: number, batch: OpBatch): number {
    const slots = id < NARROW_ID_LIMIT ? this.narrow : this.wide();
    if (op === CH_A) {
      const slot = this.freeTop > 0 ? this.freeSlots[this.freeTop - 1]! : this.slotHigh;
      if (!slots.insert(id, slot)) return this.reject(buf, start, `id ${id} is already live`, ALREADY_LIVE);
      if (this.freeTop > 0) this.freeTop--;
      else this.slotHigh++;
      batch.alloc(slot, id, size);
      if (this.sited) batch.sites()[batch.length - 1] = this.site;
    } else if (op === CH_F) {
      const slot = slots.remove(id);
      if (slot < 0) return this.reject(buf, start, `id ${id} is not live`, NOT_LIVE);
      this.releaseSlot(slot);
      batch.free(slot, id);
    } else {
      const slot = slots.get(id);
      if (slot < 0) return this.reject(buf, start, `id ${id} is not live`, NOT_LIVE);
      batch.realloc(slot, id, size);
    }
    this.lines++;
    this.ops++;
    this.applied++;
    return e + 1;
  }

  /**
   * Scans one unsigned decimal field; `p` is at a separator before it. Returns the index after the
   * digits (with the value in `this.value`) or INCOMPLETE, MISSING, NEGATIVE or NOT_NUMBER.
   */
  private field(buf: Uint8Array, p: number): number {
    const n = buf.length;
    let c = buf[p]!;
    while (isBlank(c)) {
      if (++p >= n) return INCOMPLETE;
      c = buf[p]!;
    }
    if (c === NL) return MISSING;
    if (!isDigit(c)) {
      if (c === MINUS && p + 1 < n && isDigit(buf[p + 1]!)) return NEGATIVE;
      return NOT_NUMBER;
    }
    // Exact while below 2^53; past it the double only grows, so the range check stays right.
    let v = c - ZERO;
    for (;;) {
      if (++p >= n) return INCOMPLETE;
      c = buf[p]!;
      if (!isDigit(c)) break;
      v = v * 10 + (c - ZERO);
    }
    if (c !== NL && !isBlank(c)) return NOT_NUMBER;
    this.value = v;
    return p;
  }

  private badField(buf: Uint8Array, start: number, code: number, name: string): number {
    switch (code) {
      case MISSING:
        return this.reject(buf, start, `missing ${name}`);
      case NEGATIVE:
        return this.reject(buf, start, `negative ${name}`);
      case NOT_NUMBER:
        return this.reject(buf, start, `${name} is not a decimal integer`);
      default:
        return INCOMPLETE;
    }
  }

  /** `c [label]`; `p` is at the byte after the letter. */
  private checkpointLine(buf: Uint8Array, start: number, p: number, batch: OpBatch): number {
    const e = buf.indexOf(NL, p);
    if (e < 0) return INCOMPLETE;
    if (e - start > this.maxLine) return this.longLine(buf, start, e);
    let s = p;
    let t = e;
    while (s < t && isBlank(buf[s]!)) s++;
    while (t > s && isBlank(buf[t - 1]!)) t--;
    this.lines++;
    this.mark(batch, t > s ? decodeUtf8(buf, s, t) : null, this.lines);
    this.ops++;
    return e + 1;
  }

  /** A blank or comment line ending at `e`. */
  private ignored(buf: Uint8Array, start: number, e: number): number {
    if (e - start > this.maxLine) return this.longLine(buf, start, e);
    this.lines++;
    return e + 1;
  }

  private mark(batch: OpBatch, label: string | null, line: number): void {
    const index = batch.length;
    if (label === null) {
      batch.kind[index] = OP_MARK;
      batch.slot[index] = -1;
      batch.id[index] = -1;
      batch.size[index] = NO_LABEL;
      batch.length = index + 1;
    } else {
      batch.mark(label);
    }
    this.checkpoints?.push({ label, op: this.ops, applied: this.applied, line, index });
  }

  private wide(): IdSlotTable {
    return (this.wideTable ??= new IdSlotTable(true));
  }

  private releaseSlot(slot: number): void {
    if (this.freeTop === this.freeSlots.length) {
      const grown = new Int32Array(this.freeSlots.length * 2);
      grown.set(this.freeSlots);
      this.freeSlots = grown;
    }
    this.freeSlots[this.freeTop++] = slot;
  }

  // ---- errors ----

  /** A bad line starting at `start`: throws, or under skipBadLines records it and returns past it. */
  private reject(buf: Uint8Array, start: number, reason: string, expected = reason): number {
    const e = buf.indexOf(NL, start);
    if (e < 0) return INCOMPLETE;
    // A line over the limit is refused for its length whatever else is wrong with it: a line carried
    // over from an earlier chunk is, so a line in one piece must be too.
    if (e - start > this.maxLine) return this.longLine(buf, start, e);
    const line = this.lines + 1;
    this.report(line, excerpt(buf, start, e), reason, expected);
    this.lines = line;
    return e + 1;
  }

  private report(line: number, text: string, quoting: string, expected = quoting): void {
    // What the reason quotes of the line may be any bytes: nothing raw goes to a terminal.
    const reason = printable(quoting);
    if (!this.skip) {
      this.failure = new TraceError(this.file, line, text, reason, expected);
      throw this.failure;
    }
    this.badCount++;
    if (this.bad.length < this.keepBad) this.bad.push({ line, text, reason });
  }
}

/** The line (or its first part) for an error message: no line end, about EXCERPT_CHARS characters. */
function excerpt(buf: Uint8Array, start: number, end: number): string {
  if (end > start && buf[end - 1] === CR) end--;
  const text = decodeUtf8(buf, start, Math.min(end, start + EXCERPT_CHARS * 4));
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}...` : text;
}

/** The start of a line too long to quote whole. */
function longText(head: Uint8Array): string {
  const text = decodeUtf8(head, 0, head.length);
  return `${text.length > EXCERPT_CHARS ? text.slice(0, EXCERPT_CHARS) : text}...`;
}

// What a bad line should have been, without quoting it: for messages to whoever does not own the file.
const UNKNOWN_OP = 'unknown op: expected a line starting with a, f, r, c or #';
const ALREADY_LIVE = 'id is already live: expected it freed before it is allocated again';
const NOT_LIVE = 'id is not live: expected an id allocated earlier and not yet freed';

/** `unknown op "xyz"`, naming the first word of the line. */
function unknownOp(buf: Uint8Array, start: number): string {
  let s = start;
  while (s < buf.length && isBlank(buf[s]!)) s++;
  let e = s;
  while (e < buf.length && e - s < 20 && buf[e] !== NL && !isBlank(buf[e]!)) e++;
  return `unknown op ${JSON.stringify(decodeUtf8(buf, s, e))}`;
}
