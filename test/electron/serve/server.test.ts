// The browser server over real sockets: the page and its files behind the token, no way out of the
// renderer folder, the WebSocket bridge refusing bad tokens and bad envelopes, and a whole run
// driven through it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { AppHost } from '../../../electron/host/app-host';
import { NodeLauncher } from '../../../electron/host/workers/node-launcher';
import { RENDERER_CSP } from '../../../electron/serve/security-headers';
import { type RunningServer, startServer } from '../../../electron/serve/server';
import { type Bridge, type BridgeEvent, PROTOCOL_VERSION } from '../../../shared/protocol/bridge';
import { CLOSE_UNAUTHORISED } from '../../../shared/protocol/bridge-messages';
import { waitFor } from '../wait';
import { connectNodeBridge } from './node-bridge';

let root: string;
let server: RunningServer;
let host: AppHost;
let base: string;
const logs: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'arenascope-serve-'));
  const renderer = join(root, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Arenascope</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1);');
  writeFileSync(join(root, 'secret.txt'), 'do not serve me');
  host = new AppHost({ launcher: new NodeLauncher({ onStderrLine: () => undefined }), log: (l) => logs.push(l), graceMs: 1000 });
  server = await startServer({ port: 0, rendererDir: renderer, appHost: host, log: (l) => logs.push(l) });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await host?.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** A raw GET, so that paths reach the server exactly as written (fetch would normalise `..`). */
function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function open(path: string, options: { origin?: string } = {}): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${server.port}${path}`, options.origin ? { origin: options.origin } : {});
}

async function connect(): Promise<{ bridge: Bridge & { close(): void }; ws: WebSocket }> {
  const { bridge, socket } = await connectNodeBridge(`ws://127.0.0.1:${server.port}/bridge?token=${server.token}`);
  return { bridge, ws: socket };
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

describe('browser server', () => {
  it('prints a loopback URL with a random token and answers /health without it', async () => {
    expect(server.url).toBe(`${base}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const health = await get('/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
  });

  it('serves the page only with the token, then its files by the cookie it set', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
    const page = await get(`/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(`${RENDERER_CSP}; frame-ancestors 'none'`);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain('<title>Arenascope</title>');
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toBe(`arenascope-token-${server.port}=${server.token}`);
    const script = await get('/assets/app.js', { cookie });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/missing.js', { cookie })).status).toBe(404);
    expect((await get('/assets', { cookie })).status).toBe(404);
  });

  it("sends the renderer's own Content-Security-Policy", () => {
    const html = readFileSync(fileURLToPath(new URL('../../../renderer/index.html', import.meta.url)), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(RENDERER_CSP);
  });

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%5csecret.txt', '/..\\secret.txt', '/%00'])(
    'refuses to leave the renderer folder: %s',
    async (path) => {
      const sep = path.includes('?') ? '&' : '?';
      const res = await get(`${path}${sep}token=${server.token}`);
      expect([400, 404]).toContain(res.status);
      expect(res.body).not.toContain('do not serve me');
    },
  );

  it('refuses a WebSocket with a wrong token (401), from another origin (403), or on another path', async () => {
    const statuses = await Promise.all(
      [open('/bridge?token=nope'), open(`/bridge?token=${server.token}`, { origin: 'http://evil.example' }), open(`/other?token=${server.token}`)].map(
        (ws) => new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!))),
      ),
    );
    expect(statuses).toEqual([401, 403, 404]);
  });

  it('takes the token as the first message instead, and closes on a wrong one with the reason', async () => {
    const bad = open('/bridge');
    await new Promise((resolve) => bad.on('open', resolve));
    bad.send(JSON.stringify({ token: 'wrong' }));
    expect(await closed(bad)).toEqual({ code: CLOSE_UNAUTHORISED, reason: 'wrong or missing access token' });

    const good = open('/bridge');
    await new Promise((resolve) => good.on('open', resolve));
    const hello = new Promise((resolve) => good.once('message', (data) => resolve(JSON.parse(data.toString()))));
    good.send(JSON.stringify({ token: server.token }));
    expect(await hello).toEqual({
      hello: { protocolVersion: PROTOCOL_VERSION, capabilities: { files: 'none', fileRoots: [], programs: false, uploads: null } },
    });
    good.close();
  });

  it('answers malformed envelopes with errors naming the field, and keeps working', async () => {
    const { bridge, ws } = await connect();
    const replies: unknown[] = [];
    ws.on('message', (data) => replies.push(JSON.parse(data.toString())));
    ws.send('not json');
    ws.send(JSON.stringify({ id: 5, method: 'window', params: {} }));
    ws.send(JSON.stringify({ id: 6, method: 'startRun', params: { config: { workload: 'x' } } }));
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await waitFor('four replies', () => replies.length >= 4);
    // Responses are matched by id, not by order: the refusals of unreadable messages come first.
    expect(replies).toHaveLength(4);
    expect(replies).toEqual(
      expect.arrayContaining([
        { id: null, ok: false, error: 'malformed request: not JSON' },
        { id: 5, ok: false, error: expect.stringMatching(/^malformed request: field params\.query/) },
        { id: 6, ok: false, error: expect.stringMatching(/^malformed request: field params\.config\.\w+/) },
        { id: null, ok: false, error: expect.stringMatching(/binary/) },
      ]),
    );
    expect(logs.some((l) => l.includes('refused a bridge request'))).toBe(true);
    expect(await bridge.runs()).toEqual([]);
    await expect(bridge.startRun({ workload: 'steady-churn', params: {}, seed: '1', python: '9.9', sampleEvery: 10 })).rejects.toThrow(
      /python: unknown CPython version/,
    );
    bridge.close();
  });

  it('drives a whole run over the socket: startRun, events, window, detail', async () => {
    const { bridge } = await connect();
    expect(bridge.protocolVersion).toBe(PROTOCOL_VERSION);
    expect((await bridge.versions()).length).toBe(6);
    expect((await bridge.workloads()).length).toBe(16);
    const events: BridgeEvent[] = [];
    bridge.subscribe((e) => events.push(e));
    const { runId } = await bridge.startRun({ workload: 'seed-16b-fill-free', params: { N: 20_000 }, seed: '1', python: '3.12', sampleEvery: 1000 });
    await waitFor('the run to finish', () => events.some((e) => e.type === 'run' && e.run.runId === runId && e.run.state === 'done'), 30_000);
    expect(events.some((e) => e.type === 'runs')).toBe(true);
    expect(events.some((e) => e.type === 'samples' && e.runId === runId)).toBe(true);
    expect(events.some((e) => e.type === 'phase' && e.runId === runId)).toBe(true);
    const w = await bridge.window({ runId, series: ['arenas', 'arena_bytes'], from: -Infinity, to: Infinity, maxPoints: 500, axis: 'op' });
    expect(w.range).toEqual([0, 40_000]);
    expect(w.series['arenas']!.x.length).toBe(41);
    const detail = await bridge.detail(runId, Infinity);
    expect(detail!.op).toBe(40_000);
    expect(detail!.arenas.length).toBe(w.series['arenas']!.max.at(-1));
    await bridge.command(runId, { type: 'remove' });
    expect(await bridge.runs()).toEqual([]);
    bridge.close();
  });
});
