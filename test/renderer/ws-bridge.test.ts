import { describe, expect, it } from 'vitest';
import { connectWsBridge } from '../../renderer/src/bridge/ws-bridge';
import type { SocketLike, Timers, WsBridge } from '../../renderer/src/bridge/ws-bridge';
import type { BridgeEvent } from '../../shared/protocol/bridge';
import { CLOSE_UNAUTHORISED } from '../../shared/protocol/bridge-messages';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.drop();
  }
  /** Opens and says hello, as serve does once the token is accepted. */
  accept(protocolVersion = 2): void {
    this.readyState = 1;
    this.onopen?.({});
    this.receive({ hello: { protocolVersion } });
  }
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  receive(msg: unknown): void {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }
}

function setup(extra: { probe?: () => Promise<'ok' | 'unauthorised' | 'unreachable'> } = {}) {
  const links: string[] = [];
  const cleared: number[] = [];
  const sockets: FakeSocket[] = [];
  const delays: number[] = [];
  const due: (() => void)[] = [];
  const timers: Timers = {
    set(fn, ms) {
      delays.push(ms);
      due.push(fn);
      return due.length;
    },
    clear(handle) {
      cleared.push(handle as number);
    },
  };
  const connecting = connectWsBridge({
    url: 'ws://h/bridge?token=t',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    timers,
    retryMs: 100,
    maxRetryMs: 400,
    onLink: (state) => links.push(state),
    ...extra,
  });
  return { connecting, sockets, delays, due, links, cleared, last: () => sockets.at(-1)! };
}

async function connected(extra: Parameters<typeof setup>[0] = {}) {
  const t = setup(extra);
  t.last().accept();
  const bridge: WsBridge = await t.connecting;
  const events: BridgeEvent[] = [];
  bridge.subscribe((e) => events.push(e));
  return { ...t, bridge, events };
}

