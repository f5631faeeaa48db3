// Profiling a program through `serve --allow-programs` over the WebSocket: a browser's request is
// held to the connection's live runs like startRun (a program's runs are the connection's own),
// and the program's output reaches the connection as `output` events.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppHost } from '../../../electron/host/app-host';
import { servePolicy } from '../../../electron/host/policy/capabilities';
import { NodeLauncher } from '../../../electron/host/workers/node-launcher';
import { type RunningServer, startServer } from '../../../electron/serve/server';
import { pythonsWithAgent } from '../../support/pythons';
import { PROGRAMS } from '../node/record/record-harness';
import { waitFor } from '../wait';
import { SocketClient } from './socket-client';

const pythons = pythonsWithAgent([3, 8], 'profiling a program through serve');
const python = pythons.find((p) => p.line[0] === 3 && p.line[1] === 11) ?? pythons.at(-1);

describe.runIf(python !== undefined)('profileProgram over the WebSocket', () => {
  let root: string;
  let server: RunningServer;
  let host: AppHost;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'arenascope-serve-program-'));
    mkdirSync(join(root, 'renderer'));
    writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>Arenascope</title>');
    const policy = await servePolicy({ allowPrograms: true });
    host = new AppHost({ launcher: new NodeLauncher({ onStderrLine: () => undefined }), log: () => undefined, graceMs: 1000, policy });
    server = await startServer({
      port: 0,
      rendererDir: join(root, 'renderer'),
      appHost: host,
      log: () => undefined,
      capabilities: policy.capabilities,
      limits: { runsPerConnection: 2 },
    });
  });
  afterAll(async () => {
    await server?.close();
    await host?.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it("starts a discovered interpreter's program, streams its output, and counts its runs against --max-runs", async () => {
    const c = new SocketClient(server);
    await c.hello();
    const answer = await c.request('profileProgram', { request: { interpreter: python!.path, script: 'wait_for_sigint.py', cwd: PROGRAMS } });
    expect(answer.ok).toBe(true);
    const started = (answer as { result: { runIds: string[]; realRunId: string } }).result;
    expect(started.runIds).toHaveLength(1);
    await waitFor('its output', () => c.events('output').some((e) => (e['lines'] as string[]).includes('ready')), 60_000);
    expect(c.events('output')[0]!['runIds']).toEqual([...started.runIds, started.realRunId]);
    // Its two runs are this connection's two live runs: no more, of either kind.
    expect(await c.request('profileProgram', { request: { interpreter: python!.path, script: 'wait_for_sigint.py', cwd: PROGRAMS } })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^limit: at most 2 live runs per connection/),
    });
    expect(await c.request('startRun', { config: { workload: 'steady-churn', params: {}, seed: '1', python: '3.11', sampleEvery: 1000 } })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^limit: at most 2 live runs per connection/),
    });
    expect((await c.request('command', { runId: started.realRunId, command: { type: 'stop' } })).ok).toBe(true);
    const ended = (id: string) =>
      c.events('run').some((e) => (e['run'] as { runId: string; state: string }).runId === id && (e['run'] as { state: string }).state === 'stopped');
    await waitFor('both runs to stop', () => ended(started.runIds[0]!) && ended(started.realRunId), 60_000);

    // A page that connects after the output was written is given it: the console it shows is the first page's.
    const late = new SocketClient(server);
    await late.hello();
    const consoles = await late.request('programConsoles', {});
    expect(consoles.ok).toBe(true);
    const mine = (consoles as { result: { runIds: string[]; lines: { stream: string; text: string }[]; dropped: number; figures: unknown }[] }).result.find(
      (p) => p.runIds.includes(started.realRunId),
    )!;
    expect(mine.runIds).toEqual([...started.runIds, started.realRunId]);
    const seen = c.events('output').flatMap((e) => (e['lines'] as string[]).map((text) => ({ stream: e['stream'], text })));
    expect(mine.lines).toEqual(seen);
    expect(mine.lines.map((l) => l.text)).toContain('ready');
    expect(mine.dropped).toBe(0);
    expect(mine.figures).toMatchObject({ rssPeakBytes: expect.any(Number) });
    // Its runs removed, the program leaves the consoles too.
    for (const id of [...started.runIds, started.realRunId]) expect((await c.request('command', { runId: id, command: { type: 'remove' } })).ok).toBe(true);
    const after = (await late.request('programConsoles', {})) as { result: { runIds: string[] }[] };
    expect(after.result.some((p) => p.runIds.includes(started.realRunId))).toBe(false);
    late.close();
    c.close();
  }, 120_000);
});
