/**
 * W08 `dict-of-lists-etl` — batches of records grouped into a dict of lists with CPython's
 * growth rules, aggregated into a per-key summary that outlives the batch, then torn down.
 *
 * Streams: "key" (which key a record has), "size" (value kinds and string lengths).
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { growInt32 } from '../core/live-table';
import { DictTable, LAYOUT_CHOICES, listGrowTo, resolveLayout, strBytes, type PyLayout } from '../core/python-layout';
import { originTags } from '../origin-tags';
import { choiceParam, MAX_COUNT, num, numberParam, ParamError, realParam, str } from '../params';
import { stream, type Rng, type Seed } from '../prng';
import type { ResolvedParams, WorkloadDef, WorkloadTarget } from '../workload';
import { ZipfSampler } from '../zipf';

/** Appended values: 50 % int, 30 % float, 20 % str of 3–12 chars (cumulative, as 32-bit thresholds). */
const VALUE_INT = 0.5 * 2 ** 32;
const VALUE_FLOAT = 0.8 * 2 ** 32;
const VALUE_STR_MIN = 3;
const VALUE_STR_MAX = 12;
/** The first append allocates an item array of this many slots (§2.3: 4 slots = 32 B). */
const FIRST_CAPACITY = 4;

/** The Python objects it models: the batch dict D of lists, the summary dict G, a record's parse. */
const ORIGINS = originTags(
  'batch dict',
  'batch dict key table',
  'summary dict',
  'summary dict key table',
  'record tuple',
  'field string',
  'key string',
  'list',
  'list item array',
  'int value',
  'float value',
  'str value',
  'result float',
);
const O = ORIGINS.tag;

const PARSE = 0;
const AGGREGATE = 1;
const TEARDOWN = 2;
const TEARDOWN_DICT = 3;

/** Teardown stages of one key. */
const T_KEY = 0;
const T_VALUES = 1;
const T_ARRAY = 2;
const T_LIST = 3;

class DictOfListsEtl extends GeneratorBase {
  // Every operation goes through the live table, which checks it (GeneratorBase).
  override readonly checked = true;
  private readonly layout: PyLayout;
  private readonly batches: number;
  private readonly records: number;
  private readonly keys: number;
  private readonly zipf: ZipfSampler | null;
  private readonly fields: number;
  private readonly fieldMin: number;
  private readonly fieldSpan: number;
  private readonly keyLenMin: number;
  private readonly keyLenSpan: number;
  private readonly keep: boolean;
  private readonly keyRng: Rng;
  private readonly sizeRng: Rng;

  // Per key (index = key).
  private readonly inBatch: Int32Array;
  private readonly keyStr: Int32Array;
  private readonly listSlot: Int32Array;
  private readonly arrSlot: Int32Array;
  private readonly len: Int32Array;
  private readonly cap: Int32Array;
  private readonly lastVal: Int32Array;
  private readonly gKeyStr: Int32Array;
  private readonly gFloat: Int32Array;
  /** Keys of D in insertion order. */
  private readonly order: Int32Array;
  private orderLen = 0;
  /** Per slot: the value appended before this one to the same list (−1 at the first). */
  private prevVal = new Int32Array(0);
  private readonly fieldSlots: Int32Array;

  private batch = 0;
  private record = 0;
  private cursor = 0;
  private stage = T_KEY;
  private valCursor = -1;
  private dSlot = -1;
  private dTable: DictTable;
  private dTableSlot = -1;
  private gStarted = false;
  private readonly gTable: DictTable;
  private gTableSlot = -1;

  constructor(p: ResolvedParams, seed: Seed, target?: WorkloadTarget) {
    const fields = num(p, 'fields');
    // A record: tuple, fields, key, list, table ALLOC+FREE, value, item array, FREEs of fields,
    // key and tuple; before the first record of a batch a mark, D and its table, G and its table.
    super(2 * fields + 16);
    this.layout = resolveLayout(str(p, 'python'), target);
    this.batches = num(p, 'batches');
    this.records = num(p, 'records');
    this.keys = num(p, 'keys');
    this.zipf = str(p, 'key_dist') === 'zipf' ? new ZipfSampler(this.keys, num(p, 'key_s')) : null;
    this.fields = fields;
    this.fieldMin = num(p, 'field_len_min');
    this.fieldSpan = num(p, 'field_len_max') - this.fieldMin + 1;
    this.keyLenMin = num(p, 'key_len_min');
    this.keyLenSpan = num(p, 'key_len_max') - this.keyLenMin + 1;
    this.keep = str(p, 'summary') === 'keep';
    this.keyRng = stream(seed, 'key');
    this.sizeRng = stream(seed, 'size');
    const k = this.keys;
    this.inBatch = new Int32Array(k).fill(-1);
    this.keyStr = new Int32Array(k);
    this.listSlot = new Int32Array(k);
    this.arrSlot = new Int32Array(k);
    this.len = new Int32Array(k);
    this.cap = new Int32Array(k);
    this.lastVal = new Int32Array(k);
    this.gKeyStr = new Int32Array(k).fill(-1);
    this.gFloat = new Int32Array(k).fill(-1);
    this.order = new Int32Array(k);
    this.fieldSlots = new Int32Array(fields);
    this.dTable = new DictTable(this.layout.dictKeys, true);
    this.gTable = new DictTable(this.layout.dictKeys, true);
  }

