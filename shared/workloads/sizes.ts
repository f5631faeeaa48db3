/**
 * Named request-size distributions (docs/workloads.md, "Size distributions") as data tables, a small text syntax to
 * name one in a parameter, and one sampler class for all of them.
 *
 * Syntax (whitespace ignored):
 *   py312-mix | py39-mix | espresso-mix | cfrac | py-num
 *   const(s) | uniform(a, b) | log_uniform(a, b) | pow2_words(k) | invsq(lo, hi) | geom_class(maxexp)
 *   table(size:weight, size:weight, …)            a user table, e.g. fitted from a PEP 445 hook
 *   mix(weight:dist, weight:dist, …)              a mixture of any of the above
 *
 * Every distribution compiles to rows drawn through one alias table; a row is a constant or a
 * band sampled with a second draw. One class, one call site per workload: the sampler stays
 * monomorphic and a constant row costs a single 64-bit draw (none at all for `const(s)`).
 */
import { AliasTable } from './alias';
import { exp } from './fastmath';
import type { Rng } from './prng';
import { InputError } from '../errors';

const TWO_M32 = 1 / 4294967296;

/** Request sizes are ≥ 1 and fit the op batch's int32 size column. */
export const MAX_REQUEST = 2 ** 31 - 1;

const ROW_CONST = 0;
const ROW_UNIFORM = 1;
const ROW_LOG_UNIFORM = 2;
const ROW_INVSQ = 3;
const ROW_GEOM_CLASS = 4;
const ROW_POW2_WORDS = 5;

interface Row {
  kind: number;
  weight: number;
  a: number;
  b: number;
}

const cst = (size: number, weight: number): Row => ({ kind: ROW_CONST, weight, a: size, b: size });
const band = (kind: number, weight: number, a: number, b: number): Row => ({ kind, weight, a, b });

/** Multiples of 8 in [lo, hi] not in `listed`, each with an equal share of `weight`. */
function otherMultiplesOf8(lo: number, hi: number, listed: readonly number[], weight: number): Row[] {
  const sizes: number[] = [];
  for (let s = lo; s <= hi; s += 8) if (!listed.includes(s)) sizes.push(s);
  return sizes.map((s) => cst(s, weight / sizes.length));
}

/** `py312-mix`: CPython 3.12.1 request sizes rounded up to 8 (§0.3), percent. */
const PY312_LISTED: ReadonlyArray<readonly [number, number]> = [
  [8, 6.2],
  [16, 0.1],
  [24, 7.0],
  [32, 7.3],
  [40, 9.4],
  [48, 38.7],
  [56, 24.0],
  [64, 1.7],
  [72, 0.7],
  [96, 0.3],
  [120, 1.4],
  [144, 0.2],
  [176, 0.2],
  [216, 0.7],
  [288, 0.3],
];
const PY312_OTHER_80_512 = 0.8;
const PY312_OVER_512 = 1.0;

/** `py39-mix`: the same measurement on 3.9.18 (§0.3), percent; the published shares sum to 99.8. */
const PY39_LISTED: ReadonlyArray<readonly [number, number]> = [
  [56, 39.7],
  [40, 15.9],
  [64, 12.7],
  [48, 7.6],
  [32, 7.1],
  [8, 6.5],
  [24, 5.7],
  [168, 1.3],
  [16, 0.7],
  [216, 0.7],
  // "384/96/72/152/296/104: ≈1.2 % together": an equal share each.
  [384, 0.2],
  [96, 0.2],
  [72, 0.2],
  [152, 0.2],
  [296, 0.2],
  [104, 0.2],
];
const PY39_OTHER_8_512 = 0.3;
const PY39_OVER_512 = 0.4;

/** Largest request of the ">512" tails of py312-mix / py39-mix: log-uniform 513 B – 64 KiB. */
const PY_TAIL_MAX = 65536;

/** `espresso-mix`: bands uniform inside (§0.3, from §1.9), percent. */
const ESPRESSO_BANDS: ReadonlyArray<readonly [number, number, number]> = [
  [1, 16, 33.4],
  [17, 32, 0.5],
  [33, 48, 37.2],
  [49, 64, 15.4],
  [65, 128, 6.9],
  [129, 256, 2.9],
  [257, 512, 2.1],
];
const ESPRESSO_OVER_512 = 1.7;
const ESPRESSO_TAIL_MAX = 32768;

function py312Rows(): Row[] {
  return [
    ...PY312_LISTED.map(([s, w]) => cst(s, w)),
    ...otherMultiplesOf8(
      80,
      512,
      PY312_LISTED.map(([s]) => s),
      PY312_OTHER_80_512,
    ),
    band(ROW_LOG_UNIFORM, PY312_OVER_512, 513, PY_TAIL_MAX),
  ];
}

