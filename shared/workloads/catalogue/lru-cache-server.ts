/**
 * W06 `lru-cache-server` — Zipf requests on an LRU cache (functools.lru_cache style) with
 * per-request garbage; periodically the capacity shrinks to a fraction and later regrows.
 *
 * Streams: "key" (the rank → key permutation's round keys, then the Zipf draws), "size" (every
 * request size and key length), "life" (garbage counts and the update coin).
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { KeyMap } from '../core/key-map';
import { DictTable, LAYOUT_CHOICES, resolveLayout, strBytes, type PyLayout } from '../core/python-layout';
import { originTags } from '../origin-tags';
import { choiceParam, MAX_COUNT, num, numberParam, ParamError, realParam, sizesParam, str } from '../params';
import { Permutation } from '../permutation';
import { chanceThreshold, type Rng, type Seed, stream } from '../prng';
import { SizeDist } from '../sizes';
import type { ResolvedParams, WorkloadDef, WorkloadTarget } from '../workload';
import { ZipfSampler } from '../zipf';

/** Garbage objects per request are capped here (P(more) < 10^-17 at the default mean). */
const MAX_GARBAGE = 256;
/** A step: garbage ALLOC + FREE, 4 ALLOCs of a miss, 2 for a table resize, 4 FREEs of an eviction, a REALLOC, a mark. */
const STEP_MAX = 2 * MAX_GARBAGE + 4 + 2 + 4 + 1 + 1;
/** A list node: a list object and its 4-slot item array (key, value, prev, next links). */
const NODE_ITEMS = 4;

/** The objects of the cache and of a request (the brief's "key, node, value, garbage", and the dict). */
const ORIGINS = originTags('cache dict', 'dict key table', 'key string', 'list node', 'node item array', 'slots node', 'value', 'request garbage');
const O = ORIGINS.tag;

class LruCacheServer extends GeneratorBase {
  // Every operation goes through the live table, which checks it (GeneratorBase).
  override readonly checked = true;
  private readonly layout: PyLayout;
  private readonly zipf: ZipfSampler;
  private readonly keyRng: Rng;
  private readonly sizeRng: Rng;
  private readonly lifeRng: Rng;
  private readonly valueSizes: SizeDist;
  private readonly garbageSizes: SizeDist;
  private readonly garbageMean: number;
  private readonly pUpdate: number;
  private readonly keyLenMin: number;
  private readonly keyLenSpan: number;
  private readonly listNode: boolean;
  private readonly requests: number;
  private readonly capacity: number;
  private readonly shrinkEvery: number;
  private readonly shrinkCapacity: number;
  private readonly shrinkFor: number;
  private current: number;
  private served = 0;
  /** Requests left before the shrunk capacity is restored; 0 when not shrunk. */
  private shrunkLeft = 0;
  private started = false;

  // Entries: an LRU list (head = MRU) over entry indices, and the slots of each entry's objects.
  private readonly map: KeyMap;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly entryKey: Float64Array;
  private readonly keySlot: Int32Array;
  private readonly nodeSlot: Int32Array;
  private readonly arrSlot: Int32Array;
  private readonly valSlot: Int32Array;
  private readonly freeEntries: Int32Array;
  private freeTop: number;
  private head = -1;
  private tail = -1;
  private entries = 0;
  private readonly table: DictTable;
  private tableSlot = -1;
  private readonly garbage = new Int32Array(MAX_GARBAGE);

