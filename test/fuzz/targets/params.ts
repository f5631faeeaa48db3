/**
 * Fuzz target `params`: workload parameters (shared/workloads/params.ts `resolveParams`, for every
 * workload of the registry) and whole run configurations (shared/run/resolve-run.ts `resolveRun`).
 *
 * Inputs: parameter objects mixing valid values (defaults, bounds, values in range, numbers written
 * as strings) with NaN, ±Infinity, negatives, huge numbers, non-integers, numeric-looking strings,
 * objects (null prototype, `valueOf`/`toString` traps), arrays, booleans, null, undefined, bigints,
 * symbols; unknown names, names differing in case or spacing, `__proto__` / `constructor` as own keys;
 * workload names, seeds and Python versions valid, padded, unknown or hostile.
 *
 * Contract checked on every case:
 * - `resolveParams` returns or throws a `ParamError`, nothing else; the error names the parameter an
 *   independent check expects (the first unknown name, else the first invalid value in schema
 *   order, else a schema parameter for a cross-parameter rule), and its message says
 *   `parameter 'NAME'`; an accepted object gives every schema parameter the value asked for (or its
 *   default), of the right type and in range;
 * - `resolveRun` returns or throws a `RunConfigError` naming the field at fault in the order it
 *   checks them (python, seed, workload, parameters);
 * - a resolved configuration creates a generator that fills one batch without throwing, with ops a
 *   replay accepts (kinds, sizes, ids, and liveness from an empty heap); a `ParamError` from `create`
 *   is tolerated but reported as a note (the check belongs in `resolveParams`);
 * - edge cases (a quarter): every parameter at an edge or its default (minimum, maximum, 0, 1, 2,
 *   min + 1, one-size distributions, one value for every count of a unit so that ranges collapse);
 *   the generator runs for EDGE_OPS operations in batches of changing sizes and drains, every
 *   operation through the run loop's guard (shared/run/op-guard.ts). Uniform draws found the
 *   ramp-cycles ring overrun once in ~49,000 cases; these find it within ~800;
 * - each case finishes within its time bound.
 */
import fc from 'fast-check';
import { resolveVersion } from '../../../shared/engine';
import { OP_ALLOC, OP_FREE, OP_MARK, OP_REALLOC, OpBatch } from '../../../shared/ops/op-batch';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { InvalidOpError, OpGuard } from '../../../shared/run/op-guard';
import { resolveRun, RunConfigError } from '../../../shared/run/resolve-run';
import { targetOf } from '../../../shared/run/target';
import { ParamError, resolveParams } from '../../../shared/workloads/params';
import { WORKLOADS } from '../../../shared/workloads/registry';
import { checkSizes } from '../../../shared/workloads/sizes';
import type { Generator, NumberParam, ParamSpec, ParamValue, WorkloadDef, WorkloadTarget } from '../../../shared/workloads/workload';
import { check, describeError, fail, HOSTILE_KEYS, hostileValue, ownObject, runProperty, timed } from '../harness';
import type { FuzzResult, FuzzTarget, RunOptions } from '../harness';

const CASE_BOUND_MS = 5_000;
/** Count parameters above this are only resolved, not run: a generator sized by them may take gigabytes. */
const CHEAP_COUNT = 1_000_000;
/** Edge cases cap counts here (a live set, a number of ops) and run the generator this far. */
const EDGE_COUNT = 5_000;
const EDGE_OPS = 6_000;
/** Edge cases drain when at most this many objects are live. */
const EDGE_DRAIN = 20_000;

/** How far cases got, for the run's notes. */
const stats = { cases: 0, resolved: 0, filled: 0, edges: 0 };

// ---- values ----------------------------------------------------------------------------------------

