// A raw client of the browser server's bridge, as a page (or an attacker) would speak it: every
// message it gets is recorded, and requests are matched to answers by id.
import { WebSocket } from 'ws';
import { waitFor } from '../wait';

export type Answer = { id: number | null; ok: true; result: unknown } | { id: number | null; ok: false; error: string };

export interface SocketClientOptions {
  /** The token to present: the server's by default; null for none. */
  token?: string | null;
  /** Every message any client received, as sent (a suite checks it for leaks). */
  received?: string[];
  /** Every socket opened (a suite terminates them at the end). */
  sockets?: WebSocket[];
}

export class SocketClient {
  readonly messages: unknown[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  private nextId = 1;
  private readonly answers = new Map<number, (m: Answer) => void>();

  constructor(server: { port: number; token: string }, options: SocketClientOptions = {}) {
    const token = options.token === undefined ? server.token : options.token;
    this.ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge${token === null ? '' : `?token=${encodeURIComponent(token)}`}`);
    options.sockets?.push(this.ws);
    this.ws.on('message', (data) => {
      const text = data.toString();
      options.received?.push(text);
      const m = JSON.parse(text) as Record<string, unknown>;
      this.messages.push(m);
      if (typeof m['id'] === 'number') {
        const settle = this.answers.get(m['id']);
        this.answers.delete(m['id']);
        settle?.(m as unknown as Answer);
      }
    });
    this.ws.on('error', () => undefined);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    this.closed = new Promise((resolve) => this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Resolves with the hello (the first message), once authorised. */
  async hello(): Promise<{ protocolVersion: number; capabilities: unknown }> {
    await this.opened;
    await waitFor('the hello', () => this.messages.length > 0);
    return (this.messages[0] as { hello: { protocolVersion: number; capabilities: unknown } }).hello;
  }

  request(method: string, params: unknown = {}): Promise<Answer> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.answers.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Sends `text` (or bytes) as is. */
  sendRaw(text: string | Buffer, binary = false): void {
    this.ws.send(text, { binary });
  }

  events(type: string): Record<string, unknown>[] {
    return this.messages
      .map((m) => (m as { event?: Record<string, unknown> }).event)
      .filter((e): e is Record<string, unknown> => e !== undefined && e['type'] === type);
  }

  close(): void {
    this.ws.close();
  }
}