  constructor(p: ResolvedParams, seed: Seed, target?: WorkloadTarget) {
    super(STEP_MAX);
    this.layout = resolveLayout(str(p, 'python'), target);
    this.keyRng = stream(seed, 'key');
    // The rank → key bijection's round keys are the key stream's first four draws. Which key a rank
    // maps to changes no operation (the cache holds a key or it does not), so the cache is keyed by
    // rank and the permutation is never evaluated: four SplitMix64 rounds a request saved.
    new Permutation(num(p, 'keys'), this.keyRng);
    this.zipf = new ZipfSampler(num(p, 'keys'), num(p, 's'));
    this.sizeRng = stream(seed, 'size');
    this.lifeRng = stream(seed, 'life');
    this.valueSizes = SizeDist.parse(str(p, 'value_sizes'));
    this.garbageSizes = SizeDist.parse(str(p, 'garbage_sizes'));
    this.garbageMean = num(p, 'garbage_mean');
    this.pUpdate = chanceThreshold(num(p, 'p_update'));
    this.keyLenMin = num(p, 'key_len_min');
    this.keyLenSpan = num(p, 'key_len_max') - this.keyLenMin + 1;
    this.listNode = str(p, 'node') === 'list-node';
    this.requests = num(p, 'requests');
    this.capacity = num(p, 'capacity');
    this.current = this.capacity;
    this.shrinkEvery = num(p, 'shrink_every');
    this.shrinkCapacity = Math.max(1, Math.floor(num(p, 'shrink_to') * this.capacity));
    this.shrinkFor = num(p, 'shrink_for');
    const n = this.capacity + 1;
    this.map = new KeyMap(Math.min(n, 1 << 16));
    this.prev = new Int32Array(n);
    this.next = new Int32Array(n);
    this.entryKey = new Float64Array(n);
    this.keySlot = new Int32Array(n);
    this.nodeSlot = new Int32Array(n);
    this.arrSlot = new Int32Array(n);
    this.valSlot = new Int32Array(n);
    this.freeEntries = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
    this.freeTop = n;
    this.table = new DictTable(this.layout.dictKeys, true);
  }

  protected produce(out: OpBatch): void {
    const t = this.objs;
    if (!this.started) {
      if (out.capacity - out.length < STEP_MAX) return;
      out.mark('serve');
      // The cache dict itself (its key table is allocated on the first insert in 3.8+).
      t.alloc(out, this.layout.dict, O['cache dict']);
      if (this.table.tableBytes > 0) this.tableSlot = t.alloc(out, this.table.tableBytes, O['dict key table']);
      this.started = true;
    }
    while (out.capacity - out.length >= STEP_MAX) {
      // Shrunk capacity: evict the excess one entry per step.
      if (this.entries > this.current) {
        this.evict(out);
        continue;
      }
      if (this.served === this.requests) {
        this.done = true;
        return;
      }
      this.request(out);
      this.served++;
      if (this.shrunkLeft > 0 && --this.shrunkLeft === 0) {
        this.current = this.capacity;
        out.mark('regrow');
      } else if (this.shrinkEvery > 0 && this.served % this.shrinkEvery === 0 && this.shrunkLeft === 0) {
        this.current = this.shrinkCapacity;
        this.shrunkLeft = this.shrinkFor;
        out.mark('shrink');
        if (this.shrinkFor === 0) this.current = this.capacity;
      }
    }
  }

  private request(out: OpBatch): void {
    const t = this.objs;
    // The key's rank stands for the key (see the constructor).
    const key = this.zipf.sample(this.keyRng) - 1;
    let g = 1 + this.lifeRng.geometric(this.garbageMean);
    if (g > MAX_GARBAGE) g = MAX_GARBAGE;
    for (let i = 0; i < g; i++) this.garbage[i] = t.alloc(out, this.garbageSizes.sample(this.sizeRng), O['request garbage']);
    const e = this.map.get(key);
    if (e >= 0) {
      this.touch(e);
      if (this.lifeRng.chance(this.pUpdate)) t.realloc(out, this.valSlot[e]!, this.valueSizes.sample(this.sizeRng));
    } else {
      this.insert(out, key);
      if (this.entries > this.current) this.evict(out);
    }
    for (let i = g - 1; i >= 0; i--) t.free(out, this.garbage[i]!);
  }

  private insert(out: OpBatch, key: number): void {
    const t = this.objs;
    const e = this.freeEntries[--this.freeTop]!;
    const chars = this.keyLenMin + this.keyRngLen();
    this.entryKey[e] = key;
    this.keySlot[e] = t.alloc(out, strBytes(this.layout, chars), O['key string']);
    if (this.listNode) {
      this.nodeSlot[e] = t.alloc(out, this.layout.list, O['list node']);
      this.arrSlot[e] = t.alloc(out, 8 * NODE_ITEMS, O['node item array']);
    } else {
      this.nodeSlot[e] = t.alloc(out, this.layout.slots2 + 8 * (NODE_ITEMS - 2), O['slots node']);
      this.arrSlot[e] = -1;
    }
    this.valSlot[e] = t.alloc(out, this.valueSizes.sample(this.sizeRng), O['value']);
    this.map.insert(key, e);
    this.linkFront(e);
    this.entries++;
    if (this.table.insert()) {
      const old = this.tableSlot;
      this.tableSlot = this.table.tableBytes > 0 ? t.alloc(out, this.table.tableBytes, O['dict key table']) : -1;
      if (old >= 0) t.free(out, old);
    }
  }

