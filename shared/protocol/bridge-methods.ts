/**
 * Every bridge method, once: its name, its wire parameters (a valibot schema the host checks every
 * request against), how the client turns a call's arguments into those parameters and how the host
 * turns them back, and the outline of its result. The `Bridge` type, the page's client
 * (bridge-client.ts, used by the preload and the browser's WebSocket bridge), the host's dispatcher
 * (electron/host/bridge-dispatch.ts) and serve's per-connection view all derive from this table, so
 * a new method is one entry here plus its implementation in AppHost (VS Code's ProxyChannel is the
 * model).
 *
 * JSON cannot carry ±Infinity: a window bound or a detail operation of `null` on the wire stands for
 * "from the first" / "to the last" / "the latest". `encode` writes null, `decode` reads it back, for
 * IPC too, so both transports see one format.
 */
import * as v from 'valibot';
import { SERIES, SERIES_COUNT } from '../run/sample';
import {
  type DetailSnapshot,
  EXPORT_FORMATS,
  EXPORT_MAX_SIZE,
  EXPORT_MIN_SIZE,
  type ExportRequest,
  type ExportResult,
  type InterpreterChoice,
  type ProgramConsoleState,
  type RunCommand,
  type RunSummary,
  type VersionInfo,
  type WindowQuery,
  type WindowResult,
  type WorkloadInfo,
} from './bridge';
import type { PinReport } from '../pins/analyze';
import { type RunConfig, RunConfigSchema } from './run-config';
import { PATH_PURPOSES, type PathPurpose, type ProgramRequest, ProgramRequestSchema, type ProgramStarted } from './program-request';

// ---- wire values --------------------------------------------------------------------------------

/** A window bound or detail operation on the wire: a number, or null for "unbounded" / "latest". */
export type WireNumber = number | null;

/** ±Infinity (and NaN) as null, for JSON; finite numbers as they are. */
export function wireNumber(x: number): WireNumber {
  return Number.isFinite(x) ? x : null;
}

const RunId = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
/** A number that is not NaN (±Infinity allowed: structured clone carries it), or null. */
const Bound = v.nullable(
  v.pipe(
    v.number(),
    v.check((x) => !Number.isNaN(x), 'expected a number, not NaN'),
  ),
);
const NoParams = v.optional(v.strictObject({}), {});

export const MAX_WINDOW_POINTS = 10_000;
const SERIES_KEYS = SERIES.map((s) => s.key);

export const RunCommandSchema = v.variant('type', [
  v.strictObject({ type: v.literal('pause') }),
  v.strictObject({ type: v.literal('resume'), budgetMB: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(1 << 24))) }),
  v.strictObject({ type: v.literal('step'), ops: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(1e12)) }),
  v.strictObject({ type: v.literal('stop') }),
  v.strictObject({ type: v.literal('remove') }),
]);

export const WindowQuerySchema = v.strictObject({
  runId: RunId,
  series: v.pipe(
    v.array(v.picklist(SERIES_KEYS, `expected a series key (${SERIES_KEYS.join(', ')})`)),
    v.minLength(1, 'expected at least one series'),
    v.maxLength(SERIES_COUNT),
    v.check((keys) => new Set(keys).size === keys.length, 'a series is named twice'),
  ),
  from: Bound,
  to: Bound,
  maxPoints: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(MAX_WINDOW_POINTS)),
  axis: v.picklist(['op', 'wall_ms']),
  values: v.optional(v.boolean()),
  last: v.optional(v.boolean()),
});

const Size = v.pipe(v.number(), v.safeInteger(), v.minValue(EXPORT_MIN_SIZE), v.maxValue(EXPORT_MAX_SIZE));
const unique = <T extends string>(what: string) => v.check((xs: T[]) => new Set(xs).size === xs.length, `${what} named twice`);

