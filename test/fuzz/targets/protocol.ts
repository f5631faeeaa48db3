/**
 * Fuzz target `protocol`: the validators every process boundary runs (shared/protocol):
 * `parseMessage` with HostToWorkerSchema, WorkerToHostSchema and RunConfigSchema, and the bridge's
 * `parseBridgeRequest` / `classifyHostMessage` (bridge-messages.ts).
 *
 * Inputs: any JSON value; any JS value (null prototypes, bigints, typed arrays, maps, sparse
 * arrays, boxed values, keys such as `__proto__`, `constructor`, `prototype`, `toString`); valid
 * messages of every variant; and those messages mutated at a random path (a value replaced by a
 * hostile one, a key deleted, a hostile key added, an array grown or shrunk).
 *
 * Contract checked on every case: the parser never throws and returns within its time bound; a
 * refusal is `ok: false` with a reason; a refused object names a field (`field PATH`),
 * and for a mutated message that field is the mutated one or one of its ancestors or descendants; an
 * accepted value parses again to the same value; a valid message is accepted as it is; the bridge
 * keeps a readable request id in its refusal; Object.prototype stays untouched (harness).
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { classifyHostMessage, parseBridgeRequest } from '../../../shared/protocol/bridge-messages';
import { RunConfigSchema } from '../../../shared/protocol/run-config';
import { HostToWorkerSchema, parseMessage, WorkerToHostSchema } from '../../../shared/protocol/worker-messages';
import { SERIES } from '../../../shared/run/sample';
import { check, describeError, fail, HOSTILE_KEYS, hostileValue, ownObject, runProperty, timed } from '../harness';
import type { FuzzResult, FuzzTarget, RunOptions } from '../harness';

type SchemaName = 'host-to-worker' | 'worker-to-host' | 'run-config' | 'bridge';
const SCHEMAS: readonly SchemaName[] = ['host-to-worker', 'worker-to-host', 'run-config', 'bridge'];

// ---- valid messages --------------------------------------------------------------------------------

/** Record keys valibot's `record` silently drops (it guards against prototype pollution). */
const DROPPED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const safeKey = (max: number) => fc.string({ maxLength: Math.min(max, 12) }).filter((k) => !DROPPED_KEYS.has(k));
const text = (max: number) =>
  fc.oneof(fc.string({ maxLength: Math.min(max, 16) }), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constant('x'.repeat(max)));
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const safeInt = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  fc.oneof(fc.integer({ min, max: Math.min(max, min + 1000) }), fc.constantFrom(min, max), fc.integer({ min, max: Math.min(max, 2 ** 31) }));
const count = safeInt(0);

const runConfig = fc.record(
  {
    workload: text(200),
    params: fc.dictionary(safeKey(200), fc.oneof(finite, text(4096)), { maxKeys: 4, noNullPrototype: true }),
    seed: text(40),
    python: text(40),
    arenas: fc.constantFrom('aligned', 'misaligned'),
    ops: safeInt(1),
    durationMs: fc.oneof(fc.double({ min: 1, max: 1e300, noNaN: true }), fc.constant(1)),
    sampleEvery: safeInt(1),
    maxSampleIntervalMs: fc.double({ min: 10, max: 60_000, noNaN: true }),
  },
  { requiredKeys: ['workload', 'params', 'seed', 'python', 'sampleEvery'], noNullPrototype: true },
);

const hostToWorker = fc.oneof(
  fc.constantFrom('ping', 'pause', 'resume', 'stop').map((type) => ({ type })),
  fc.record({ type: fc.constant('start'), protocolVersion: fc.oneof(fc.constant(3), fc.double({ noNaN: true })), config: runConfig }),
  fc.record({ type: fc.constant('step'), ops: safeInt(1) }),
  fc.record(
    { type: fc.constant('set-sampling'), sampleEvery: safeInt(1), maxSampleIntervalMs: fc.double({ min: 10, max: 60_000, noNaN: true }) },
    { requiredKeys: ['type', 'sampleEvery'], noNullPrototype: true },
  ),
);

const columns = fc
  .integer({ min: 0, max: 4 })
  .chain((rows) =>
    fc.array(fc.array(fc.double({ noNaN: true }), { minLength: rows, maxLength: rows }), { minLength: SERIES.length, maxLength: SERIES.length }),
  );
