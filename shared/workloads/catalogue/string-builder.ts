/**
 * W09 `string-builder` — interleaved `s += piece` builders: exact-size REALLOCs (str) or
 * over-allocating ones (bytearray), piece temporaries, and a few finished strings kept for a
 * heavy-tailed time.
 *
 * Streams: "size" (target and piece lengths), "life" (the keep coin and lifetimes). Time for
 * lifetimes is counted in ALLOCs.
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { LifetimeQueue } from '../core/lifetime-queue';
import { LogUniform } from '../core/log-uniform';
import { ParetoLife } from '../core/pareto-life';
import { LAYOUT_CHOICES, resolveLayout } from '../core/python-layout';
import { originTags } from '../origin-tags';
import { choiceParam, num, numberParam, ParamError, realParam, str } from '../params';
import { chanceThreshold, type Rng, type Seed, stream } from '../prng';
import type { ResolvedParams, WorkloadDef, WorkloadTarget } from '../workload';

/** The bytearray object (its buffer is a separate block), every version (§2.2). */
const BYTEARRAY_OBJECT = 56;

/**
 * The string a builder grows (str mode) or its bytearray object and buffer, and the appended pieces.
 * Whether a finished string is kept is drawn when it is finished, long after its ALLOC, so kept and
 * freed strings share a tag.
 */
const ORIGINS = originTags('built string', 'bytearray object', 'bytearray buffer', 'piece');
const O = ORIGINS.tag;

/** bytearray's capacity after a resize to `size` bytes from capacity `alloc` (§2.3; unchanged if it fits). */
export function bytearrayCapacity(size: number, alloc: number): number {
  if (size + 1 <= alloc) return alloc;
  if (size <= alloc * 1.125) return size + (size >> 3) + (size < 9 ? 3 : 6);
  return size + 1;
}

class StringBuilder extends GeneratorBase {
  // Every operation goes through the live table, which checks it (GeneratorBase).
  override readonly checked = true;
  private readonly header: number;
  private readonly kind: number;
  private readonly bytearray: boolean;
  /** Final lengths of the strings (chars). */
  private readonly finalLen: LogUniform;
  private readonly pieceMean: number;
  private readonly keep: number;
  private readonly keptLife: ParetoLife;
  private readonly sizeRng: Rng;
  private readonly lifeRng: Rng;
  private readonly queue = new LifetimeQueue();
  // Per builder.
  private readonly slot: Int32Array;
  private readonly objSlot: Int32Array;
  private readonly len: Float64Array;
  private readonly target: Float64Array;
  private readonly capacity: Float64Array;
  private started = 0;
  private turn = 0;

  constructor(p: ResolvedParams, seed: Seed, target?: WorkloadTarget) {
    super(8);
    this.kind = Number(str(p, 'kind'));
    this.bytearray = str(p, 'mode') === 'bytearray';
    const layout = resolveLayout(str(p, 'python'), target);
    const header = num(p, 'header');
    this.header = header > 0 ? header : this.kind === 1 ? layout.strAscii : layout.strWide;
    this.finalLen = new LogUniform(p, 'final_min', 'final_max');
    this.pieceMean = num(p, 'piece_mean');
    this.keep = chanceThreshold(num(p, 'keep'));
    this.keptLife = new ParetoLife(p, 'keep_alpha', 'keep_xm');
    this.sizeRng = stream(seed, 'size');
    this.lifeRng = stream(seed, 'life');
    const n = num(p, 'builders');
    this.slot = new Int32Array(n);
    this.objSlot = new Int32Array(n);
    this.len = new Float64Array(n);
    this.target = new Float64Array(n);
    this.capacity = new Float64Array(n);
  }

  /** Request of a str of `chars` characters. */
  private strBytes(chars: number): number {
    return this.header + (chars + 1) * this.kind;
  }

  private piece(): number {
    return 1 + this.sizeRng.geometric(this.pieceMean);
  }

  private alloc(out: OpBatch, size: number, origin: number): number {
    this.queue.advance();
    return this.objs.alloc(out, size, origin);
  }

  /** A new builder in position b, holding its first piece. */
  private start(out: OpBatch, b: number): void {
    const first = this.piece();
    const rng = this.sizeRng;
    this.target[b] = this.finalLen.draw(rng);
    this.len[b] = first;
    if (this.bytearray) {
      this.objSlot[b] = this.alloc(out, BYTEARRAY_OBJECT, O['bytearray object']);
      this.capacity[b] = bytearrayCapacity(first, 0);
      this.slot[b] = this.alloc(out, this.capacity[b]!, O['bytearray buffer']);
    } else {
      this.slot[b] = this.alloc(out, this.strBytes(first), O['built string']);
    }
  }