const SIZE_TEXTS = [
  'py312-mix',
  'py39-mix',
  'espresso-mix',
  'cfrac',
  'py-num',
  ' py312-mix ',
  'const(8)',
  'uniform(8, 512)',
  'uniform(1, 2147483647)',
  'log_uniform(513, 65536)',
  'pow2_words(28)',
  'invsq(1, 2147483647)',
  'geom_class(30)',
  'table(8:1, 16:0)',
  'table(8:0)',
  'mix(1: const(8), 0: uniform(1, 2))',
  'mix(0: const(8))',
  'uniform(512, 8)',
  'uniform(0, 8)',
  'const(2147483648)',
  'const(1e400)',
  'const(NaN)',
  'uniform(1,)',
  'mix(',
  'table()',
  'pow2_words(29)',
  'mix(1e308: const(8), 1e308: const(16))',
  'mix(1: mix(1: mix(1: const(8))))',
  '',
  '   ',
  'constructor',
  '__proto__',
  'toString',
];
const sizeText = fc.oneof(
  fc.constantFrom(...SIZE_TEXTS),
  fc.string({ maxLength: 16 }),
  fc
    .array(fc.constantFrom('mix', 'table', 'uniform', 'const', '(', ')', ',', ':', '1', '8', '-1', '1e9', '.5', ' ', 'py312-mix'), { maxLength: 12 })
    .map((t) => t.join('')),
);

function numberValue(p: NumberParam, cheap: boolean): fc.Arbitrary<unknown> {
  const lo = p.exclusiveMin ? (p.integer ? p.min + 1 : p.min + Math.max(Math.abs(p.min) * 1e-9, 1e-9)) : p.min;
  let hi = p.exclusiveMax ? (p.integer ? p.max - 1 : p.max - Math.max(Math.abs(p.max) * 1e-9, 1e-9)) : p.max;
  if (cheap && p.unit !== 'bytes') hi = Math.min(hi, Math.max(lo, CHEAP_COUNT));
  const inRange = p.integer
    ? fc.oneof(
        fc.integer({ min: Math.ceil(lo), max: Math.min(Math.floor(hi), Math.ceil(lo) + 100) }),
        fc.double({ min: Math.log2(Math.max(1, lo)), max: Math.log2(Math.max(1, hi)), noNaN: true }).map((e) => Math.min(hi, Math.max(lo, Math.round(2 ** e)))),
      )
    : fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
  const edges = [p.default, lo, hi, p.min, p.max, p.min - 1, p.max + 1, p.max * 2, p.min - 0.5, p.min + 0.5].filter(
    (v) => !cheap || p.unit === 'bytes' || Math.abs(v) <= CHEAP_COUNT * 2,
  );
  return fc.oneof(
    { weight: 4, arbitrary: inRange },
    { weight: 2, arbitrary: fc.constantFrom(...(edges.length > 0 ? edges : [p.default])) },
    {
      weight: 1,
      arbitrary: inRange
        .map((v) => fc.constantFrom(String(v), ` ${v} `, Number(v).toExponential(), `${v}.0`, `0x${Math.trunc(Number(v)).toString(16)}`))
        .chain((x) => x),
    },
  );
}

function validValue(p: ParamSpec, cheap: boolean): fc.Arbitrary<unknown> {
  switch (p.kind) {
    case 'number':
      return numberValue(p, cheap);
    case 'choice':
      return fc.oneof(
        fc.constantFrom(...p.choices),
        fc
          .constantFrom(...p.choices)
          .map((c) => fc.constantFrom(` ${c}`, c.toUpperCase(), `${c}\u0000`))
          .chain((x) => x),
      );
    case 'sizes':
      return sizeText;
  }
}

const NAME_NOISE = (name: string): string[] => [name.toUpperCase(), ` ${name}`, `${name} `, `${name}_`, name.replace(/_/g, '-')];

