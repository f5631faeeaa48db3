// A token holder as an attacker: real servers (one with no capabilities, one with --allow-files),
// real WebSockets, real worker processes. Every attempt must fail closed with a clear error, leave
// the server serving, and leak nothing: a canary file's content never appears in any message any
// client receives (checked after every test), and a refusal never tells whether a file exists.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { CapabilityError, servePolicy } from '../../../electron/host/policy/capabilities';
import type { ServeLimits } from '../../../electron/serve/limits';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { waitFor } from '../wait';
import { type Served, serveInProcess } from './in-process';
import { type Answer, SocketClient } from './socket-client';

const CANARY = `CANARY-${randomBytes(12).toString('hex')}`;
/** Every message any client received, as sent. */
const received: string[] = [];
const sockets: WebSocket[] = [];

let root: string;
let secret: string;
let allowed: string;
let closedServer: Served;
let filesServer: Served;

const LIMITS: Partial<ServeLimits> = {
  runsPerConnection: 2,
  runMemoryMB: 256,
  workerMemoryMB: 768,
  messageBytes: 64 * 1024,
  requestsPerSecond: 50,
  requestBurst: 100,
  connections: 6,
};

function serve(allowFiles: string[], limits: Partial<ServeLimits> = LIMITS): Promise<Served> {
  return serveInProcess(root, { allowFiles, limits });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'arenascope-hostile-'));
  secret = join(root, 'secret');
  allowed = join(root, 'allowed');
  mkdirSync(secret);
  mkdirSync(join(allowed, 'sub'), { recursive: true });
  // The canary is in a file's first line (as /etc/passwd's would be), and in a trace-looking file.
  writeFileSync(join(secret, 'canary.txt'), `root:x:0:0:${CANARY}:/root:/bin/bash\n`);
  writeFileSync(join(secret, 'canary.pymtrace'), `a 1 8\n${CANARY} 1 2\n`);
  writeFileSync(join(allowed, 'good.pymtrace'), 'a 1 8\na 2 16\nc half\nf 1\nf 2\n');
  // Inside the allowed folder, but its bad line quotes the canary: the error must not.
  writeFileSync(join(allowed, 'bad.pymtrace'), `a 1 8\n${CANARY} 1 2\n`);
  writeFileSync(join(allowed, 'unknown-id.pymtrace'), 'a 1 8\nf 4242424242\n');
  symlinkSync(join(secret, 'canary.txt'), join(allowed, 'link-out.pymtrace'));
  symlinkSync(secret, join(allowed, 'dir-out'));
  symlinkSync(join(allowed, 'good.pymtrace'), join(allowed, 'sub', 'link-in.pymtrace'));
  closedServer = await serve([]);
  filesServer = await serve([allowed]);
});

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  for (const s of [closedServer, filesServer]) {
    await s?.server.close();
    await s?.host.dispose();
  }
  rmSync(root, { recursive: true, force: true });
});

afterEach(() => {
  // The point of the suite: nothing the canary file holds ever reached a client.
  const leaks = received.filter((m) => m.includes(CANARY) || m.includes('root:x:0:0'));
  expect(leaks).toEqual([]);
});

/** The suite's client: its messages go to `received` (checked for leaks), its socket to `sockets`. */
class Client extends SocketClient {
  constructor(served: Served, options: { token?: string | null } = {}) {
    super(served.server, { ...options, received, sockets });
  }
}

/** What a new client is told in its hello it may do. */
async function capabilitiesOf(served: Served): Promise<unknown> {
  const c = new Client(served);
  const { capabilities } = await c.hello();
  c.close();
  return capabilities;
}

/** A client past its hello, ready for requests. */
async function greeted(served: Served): Promise<Client> {
  const c = new Client(served);
  await c.hello();
  return c;
}

function errorOf(answer: Answer): string {
  expect(answer.ok).toBe(false);
  return answer.ok ? '' : answer.error;
}

