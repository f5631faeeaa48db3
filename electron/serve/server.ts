/**
 * The browser server: the built renderer over HTTP and the bridge over a WebSocket on the same
 * origin, so the dashboard runs in any browser against a host process (remote use, end-to-end
 * tests). Loopback only unless told otherwise; every request but `GET /health` needs the access
 * token (docs/serve.md).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Bridge } from '../../shared/protocol/bridge';
import { BRIDGE_SOCKET_PATH, SESSION_DOWNLOAD_NAME, SESSION_DOWNLOAD_PATH, TOKEN_PARAM } from '../../shared/protocol/bridge-messages';
import type { HostCapabilities } from '../../shared/protocol/capabilities';
import { cookieHeader, cookieToken, newToken, queryToken, tokenMatches } from './access-token';
import { SECURITY_HEADERS } from './security-headers';
import { DEFAULT_LIMITS, hardFrameLimit, RunGate, type ServeLimits } from './limits';
import { serveSocket, type UploadHost } from './socket-bridge';
import { mimeType, resolveStatic } from './static-files';

export interface ServerOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  appHost: Bridge;
  /** Default: 32 random bytes, base64url. */
  token?: string;
  /**
   * What the host's policy lets a client do (the AppHost enforces it; the hello tells the page, so
   * that it hides what it cannot do). Default: nothing beyond workloads, views and exports.
   */
  capabilities?: HostCapabilities;
  /** Per-connection and server-wide limits (./limits.ts); defaults: DEFAULT_LIMITS. */
  limits?: Partial<ServeLimits>;
  /** Uploads of traces and sessions from the browser (./uploads.ts); without it they are refused. */
  uploadHost?: UploadHost;
  /** Writes every run to a session file at `path`: `GET /session` downloads it; without it, 404. */
  saveSession?: (path: string) => Promise<void>;
  log?: (line: string) => void;
}

export interface RunningServer {
  /** The page's URL with the token: what to open. */
  url: string;
  host: string;
  port: number;
  token: string;
  /** Closes every socket and stops listening (the host is the caller's to dispose). */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const log = options.log ?? ((line) => void process.stderr.write(`${line}\n`));
  let port = 0;
  const limits: ServeLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const capabilities = options.capabilities ?? NO_CAPABILITIES;
  const gate = new RunGate(limits);

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch((error: unknown) => {
      log(`arenascope serve: ${req.method} ${req.url}: ${String(error)}`);
      if (!res.headersSent) plain(res, 500, 'internal error');
      else res.destroy();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: hardFrameLimit(limits) });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    if (url.pathname === '/health') {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ status: 'ok' }));
      return;
    }
    const fromQuery = queryToken(url);
    const authorised = tokenMatches(fromQuery, token) || tokenMatches(cookieToken(req, port), token);
    if (!authorised) return plain(res, 401, `missing or wrong access token: open the URL the server printed (…/?${TOKEN_PARAM}=…)`);
    if (url.pathname === SESSION_DOWNLOAD_PATH && options.saveSession) return downloadSession(res, options.saveSession, req.method === 'HEAD');
    const file = await resolveStatic(options.rendererDir, url.pathname);
    if (file === null) return plain(res, 404, 'not found');
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'Content-Type': mimeType(file.path),
      'Content-Length': String(file.size),
      'Cache-Control': 'no-store',
    };
    // The page was opened with the token: later requests (its scripts, styles) show the cookie instead.
    if (fromQuery !== null) headers['Set-Cookie'] = cookieHeader(port, token);
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    const stream = createReadStream(file.path);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, reason: string): void => {
      log(`arenascope serve: refused a WebSocket: ${reason}`);
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== BRIDGE_SOCKET_PATH) return refuse(404, 'Not Found');
    // A page from another origin must not drive the host, even if it somehow had the token.
    const origin = req.headers.origin;
    if (origin !== undefined && !sameHost(origin, req.headers.host)) return refuse(403, 'Forbidden');
    const fromQuery = queryToken(url);
    if (fromQuery !== null && !tokenMatches(fromQuery, token)) return refuse(401, 'Unauthorized');
    if (wss.clients.size >= limits.connections) return refuse(503, 'Service Unavailable (too many connections)');
    wss.handleUpgrade(req, socket, head, (ws) =>
      serveSocket(ws, {
        host: options.appHost,
        token,
        preauthorised: fromQuery !== null,
        capabilities,
        limits,
        gate,
        log,
        ...(options.uploadHost ? { uploadHost: options.uploadHost } : {}),
      }),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?${TOKEN_PARAM}=${token}`,
    host,
    port,
    token,
    close: async () => {
      for (const ws of wss.clients) ws.close(1001, 'the server is shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

const NO_CAPABILITIES: HostCapabilities = Object.freeze({ files: 'none', fileRoots: [], programs: false, uploads: null });

/** Every run, as a session file the browser saves (docs/serve.md): written to a private temporary file, sent, removed. */
async function downloadSession(res: ServerResponse, save: (path: string) => Promise<void>, head: boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'arenascope-download-'));
  try {
    const path = join(dir, SESSION_DOWNLOAD_NAME);
    await save(path);
    const size = (await stat(path)).size;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'application/gzip',
      'Content-Length': String(size),
      'Content-Disposition': `attachment; filename="${SESSION_DOWNLOAD_NAME}"`,
      'Cache-Control': 'no-store',
    });
    if (head) return void res.end();
    await pipeline(createReadStream(path), res);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...SECURITY_HEADERS, ...extra });
  res.end(`${text}\n`);
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