function userParams(def: WorkloadDef, cheap: boolean): fc.Arbitrary<{ entries: [string, unknown][]; nullProto: boolean }> {
  const names = def.params.map((p) => p.name);
  const entry = fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .constantFrom(...def.params)
        .chain((p) => fc.tuple(fc.constant(p.name), fc.oneof({ weight: 3, arbitrary: validValue(p, cheap) }, { weight: 1, arbitrary: hostileValue() }))),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 }), fc.constantFrom(...names.flatMap(NAME_NOISE), 'seed', 'path')),
        hostileValue(),
      ),
    },
  );
  return fc.record({
    entries: fc.oneof(
      { weight: 1, arbitrary: fc.constant<[string, unknown][]>([]) },
      { weight: 6, arbitrary: fc.uniqueArray(entry, { maxLength: 6, selector: ([k]) => k }) },
    ),
    nullProto: fc.boolean(),
  });
}

// ---- edges ---------------------------------------------------------------------------------------

/** Size texts at the edges: one size only, the smallest and largest small requests, the large path. */
const EDGE_SIZES = [
  'const(1)',
  'const(8)',
  'const(16)',
  'const(512)',
  'const(513)',
  'uniform(1, 1)',
  'uniform(32, 32)',
  'uniform(512, 513)',
  'table(8:1)',
  'mix(1: const(8))',
  'log_uniform(8, 8)',
];

/** The values a number parameter takes at its edges (counts capped so that a run stays cheap). */
function edgeNumbers(p: NumberParam): number[] {
  const lo = p.exclusiveMin ? (p.integer ? p.min + 1 : p.min + Math.max(Math.abs(p.min) * 1e-9, 1e-9)) : p.min;
  let hi = p.exclusiveMax ? (p.integer ? p.max - 1 : p.max - Math.max(Math.abs(p.max) * 1e-9, 1e-9)) : p.max;
  if (p.unit !== 'bytes' && hi > EDGE_COUNT) hi = Math.max(lo, EDGE_COUNT);
  const out = [lo, hi, Math.min(hi, p.default)];
  if (p.integer) out.push(lo + 1, lo + 2, hi - 1);
  for (const v of [0, 1, 2, 3]) if (v >= lo && v <= hi) out.push(v);
  return [...new Set(out.filter((v) => v >= lo && v <= hi))];
}

/**
 * Every parameter at an edge or left at its default (no hostile values: these cases must resolve
 * and run): minimums, maximums, zeros, one and two; with `same`, every number parameter of one unit
 * takes one value, so that a range (a minimum and a maximum) collapses to one value.
 */
function edgeParams(def: WorkloadDef): fc.Arbitrary<{ entries: [string, unknown][]; nullProto: boolean }> {
  const one = (p: ParamSpec): fc.Arbitrary<[string, unknown] | null> => {
    const value: fc.Arbitrary<unknown> =
      p.kind === 'number'
        ? fc.constantFrom(...edgeNumbers(p))
        : p.kind === 'choice'
          ? fc.constantFrom(...p.choices)
          : fc.constantFrom(...EDGE_SIZES, p.default);
    return fc.oneof({ weight: 3, arbitrary: value.map((v): [string, unknown] => [p.name, v]) }, { weight: 1, arbitrary: fc.constant(null) });
  };
  return fc.record({ same: fc.boolean(), pick: fc.tuple(...def.params.map(one)), shared: fc.nat(1000) }).map(({ same, pick, shared }) => {
    const entries = pick.filter((e): e is [string, unknown] => e !== null);
    if (same) {
      // Per unit, one value of the first parameter's edges for all of them (if in every one's range).
      const byUnit = new Map<string, number>();
      for (const p of def.params) {
        if (p.kind !== 'number') continue;
        const edges = edgeNumbers(p);
        const v = byUnit.get(p.unit) ?? edges[shared % edges.length]!;
        byUnit.set(p.unit, v);
        if (edges.includes(v) || (v >= p.min && v <= p.max)) {
          const at = entries.findIndex(([k]) => k === p.name);
          if (at >= 0) entries[at] = [p.name, v];
          else entries.push([p.name, v]);
        }
      }
    }
    return { entries, nullProto: false };
  });
}