export const ExportRequestSchema = v.strictObject({
  runIds: v.pipe(v.array(RunId), v.minLength(1, 'expected at least one run'), v.maxLength(64), unique<string>('a run is')),
  mode: v.picklist(['runs', 'compare']),
  charts: v.optional(
    v.pipe(v.array(v.pipe(v.string(), v.maxLength(100))), v.minLength(1, 'expected at least one chart'), v.maxLength(64), unique<string>('a chart is')),
  ),
  formats: v.pipe(
    v.array(v.picklist(EXPORT_FORMATS, `expected a format (${EXPORT_FORMATS.join(', ')})`)),
    v.minLength(1, 'expected at least one format'),
    unique<(typeof EXPORT_FORMATS)[number]>('a format is'),
  ),
  axis: v.picklist(['op', 'wall_ms']),
  from: Bound,
  to: Bound,
  width: Size,
  height: Size,
  theme: v.picklist(['light', 'dark']),
  archive: v.boolean(),
});

// ---- results ------------------------------------------------------------------------------------

/**
 * A result's outline: the client checks that the host answered with the right kind of value (an
 * array, an object with these fields) before handing it on, so a confused host is an error that
 * names the method, not a crash deep in a view. The host is ours, so the fields are not checked one
 * by one (a window can carry 10,000 points a series); `T` is the full type the host promises.
 */
interface Outline<T> {
  readonly schema: v.GenericSchema;
  /** Never set: carries `T` for the derived types. */
  readonly _type?: T;
}
const outline = <T>(schema: v.GenericSchema): Outline<T> => ({ schema });
const listOf = <T>(fields: Record<string, v.GenericSchema>): Outline<T[]> => outline<T[]>(v.array(v.looseObject(fields)));
const objectWith = <T>(fields: Record<string, v.GenericSchema>): Outline<T> => outline<T>(v.looseObject(fields));

// ---- the table ----------------------------------------------------------------------------------

interface MethodDef<A extends unknown[], S extends v.GenericSchema, R> {
  /** What `params` must be on the wire (refusals name the field: `params.query.maxPoints`). */
  params: S;
  /** Client: the call's arguments as wire params. */
  encode(...args: A): v.InferInput<S>;
  /** Host: checked wire params back into the call's arguments. */
  decode(params: v.InferOutput<S>): A;
  result: Outline<R>;
}
const method = <A extends unknown[], S extends v.GenericSchema, R>(def: MethodDef<A, S, R>): MethodDef<A, S, R> => def;
const noArgs = <R>(result: Outline<R>) => method<[], typeof NoParams, R>({ params: NoParams, encode: () => ({}), decode: () => [], result });
const nothing = outline<void>(v.null());

