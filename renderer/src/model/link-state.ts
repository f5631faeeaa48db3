/**
 * The state of the page's link to the host once it was connected, as the header shows it:
 * connected; reconnecting (just dropped, retrying); lost (several attempts failed in a row, still
 * retrying slowly); token rejected (the server answers but refuses our token: it restarted with a
 * new one, so retrying cannot help). Pure: the WebSocket client feeds it events.
 */
export type LinkState = 'connected' | 'reconnecting' | 'lost' | 'token-rejected';

export type LinkEvent =
  /** The server said hello (it accepted the token). */
  | { type: 'hello' }
  /** The open connection closed. */
  | { type: 'drop' }
  /** A reconnect attempt closed before hello. */
  | { type: 'attempt-failed' }
  /** The server refused the token (a close with the unauthorised code, or a 401 on the page). */
  | { type: 'unauthorised' };

export interface Link {
  state: LinkState;
  /** Reconnect attempts failed since the drop. */
  failures: number;
}

/** After this many failed attempts in a row "reconnecting" becomes "lost" (about 2 s with the default backoff). */
export const LOST_AFTER_FAILURES = 3;

export const CONNECTED: Link = { state: 'connected', failures: 0 };

export function nextLink(link: Link, event: LinkEvent): Link {
  switch (event.type) {
    case 'hello':
      return CONNECTED;
    case 'unauthorised':
      return { state: 'token-rejected', failures: link.failures };
    case 'drop':
      // A drop is news only while connected; a refused token stays refused.
      return link.state === 'connected' ? { state: 'reconnecting', failures: 0 } : link;
    case 'attempt-failed': {
      if (link.state === 'token-rejected') return link;
      const failures = link.failures + 1;
      return { state: failures >= LOST_AFTER_FAILURES ? 'lost' : 'reconnecting', failures };
    }
  }
}

/** Whether the host can be believed about anything live (runs running, elapsed time climbing). */
export function hostReachable(state: LinkState): boolean {
  return state === 'connected';
}

/** What the header says in each state. */
export function linkMessage(state: LinkState): string {
  switch (state) {
    case 'connected':
      return 'Connected to the host.';
    case 'reconnecting':
      return 'Connection to the host dropped: reconnecting…';
    case 'lost':
      return 'Lost the connection to the host: is it still running? Retrying…';
    case 'token-rejected':
      return 'The server restarted: open the new URL it printed.';
  }
}