/** Lets promise callbacks run. */
const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('ws bridge', () => {
  it('resolves on hello with the announced protocol version', async () => {
    const t = setup();
    expect(t.last().url).toBe('ws://h/bridge?token=t');
    t.last().accept(7);
    const bridge = await t.connecting;
    expect(bridge.protocolVersion).toBe(7);
    expect(bridge.status).toBe('open');
  });

  it("takes the server's capabilities from its hello, and assumes the least when it gives none", async () => {
    const t = setup();
    t.last().receive({ hello: { protocolVersion: 7, capabilities: { files: 'confined', fileRoots: ['/srv'], programs: false } } });
    expect((await t.connecting).capabilities).toEqual({ files: 'confined', fileRoots: ['/srv'], programs: false, uploads: null });
    const u = setup();
    u.last().accept(7);
    expect((await u.connecting).capabilities).toEqual({ files: 'none', fileRoots: [], programs: false, uploads: null });
  });

  it('rejects with the reason when refused before hello', async () => {
    const t = setup();
    t.last().drop(CLOSE_UNAUTHORISED, 'wrong or missing access token');
    await expect(t.connecting).rejects.toThrow('the host closed the connection: wrong or missing access token');
    expect(t.due).toHaveLength(0);
  });

  it('sends requests in the shared envelope and resolves them by id', async () => {
    const { bridge, last } = await connected();
    const versions = bridge.versions();
    const win = bridge.window({ runId: 'r', series: ['arena_bytes'], from: -Infinity, to: Infinity, maxPoints: 800, axis: 'op' });
    expect(last().sent).toEqual([
      { id: 1, method: 'versions', params: {} },
      // JSON has no Infinity: open ends travel as null.
      { id: 2, method: 'window', params: { query: { runId: 'r', series: ['arena_bytes'], from: null, to: null, maxPoints: 800, axis: 'op' } } },
    ]);
    const window = { runId: 'r', axis: 'op', range: null, series: {}, phases: [] };
    last().receive({ id: 2, ok: true, result: window });
    last().receive({ id: 1, ok: true, result: [{ family: '3.13', examples: ['3.13'] }] });
    await expect(versions).resolves.toEqual([{ family: '3.13', examples: ['3.13'] }]);
    await expect(win).resolves.toEqual(window);
  });

  it('rejects with the host error', async () => {
    const { bridge, last } = await connected();
    const a = bridge.startRun({ workload: 'x', params: {}, seed: '1', python: '3.12', sampleEvery: 1 });
    expect(last().sent).toEqual([{ id: 1, method: 'startRun', params: { config: { workload: 'x', params: {}, seed: '1', python: '3.12', sampleEvery: 1 } } }]);
    last().receive({ id: 1, ok: false, error: "parameter 'count' = 0: out of range" });
    await expect(a).rejects.toThrow("parameter 'count' = 0: out of range");
  });

  it('delivers events and reports unreadable messages as notices', async () => {
    const { last, events } = await connected();
    last().receive({ event: { type: 'samples', runId: 'run-1', samples: 3, lastOp: 30 } });
    last().receive('not json');
    last().receive({ what: 1 });
    last().receive({ id: null, ok: false, error: 'malformed request: not JSON' });
    expect(events[0]).toEqual({ type: 'samples', runId: 'run-1', samples: 3, lastOp: 30 });
    expect(events.slice(1).map((e) => e.type)).toEqual(['notice', 'notice', 'notice']);
    expect(events[3]).toMatchObject({ message: 'The host refused a request: malformed request: not JSON' });
  });

  it('fails pending requests on a drop, refuses while away, reconnects with growing delays', async () => {
    const { bridge, sockets, delays, due, events, last } = await connected();
    const pending = bridge.runs();
    last().drop();
    await expect(pending).rejects.toThrow('the connection to the host was lost');
    expect(events.at(-1)).toMatchObject({ type: 'notice', level: 'error' });
    expect(bridge.status).toBe('closed');
    await expect(bridge.versions()).rejects.toThrow('not connected to the host (reconnecting…)');
    // Each failed attempt doubles the delay, capped at maxRetryMs; only the first drop is announced.
    for (let i = 0; i < 3; i++) {
      due.shift()!();
      last().drop();
    }
    expect(delays).toEqual([100, 200, 400, 400]);
    expect(sockets).toHaveLength(4);
    expect(events.filter((e) => e.type === 'notice')).toHaveLength(1);
    // The reconnect is announced and re-reads the runs list for every view.
    due.shift()!();
    last().accept();
    expect(bridge.status).toBe('open');
    expect(last().sent).toEqual([{ id: 3, method: 'runs', params: {} }]);
    last().receive({ id: 3, ok: true, result: [] });
    await flush();
    expect(events.slice(-2)).toEqual([
      { type: 'notice', level: 'info', message: 'Reconnected to the host.' },
      { type: 'runs', runs: [] },
    ]);
  });

  it('gives up on an unauthorised close after connecting', async () => {
    const { due, events, last } = await connected();
    last().drop(CLOSE_UNAUTHORISED, 'token revoked');
    expect(due).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({ level: 'error' });
  });

  it('reports the link: reconnecting on the drop, lost after repeated failures, connected again on hello', async () => {
    const { due, links, last } = await connected();
    expect(links).toEqual([]);
    last().drop();
    expect(links.at(-1)).toBe('reconnecting');
    for (let i = 0; i < 3; i++) {
      due.shift()!();
      last().drop();
    }
    expect(links.at(-1)).toBe('lost');
    due.shift()!();
    last().accept();
    expect(links).toEqual(['reconnecting', 'lost', 'connected']);
  });

  it('stops retrying and says the token is rejected when the server refuses the page after a restart', async () => {
    let answer: 'unreachable' | 'unauthorised' = 'unreachable';
    const { due, events, links, cleared, delays, last } = await connected({ probe: () => Promise.resolve(answer) });
    last().drop();
    due.shift()!();
    last().drop(); // the server is down: the probe cannot reach it, retrying goes on
    await flush();
    expect(due).toHaveLength(1);
    answer = 'unauthorised'; // back, with a new token
    due.shift()!();
    last().drop();
    await flush();
    expect(links.at(-1)).toBe('token-rejected');
    expect(events.at(-1)).toMatchObject({ level: 'error', message: expect.stringContaining('open the new URL it printed') });
    // The retry the last failure scheduled was cancelled; nothing else is scheduled.
    expect(cleared).toHaveLength(1);
    expect(delays).toHaveLength(3);
  });

  it('stops for good when closed', async () => {
    const { bridge, due } = await connected();
    const pending = bridge.versions();
    bridge.close();
    await expect(pending).rejects.toThrow('the bridge was closed');
    expect(due).toHaveLength(0);
    await expect(bridge.runs()).rejects.toThrow('the bridge is closed');
  });
});