export const BRIDGE_METHODS = {
  /** The CPython version families, for the version picker. */
  versions: noArgs(listOf<VersionInfo>({ family: v.string(), examples: v.array(v.string()) })),
  /** The workloads and their parameter schemas, for the run form. */
  workloads: noArgs(listOf<WorkloadInfo>({ id: v.string(), params: v.array(v.unknown()) })),
  /**
   * Interpreters a run may also use for real (`config.real`): none where the host starts no programs
   * (a browser of serve without --allow-programs).
   */
  interpreters: noArgs(listOf<InterpreterChoice>({ path: v.string(), version: v.string() })),
  /** Every run, as the run list shows it. */
  runs: noArgs(listOf<RunSummary>({ runId: v.string(), state: v.string() })),
  /** Validates the config (the error names the field) and starts a worker. */
  startRun: method({
    params: v.strictObject({ config: RunConfigSchema }),
    encode: (config: RunConfig) => ({ config }),
    decode: (p): [RunConfig] => [p.config],
    result: objectWith<{ runId: string }>({ runId: v.string() }),
  }),
  /**
   * Profiles a Python program on the host under the recording agent (program-request.ts): one run
   * per model version and one for the real process, in the list at once and live as it runs; its
   * output comes as `output` events. Only where the host starts programs (serve: --allow-programs).
   */
  profileProgram: method({
    params: v.strictObject({ request: ProgramRequestSchema }),
    encode: (request: ProgramRequest) => ({ request }),
    decode: (p): [ProgramRequest] => [{ ...p.request, args: [...p.request.args], models: [...p.request.models] }],
    result: objectWith<ProgramStarted>({ runIds: v.array(v.string()), realRunId: v.string() }),
  }),
  /**
   * Every profiled program's console as the host kept it: the tail of its output and its last
   * figures, for a page that connects late or again (program-backlog.ts says why the page can
   * replace what it had with this).
   */
  programConsoles: noArgs(listOf<ProgramConsoleState>({ runIds: v.array(v.string()), lines: v.array(v.unknown()), dropped: v.number() })),
  /**
   * A path chosen in a native dialog on the host's own screen (the desktop app only; a browser of
   * serve types its paths): an interpreter or a script to profile, or a working folder. Null when
   * the user cancelled. `current`, the field's value, is where the dialog opens.
   */
  choosePath: method({
    params: v.strictObject({
      purpose: v.picklist(PATH_PURPOSES, `purpose must be ${PATH_PURPOSES.join(', ')}`),
      current: v.optional(v.pipe(v.string(), v.maxLength(4096))),
    }),
    encode: (purpose: PathPurpose, current?: string) => ({ purpose, ...(current !== undefined ? { current } : {}) }),
    decode: (p): [PathPurpose, string | undefined] => [p.purpose, p.current],
    result: outline<string | null>(v.nullable(v.string())),
  }),
  /** Pause, resume (optionally with a larger memory budget), step, stop or remove a run. */
  command: method({
    params: v.strictObject({ runId: RunId, command: RunCommandSchema }),
    encode: (runId: string, command: RunCommand) => ({ runId, command }),
    decode: (p): [string, RunCommand] => [p.runId, p.command],
    result: nothing,
  }),
  /** Min/max-decimated points of some series of a run, over an x window. */
  window: method({
    params: v.strictObject({ query: WindowQuerySchema }),
    encode: (query: WindowQuery) => ({ query: { ...query, from: wireNumber(query.from), to: wireNumber(query.to) } }),
    decode: (p): [WindowQuery] => [{ ...p.query, series: [...p.query.series], from: p.query.from ?? -Infinity, to: p.query.to ?? Infinity }],
    result: objectWith<WindowResult>({ runId: v.string(), series: v.record(v.string(), v.unknown()) }),
  }),
  /** The latest detail snapshot at or before `op` (null when there is none yet). */
  detail: method({
    params: v.strictObject({ runId: RunId, op: Bound }),
    encode: (runId: string, op: number) => ({ runId, op: wireNumber(op) }),
    decode: (p): [string, number] => [p.runId, p.op ?? Infinity],
    result: outline<DetailSnapshot | null>(v.nullable(v.looseObject({ op: v.number(), arenas: v.array(v.unknown()) }))),
  }),
  /**
   * The exact engine state at operation `op` of a model run, rebuilt by replaying the run's stream
   * when the host kept no snapshot of that operation (`replay` events report the progress).
   */
  stateAt: method({
    params: v.strictObject({ runId: RunId, op: v.pipe(v.number(), v.safeInteger(), v.minValue(0)) }),
    encode: (runId: string, op: number) => ({ runId, op }),
    decode: (p): [string, number] => [p.runId, p.op],
    result: objectWith<DetailSnapshot>({ op: v.number(), arenas: v.array(v.unknown()) }),
  }),
  /**
   * Why the arenas are kept at operation `op` of a model run (shared/pins, docs/pins.md): each arena's
   * live blocks and what releasing it would give back, the pinned ones (live blocks filling at most
   * `threshold`, 0–1, default 0.1) first, and the origins of the pinning blocks. Replayed on the host
   * (`replay` events report the progress).
   */
  pinsAt: method({
    params: v.strictObject({
      runId: RunId,
      op: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
      threshold: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    }),
    encode: (runId: string, op: number, threshold?: number) => ({ runId, op, ...(threshold !== undefined ? { threshold } : {}) }),
    decode: (p): [string, number, number?] => (p.threshold === undefined ? [p.runId, p.op] : [p.runId, p.op, p.threshold]),
    result: objectWith<PinReport>({
      summary: v.looseObject({ op: v.number(), retainedBytes: v.number() }),
      arenas: v.array(v.unknown()),
      origins: v.array(v.unknown()),
    }),
  }),
  /** Renders charts, samples, the JSON and the report of some runs (nothing is written on the host). */
  export: method({
    params: v.strictObject({ request: ExportRequestSchema }),
    encode: (request: ExportRequest) => ({ request: { ...request, from: wireNumber(request.from), to: wireNumber(request.to) } }),
    decode: (p): [ExportRequest] => {
      const r = p.request;
      const request: ExportRequest = { ...r, runIds: [...r.runIds], formats: [...r.formats], from: r.from ?? -Infinity, to: r.to ?? Infinity };
      if (r.charts) request.charts = [...r.charts];
      else delete request.charts;
      return [request];
    },
    result: objectWith<ExportResult>({ files: v.array(v.looseObject({ name: v.string(), base64: v.string() })) }),
  }),
};