/**
 * A generator run past its first batch: batches of changing sizes for up to EDGE_OPS operations,
 * then (when the live set is small) finish and drain, every operation through the run loop's guard
 * plus a size check. Edge bugs show late (ramp-cycles freed id −1 at op 519, in its ninth cycle).
 */
function checkStream(gen: Generator, what: string): void {
  const guard = new OpGuard();
  const sizes = [2048, 1, 7, 64, 3];
  let guardFails = '';
  const step = (i: number): number => {
    const batch = new OpBatch(sizes[i % sizes.length]!);
    gen.fill(batch);
    for (let j = 0; j < batch.length; j++) {
      if (batch.kind[j] !== OP_MARK && batch.kind[j] !== OP_FREE) check(batch.size[j]! >= 0, () => `${what}: op ${guard.ops + j} has size ${batch.size[j]}`);
    }
    try {
      guard.check(batch);
    } catch (error) {
      if (error instanceof InvalidOpError) guardFails = error.message;
      else throw error;
    }
    check(guardFails === '', () => `${what}: ${guardFails}`);
    check(batch.length > 0 || gen.done, () => `${what}: fill wrote nothing and the generator is not done`);
    return batch.length;
  };
  timed(`${what}: ${EDGE_OPS} ops`, CASE_BOUND_MS, () => {
    let i = 0;
    while (!gen.done && guard.ops < EDGE_OPS) step(i++);
    if (gen.liveCount > EDGE_DRAIN) return;
    gen.finish();
    let guardSteps = 0;
    while (!gen.done) {
      step(i++);
      check(++guardSteps < 4 * EDGE_DRAIN + 100, () => `${what}: the drain does not end`);
    }
    check(gen.liveCount === 0, () => `${what}: ${gen.liveCount} objects live after the drain`);
  });
}

// ---- the independent check ------------------------------------------------------------------------

type Verdict = { ok: true; value: ParamValue } | { ok: false };

function expectedValue(p: ParamSpec, raw: unknown): Verdict {
  switch (p.kind) {
    case 'number': {
      let v: number;
      if (typeof raw === 'number') v = raw;
      else if (typeof raw === 'string' && raw.trim() !== '' && !Number.isNaN(Number(raw))) v = Number(raw);
      else return { ok: false };
      if (!Number.isFinite(v) || (p.integer && !Number.isInteger(v))) return { ok: false };
      if (p.exclusiveMin ? v <= p.min : v < p.min) return { ok: false };
      if (p.exclusiveMax ? v >= p.max : v > p.max) return { ok: false };
      return { ok: true, value: v };
    }
    case 'choice': {
      const v = typeof raw === 'number' ? String(raw) : raw;
      return typeof v === 'string' && p.choices.includes(v) ? { ok: true, value: v } : { ok: false };
    }
    case 'sizes':
      return typeof raw === 'string' && checkSizes(raw) === null ? { ok: true, value: raw.trim() } : { ok: false };
  }
}

function checkParamError(error: unknown, what: string): ParamError {
  if (!(error instanceof ParamError)) return fail(`${what} threw ${describeError(error)}, not a ParamError`);
  check(
    typeof error.param === 'string' && error.message.includes(`parameter '${error.param}'`),
    () => `ParamError message does not name its parameter: ${error.message}`,
  );
  return error;
}

