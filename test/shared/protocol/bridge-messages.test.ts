// The bridge envelope: every method's params accepted when right and refused, naming the field,
// when wrong; nothing thrown whatever arrives; ±Infinity carried as null.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BridgeEvent, MENU_ACTIONS } from '../../../shared/protocol/bridge';
import { bridgeSocketUrl, createBridgeClient, tokenFromSearch } from '../../../shared/protocol/bridge-client';
import { BRIDGE_CHANNELS, type BridgeRequest, type BridgeResponse, parseBridgeRequest } from '../../../shared/protocol/bridge-messages';
import {
  BRIDGE_METHOD_NAMES,
  type BridgeMethod,
  type BridgeMethods,
  type BridgeResult,
  forwardMethods,
  invokeMethod,
  MAX_WINDOW_POINTS,
} from '../../../shared/protocol/bridge-methods';
import type { RunConfig } from '../../../shared/protocol/run-config';
import type { SeriesKey } from '../../../shared/run/sample';

const config: RunConfig = { workload: 'steady-churn', params: { L: 5000 }, seed: '1', python: '3.12', sampleEvery: 1000 };
const query = { runId: 'run-1', series: ['arenas', 'arena_bytes'], from: 0, to: null, maxPoints: 800, axis: 'op' };

const valid: Record<string, unknown> = {
  versions: { id: 1, method: 'versions', params: {} },
  workloads: { id: 2, method: 'workloads', params: {} },
  runs: { id: 3, method: 'runs' },
  startRun: { id: 4, method: 'startRun', params: { config } },
  command: { id: 5, method: 'command', params: { runId: 'run-1', command: { type: 'step', ops: 100 } } },
  window: { id: 6, method: 'window', params: { query } },
  detail: { id: 7, method: 'detail', params: { runId: 'run-1', op: 12345 } },
  profileProgram: { id: 8, method: 'profileProgram', params: { request: { interpreter: 'python3', module: 'http.server', args: ['8000'], models: ['3.12'] } } },
};

describe('bridge requests', () => {
  it('has its channel names in one place', () => {
    expect(BRIDGE_CHANNELS).toEqual({ request: 'arenascope:request', event: 'arenascope:event' });
  });

  it.each(Object.entries(valid))('accepts a valid %s request', (method, request) => {
    const r = parseBridgeRequest(request);
    expect(r).toMatchObject({ ok: true, call: { method } });
  });

  it('decodes null bounds as ±Infinity and keeps the rest', async () => {
    const { host, calls } = recordingHost();
    const decoded = async (raw: unknown): Promise<unknown[]> => {
      const r = parseBridgeRequest(raw);
      if (!r.ok) throw new Error(r.error);
      await invokeMethod(host, r.call.method, r.call.params);
      return calls.at(-1)!.args;
    };
    expect(await decoded(valid['window'])).toEqual([{ ...query, to: Infinity }]);
    expect(await decoded({ id: 8, method: 'window', params: { query: { ...query, from: null } } })).toMatchObject([{ from: -Infinity, to: Infinity }]);
    expect(await decoded({ id: 9, method: 'detail', params: { runId: 'run-1', op: null } })).toEqual(['run-1', Infinity]);
    // Structured clone (Electron IPC) carries Infinity as it is.
    expect(await decoded({ id: 10, method: 'window', params: { query: { ...query, from: -Infinity, to: Infinity } } })).toMatchObject([
      { from: -Infinity, to: Infinity },
    ]);
  });

  const cases: [string, unknown, RegExp][] = [
    ['no id', { method: 'runs', params: {} }, /field id/],
    ['a negative id', { id: -1, method: 'runs', params: {} }, /field id/],
    ['an unknown method', { id: 1, method: 'launch', params: {} }, /field method/],
    ['params to a method without any', { id: 1, method: 'versions', params: { x: 1 } }, /params\.x|field params/],
    ['an unknown envelope field', { id: 1, method: 'runs', params: {}, extra: true }, /extra/],
    ['startRun without config', { id: 1, method: 'startRun', params: {} }, /field params\.config/],
    ['a config without seed', { id: 1, method: 'startRun', params: { config: { ...config, seed: undefined } } }, /field params\.config\.seed/],
    ['a config with a bad sampleEvery', { id: 1, method: 'startRun', params: { config: { ...config, sampleEvery: 0 } } }, /field params\.config\.sampleEvery/],
    ['a config with an unknown field', { id: 1, method: 'startRun', params: { config: { ...config, colour: 'red' } } }, /colour/],
    [
      'a config with NaN-ish params',
      { id: 1, method: 'startRun', params: { config: { ...config, params: { L: Infinity } } } },
      /field params\.config\.params\.L/,
    ],
    ['an unknown command', { id: 1, method: 'command', params: { runId: 'run-1', command: { type: 'explode' } } }, /field params\.command\.type/],
    ['a step of 0', { id: 1, method: 'command', params: { runId: 'run-1', command: { type: 'step', ops: 0 } } }, /field params\.command\.ops/],
    ['an empty run id', { id: 1, method: 'command', params: { runId: '', command: { type: 'stop' } } }, /field params\.runId/],
    ['an unknown series', { id: 1, method: 'window', params: { query: { ...query, series: ['arenas', 'bogus'] } } }, /field params\.query\.series\.1/],
    ['no series', { id: 1, method: 'window', params: { query: { ...query, series: [] } } }, /field params\.query\.series/],
    ['a series twice', { id: 1, method: 'window', params: { query: { ...query, series: ['op', 'op'] } } }, /field params\.query\.series/],
    ['maxPoints 0', { id: 1, method: 'window', params: { query: { ...query, maxPoints: 0 } } }, /field params\.query\.maxPoints/],
    ['maxPoints too big', { id: 1, method: 'window', params: { query: { ...query, maxPoints: MAX_WINDOW_POINTS + 1 } } }, /field params\.query\.maxPoints/],
    ['a fractional maxPoints', { id: 1, method: 'window', params: { query: { ...query, maxPoints: 1.5 } } }, /field params\.query\.maxPoints/],
    ['a NaN bound', { id: 1, method: 'window', params: { query: { ...query, from: NaN } } }, /field params\.query\.from/],
    ['a string bound', { id: 1, method: 'window', params: { query: { ...query, to: 'Infinity' } } }, /field params\.query\.to/],
    ['an unknown axis', { id: 1, method: 'window', params: { query: { ...query, axis: 'time' } } }, /field params\.query\.axis/],
    ['a detail without op', { id: 1, method: 'detail', params: { runId: 'run-1' } }, /field params\.op/],
  ];

  it.each(cases)('refuses %s, naming the field', (_what, request, field) => {
    const r = parseBridgeRequest(request);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(field);
  });

  it('keeps a readable id in the refusal, so the caller can match it', () => {
    expect(parseBridgeRequest({ id: 42, method: 'window', params: {} })).toMatchObject({ ok: false, id: 42 });
    expect(parseBridgeRequest({ id: 'x', method: 'runs' })).toMatchObject({ ok: false, id: null });
  });

  it('never throws, whatever arrives', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const r = parseBridgeRequest(raw);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        expect(() => parseBridgeRequest(raw)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on valid envelopes with random params, and accepts only well-formed ones', () => {
    const method = fc.constantFrom(...Object.keys(valid));
    fc.assert(
      fc.property(method, fc.nat(), fc.dictionary(fc.string(), fc.jsonValue()), (m, id, params) => {
        const r = parseBridgeRequest({ id, method: m, params });
        if (r.ok) expect(['versions', 'workloads', 'runs']).toContain(m);
      }),
      { numRuns: 2000 },
    );
  });
});