  /** A key's string length is a property of the key: every parse of it makes the same length. */
  private keyChars(key: number): number {
    let h = Math.imul(key ^ 0x5bd1e995, 0x9e3779b1);
    h ^= h >>> 15;
    return this.keyLenMin + ((h >>> 0) % this.keyLenSpan);
  }

  protected produce(out: OpBatch): void {
    while (out.capacity - out.length >= this.stepMax) {
      if (!this.phaseMarked) {
        this.beginPhase(out);
        this.phaseMarked = true;
      }
      switch (this.phase) {
        case PARSE:
          this.parseRecord(out);
          if (++this.record === this.records) this.next(AGGREGATE);
          break;
        case AGGREGATE:
          if (this.cursor === this.orderLen) this.next(TEARDOWN);
          else this.aggregate(out, this.order[this.cursor++]!);
          break;
        case TEARDOWN:
          if (this.cursor === this.orderLen) this.next(TEARDOWN_DICT);
          else this.teardownStep(out);
          break;
        default:
          if (this.dTableSlot >= 0) this.objs.free(out, this.dTableSlot);
          this.objs.free(out, this.dSlot);
          this.batch++;
          if (this.batch === this.batches) {
            this.done = true;
            return;
          }
          this.next(PARSE);
      }
    }
  }

  private next(phase: number): void {
    this.enter(phase);
    this.cursor = 0;
    this.stage = T_KEY;
  }

  private beginPhase(out: OpBatch): void {
    const t = this.objs;
    const b = this.batch + 1;
    if (this.phase === PARSE) {
      out.mark(`batch-${b}`);
      if (this.keep && !this.gStarted) {
        // The summary dict G lives for the whole run.
        t.alloc(out, this.layout.dict, O['summary dict']);
        if (this.gTable.tableBytes > 0) this.gTableSlot = t.alloc(out, this.gTable.tableBytes, O['summary dict key table']);
        this.gStarted = true;
      }
      this.dSlot = t.alloc(out, this.layout.dict, O['batch dict']);
      this.dTable = new DictTable(this.layout.dictKeys, true);
      this.dTableSlot = this.dTable.tableBytes > 0 ? t.alloc(out, this.dTable.tableBytes, O['batch dict key table']) : -1;
      this.orderLen = 0;
      this.record = 0;
    } else if (this.phase === AGGREGATE) out.mark(`aggregate-${b}`);
    else if (this.phase === TEARDOWN) out.mark(`teardown-${b}`);
  }

  private drawKey(): number {
    return this.zipf === null ? this.keyRng.uniformInt(this.keys) : this.zipf.sample(this.keyRng) - 1;
  }

  private parseRecord(out: OpBatch): void {
    const t = this.objs;
    const l = this.layout;
    const rng = this.sizeRng;
    const tuple = t.alloc(out, l.tupleBase + 8 * this.fields, O['record tuple']);
    for (let f = 0; f < this.fields; f++) {
      const chars = this.fieldMin + (this.fieldSpan === 1 ? 0 : rng.uniformInt(this.fieldSpan));
      this.fieldSlots[f] = t.alloc(out, strBytes(l, chars), O['field string']);
    }
    const k = this.drawKey();
    const keyStr = t.alloc(out, strBytes(l, this.keyChars(k)), O['key string']);
    if (this.inBatch[k] !== this.batch) {
      // New in D: D keeps the parsed key string and gets a list.
      this.inBatch[k] = this.batch;
      this.keyStr[k] = keyStr;
      this.listSlot[k] = t.alloc(out, l.list, O['list']);
      this.arrSlot[k] = -1;
      this.len[k] = 0;
      this.cap[k] = 0;
      this.lastVal[k] = -1;
      this.order[this.orderLen++] = k;
      if (this.dTable.insert()) {
        const old = this.dTableSlot;
        this.dTableSlot = this.dTable.tableBytes > 0 ? t.alloc(out, this.dTable.tableBytes, O['batch dict key table']) : -1;
        if (old >= 0) t.free(out, old);
      }
    } else {
      t.free(out, keyStr);
    }
    // The value, appended to k's list.
    const u = rng.nextHi();
    let size: number;
    let origin: number;
    if (u < VALUE_INT) {
      size = l.int;
      origin = O['int value'];
    } else if (u < VALUE_FLOAT) {
      size = l.float;
      origin = O['float value'];
    } else {
      size = strBytes(l, VALUE_STR_MIN + rng.uniformInt(VALUE_STR_MAX - VALUE_STR_MIN + 1));
      origin = O['str value'];
    }
    const v = t.alloc(out, size, origin);
    if (v >= this.prevVal.length) this.prevVal = growInt32(this.prevVal, v + 1);
    this.prevVal[v] = this.lastVal[k]!;
    this.lastVal[k] = v;
    const n = this.len[k]! + 1;
    this.len[k] = n;
    if (n > this.cap[k]!) {
      if (this.cap[k] === 0) {
        this.cap[k] = FIRST_CAPACITY;
        this.arrSlot[k] = t.alloc(out, 8 * FIRST_CAPACITY, O['list item array']);
      } else {
        const cap = listGrowTo(l.listGrowth, n, this.cap[k]!);
        this.cap[k] = cap;
        t.realloc(out, this.arrSlot[k]!, 8 * cap);
      }
    }
    for (let f = this.fields - 1; f >= 0; f--) t.free(out, this.fieldSlots[f]!);
    t.free(out, tuple);
  }