  private keyRngLen(): number {
    return this.keyLenSpan === 1 ? 0 : this.sizeRng.uniformInt(this.keyLenSpan);
  }

  /** Evicts the LRU entry: FREE value, node item array, node object, key string. */
  private evict(out: OpBatch): void {
    const t = this.objs;
    const e = this.tail;
    this.unlink(e);
    this.map.delete(this.entryKey[e]!);
    t.free(out, this.valSlot[e]!);
    if (this.arrSlot[e]! >= 0) t.free(out, this.arrSlot[e]!);
    t.free(out, this.nodeSlot[e]!);
    t.free(out, this.keySlot[e]!);
    this.freeEntries[this.freeTop++] = e;
    this.entries--;
    this.table.remove();
  }

  private touch(e: number): void {
    if (this.head === e) return;
    this.unlink(e);
    this.linkFront(e);
  }

  private linkFront(e: number): void {
    this.prev[e] = -1;
    this.next[e] = this.head;
    if (this.head >= 0) this.prev[this.head] = e;
    this.head = e;
    if (this.tail < 0) this.tail = e;
  }

  private unlink(e: number): void {
    const p = this.prev[e]!;
    const n = this.next[e]!;
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
  }
}

export const lruCacheServer: WorkloadDef = {
  name: 'lru-cache-server',
  id: 'W06',
  version: 2,
  title: 'LRU cache server with a shrink and regrow',
  description:
    'Zipf-distributed requests on an LRU cache: a miss allocates a key string, a node and a value and may evict the ' +
    'least recently used entry; every request also makes and frees some garbage, and a hit sometimes reallocs its ' +
    'value. Periodically the capacity drops to 10 % and later comes back. Retained memory grows during warm-up, then ' +
    'stays flat. After the shrink it does not fall under 2.4, and barely under 3.9+: the surviving hot entries sit in ' +
    'nearly every arena. The large values (over 512 bytes) do come back: libc memory falls, arenas do not.',
  finite: true,
  origins: ORIGINS.names,
  params: [
    numberParam('keys', 'distinct keys', 10_000_000, 10, 1e10, 'Size of the key space.'),
    realParam('s', 'Zipf exponent', 0.99, 0, 3, 'Popularity skew; 0 is uniform.'),
    numberParam('capacity', 'entries', 200_000, 1, 100_000_000, 'Cache capacity.'),
    numberParam('requests', '', 100_000_000, 1, MAX_COUNT, 'Requests served before the workload ends.'),
    numberParam('key_len_min', 'chars', 8, 1, 400, 'Shortest key string.'),
    numberParam('key_len_max', 'chars', 40, 1, 400, 'Longest key string.'),
    sizesParam('value_sizes', 'mix(0.6: uniform(64, 256), 0.3: uniform(257, 512), 0.1: log_uniform(513, 16384))', 'Request sizes of cached values.'),
    choiceParam('node', 'list-node', ['list-node', 'slots-node'], 'list-node: a list object and a 4-slot item array; slots-node: one __slots__ instance.'),
    realParam('garbage_mean', 'objects', 6, 0, 1000, 'Request garbage: 1 + geometric(mean) objects.'),
    sizesParam('garbage_sizes', 'py312-mix', 'Request sizes of the garbage.'),
    realParam('p_update', '', 0.05, 0, 1, 'Probability a hit reallocs its value to a new size.'),
    numberParam('shrink_every', 'requests', 20_000_000, 0, MAX_COUNT, 'Shrink the capacity every this many requests; 0 = never.'),
    realParam('shrink_to', 'fraction', 0.1, 0, 1, 'Capacity while shrunk, as a fraction.'),
    numberParam('shrink_for', 'requests', 5_000_000, 0, MAX_COUNT, 'Requests until the capacity is restored.'),
    choiceParam('python', 'auto', LAYOUT_CHOICES, 'Object layout (str header, node sizes, dict table): auto follows the modelled version.'),
  ],
  check(p) {
    if (num(p, 'key_len_min') > num(p, 'key_len_max')) {
      throw new ParamError('key_len_min', p.key_len_min, `must be at most key_len_max = ${p.key_len_max}`);
    }
  },
  create: (p, seed, target) => new LruCacheServer(p, seed, target),
};