const detail = fc
  .record({
    classes: fc.integer({ min: 0, max: 5 }).chain((n) => {
      const arr = fc.array(count, { minLength: n, maxLength: n });
      return fc.record({ blockSize: arr, usedPools: arr, fullPools: arr, blocks: arr, availableBlocks: arr });
    }),
    arenas: fc.array(fc.tuple(count, fc.integer({ min: 0, max: 4 })), { maxLength: 3 }).chain((as) => {
      const total = as.reduce((n, [, p]) => n + p, 0);
      return fc
        .record({
          fill: fc.array(fc.integer({ min: -1, max: 100 }), { minLength: total, maxLength: total }).map((xs) => Int8Array.from(xs)),
          szidx: fc.array(fc.integer({ min: -128, max: 127 }), { minLength: total, maxLength: total }).map((xs) => Int8Array.from(xs)),
        })
        .map((rest) => ({ slots: as.map(([s]) => s), pools: as.map(([, p]) => p), ...rest }));
    }),
    op: count,
    wallMs: fc.double({ min: 0, max: 1e12, noNaN: true }),
  })
  .map((d) => ({ type: 'detail', ...d }));

const workerToHost = fc.oneof(
  fc.record({ type: fc.constant('pong'), protocolVersion: fc.double({ noNaN: true }) }),
  fc.record({
    type: fc.constant('started'),
    engineVersion: fc.string(),
    workloadVersion: fc.double({ noNaN: true }),
    python: fc.record({ version: fc.string(), family: fc.string(), arenas: fc.constantFrom('aligned', 'misaligned') }),
    params: fc.dictionary(safeKey(50), fc.oneof(fc.double({ noNaN: true }), fc.string()), { maxKeys: 4, noNullPrototype: true }),
  }),
  fc.record({
    type: fc.constant('status'),
    state: fc.constantFrom('starting', 'running', 'paused', 'done', 'stopped', 'failed'),
    ops: count,
    wallMs: fc.double({ noNaN: true }),
  }),
  fc.record({ type: fc.constant('samples'), columns, coalesced: count }),
  fc.record({ type: fc.constant('phase'), op: count, label: text(200) }),
  detail,
  fc.record({ type: fc.constant('error'), message: fc.string(), fatal: fc.boolean() }),
  fc.record({ type: fc.constant('done'), state: fc.constantFrom('done', 'stopped'), ops: count, wallMs: fc.double({ noNaN: true }) }),
);

const id = safeInt(0);
const runId = fc.string({ minLength: 1, maxLength: 12 });
const bound = fc.oneof(fc.constant(null), fc.double({ noNaN: true }));
const seriesKeys = fc.shuffledSubarray(
  SERIES.map((s) => s.key),
  { minLength: 1 },
);
const bridge = fc.oneof(
  fc.record(
    { id, method: fc.constantFrom('versions', 'workloads', 'runs'), params: fc.constant({}) },
    { requiredKeys: ['id', 'method'], noNullPrototype: true },
  ),
  fc.record({ id, method: fc.constant('startRun'), params: fc.record({ config: runConfig }) }),
  fc.record({
    id,
    method: fc.constant('command'),
    params: fc.record({
      runId,
      command: fc.oneof(
        fc.constantFrom('pause', 'resume', 'stop', 'remove').map((type) => ({ type })),
        fc.record({ type: fc.constant('step'), ops: safeInt(1, 1e12) }),
      ),
    }),
  }),
  fc.record({
    id,
    method: fc.constant('window'),
    params: fc.record({
      query: fc.record({ runId, series: seriesKeys, from: bound, to: bound, maxPoints: safeInt(1, 10_000), axis: fc.constantFrom('op', 'wall_ms') }),
    }),
  }),
  fc.record({ id, method: fc.constant('detail'), params: fc.record({ runId, op: bound }) }),
);

/** Valid messages as they arrive from another process: plain objects (structured clone, JSON). */
const VALID: Record<SchemaName, fc.Arbitrary<unknown>> = {
  'host-to-worker': hostToWorker.map((m) => structuredClone(m)),
  'worker-to-host': workerToHost.map((m) => structuredClone(m)),
  'run-config': runConfig.map((m) => structuredClone(m)),
  bridge: bridge.map((m) => structuredClone(m)),
};

// ---- mutations ---------------------------------------------------------------------------------------

type Path = (string | number)[];

/** Every container path of a value (objects and arrays; typed arrays are leaves). */
function containers(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return out;
  out.push(path);
  for (const [k, v] of Object.entries(value)) containers(v, [...path, Array.isArray(value) ? Number(k) : k], out);
  return out;
}