const replay = (path: string): RunConfig => ({ workload: 'trace-replay', params: { path }, seed: '0', python: '3.11', sampleEvery: 1 });
const endless: RunConfig = { workload: 'steady-churn', params: { L: 1000 }, seed: '1', python: '3.11', ops: 1e12, sampleEvery: 10_000 };

/** The server still answers a fresh client. */
async function stillServing(served: Served): Promise<void> {
  const c = await greeted(served);
  const answer = await c.request('versions');
  expect(answer.ok).toBe(true);
  c.close();
}

const LIVE: string[] = ['starting', 'running', 'paused'];

/** Waits, on the host's own events, until no run of the server is live. */
async function noLiveRuns(served: Served): Promise<void> {
  const live = async (): Promise<boolean> => (await served.host.runs()).some((r) => LIVE.includes(r.state));
  if (!(await live())) return;
  await new Promise<void>((resolve) => {
    const off = served.host.subscribe(() => {
      void live().then((still) => {
        if (!still) {
          off();
          resolve();
        }
      });
    });
  });
}

/**
 * Asks to replay each path: every one refused with `expected`, and all with one same answer, so that
 * existing, missing and secret files cannot be told apart.
 */
async function expectOneRefusal(c: Client, paths: readonly string[], expected: RegExp): Promise<void> {
  const answers = new Set<string>();
  for (const path of paths) {
    const error = errorOf(await c.request('startRun', { config: replay(path) }));
    expect(error).toMatch(expected);
    answers.add(error);
  }
  expect(answers.size).toBe(1);
}

async function runCount(served: Served): Promise<number> {
  return (await served.host.runs()).length;
}

describe('a token holder without capabilities', () => {
  it('is told in the hello that it may neither read files nor start programs', async () => {
    expect(await capabilitiesOf(closedServer)).toEqual({ files: 'none', fileRoots: [], programs: false, uploads: null });
  });

  it('cannot read a server file through trace-replay, whatever the path, and learns nothing of what exists', async () => {
    const c = await greeted(closedServer);
    const before = await runCount(closedServer);
    const paths = [
      join(secret, 'canary.txt'),
      join(secret, 'canary.pymtrace'),
      join(secret, 'no-such-file'),
      join(allowed, 'good.pymtrace'),
      `${allowed}/../secret/canary.txt`,
      'secret/canary.txt',
      `file://${join(secret, 'canary.txt')}`,
      `${join(secret, 'canary.txt')}\0.pymtrace`,
      '/proc/self/environ',
    ];
    await expectOneRefusal(c, paths, /--allow-files/);
    expect(await runCount(closedServer)).toBe(before);
    c.close();
    await stillServing(closedServer);
  });

  it('gets nothing of the canary through any string field of any method', async () => {
    const c = await greeted(closedServer);
    const p = join(secret, 'canary.txt');
    const requests: [string, unknown][] = [
      ['startRun', { config: { ...replay(p), python: p, seed: p } }],
      ['startRun', { config: { workload: p, params: { path: p }, seed: '0', python: '3.11', sampleEvery: 1 } }],
      ['command', { runId: p, command: { type: 'stop' } }],
      ['window', { query: { runId: p, series: ['op'], from: null, to: null, maxPoints: 10, axis: 'op' } }],
      ['detail', { runId: p, op: null }],
      [
        'export',
        {
          request: {
            runIds: [p],
            mode: 'runs',
            charts: [p],
            formats: ['csv'],
            axis: 'op',
            from: null,
            to: null,
            width: 400,
            height: 300,
            theme: 'light',
            archive: false,
          },
        },
      ],
      ['versions', { path: p }],
      [p, { path: p }],
    ];
    for (const [method, params] of requests) expect((await c.request(method, params)).ok).toBe(false);
    c.close();
  });

  it('cannot open a session file through the host either (the policy guards every path a client names)', async () => {
    await expect(closedServer.host.openSession(join(secret, 'canary.txt'))).rejects.toThrow(/--allow-files/);
  });

  it('cannot start a program: the policy refuses, naming --allow-programs', async () => {
    const policy = await servePolicy({});
    expect(() => policy.startProgram('recording a Python program')).toThrow(CapabilityError);
    expect(() => policy.startProgram('recording a Python program')).toThrow(/--allow-programs/);
    expect(() => (policy as { startProgram(w: string): void }).startProgram('a real interpreter')).toThrow(/start it with --allow-programs/);
    const allowing = await servePolicy({ allowPrograms: true });
    expect(() => allowing.startProgram('a real interpreter')).not.toThrow();
    // Over the socket, an interpreter's path where a version goes is a version error, and nothing starts.
    const c = await greeted(closedServer);
    const before = await runCount(closedServer);
    expect(errorOf(await c.request('startRun', { config: { ...endless, python: '/usr/bin/python3' } }))).toMatch(/invalid run configuration: python/);
    // Profiling a program is refused the same way, before anything of the request is looked at.
    const profile = { request: { interpreter: '/usr/bin/python3', script: join(secret, 'canary.txt') } };
    const refusal = errorOf(await c.request('profileProgram', profile));
    expect(refusal).toMatch(/does not start programs for clients \(start it with --allow-programs\)/);
    expect(refusal).not.toContain('canary');
    expect(await runCount(closedServer)).toBe(before);
    c.close();
  });
});