  private aggregate(out: OpBatch, k: number): void {
    const t = this.objs;
    const result = t.alloc(out, this.layout.float, O['result float']);
    if (!this.keep) {
      t.free(out, result);
      return;
    }
    if (this.gKeyStr[k]! < 0) {
      // G keeps a reference to D's key string the first time it sees the key.
      this.gKeyStr[k] = this.keyStr[k]!;
      if (this.gTable.insert()) {
        const old = this.gTableSlot;
        this.gTableSlot = this.gTable.tableBytes > 0 ? t.alloc(out, this.gTable.tableBytes, O['summary dict key table']) : -1;
        if (old >= 0) t.free(out, old);
      }
    }
    const previous = this.gFloat[k]!;
    this.gFloat[k] = result;
    if (previous >= 0) t.free(out, previous);
  }

  /** One FREE of the teardown of D's entry at `cursor`, in insertion order. */
  private teardownStep(out: OpBatch): void {
    const t = this.objs;
    const k = this.order[this.cursor]!;
    switch (this.stage) {
      case T_KEY:
        this.stage = T_VALUES;
        this.valCursor = this.lastVal[k]!;
        if (this.gKeyStr[k] !== this.keyStr[k]) t.free(out, this.keyStr[k]!);
        return;
      case T_VALUES: {
        const v = this.valCursor;
        if (v < 0) {
          this.stage = T_ARRAY;
          return;
        }
        this.valCursor = this.prevVal[v]!;
        t.free(out, v);
        return;
      }
      case T_ARRAY:
        this.stage = T_LIST;
        if (this.arrSlot[k]! >= 0) t.free(out, this.arrSlot[k]!);
        return;
      default:
        t.free(out, this.listSlot[k]!);
        this.stage = T_KEY;
        this.cursor++;
    }
  }
}

export const dictOfListsEtl: WorkloadDef = {
  name: 'dict-of-lists-etl',
  id: 'W08',
  version: 2,
  title: 'ETL batches: group by key into a dict of lists',
  description:
    'Each batch parses records (a tuple and short strings per record), groups values by key into a dict of lists ' +
    '(CPython list growth reallocs, dict table replacements), computes one result float per key and tears the batch ' +
    'down. Without a summary 3.9+ shows a saw-tooth back to about one arena per batch while 2.4 stays at the first ' +
    "peak. With the summary kept, the new keys' strings and the result floats, allocated at scattered times, pin the " +
    "batch's arenas: the job never shrinks, in either version.",
  finite: true,
  origins: ORIGINS.names,
  params: [
    numberParam('batches', '', 20, 1, 1e9, 'Batches before the workload ends.'),
    numberParam('records', 'per batch', 1_000_000, 1, MAX_COUNT, 'Records parsed per batch.'),
    numberParam('keys', 'distinct', 100_000, 1, 50_000_000, 'Distinct keys.'),
    choiceParam('key_dist', 'zipf', ['zipf', 'uniform'], 'How a record picks its key.'),
    realParam('key_s', 'Zipf exponent', 1.0, 0, 3, 'Skew of the key distribution (key_dist = zipf).'),
    numberParam('key_len_min', 'chars', 5, 1, 400, 'Shortest key (each key keeps its length).'),
    numberParam('key_len_max', 'chars', 20, 1, 400, 'Longest key.'),
    numberParam('fields', 'per record', 3, 1, 50, 'Short strings parsed per record (plus one tuple).'),
    numberParam('field_len_min', 'chars', 3, 1, 400, 'Shortest field string.'),
    numberParam('field_len_max', 'chars', 12, 1, 400, 'Longest field string.'),
    choiceParam('summary', 'keep', ['keep', 'none'], 'keep: a global dict holds one result float per key across batches.'),
    choiceParam('python', 'auto', LAYOUT_CHOICES, 'Object layout and growth rules: auto follows the modelled version.'),
  ],
  check(p) {
    for (const [lo, hi] of [
      ['key_len_min', 'key_len_max'],
      ['field_len_min', 'field_len_max'],
    ] as const) {
      if (num(p, lo) > num(p, hi)) throw new ParamError(lo, p[lo], `must be at most ${hi} = ${p[hi]}`);
    }
  },
  create: (p, seed, target) => new DictOfListsEtl(p, seed, target),
};