function py39Rows(): Row[] {
  return [
    ...PY39_LISTED.map(([s, w]) => cst(s, w)),
    ...otherMultiplesOf8(
      8,
      512,
      PY39_LISTED.map(([s]) => s),
      PY39_OTHER_8_512,
    ),
    band(ROW_LOG_UNIFORM, PY39_OVER_512, 513, PY_TAIL_MAX),
  ];
}

function espressoRows(): Row[] {
  return [...ESPRESSO_BANDS.map(([a, b, w]) => band(ROW_UNIFORM, w, a, b)), band(ROW_LOG_UNIFORM, ESPRESSO_OVER_512, 513, ESPRESSO_TAIL_MAX)];
}

/** W14's `cfrac`: 17 % 16 B, 83 % uniform over {18, 20, …, 32} (§1.9). */
function cfracRows(): Row[] {
  const evens = [18, 20, 22, 24, 26, 28, 30, 32];
  return [cst(16, 17), ...evens.map((s) => cst(s, 83 / evens.length))];
}

/** W14's `py-num`: 60 % int (32 B), 30 % float (24 B), 10 % 48 B. */
function pyNumRows(): Row[] {
  return [cst(32, 60), cst(24, 30), cst(48, 10)];
}

export interface NamedSizes {
  name: string;
  description: string;
}

const NAMED: Record<string, { description: string; rows: () => Row[] }> = {
  'py312-mix': {
    description: 'CPython 3.12 request sizes (measured, rounded up to 8): 48 B 38.7 %, 56 B 24 %, …, 1 % above 512 B',
    rows: py312Rows,
  },
  'py39-mix': {
    description: 'CPython 3.9 request sizes (measured, rounded up to 8): 56 B 39.7 %, 40 B 15.9 %, 64 B 12.7 %, …',
    rows: py39Rows,
  },
  'espresso-mix': {
    description: "espresso's measured request sizes: a third ≤ 16 B, 37 % 33–48 B, 1.7 % above 512 B",
    rows: espressoRows,
  },
  cfrac: { description: 'cfrac bignums: 17 % 16 B, 83 % even sizes 18–32 B', rows: cfracRows },
  'py-num': { description: 'numeric Python temporaries: 60 % int 32 B, 30 % float 24 B, 10 % 48 B', rows: pyNumRows },
};

/** The named tables, for pickers and docs. */
export const NAMED_SIZES: readonly NamedSizes[] = Object.entries(NAMED).map(([name, v]) => ({
  name,
  description: v.description,
}));

/** The parametric forms, for pickers and docs. */
export const SIZE_FORMS: readonly NamedSizes[] = [
  { name: 'const(s)', description: 'always s bytes' },
  { name: 'uniform(a, b)', description: 'uniform on a … b inclusive' },
  { name: 'log_uniform(a, b)', description: 'floor(a·(b/a)^u), clamped to [a, b]' },
  { name: 'pow2_words(k)', description: '8·2^j bytes, j uniform in 0 … k−1' },
  { name: 'invsq(lo, hi)', description: "glibc bench-malloc-thread's inverse-square law" },
  { name: 'geom_class(maxexp)', description: "alloc-test's classes: 2^−(k+1) of sizes in (2^(k+2), 2^(k+3)], up to 2^maxexp" },
  { name: 'table(size:weight, …)', description: 'a user table' },
  { name: 'mix(weight:dist, …)', description: 'a mixture of distributions' },
];

const PARAMETRIC = ['const', 'uniform', 'log_uniform', 'pow2_words', 'invsq', 'geom_class'];

export class SizeSyntaxError extends InputError {
  constructor(
    readonly text: string,
    readonly reason: string,
  ) {
    super(`size distribution '${text}': ${reason}`);
    this.name = 'SizeSyntaxError';
  }
}

/** A compiled size distribution. */
export class SizeDist {
  /** > 0: every draw is this size (no randomness used). */
  private readonly fixed: number;
  /** ≥ 0: the only row, a band (one row needs no alias draw). */
  private readonly singleBand: number;
  // The alias table with each column's two outcomes resolved: a size (> 0) or ~row of a band row.
  private readonly n: number;
  private readonly threshold: Int32Array;
  private readonly keepValue: Int32Array;
  private readonly aliasValue: Int32Array;
  // Band rows.
  private readonly kind: Int32Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  /** For the log-uniform rows: ln(b/a). */
  private readonly span: Float64Array;
  /** Smallest and largest request this distribution can make. */
  readonly min: number;
  readonly max: number;

