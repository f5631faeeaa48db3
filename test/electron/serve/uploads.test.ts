// Uploads from a browser of serve, as a client (possibly hostile) sends them over the WebSocket: a
// trace uploaded and replayed, a session uploaded and opened, the session downloaded; and every
// way to misuse them refused with a clear error that quotes nothing of the file: over the limit,
// out of order, malformed, naming a path, reaching another connection's uploads. A connection's
// uploads are gone once it closes.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { ServeLimits } from '../../../electron/serve/limits';
import { SESSION_DOWNLOAD_PATH } from '../../../shared/protocol/bridge-messages';
import { waitFor } from '../wait';
import { type Served, serveInProcess } from './in-process';
import { type Answer, SocketClient } from './socket-client';

const CANARY = `CANARY-${randomBytes(12).toString('hex')}`;
const received: string[] = [];
const sockets: WebSocket[] = [];
let root: string;
let served: Served;

const LIMITS: Partial<ServeLimits> = {
  messageBytes: 64 * 1024,
  uploadBytes: 256 * 1024,
  uploadsPerConnection: 3,
  requestsPerSecond: 1000,
  requestBurst: 2000,
  connections: 32,
};
const GOOD = 'a 1 8\na 2 16\nc half\nf 1\nf 2\n';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'arenascope-uploads-test-'));
  writeFileSync(join(root, 'server-file.pymtrace'), GOOD);
  served = await serveInProcess(root, { limits: LIMITS, uploads: true });
});

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await served?.server.close();
  await served?.host.dispose();
  rmSync(root, { recursive: true, force: true });
});

afterEach(() => {
  expect(received.filter((m) => m.includes(CANARY))).toEqual([]);
});

/** A client of the suite's server (its messages checked for the canary), with an upload in chunks. */
class Client extends SocketClient {
  constructor() {
    super(served.server, { received, sockets });
  }

  async uploadLimits(): Promise<{ maxBytes: number; chunkBytes: number } | null> {
    return ((await this.hello()).capabilities as { uploads: { maxBytes: number; chunkBytes: number } | null }).uploads;
  }

  /** A run's state as this client's last `run` event for it said. */
  runState(runId: string): string | undefined {
    return this.events('run')
      .map((e) => e['run'] as { runId: string; state: string })
      .filter((r) => r.runId === runId)
      .at(-1)?.state;
  }

  /** Begin, chunks of `chunk` bytes, end: the last answer. */
  async upload(kind: 'trace' | 'session', name: string, bytes: Buffer, chunk = 16 * 1024): Promise<Answer> {
    const begun = await this.request('uploadBegin', { kind, name, bytes: bytes.length });
    if (!begun.ok) return begun;
    const { uploadId } = begun.result as { uploadId: string };
    for (let offset = 0; offset < bytes.length; offset += chunk) {
      const a = await this.request('uploadChunk', { uploadId, offset, data: bytes.subarray(offset, offset + chunk).toString('base64') });
      if (!a.ok) return a;
    }
    return this.request('uploadEnd', { uploadId });
  }
}

const ok = (a: Answer): unknown => {
  if (!a.ok) throw new Error(`expected success, got: ${a.error}`);
  return a.result;
};
const err = (a: Answer): string => {
  expect(a.ok).toBe(false);
  return a.ok ? '' : a.error;
};
const uploadDirs = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith('arenascope-uploads-') && !d.startsWith('arenascope-uploads-test-'));