  private finishBuilder(out: OpBatch, b: number): void {
    const t = this.objs;
    if (this.keep > 0 && this.lifeRng.chance(this.keep)) {
      const q = this.queue;
      const life = this.keptLife.draw(this.lifeRng);
      // Scheduled object first, buffer second: the buffer (popped first) dies before its object.
      if (this.bytearray) q.schedule(this.objSlot[b]!, q.now + life);
      q.schedule(this.slot[b]!, q.now + life);
      return;
    }
    t.free(out, this.slot[b]!);
    if (this.bytearray) t.free(out, this.objSlot[b]!);
  }

  protected produce(out: OpBatch): void {
    const t = this.objs;
    const q = this.queue;
    const n = this.slot.length;
    while (out.capacity - out.length >= 8) {
      const due = q.pop();
      if (due >= 0) {
        t.free(out, due);
        continue;
      }
      if (this.started < n) {
        if (this.started === 0) out.mark('build');
        this.start(out, this.started++);
        continue;
      }
      const b = this.turn;
      this.turn = b + 1 === n ? 0 : b + 1;
      const p = this.piece();
      const pieceSlot = this.alloc(out, this.strBytes(p), O['piece']);
      const len = this.len[b]! + p;
      this.len[b] = len;
      if (this.bytearray) {
        const cap = bytearrayCapacity(len, this.capacity[b]!);
        if (cap !== this.capacity[b]) {
          this.capacity[b] = cap;
          t.realloc(out, this.slot[b]!, cap);
        }
      } else {
        t.realloc(out, this.slot[b]!, this.strBytes(len));
      }
      t.free(out, pieceSlot);
      if (len >= this.target[b]!) {
        this.finishBuilder(out, b);
        this.start(out, b);
      }
    }
  }
}

export const stringBuilder: WorkloadDef = {
  name: 'string-builder',
  id: 'W09',
  version: 2,
  title: 'Interleaved string builders (s += piece)',
  description:
    'Several strings grow by appending short pieces, round robin: each append allocates and frees the piece and ' +
    'reallocs the string to its exact new size (or, for bytearray, only when its capacity is exceeded). Most reallocs ' +
    'stay in the same size class; every few appends a string moves up a class, and past the small-object threshold it ' +
    'moves to the large path for good (at 256 bytes under 2.4, 512 under 3.x; 2.4’s 8-byte classes double the class ' +
    'moves). A few finished strings are kept for a heavy-tailed time. Retained memory plateaus in every version.',
  finite: false,
  origins: ORIGINS.names,
  params: [
    numberParam('builders', 'concurrent', 16, 1, 1_000_000, 'Strings being built at once.'),
    numberParam('final_min', 'chars', 16, 1, 100_000_000, 'Final lengths are log-uniform between final_min …'),
    numberParam('final_max', 'chars', 4096, 1, 100_000_000, '… and final_max.'),
    realParam('piece_mean', 'chars', 7, 0, 10_000, 'Pieces are 1 + geometric(mean) characters.'),
    choiceParam('kind', '1', ['1', '2', '4'], 'Bytes per character: 1 (ASCII / latin-1), 2 (UCS-2), 4 (UCS-4).'),
    numberParam('header', 'bytes', 0, 0, 1024, 'str header; 0 = from the layout (ASCII 40 in 3.12+, 48 before; wider 56 / 72).'),
    choiceParam('mode', 'str', ['str', 'bytearray'], 'str: exact REALLOC per append; bytearray: REALLOC on overflow, over-allocating.'),
    realParam('keep', 'fraction', 0.05, 0, 1, 'Share of finished strings kept instead of freed at once.'),
    realParam('keep_alpha', 'tail index', 0.5, 0.1, 3, 'Kept strings live pareto(keep_alpha, keep_xm) allocations.'),
    realParam('keep_xm', 'allocation events', 10_000, 1, 1e12, 'Shortest life of a kept string.'),
    choiceParam('python', 'auto', LAYOUT_CHOICES, 'Layout for the automatic str header: auto follows the modelled version.'),
  ],
  check(p) {
    if (num(p, 'final_min') > num(p, 'final_max')) throw new ParamError('final_min', p.final_min, `must be at most final_max = ${p.final_max}`);
  },
  create: (p, seed, target) => new StringBuilder(p, seed, target),
};