  private constructor(
    readonly text: string,
    rows: readonly Row[],
  ) {
    this.kind = Int32Array.from(rows, (r) => r.kind);
    this.a = Float64Array.from(rows, (r) => r.a);
    this.b = Float64Array.from(rows, (r) => r.b);
    this.span = Float64Array.from(rows, (r) => (r.kind === ROW_LOG_UNIFORM ? Math.log(r.b / r.a) : 0));
    const outcome = (row: number): number => (rows[row]!.kind === ROW_CONST ? rows[row]!.a : ~row);
    const single = rows.length === 1;
    this.fixed = single && rows[0]!.kind === ROW_CONST ? rows[0]!.a : 0;
    this.singleBand = single && rows[0]!.kind !== ROW_CONST ? 0 : -1;
    const table = single ? null : new AliasTable(rows.map((r) => r.weight));
    this.n = table === null ? 1 : table.n;
    this.threshold = table === null ? new Int32Array(1).fill(-1) : table.threshold;
    this.keepValue = Int32Array.from({ length: this.n }, (_, col) => outcome(col));
    this.aliasValue = Int32Array.from({ length: this.n }, (_, col) => outcome(table === null ? col : table.alias[col]!));
    const live = rows.filter((r) => r.weight > 0);
    this.min = Math.min(...live.map((r) => rowMin(r)));
    this.max = Math.max(...live.map((r) => rowMax(r)));
  }

  /** Parses and compiles `text`; throws SizeSyntaxError. */
  static parse(text: string): SizeDist {
    const parser = new Parser(text);
    const rows = parser.distribution();
    parser.end();
    return new SizeDist(text.trim(), rows);
  }

  /** One request size in bytes. */
  sample(rng: Rng): number {
    if (this.fixed > 0) return this.fixed;
    if (this.singleBand === 0) return this.band(0, rng);
    // The alias draw (see alias.ts), with the column's outcomes already resolved to sizes.
    const col = Math.floor(rng.nextHi() * this.n * TWO_M32);
    const lo = rng.loInt32;
    const t = this.threshold[col]!;
    const lt = ((~lo & t) | ((~lo | t) & (lo - t))) >> 31;
    const other = this.aliasValue[col]!;
    const v = other ^ ((this.keepValue[col]! ^ other) & lt);
    return v > 0 ? v : this.band(~v, rng);
  }

  /** A draw from a band row. */
  private band(row: number, rng: Rng): number {
    const kind = this.kind[row]!;
    const a = this.a[row]!;
    if (kind === ROW_UNIFORM) return a + rng.uniformInt(this.b[row]! - a + 1);
    if (kind === ROW_LOG_UNIFORM) {
      const v = Math.floor(a * exp(rng.u01() * this.span[row]!));
      const b = this.b[row]!;
      return v < a ? a : v > b ? b : v;
    }
    if (kind === ROW_INVSQ) {
      const lo = a;
      const hi = this.b[row]!;
      const v = Math.floor(1 / (1 / lo - rng.u01() * (1 / lo - 1 / hi)));
      return v < lo ? lo : v > hi ? hi : v;
    }
    if (kind === ROW_GEOM_CLASS) {
      // m = maxexp − 3 random bits; class k = trailing zeros of (bits + 1), P(k) ≈ 2^−(k+1);
      // size uniform in (2^(k+2), 2^(k+3)].
      const bits = rng.nextHi() >>> (35 - a);
      const x = bits + 1;
      const k = 31 - Math.clz32(x & -x);
      const base = 2 ** (k + 2);
      return base + 1 + rng.uniformInt(base);
    }
    // ROW_POW2_WORDS
    return 8 * 2 ** rng.uniformInt(a);
  }
}

function rowMin(r: Row): number {
  if (r.kind === ROW_GEOM_CLASS) return 5;
  if (r.kind === ROW_POW2_WORDS) return 8;
  return r.a;
}

