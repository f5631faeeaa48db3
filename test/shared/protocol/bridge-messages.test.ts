// The bridge envelope: every method's params accepted when right and refused, naming the field,
// when wrong; nothing thrown whatever arrives; ±Infinity carried as null.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BridgeEvent, MENU_ACTIONS } from '../../../shared/protocol/bridge';
import { bridgeSocketUrl, createBridgeClient, tokenFromSearch } from '../../../shared/protocol/bridge-client';
import { BRIDGE_CHANNELS, type BridgeRequest, type BridgeResponse, MAX_WINDOW_POINTS, parseBridgeRequest } from '../../../shared/protocol/bridge-messages';
import type { RunConfig } from '../../../shared/protocol/run-config';

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
};

describe('bridge requests', () => {
  it('has its channel names in one place', () => {
    expect(BRIDGE_CHANNELS).toEqual({ request: 'arenascope:request', event: 'arenascope:event' });
  });

  it.each(Object.entries(valid))('accepts a valid %s request', (method, request) => {
    const r = parseBridgeRequest(request);
    expect(r).toMatchObject({ ok: true, call: { method } });
  });

  it('decodes null bounds as ±Infinity and keeps the rest', () => {
    expect(parseBridgeRequest(valid['window'])).toEqual({ ok: true, call: { id: 6, method: 'window', query: { ...query, to: Infinity } } });
    expect(parseBridgeRequest({ id: 8, method: 'window', params: { query: { ...query, from: null } } })).toMatchObject({ ok: true, call: { query: { from: -Infinity, to: Infinity } } });
    expect(parseBridgeRequest({ id: 9, method: 'detail', params: { runId: 'run-1', op: null } })).toMatchObject({ ok: true, call: { op: Infinity } });
    // Structured clone (Electron IPC) carries Infinity as it is.
    expect(parseBridgeRequest({ id: 10, method: 'window', params: { query: { ...query, from: -Infinity, to: Infinity } } })).toMatchObject({ ok: true });
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
    ['a config with NaN-ish params', { id: 1, method: 'startRun', params: { config: { ...config, params: { L: Infinity } } } }, /field params\.config\.params\.L/],
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

describe('bridge client', () => {
  /** A transport that goes through JSON and the host's parser, answering with the call it decoded. */
  function echo(): { bridge: ReturnType<typeof createBridgeClient>; seen: BridgeRequest[]; emit: (e: BridgeEvent) => void } {
    const seen: BridgeRequest[] = [];
    const listeners = new Set<(e: BridgeEvent) => void>();
    const bridge = createBridgeClient(
      {
        request: async (request): Promise<BridgeResponse> => {
          const wire = JSON.parse(JSON.stringify(request)) as BridgeRequest;
          seen.push(wire);
          const r = parseBridgeRequest(wire);
          return r.ok ? { id: r.call.id, ok: true, result: r.call } : { id: r.id, ok: false, error: r.error };
        },
        subscribe: (l) => {
          listeners.add(l);
          return () => void listeners.delete(l);
        },
      },
      7,
    );
    return { bridge, seen, emit: (e) => listeners.forEach((l) => l(e)) };
  }

  it('sends ±Infinity as null, which the host reads back as ±Infinity', async () => {
    const { bridge, seen } = echo();
    const call = (await bridge.window({ runId: 'run-1', series: ['arenas'], from: -Infinity, to: Infinity, maxPoints: 10, axis: 'wall_ms' })) as unknown;
    expect(seen[0]).toMatchObject({ method: 'window', params: { query: { from: null, to: null } } });
    expect(call).toMatchObject({ query: { from: -Infinity, to: Infinity } });
    expect(await bridge.detail('run-1', Infinity)).toMatchObject({ op: Infinity });
    expect(bridge.protocolVersion).toBe(7);
  });

  it('turns an error response into a rejection with the message', async () => {
    const { bridge } = echo();
    await expect(bridge.window({ runId: 'run-1', series: ['nope'], from: 0, to: 1, maxPoints: 10, axis: 'op' })).rejects.toThrow(/field params\.query\.series\.0/);
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