/** Resolves with the independent check; returns the resolved parameters or null when refused. */
function checkResolve(def: WorkloadDef, user: Record<string, unknown>): Record<string, ParamValue> | null {
  const schema = new Map(def.params.map((p) => [p.name, p] as const));
  const unknown = Object.keys(user).find((k) => !schema.has(k));
  let firstBad: string | undefined;
  const want: Record<string, ParamValue> = {};
  for (const p of def.params) {
    const has = Object.prototype.hasOwnProperty.call(user, p.name) && user[p.name] !== undefined;
    if (!has) {
      want[p.name] = p.default;
      continue;
    }
    const v = expectedValue(p, user[p.name]);
    if (v.ok) want[p.name] = v.value;
    else firstBad ??= p.name;
  }
  let resolved: Readonly<Record<string, ParamValue>>;
  try {
    resolved = timed(`resolveParams(${def.name})`, CASE_BOUND_MS, () => resolveParams(def, user));
  } catch (error) {
    if (error instanceof Error && error.name === 'FuzzFailure') throw error;
    const e = checkParamError(error, `resolveParams(${def.name})`);
    if (unknown !== undefined) check(e.param === unknown, () => `${def.name}: expected the unknown parameter '${unknown}' to be named, got ${e.message}`);
    else if (firstBad !== undefined) check(e.param === firstBad, () => `${def.name}: expected '${firstBad}' to be named, got ${e.message}`);
    else check(schema.has(e.param), () => `${def.name}: a cross-parameter refusal names '${e.param}', not a parameter of the schema`);
    return null;
  }
  stats.resolved++;
  check(unknown === undefined, () => `${def.name}: the unknown parameter '${unknown}' was accepted`);
  check(firstBad === undefined, () => `${def.name}: '${firstBad}' = ${String(user[firstBad!])} was accepted`);
  for (const p of def.params) {
    check(
      Object.is(resolved[p.name], want[p.name]),
      () => `${def.name}: '${p.name}' resolved to ${String(resolved[p.name])}, expected ${String(want[p.name])}`,
    );
  }
  check(Object.keys(resolved).length === def.params.length, () => `${def.name}: resolved parameters hold extra keys: ${Object.keys(resolved).join(', ')}`);
  return { ...resolved };
}

function cheapEnough(def: WorkloadDef, resolved: Readonly<Record<string, ParamValue>>): boolean {
  return def.params.every((p) => p.kind !== 'number' || p.unit === 'bytes' || !p.integer || (resolved[p.name] as number) <= CHEAP_COUNT);
}

/** One batch from a fresh generator: no exception, and ops a replay accepts. */
function checkBatch(gen: Generator, what: string): void {
  stats.filled++;
  const batch = new OpBatch(2048);
  timed(`${what}: first fill`, CASE_BOUND_MS, () => {
    try {
      gen.fill(batch);
    } catch (error) {
      fail(`${what}: fill threw ${describeError(error)}`);
    }
  });
  check(
    batch.length <= batch.capacity && (batch.length > 0 || gen.done),
    () => `${what}: the first fill wrote ${batch.length} ops and the generator is not done`,
  );
  const live = new Map<number, number>();
  const slots = new Set<number>();
  for (let i = 0; i < batch.length; i++) {
    const kind = batch.kind[i]!;
    const id = batch.id[i]!;
    const slot = batch.slot[i]!;
    const size = batch.size[i]!;
    if (kind === OP_MARK) {
      check(size >= -1 && size < batch.labels.length, () => `${what}: op ${i} is a mark without a label`);
      continue;
    }
    check(Number.isInteger(id) && id >= 0 && id < 2 ** 53 && slot >= 0, () => `${what}: op ${i} has id ${id}, slot ${slot}`);
    if (kind === OP_ALLOC) {
      check(
        size >= 0 && !live.has(id) && !slots.has(slot),
        () => `${what}: op ${i} allocates id ${id} (size ${size}, slot ${slot}) that is live or in a live slot`,
      );
      live.set(id, slot);
      slots.add(slot);
    } else if (kind === OP_FREE || kind === OP_REALLOC) {
      check(live.get(id) === slot, () => `${what}: op ${i} (${kind === OP_FREE ? 'free' : 'realloc'}) names id ${id} in slot ${slot}, which is not live there`);
      if (kind === OP_FREE) {
        live.delete(id);
        slots.delete(slot);
      } else check(size >= 0, () => `${what}: op ${i} reallocs to ${size} bytes`);
    } else fail(`${what}: op ${i} has kind ${kind}`);
  }
}