function rowMax(r: Row): number {
  if (r.kind === ROW_GEOM_CLASS) return 2 ** r.a;
  if (r.kind === ROW_POW2_WORDS) return 8 * 2 ** (r.a - 1);
  return r.b;
}

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  private fail(reason: string): never {
    throw new SizeSyntaxError(this.text, reason);
  }

  private skip(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private peek(): string {
    this.skip();
    return this.text[this.pos] ?? '';
  }

  private expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected '${ch}' at position ${this.pos}`);
    this.pos++;
  }

  end(): void {
    if (this.peek() !== '') this.fail(`unexpected '${this.text.slice(this.pos)}'`);
  }

  private name(): string {
    this.skip();
    const m = /^[A-Za-z][A-Za-z0-9_-]*/.exec(this.text.slice(this.pos));
    if (!m) this.fail(`expected a distribution name at position ${this.pos}`);
    this.pos += m[0].length;
    return m[0];
  }

  private number(): number {
    this.skip();
    const m = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (!m) this.fail(`expected a number at position ${this.pos}`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private args(): number[] {
    const out: number[] = [];
    this.expect('(');
    if (this.peek() === ')') this.fail('empty argument list');
    for (;;) {
      out.push(this.number());
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      this.expect(')');
      return out;
    }
  }

  private size(v: number, what: string): number {
    if (!Number.isInteger(v) || v < 1 || v > MAX_REQUEST) this.fail(`${what} ${v} is not an integer in 1 … ${MAX_REQUEST}`);
    return v;
  }

  private weight(v: number): number {
    if (!Number.isFinite(v) || v < 0) this.fail(`weight ${v} is not a finite number ≥ 0`);
    return v;
  }

  private pairs<T>(item: () => T): T[] {
    const out: T[] = [];
    this.expect('(');
    for (;;) {
      out.push(item());
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      this.expect(')');
      return out;
    }
  }

  distribution(): Row[] {
    const name = this.name();
    const named = Object.hasOwn(NAMED, name) ? NAMED[name] : undefined;
    if (named !== undefined) return named.rows();
    switch (name) {
      case 'table': {
        const rows = this.pairs(() => {
          const s = this.size(this.number(), 'size');
          this.expect(':');
          return cst(s, this.weight(this.number()));
        });
        return checkWeights(rows, () => this.fail('table weights sum to zero'));
      }
      case 'mix': {
        const parts = this.pairs(() => {
          const w = this.weight(this.number());
          this.expect(':');
          return { w, rows: this.distribution() };
        });
        const rows: Row[] = [];
        for (const { w, rows: sub } of parts) {
          const total = sub.reduce((t, r) => t + r.weight, 0);
          for (const r of sub) rows.push({ ...r, weight: (w * r.weight) / total });
        }
        return checkWeights(rows, () => this.fail('mixture weights sum to zero'));
      }
      default:
        if (!PARAMETRIC.includes(name)) {
          this.fail(`unknown distribution '${name}': known are ${[...Object.keys(NAMED), ...SIZE_FORMS.map((f) => f.name)].join(', ')}`);
        }
        return this.parametric(name, this.args());
    }
  }

  private parametric(name: string, args: number[]): Row[] {
    const arity = (n: number): void => {
      if (args.length !== n) this.fail(`${name} takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`);
    };
    const ordered = (a: number, b: number): void => {
      if (a > b) this.fail(`${name}(${a}, ${b}): the lower bound exceeds the upper`);
    };
    switch (name) {
      case 'const':
        arity(1);
        return [cst(this.size(args[0]!, 'size'), 1)];
      case 'uniform': {
        arity(2);
        const [a, b] = [this.size(args[0]!, 'a'), this.size(args[1]!, 'b')];
        ordered(a, b);
        return [a === b ? cst(a, 1) : band(ROW_UNIFORM, 1, a, b)];
      }
      case 'log_uniform': {
        arity(2);
        const [a, b] = [this.size(args[0]!, 'a'), this.size(args[1]!, 'b')];
        ordered(a, b);
        return [a === b ? cst(a, 1) : band(ROW_LOG_UNIFORM, 1, a, b)];
      }
      case 'invsq': {
        arity(2);
        const [lo, hi] = [this.size(args[0]!, 'lo'), this.size(args[1]!, 'hi')];
        ordered(lo, hi);
        return [lo === hi ? cst(lo, 1) : band(ROW_INVSQ, 1, lo, hi)];
      }
      case 'pow2_words': {
        arity(1);
        const k = args[0]!;
        if (!Number.isInteger(k) || k < 1 || k > 28) this.fail(`pow2_words(${k}): k must be an integer in 1 … 28`);
        return [band(ROW_POW2_WORDS, 1, k, k)];
      }
      case 'geom_class': {
        arity(1);
        const e = args[0]!;
        if (!Number.isInteger(e) || e < 4 || e > 30) this.fail(`geom_class(${e}): maxexp must be an integer in 4 … 30`);
        return [band(ROW_GEOM_CLASS, 1, e, e)];
      }
      default:
        return this.fail(`unknown distribution '${name}'`);
    }
  }
}

function checkWeights(rows: Row[], onZero: () => never): Row[] {
  if (!(rows.reduce((t, r) => t + r.weight, 0) > 0)) onZero();
  return rows;
}

/** Parses `text` or returns the reason it is not a size distribution. */
export function checkSizes(text: string): string | null {
  try {
    SizeDist.parse(text);
    return null;
  } catch (e) {
    if (e instanceof SizeSyntaxError) return e.reason;
    throw e;
  }
}