/** Valid results of every method, by the outlines of bridge-methods.ts. */
const RESULTS: { [M in BridgeMethod]: BridgeResult<M> } = {
  versions: [],
  workloads: [],
  interpreters: [],
  runs: [],
  startRun: { runId: 'run-1' },
  profileProgram: { runIds: ['run-1'], realRunId: 'run-2' },
  choosePath: '/usr/bin/python3',
  programConsoles: [{ runIds: ['run-1', 'run-2'], lines: [{ stream: 'stdout', text: 'hello' }], dropped: 0, figures: null }],
  command: undefined,
  window: { runId: 'run-1', axis: 'op', range: null, series: {}, phases: [] },
  detail: null,
  stateAt: { runId: 'run-1', op: 5, wallMs: 0, classes: { blockSize: [], usedPools: [], fullPools: [], blocks: [], availableBlocks: [] }, arenas: [] },
  pinsAt: {
    summary: {
      op: 0,
      arenaSize: 1 << 20,
      threshold: 0.1,
      arenas: 0,
      emptyArenas: 0,
      retainedBytes: 0,
      liveBlocks: 0,
      liveBytes: 0,
      pinnedArenas: 0,
      pinnedArenaBytes: 0,
      pinningBlocks: 0,
      pinningBytes: 0,
      pinningShare: 0,
    },
    arenas: [],
    origins: [],
  },
  export: { files: [], ms: 0 },
};

/** A host that records each call's arguments and answers with a valid result. */
function recordingHost(results: Partial<Record<BridgeMethod, unknown>> = {}): { host: BridgeMethods; calls: { method: BridgeMethod; args: unknown[] }[] } {
  const calls: { method: BridgeMethod; args: unknown[] }[] = [];
  const host = {} as Record<BridgeMethod, unknown>;
  for (const method of BRIDGE_METHOD_NAMES) {
    host[method] = (...args: unknown[]) => {
      calls.push({ method, args });
      return Promise.resolve(method in results ? results[method] : RESULTS[method]);
    };
  }
  return { host: host as BridgeMethods, calls };
}