function at(value: unknown, path: Path): unknown {
  let v = value;
  for (const k of path) v = (v as Record<string | number, unknown>)[k];
  return v;
}

const mutationArb = fc.record({
  where: fc.nat(),
  key: fc.nat(),
  op: fc.constantFrom('replace', 'delete', 'add-key', 'grow', 'shrink'),
  value: hostileValue(),
  newKey: fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 6 })),
});
type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

/** Applies `m` to a copy of `message`; returns the copy and the path it touched. */
function mutate(message: unknown, m: Mutation): { value: unknown; path: Path } {
  const value = structuredClone(message);
  const all = containers(value);
  if (all.length === 0) return { value: m.value, path: [] };
  const path = all[m.where % all.length]!;
  const box = at(value, path) as Record<string, unknown> | unknown[];
  const keys = Object.keys(box);
  const pick = keys.length > 0 ? keys[m.key % keys.length]! : undefined;
  const index = (k: string): string | number => (Array.isArray(box) ? Number(k) : k);
  switch (m.op) {
    case 'replace':
      if (pick === undefined) break;
      (box as Record<string, unknown>)[pick] = m.value;
      return { value, path: [...path, index(pick)] };
    case 'delete':
      if (pick === undefined) break;
      if (Array.isArray(box)) box.splice(Number(pick), 1);
      else delete box[pick];
      return { value, path: Array.isArray(box) ? path : [...path, pick] };
    case 'grow':
      if (Array.isArray(box)) {
        box.push(m.value);
        return { value, path: [...path, box.length - 1] };
      }
      break;
    case 'shrink':
      if (Array.isArray(box) && box.length > 0) {
        box.pop();
        return { value, path };
      }
      break;
    case 'add-key':
      break;
  }
  // add-key, and the fallback of the others: a new own key, `__proto__` included.
  if (Array.isArray(box)) {
    box.push(m.value);
    return { value, path: [...path, box.length - 1] };
  }
  const hadKey = Object.prototype.hasOwnProperty.call(box, m.newKey);
  Object.defineProperty(box, m.newKey, { value: m.value, enumerable: true, writable: true, configurable: true });
  return { value, path: hadKey ? [...path, m.newKey] : [...path, m.newKey] };
}

// ---- the property -----------------------------------------------------------------------------------

interface ProtocolCase {
  schema: SchemaName;
  input: unknown;
  /** The input is a valid message, unchanged. */
  valid: boolean;
  /** The path a mutation touched (null for random inputs and unchanged messages). */
  mutated: Path | null;
}

const anyKey = fc.oneof(fc.constantFrom(...HOSTILE_KEYS, 'type', 'id', 'method', 'params', 'config'), fc.string({ maxLength: 8 }));
const anything = fc.anything({
  key: anyKey,
  maxDepth: 3,
  maxKeys: 5,
  withNullPrototype: true,
  withBigInt: true,
  withTypedArray: true,
  withMap: true,
  withSet: true,
  withSparseArray: true,
  withBoxedValues: true,
  withDate: true,
  withObjectString: true,
});

const caseArb: fc.Arbitrary<ProtocolCase> = fc.constantFrom(...SCHEMAS).chain((schema) =>
  fc.oneof(
    fc.jsonValue().map((input) => ({ schema, input, valid: false, mutated: null })),
    anything.map((input) => ({ schema, input, valid: false, mutated: null })),
    // Random records that at least name a known variant, so the variant's own checks run.
    fc.record({ base: VALID[schema], extra: fc.dictionary(anyKey, hostileValue(), { maxKeys: 3 }) }).map(({ base, extra }) => ({
      schema,
      input: ownObject([...Object.entries(base as object).filter(([k]) => k === 'type' || k === 'method' || k === 'id'), ...Object.entries(extra)]),
      valid: false,
      mutated: null,
    })),
    { weight: 2, arbitrary: VALID[schema].map((input) => ({ schema, input, valid: true, mutated: null })) },
    {
      weight: 4,
      arbitrary: fc.tuple(VALID[schema], fc.array(mutationArb, { minLength: 1, maxLength: 1 })).map(([message, [m]]) => {
        const { value, path } = mutate(message, m!);
        return { schema, input: value, valid: false, mutated: path };
      }),
    },
  ),
);

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string; id?: number | null };

function parse(schema: SchemaName, input: unknown): Parsed {
  switch (schema) {
    case 'host-to-worker':
      return parseMessage(HostToWorkerSchema, input);
    case 'worker-to-host':
      return parseMessage(WorkerToHostSchema, input);
    case 'run-config':
      return parseMessage(RunConfigSchema, input);
    case 'bridge': {
      const r = parseBridgeRequest(input);
      return r.ok ? { ok: true, value: r.call } : { ok: false, reason: r.error, id: r.id };
    }
  }
}