// ---- cases -----------------------------------------------------------------------------------------

const workloadName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...WORKLOADS.map((w) => w.name)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ...WORKLOADS.map((w) => w.id),
      ...WORKLOADS.map((w) => ` ${w.id.toLowerCase()} `),
      ...WORKLOADS.map((w) => w.name.toUpperCase()),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('trace-replay', ' trace-replay', '', 'W00', 'W16', '__proto__', 'constructor', 'toString') },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);
const seedText = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => `0x${n.toString(16)}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '18446744073709551616',
      '0x10000000000000000',
      '-1',
      ' 7 ',
      '',
      '1e3',
      '0x',
      '0X1F',
      '1.0',
      'NaN',
      '٣',
      `${'9'.repeat(40)}`,
      '0b1',
      '00000000000000000000000000000000000042',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const python = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('3.12', '3.12.1', '3.13', '3.8', '3.9.18', '2.7', '2.4', '3.10.0', 'G4', 'g1') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', ' 3.12 ', '3.99', '4.0', '3.12.9999', '3.12.99999999999999999999', '03.012', 'CONSTRUCTOR', '__proto__', 'G9', '3.12-dev'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

interface ParamsCase {
  /** `edges`: parameters at their edges, the generator run past its first batch and drained. */
  kind: 'params' | 'run' | 'edges';
  def: number;
  user: { entries: [string, unknown][]; nullProto: boolean };
  workload: string;
  seed: string;
  python: string;
  arenas: 'aligned' | 'misaligned' | undefined;
  tracePath: unknown;
}

const caseArb: fc.Arbitrary<ParamsCase> = fc
  .record({ kind: fc.constantFrom('params' as const, 'params' as const, 'run' as const, 'edges' as const), def: fc.nat(WORKLOADS.length - 1) })
  .chain(({ kind, def }) =>
    fc.record({
      kind: fc.constant(kind),
      def: fc.constant(def),
      // A run creates its generator inside resolveRun: keep its counts cheap.
      user: kind === 'edges' ? edgeParams(WORKLOADS[def]!) : userParams(WORKLOADS[def]!, kind === 'run'),
      workload: fc.oneof({ weight: 3, arbitrary: fc.constant(WORKLOADS[def]!.name) }, { weight: 1, arbitrary: workloadName }),
      seed: seedText,
      python,
      arenas: fc.constantFrom<'aligned' | 'misaligned' | undefined>('aligned', 'misaligned', undefined),
      tracePath: fc.oneof(fc.constantFrom('run.pymtrace', '', '  ', '/dev/null'), hostileValue()),
    }),
  );

function userObject(c: ParamsCase, entries = c.user.entries): Record<string, unknown> {
  return ownObject(entries, c.user.nullProto);
}

function expectedSeedOk(seed: string): boolean {
  const t = seed.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) return false;
  return BigInt(t) < 2n ** 64n;
}

function checkRun(c: ParamsCase, _notes: Set<string>): void {
  const isTrace = c.workload.trim() === 'trace-replay';
  const params = isTrace && c.user.entries.length % 2 === 0 ? userObject(c, [['path', c.tracePath]]) : userObject(c);
  const config = {
    workload: c.workload,
    params,
    seed: c.seed,
    python: c.python,
    sampleEvery: 1000,
    ...(c.arenas !== undefined && { arenas: c.arenas }),
  } as RunConfig;
  let pythonOk = true;
  try {
    resolveVersion(c.python);
  } catch {
    pythonOk = false;
  }
  let run;
  try {
    run = timed('resolveRun', CASE_BOUND_MS, () => resolveRun(config));
  } catch (error) {
    if (error instanceof Error && error.name === 'FuzzFailure') throw error;
    if (!(error instanceof RunConfigError)) return fail(`resolveRun threw ${describeError(error)}, not a RunConfigError`);
    const cause = error.cause;
    if (!pythonOk)
      return check(error.message.startsWith('python: '), () => `python ${JSON.stringify(c.python)} is unknown, but the error says ${error.message}`);
    if (!expectedSeedOk(c.seed))
      return check(
        cause instanceof ParamError && cause.param === 'seed' && error.message.includes("parameter 'seed'"),
        () => `seed ${JSON.stringify(c.seed)} is invalid, but the error says ${error.message}`,
      );
    if (cause instanceof ParamError) {
      if (cause.message.includes('unknown parameter') || !isTrace)
        check(error.message.includes(`parameter '${cause.param}'`), () => `RunConfigError does not name the parameter: ${error.message}`);
      if (cause.param !== 'path' && !isTrace)
        check(
          Object.prototype.hasOwnProperty.call(params, cause.param) || WORKLOADS.some((w) => w.params.some((p) => p.name === cause.param)),
          () => `the error names '${cause.param}', neither given nor in a schema`,
        );
      return;
    }
    return check(error.message.startsWith('unknown workload '), () => `RunConfigError without a known cause: ${error.message}`);
  }
  stats.resolved++;
  check(pythonOk && expectedSeedOk(c.seed), () => `resolveRun accepted python ${JSON.stringify(c.python)} / seed ${JSON.stringify(c.seed)}`);
  // trace-replay's feed is empty until the caller reads the file into it: only check it does not throw.
  if (run.tracePath !== null) check(typeof run.tracePath === 'string' && run.tracePath.trim() !== '', 'trace-replay resolved without a path');
  else checkBatch(run.generator, `resolveRun(${run.workload.name})`);
}

/** The modelled target of a case's python (3.12 when that is not a version). */
function targetFor(python: string, arenas: 'aligned' | 'misaligned' | undefined): WorkloadTarget {
  let version;
  try {
    version = resolveVersion(python);
  } catch {
    version = resolveVersion('3.12');
  }
  return targetOf(version, arenas ?? version.preset.defaultArenas);
}

function checkParams(c: ParamsCase, notes: Set<string>): void {
  const def = WORKLOADS[c.def]!;
  const resolved = checkResolve(def, userObject(c));
  if (resolved === null || !cheapEnough(def, resolved)) return;
  let gen: Generator;
  try {
    gen = timed(`${def.name}.create`, CASE_BOUND_MS, () => def.create(resolved, 7n, targetFor(c.python, c.arenas)));
  } catch (error) {
    if (error instanceof Error && error.name === 'FuzzFailure') throw error;
    const e = checkParamError(error, `${def.name}.create`);
    const note = `${def.name}: create refused what resolveParams accepted: ${e.message.replace(/= [^:]*:/, '= …:')}`;
    notes.add(note.slice(0, 240));
    return;
  }
  const what = `${def.name}(${JSON.stringify(resolved).slice(0, 400)})`;
  checkBatch(gen, what);
  if (c.kind === 'edges') {
    stats.edges++;
    checkStream(def.create(resolved, 7n, targetFor(c.python, c.arenas)), what);
  }
}

export const paramsTarget: FuzzTarget = {
  name: 'params',
  async run(numRuns: number, options: RunOptions = {}): Promise<FuzzResult> {
    const notes = new Set<string>();
    Object.assign(stats, { cases: 0, resolved: 0, filled: 0, edges: 0 });
    const property = fc.property(caseArb, (c) => {
      stats.cases++;
      return c.kind === 'run' ? checkRun(c, notes) : checkParams(c, notes);
    });
    const noteList: string[] = [];
    const result = await runProperty('params', property as unknown as fc.IProperty<[unknown]>, numRuns, options, noteList);
    noteList.push(
      `${stats.cases} cases run (shrinking included): ${stats.resolved} resolved, ${stats.filled} generators filled a batch, ${stats.edges} edge cases ran a stream and its drain`,
    );
    noteList.push(...[...notes].slice(0, 10));
    if (notes.size > 10) noteList.push(`… and ${notes.size - 10} more`);
    return result;
  },
};