describe('bridge client', () => {
  /** A transport through JSON, the host's parser and the method table, to a recording host. */
  function echo(results: Partial<Record<BridgeMethod, unknown>> = {}): {
    bridge: ReturnType<typeof createBridgeClient>;
    seen: BridgeRequest[];
    calls: { method: BridgeMethod; args: unknown[] }[];
    emit: (e: BridgeEvent) => void;
  } {
    const seen: BridgeRequest[] = [];
    const listeners = new Set<(e: BridgeEvent) => void>();
    const { host, calls } = recordingHost(results);
    const bridge = createBridgeClient(
      {
        request: async (request): Promise<BridgeResponse> => {
          const wire = JSON.parse(JSON.stringify(request)) as BridgeRequest;
          seen.push(wire);
          const r = parseBridgeRequest(wire);
          if (!r.ok) return { id: r.id, ok: false, error: r.error };
          const result = await invokeMethod(host, r.call.method, r.call.params);
          return { id: r.call.id, ok: true, result: JSON.parse(JSON.stringify(result ?? null)) as unknown };
        },
        subscribe: (l) => {
          listeners.add(l);
          return () => void listeners.delete(l);
        },
      },
      7,
    );
    return { bridge, seen, calls, emit: (e) => listeners.forEach((l) => l(e)) };
  }

  it('sends ±Infinity as null, which the host reads back as ±Infinity', async () => {
    const { bridge, seen, calls } = echo();
    await bridge.window({ runId: 'run-1', series: ['arenas'], from: -Infinity, to: Infinity, maxPoints: 10, axis: 'wall_ms' });
    expect(seen[0]).toMatchObject({ method: 'window', params: { query: { from: null, to: null } } });
    expect(calls[0]).toMatchObject({ method: 'window', args: [{ from: -Infinity, to: Infinity }] });
    await bridge.detail('run-1', Infinity);
    expect(calls[1]).toEqual({ method: 'detail', args: ['run-1', Infinity] });
    expect(bridge.protocolVersion).toBe(7);
  });

  it('has exactly the methods of the table, each reaching the host method of its name', async () => {
    const { bridge, calls } = echo();
    const methods = Object.keys(bridge).filter((k) => k !== 'protocolVersion' && k !== 'subscribe');
    expect(methods.sort()).toEqual([...BRIDGE_METHOD_NAMES].sort());
    await bridge.versions();
    await bridge.startRun(config);
    await bridge.command('run-1', { type: 'stop' });
    expect(calls).toEqual([
      { method: 'versions', args: [] },
      { method: 'startRun', args: [config] },
      { method: 'command', args: ['run-1', { type: 'stop' }] },
    ]);
  });

  it('refuses a result of the wrong outline, naming the method', async () => {
    const { bridge } = echo({ runs: { not: 'a list' }, startRun: { id: 3 } });
    await expect(bridge.runs()).rejects.toThrow(/answered runs with a malformed result/);
    await expect(bridge.startRun(config)).rejects.toThrow(/answered startRun with a malformed result: field runId/);
  });

  it('forwards every method, with overrides in place of some', async () => {
    const { host, calls } = recordingHost();
    const view = forwardMethods(host, { runs: () => Promise.resolve([]) });
    for (const name of BRIDGE_METHOD_NAMES) expect(typeof view[name]).toBe('function');
    await view.versions();
    await view.runs();
    expect(calls.map((c) => c.method)).toEqual(['versions']);
  });

  it('turns an error response into a rejection with the message', async () => {
    const { bridge } = echo();
    // A caller outside TypeScript's reach (the page's JavaScript, a socket client) can send any key.
    await expect(bridge.window({ runId: 'run-1', series: ['nope' as SeriesKey], from: 0, to: 1, maxPoints: 10, axis: 'op' })).rejects.toThrow(
      /field params\.query\.series\.0/,
    );
  });

  it('passes events to subscribers until they unsubscribe', () => {
    const { bridge, emit } = echo();
    const got: BridgeEvent[] = [];
    const off = bridge.subscribe((e) => got.push(e));
    emit({ type: 'menu', action: MENU_ACTIONS[0] });
    off();
    emit({ type: 'notice', level: 'info', message: 'x' });
    expect(got).toEqual([{ type: 'menu', action: 'new-run' }]);
  });

  it('finds the token in the page URL and builds the socket URL from it', () => {
    expect(tokenFromSearch('?a=1&token=abc%2Bd')).toBe('abc+d');
    expect(tokenFromSearch('')).toBeNull();
    expect(bridgeSocketUrl({ protocol: 'http:', host: '127.0.0.1:4000', search: '?token=t0k' })).toBe('ws://127.0.0.1:4000/bridge?token=t0k');
    expect(bridgeSocketUrl({ protocol: 'https:', host: 'h', search: '?token=a b' })).toBe('wss://h/bridge?token=a%20b');
    expect(bridgeSocketUrl({ protocol: 'http:', host: 'h', search: '' })).toBeNull();
  });
});
