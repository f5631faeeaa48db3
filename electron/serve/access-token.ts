/**
 * The browser server's access token: random per server start, required for the page (and its
 * assets) and for the WebSocket. It lives in the URL the server prints (`/?token=…`); a page
 * opened with it gets a cookie, so the assets it loads need no token in their URLs.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_PARAM } from '../../shared/protocol/bridge-messages';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison, so the time a refusal takes says nothing about the token. */
export function tokenMatches(candidate: string | null | undefined, token: string): boolean {
  if (typeof candidate !== 'string') return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Cookies are per host, not per port: the name carries the port, so two servers do not clash. */
export function cookieName(port: number): string {
  return `arenascope-token-${port}`;
}

export function cookieHeader(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

export function cookieToken(req: IncomingMessage, port: number): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  const name = cookieName(port);
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function queryToken(url: URL): string | null {
  return url.searchParams.get(TOKEN_PARAM);
}
