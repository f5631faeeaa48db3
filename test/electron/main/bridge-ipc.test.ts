// Main's IPC handler without Electron: a stand-in for ipcMain that records the handler, and a
// host that records what reaches it. Only valid requests from our window's page get through.
import type { IpcMain } from 'electron';
import { describe, expect, it } from 'vitest';
import { registerBridgeIpc } from '../../../electron/main/bridge-ipc';
import type { Bridge } from '../../../shared/protocol/bridge';
import { BRIDGE_CHANNELS } from '../../../shared/protocol/bridge-messages';

function setUp() {
  const handlers = new Map<string, (event: unknown, raw: unknown) => Promise<unknown>>();
  const ipcMain = {
    handle: (channel: string, fn: (event: unknown, raw: unknown) => Promise<unknown>) => handlers.set(channel, fn),
    removeHandler: (c: string) => handlers.delete(c),
  };
  const reached: string[] = [];
  const host = {
    protocolVersion: 3,
    versions: async () => (reached.push('versions'), []),
    workloads: async () => [],
    runs: async () => (reached.push('runs'), []),
    startRun: async () => ({ runId: 'run-1' }),
    command: async () => undefined,
    window: async (q: unknown) => (reached.push('window'), q),
    detail: async () => null,
    subscribe: () => () => undefined,
  } as unknown as Bridge;
  const logs: string[] = [];
  const off = registerBridgeIpc(
    ipcMain as unknown as IpcMain,
    host,
    () => ({ webContentsId: 1, appUrl: 'file:///app/index.html' }),
    (l) => logs.push(l),
  );
  const invoke = (event: unknown, raw: unknown) => handlers.get(BRIDGE_CHANNELS.request)!(event, raw);
  return { invoke, reached, logs, off, handlers };
}

const ours = { sender: { id: 1 }, senderFrame: { url: 'file:///app/index.html', parent: null } };

describe('bridge IPC handler', () => {
  it('answers valid requests from our page', async () => {
    const { invoke, reached } = setUp();
    expect(await invoke(ours, { id: 1, method: 'runs', params: {} })).toEqual({ id: 1, ok: true, result: [] });
    expect(
      await invoke(ours, { id: 2, method: 'window', params: { query: { runId: 'r', series: ['op'], from: null, to: 5, maxPoints: 2, axis: 'op' } } }),
    ).toMatchObject({
      id: 2,
      ok: true,
      result: { from: -Infinity, to: 5 },
    });
    expect(reached).toEqual(['runs', 'window']);
  });

  it('refuses other senders and malformed payloads without reaching the host', async () => {
    const { invoke, reached, logs } = setUp();
    const iframe = { ...ours, senderFrame: { url: 'file:///app/index.html', parent: {} } };
    expect(await invoke(iframe, { id: 1, method: 'runs', params: {} })).toEqual({ id: null, ok: false, error: 'refused: not the application window' });
    expect(await invoke({ ...ours, sender: { id: 2 } }, { id: 1, method: 'runs' })).toMatchObject({ ok: false });
    expect(await invoke(ours, { id: 3, method: 'window', params: { query: { runId: 'r' } } })).toMatchObject({
      id: 3,
      ok: false,
      error: expect.stringMatching(/field params\.query\.series/),
    });
    expect(reached).toEqual([]);
    expect(logs).toHaveLength(3);
  });

  it('removes its handler', () => {
    const { off, handlers } = setUp();
    off();
    expect(handlers.size).toBe(0);
  });
});