describe('a token holder with --allow-files', () => {
  it('is told the allowed folder', async () => {
    expect(await capabilitiesOf(filesServer)).toEqual({ files: 'confined', fileRoots: [allowed], programs: false, uploads: null });
  });

  it('refuses traversal, symlinks out, NUL bytes and relative paths, with one answer for everything outside', async () => {
    const c = await greeted(filesServer);
    const before = await runCount(filesServer);
    const outside = [
      join(secret, 'canary.txt'),
      join(secret, 'no-such-file'),
      `${allowed}/../secret/canary.txt`,
      `${allowed}/sub/../../secret/canary.txt`,
      `${allowed}//..//secret//canary.txt`,
      join(allowed, 'link-out.pymtrace'),
      join(allowed, 'dir-out', 'canary.txt'),
      join(allowed, 'dir-out', 'canary.pymtrace'),
      `${allowed}-sibling/x.pymtrace`,
      '/',
    ];
    await expectOneRefusal(c, outside, /not inside a folder this server allows/);
    expect(errorOf(await c.request('startRun', { config: replay(`${join(allowed, 'good.pymtrace')}\0/../../secret/canary.txt`) }))).toMatch(/NUL byte/);
    expect(errorOf(await c.request('startRun', { config: replay('good.pymtrace') }))).toMatch(/expected an absolute path inside/);
    expect(errorOf(await c.request('startRun', { config: replay(`${allowed}/%2e%2e/secret/canary.txt`) }))).toMatch(/no such file in the allowed folders/);
    expect(errorOf(await c.request('startRun', { config: replay(join(allowed, 'sub')) }))).toMatch(/not a file/);
    expect(await runCount(filesServer)).toBe(before);
    c.close();
    await stillServing(filesServer);
  });

  it('replays a trace inside the folder (through a symlink that stays inside, too)', async () => {
    const c = await greeted(filesServer);
    for (const path of [join(allowed, 'good.pymtrace'), join(allowed, 'sub', 'link-in.pymtrace')]) {
      const answer = await c.request('startRun', { config: replay(path) });
      expect(answer.ok).toBe(true);
      const { runId } = (answer as { result: { runId: string } }).result;
      await waitFor(
        'the replay to end',
        () => c.events('run').some((e) => (e['run'] as { runId: string; state: string }).runId === runId && (e['run'] as { state: string }).state === 'done'),
        60_000,
      );
    }
    c.close();
  });

  it("names a bad trace line's file, line and what was expected, never its text", async () => {
    const c = await greeted(filesServer);
    const failures: Record<string, RegExp> = {
      'bad.pymtrace': /bad\.pymtrace:2: unknown op: expected a line starting with a, f, r, c or #$/,
      'unknown-id.pymtrace': /unknown-id\.pymtrace:2: id is not live: expected an id allocated earlier/,
    };
    for (const [file, expected] of Object.entries(failures)) {
      const answer = await c.request('startRun', { config: replay(join(allowed, file)) });
      expect(answer.ok).toBe(true);
      const { runId } = (answer as { result: { runId: string } }).result;
      const failed = (): { reason: string } | undefined =>
        c
          .events('run')
          .map((e) => e['run'] as { runId: string; state: string; reason: string })
          .find((r) => r.runId === runId && r.state === 'failed');
      await waitFor('the replay to fail', () => failed() !== undefined, 60_000);
      expect(failed()!.reason).toMatch(expected);
      expect(failed()!.reason).not.toMatch(/4242424242/);
      expect(c.events('notice').some((n) => expected.test(String(n['message'])))).toBe(true);
    }
    c.close();
  });
});