describe('uploads over the WebSocket', () => {
  it('tells the page its upload limits in the hello', async () => {
    const c = new Client();
    expect(await c.uploadLimits()).toEqual({ maxBytes: 256 * 1024, chunkBytes: expect.any(Number) });
    const { chunkBytes } = (await c.uploadLimits())!;
    // A chunk in base64, in its envelope, fits the message limit.
    expect(Math.ceil(chunkBytes / 3) * 4 + 200).toBeLessThan(64 * 1024);
  });

  it('replays an uploaded trace (plain and gzip) by its upload id, keeping the reference, not a path, in the run', async () => {
    const c = new Client();
    await c.hello();
    for (const [name, bytes] of [
      ['mine.pymtrace', Buffer.from(GOOD)],
      ['mine.pymtrace.gz', gzipSync(GOOD)],
    ] as const) {
      const trace = ok(await c.upload('trace', name, bytes)) as { uploadId: string; ops: number };
      // Four a/f lines and one checkpoint; the run counts the four operations.
      expect(trace.ops).toBe(5);
      const { runId } = ok(
        await c.request('startRun', {
          config: { workload: 'trace-replay', params: { path: `upload:${trace.uploadId}` }, seed: '1', python: '3.11', sampleEvery: 1 },
        }),
      ) as { runId: string };
      await waitFor('the replay to finish', () => ['done', 'failed'].includes(c.runState(runId) ?? ''), 60_000);
      const run = (ok(await c.request('runs', {})) as { runId: string; state: string; ops: number; config: { params: { path: string } } }[]).find(
        (r) => r.runId === runId,
      )!;
      expect(run).toMatchObject({ state: 'done', ops: 4, config: { params: { path: `upload:${trace.uploadId}` } } });
    }
  });

  it('refuses a malformed trace with its name, line and what was expected, quoting none of it, and drops it', async () => {
    const c = new Client();
    await c.hello();
    const message = err(await c.upload('trace', 'bad.pymtrace', Buffer.from(`a 1 8\n${CANARY} 1 2\n`)));
    expect(message).toMatch(/^upload 'bad\.pymtrace' is not a valid trace: bad\.pymtrace:2: .+; upload dropped$/);
    expect(message).not.toContain(tmpdir());
  });

  it('refuses an upload over the size limit before any byte is written, naming the option', async () => {
    const c = new Client();
    await c.hello();
    expect(err(await c.request('uploadBegin', { kind: 'trace', name: 'huge.pymtrace', bytes: 10 * 2 ** 20 }))).toBe(
      `limit: upload 'huge.pymtrace' is ${10 * 2 ** 20} bytes, over the ${256 * 1024}-byte limit (serve --max-upload)`,
    );
  });

  it('refuses chunks out of order, more bytes than announced, an early end, and too many uploads', async () => {
    const c = new Client();
    await c.hello();
    const { uploadId } = ok(await c.request('uploadBegin', { kind: 'trace', name: 't.pymtrace', bytes: 10 })) as { uploadId: string };
    expect(err(await c.request('uploadChunk', { uploadId, offset: 4, data: Buffer.from('abcd').toString('base64') }))).toBe(
      "upload 't.pymtrace': chunk at byte 4, expected byte 0 (send chunks in order)",
    );
    expect(err(await c.request('uploadEnd', { uploadId }))).toBe("upload 't.pymtrace': 0 of 10 bytes received; send the rest first");
    expect(err(await c.request('uploadChunk', { uploadId, offset: 0, data: Buffer.from('0123456789AB').toString('base64') }))).toBe(
      "upload 't.pymtrace': more bytes than the 10 announced; upload dropped",
    );
    expect(err(await c.request('uploadEnd', { uploadId }))).toBe(`no upload '${uploadId}' on this connection`);
    for (let i = 0; i < 3; i++) ok(await c.request('uploadBegin', { kind: 'trace', name: `n${i}`, bytes: 5 }));
    expect(err(await c.request('uploadBegin', { kind: 'trace', name: 'one-more', bytes: 5 }))).toBe(
      'limit: at most 3 uploads per connection (reload the page to start afresh)',
    );
  });

  it('refuses malformed upload requests naming the field', async () => {
    const c = new Client();
    await c.hello();
    expect(err(await c.request('uploadBegin', { kind: 'binary', name: 'x', bytes: 5 }))).toMatch(
      /^malformed request: field params\.kind: expected kind "trace" or "session"/,
    );
    expect(err(await c.request('uploadBegin', { kind: 'trace', name: 'x', bytes: 0 }))).toMatch(/^malformed request: field params\.bytes: an empty file/);
    expect(err(await c.request('uploadChunk', { uploadId: '../../etc/passwd', offset: 0, data: 'AA==' }))).toMatch(
      /^malformed request: field params\.uploadId: expected an upload id/,
    );
    expect(err(await c.request('uploadBegin', { kind: 'trace', name: 'x', bytes: 5, path: '/etc/passwd' }))).toMatch(/^malformed request: .*path/);
  });

  it("cannot name a server path with an upload reference, nor reach another connection's upload", async () => {
    const a = new Client();
    const b = new Client();
    await a.hello();
    await b.hello();
    const trace = ok(await a.upload('trace', 'a.pymtrace', Buffer.from(GOOD))) as { uploadId: string };
    const start = (c: Client, path: string): Promise<Answer> =>
      c.request('startRun', { config: { workload: 'trace-replay', params: { path }, seed: '1', python: '3.11', sampleEvery: 1 } });
    expect(err(await start(b, `upload:${trace.uploadId}`))).toBe(
      `no uploaded trace 'upload:${trace.uploadId}' on this connection (upload it first; uploads are kept until the page closes)`,
    );
    expect(err(await start(a, `upload:../../${join(root, 'server-file.pymtrace')}`))).toMatch(/^no uploaded trace 'upload:\.\.\/.*' on this connection/);
    // A server path is refused as before (no --allow-files).
    expect(err(await start(a, join(root, 'server-file.pymtrace')))).toMatch(/--allow-files/);
  });

  it('opens an uploaded session, refuses a corrupt one by its own name, and downloads every run as a session', async () => {
    const c = new Client();
    await c.hello();
    const { runId } = ok(
      await c.request('startRun', { config: { workload: 'seed-16b-fill-free', params: { N: 5000 }, seed: '1', python: '3.12', sampleEvery: 1000 } }),
    ) as { runId: string };
    await waitFor('the run to finish', () => c.runState(runId) === 'done', 60_000);
    const url = `http://127.0.0.1:${served.server.port}${SESSION_DOWNLOAD_PATH}`;
    expect((await fetch(url)).status).toBe(401);
    const response = await fetch(`${url}?token=${encodeURIComponent(served.server.token)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="session.arenascope.gz"');
    const session = Buffer.from(await response.arrayBuffer());
    expect([session[0], session[1]]).toEqual([0x1f, 0x8b]);

    const before = (ok(await c.request('runs', {})) as unknown[]).length;
    const opened = ok(await c.upload('session', 'saved.arenascope.gz', session)) as { runIds: string[]; warnings: string[] };
    expect(opened.runIds.length).toBeGreaterThanOrEqual(1);
    expect(opened.warnings).toEqual([]);
    const runs = ok(await c.request('runs', {})) as { runId: string; state: string; ops: number }[];
    expect(runs.length).toBe(before + opened.runIds.length);
    const original = runs.find((r) => r.runId === runId)!;
    expect(runs.some((r) => opened.runIds.includes(r.runId) && r.ops === original.ops && r.state === 'done')).toBe(true);

    const bad = err(await c.upload('session', 'broken.arenascope.gz', Buffer.from(`not a session ${CANARY}`)));
    expect(bad).toMatch(/^upload 'broken\.arenascope\.gz' is not a session this server can open: broken\.arenascope\.gz: /);
    expect(bad).not.toContain(tmpdir());
  });

  it("removes a connection's uploads when it closes", async () => {
    const c = new Client();
    await c.hello();
    const before = new Set(uploadDirs());
    ok(await c.upload('trace', 'gone.pymtrace', Buffer.from(GOOD)));
    const mine = uploadDirs().filter((d) => !before.has(d));
    expect(mine).toHaveLength(1);
    c.ws.close();
    await c.closed;
    await waitFor('the upload folder to go', () => !existsSync(join(tmpdir(), mine[0]!)), 30_000);
  });
});