// ---- what derives from it -----------------------------------------------------------------------

type Table = typeof BRIDGE_METHODS;
export type BridgeMethod = keyof Table;
export const BRIDGE_METHOD_NAMES = Object.keys(BRIDGE_METHODS) as BridgeMethod[];

export type BridgeArgs<M extends BridgeMethod> = Parameters<Table[M]['encode']>;
export type BridgeResult<M extends BridgeMethod> = Table[M]['result'] extends Outline<infer R> ? R : never;
/** Each method's wire params. */
export type BridgeParams = { [M in BridgeMethod]: ReturnType<Table[M]['encode']> };

/** The methods of the bridge, as the host implements them and the page calls them. */
export type BridgeMethods = { [M in BridgeMethod]: (...args: BridgeArgs<M>) => Promise<BridgeResult<M>> };

export function isBridgeMethod(name: unknown): name is BridgeMethod {
  return typeof name === 'string' && Object.hasOwn(BRIDGE_METHODS, name);
}

/** Calls `host[method]` with decoded params (already checked against the method's schema). */
export function invokeMethod(host: BridgeMethods, method: BridgeMethod, params: unknown): Promise<unknown> {
  const def = BRIDGE_METHODS[method] as unknown as MethodDef<unknown[], v.GenericSchema, unknown>;
  const fn = host[method] as unknown as (...args: unknown[]) => Promise<unknown>;
  return fn.apply(host, def.decode(params));
}

/** The wire params of a call (client side). */
export function encodeParams<M extends BridgeMethod>(method: M, args: BridgeArgs<M>): BridgeParams[M] {
  const def = BRIDGE_METHODS[method] as unknown as MethodDef<unknown[], v.GenericSchema, unknown>;
  return def.encode(...args) as BridgeParams[M];
}

/** The schema of a method's params, and of its result's outline. */
export function paramsSchema(method: BridgeMethod): v.GenericSchema {
  return BRIDGE_METHODS[method].params;
}
export function resultSchema(method: BridgeMethod): v.GenericSchema {
  return BRIDGE_METHODS[method].result.schema;
}

/** A `BridgeMethods` that forwards every method to `target`, with `overrides` in place of some. */
export function forwardMethods(target: BridgeMethods, overrides: Partial<BridgeMethods> = {}): BridgeMethods {
  const out = {} as Record<BridgeMethod, unknown>;
  for (const name of BRIDGE_METHOD_NAMES) {
    const own = overrides[name];
    out[name] = own ?? ((...args: unknown[]) => (target[name] as unknown as (...a: unknown[]) => Promise<unknown>).apply(target, args));
  }
  return out as BridgeMethods;
}