/**
 * Whether a refusal names the field at `path`, one of its ancestors or a descendant: `field a.b.c:`
 * (shared/protocol/issues.ts; keys may hold any character, so no parsing).
 */
function namesField(reason: string, path: readonly (string | number)[] | null): boolean {
  if (path === null) return /field \S/.test(reason);
  for (let n = path.length; n >= 1; n--) {
    const q = path.slice(0, n).map(String).join('.');
    const head = `field ${q}`;
    let i = reason.indexOf(head);
    while (i >= 0) {
      const next = reason[i + head.length];
      if (next === undefined || next === '.' || next === ':') return true;
      i = reason.indexOf(head, i + 1);
    }
  }
  return false;
}

/** Whether a refusal names `key` as unknown (`Invalid key: … received "k"`; an empty key has no dot path). */
function namesKey(reason: string, key: string | null): boolean {
  return key === null ? reason.includes('Invalid key: Expected never but received "') : reason.includes(`Invalid key: Expected never but received "${key}"`);
}

function checkCase(c: ProtocolCase): void {
  let r: Parsed;
  try {
    r = timed(`parse ${c.schema}`, 2000, () => parse(c.schema, c.input));
  } catch (error) {
    if (error instanceof Error && error.name === 'FuzzFailure') throw error;
    return fail(`${c.schema}: the parser threw ${describeError(error)}`);
  }
  try {
    classifyHostMessage(c.input);
  } catch (error) {
    fail(`classifyHostMessage threw ${describeError(error)}`);
  }
  if (!r.ok) {
    check(typeof r.reason === 'string' && r.reason.length > 0, `${c.schema}: a refusal without a reason`);
    check(!c.valid, () => `${c.schema}: a valid message was refused: ${r.reason}`);
    const isObject =
      typeof c.input === 'object' &&
      c.input !== null &&
      !Array.isArray(c.input) &&
      !ArrayBuffer.isView(c.input) &&
      !(c.input instanceof Map) &&
      !(c.input instanceof Set) &&
      !(c.input instanceof Date);
    if (isObject) {
      check(namesField(r.reason, null) || namesKey(r.reason, null), () => `${c.schema}: the refusal of an object names no field: ${r.reason}`);
      if (c.mutated !== null && c.mutated.length > 0) {
        const p = c.mutated.map(String).join('.');
        const last = String(c.mutated[c.mutated.length - 1]);
        check(
          namesField(r.reason, c.mutated) || namesKey(r.reason, last),
          () => `${c.schema}: mutated ${JSON.stringify(p)} but the refusal names another field: ${r.reason}`,
        );
      }
    }
    if (c.schema === 'bridge') {
      const raw = typeof c.input === 'object' && c.input !== null ? (c.input as { id?: unknown }).id : undefined;
      const readable = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? raw : null;
      check(r.id === readable, () => `bridge: refusal id ${r.id}, the request's readable id is ${readable}`);
      check(r.reason.startsWith('malformed request: '), () => `bridge: refusal ${JSON.stringify(r.reason)}`);
    }
    return;
  }
  // Accepted: the value parses again to itself (idempotent), and a valid message is kept as it is.
  if (c.schema !== 'bridge') {
    const again = parse(c.schema, structuredClone(r.value));
    check(again.ok && isDeepStrictEqual(again.value, r.value), () => `${c.schema}: an accepted value does not parse again to itself`);
    if (c.valid) check(isDeepStrictEqual(r.value, c.input), () => `${c.schema}: a valid message came out changed: ${JSON.stringify(r.value)}`);
  } else if (c.valid) {
    const call = r.value as { id: number; method: string };
    const req = c.input as { id: number; method: string };
    check(call.id === req.id && call.method === req.method, 'bridge: the call does not keep the request id and method');
  }
  const proto = Object.getPrototypeOf(r.value);
  check(proto === Object.prototype, `${c.schema}: an accepted value is not a plain object`);
}

export const protocolTarget: FuzzTarget = {
  name: 'protocol',
  async run(numRuns: number, options: RunOptions = {}): Promise<FuzzResult> {
    const property = fc.property(caseArb, (c) => checkCase(c));
    return runProperty('protocol', property as unknown as fc.IProperty<[unknown]>, numRuns, options);
  },
};