describe('a hostile client at the limits', () => {
  it('gets an error for a message over the size limit and keeps its connection; a frame far over it is closed with 1009', async () => {
    const c = await greeted(closedServer);
    const big = JSON.stringify({ id: 1, method: 'versions', params: { pad: 'x'.repeat(100 * 1024) } });
    const count = c.messages.length;
    c.sendRaw(big);
    await waitFor('the refusal', () => c.messages.length > count);
    expect(c.messages.at(-1)).toEqual({ id: null, ok: false, error: expect.stringMatching(/^limit: a message of \d+ bytes is over the 65536-byte limit$/) });
    expect((await c.request('versions')).ok).toBe(true);
    c.sendRaw('x'.repeat(300 * 1024));
    expect((await c.closed).code).toBe(1009);
    await stillServing(closedServer);
  });

  it('answers malformed messages and frames without harm: not JSON, binary, wrong shapes, bad opcodes, bad UTF-8', async () => {
    const c = await greeted(closedServer);
    for (const text of [
      '{',
      'null',
      '[]',
      '{"id":-1,"method":"versions"}',
      '{"id":1,"method":"startRun","params":{"config":{}}}',
      '{"id":2,"method":"__proto__","params":{}}',
    ]) {
      const count = c.messages.length;
      c.sendRaw(text);
      await waitFor('an answer', () => c.messages.length > count);
      expect((c.messages.at(-1) as Answer).ok).toBe(false);
    }
    const count = c.messages.length;
    c.sendRaw(Buffer.from('{"id":3,"method":"versions"}'), true);
    await waitFor('an answer', () => c.messages.length > count);
    expect(c.messages.at(-1)).toEqual({ id: null, ok: false, error: 'malformed request: expected JSON text, got a binary message' });

    // Raw frames the client library would never send: a reserved opcode, then text that is not UTF-8.
    const raw = (opcode: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
    const reserved = await greeted(closedServer);
    (reserved.ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(raw(0x3, Buffer.from('hi')));
    expect((await reserved.closed).code).toBe(1002);
    const badUtf8 = await greeted(closedServer);
    (badUtf8.ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(raw(0x1, Buffer.from([0xc3, 0x28, 0xff])));
    expect((await badUtf8.closed).code).toBe(1007);
    expect((await c.request('versions')).ok).toBe(true);
    c.close();
    await stillServing(closedServer);
  });

  it('is held to its request rate, then served again once it slows down', async () => {
    const c = await greeted(closedServer);
    const answers = await Promise.all(Array.from({ length: 400 }, () => c.request('runs')));
    const limited = answers.filter((a) => !a.ok);
    expect(limited.length).toBeGreaterThan(0);
    expect(errorOf(limited[0]!)).toMatch(/^limit: more than 50 requests a second \(burst 100\); slow down and retry$/);
    // Refusals still carry the request's id, so the client can match them.
    expect(limited.every((a) => typeof a.id === 'number')).toBe(true);
    // Each refusal is an answer; the first request answered again is the rate recovering.
    while (!(await c.request('versions')).ok);
    c.close();
  });

  it('cannot flood startRun past its live runs or the workers memory, and a second client is held to the rest', async () => {
    const a = await greeted(closedServer);
    const answers = await Promise.all(Array.from({ length: 40 }, () => a.request('startRun', { config: endless })));
    const started = answers.filter((x) => x.ok);
    expect(started).toHaveLength(2);
    expect(answers.filter((x) => !x.ok).every((x) => /^limit: /.test(errorOf(x)))).toBe(true);
    expect(answers.some((x) => !x.ok && /at most 2 live runs per connection/.test(x.error))).toBe(true);

    // Another connection of the same token holder: its own two runs would pass, the memory (768 MB, 256 a run) lets one.
    const b = await greeted(closedServer);
    expect((await b.request('startRun', { config: endless })).ok).toBe(true);
    expect(errorOf(await b.request('startRun', { config: endless }))).toMatch(/limit: the workers' memory .* is taken by 3 live runs/);

    // Stopping one frees room.
    const ids = started.map((x) => (x as { result: { runId: string } }).result.runId);
    expect((await a.request('command', { runId: ids[0], command: { type: 'stop' } })).ok).toBe(true);
    await waitFor(
      'the run to stop',
      () =>
        a.events('run').some((e) => (e['run'] as { runId: string; state: string }).runId === ids[0] && !LIVE.includes((e['run'] as { state: string }).state)),
      60_000,
    );
    const again = await b.request('startRun', { config: endless });
    expect(again.ok).toBe(true);

    for (const run of await closedServer.host.runs()) if (LIVE.includes(run.state)) await closedServer.host.command(run.runId, { type: 'stop' });
    await noLiveRuns(closedServer);
    a.close();
    b.close();
    await stillServing(closedServer);
  });

  it('keeps a second client without the token out during a session, and the first one working', async () => {
    const a = await greeted(closedServer);
    const answer = await a.request('startRun', { config: { ...endless, ops: 2_000_000 } });
    expect(answer.ok).toBe(true);
    const { runId } = (answer as { result: { runId: string } }).result;

    const noToken = new Client(closedServer, { token: 'not-the-token' });
    await expect(noToken.opened).rejects.toThrow('HTTP 401');
    const late = new Client(closedServer, { token: null });
    await late.opened;
    late.sendRaw(JSON.stringify({ token: 'guess' }));
    expect(await late.closed).toEqual({ code: 4401, reason: 'wrong or missing access token' });
    // Neither heard anything of the session.
    expect(noToken.messages).toEqual([]);
    expect(late.messages).toEqual([]);

    await waitFor(
      'the first client to hear its run end',
      () => a.events('run').some((e) => (e['run'] as { runId: string; state: string }).runId === runId && (e['run'] as { state: string }).state === 'done'),
      120_000,
    );
    expect((await a.request('window', { query: { runId, series: ['op'], from: null, to: null, maxPoints: 10, axis: 'op' } })).ok).toBe(true);
    a.close();
  });

  it('cannot open more connections than the limit', async () => {
    const served = await serve([], { ...LIMITS, connections: 3 });
    try {
      const clients = Array.from({ length: 3 }, () => new Client(served));
      await Promise.all(clients.map((c) => c.hello()));
      const extra = new Client(served);
      await expect(extra.opened).rejects.toThrow('HTTP 503');
      clients[0]!.close();
      await clients[0]!.closed;
      // The server frees the slot when it has seen the close: a refused attempt is an answer, so retry until one is let in.
      let next: Client;
      for (;;) {
        next = new Client(served);
        if (
          await next.opened.then(
            () => true,
            () => false,
          )
        )
          break;
      }
      await next.hello();
      for (const c of [...clients.slice(1), next]) c.close();
    } finally {
      await served.server.close();
      await served.host.dispose();
    }
  });
});
