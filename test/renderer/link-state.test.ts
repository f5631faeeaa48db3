// The header's link state: a drop says reconnecting at once, repeated failures say lost, a refused
// token says the server restarted and stays so (retrying cannot help), hello restores everything.
import { describe, expect, it } from 'vitest';
import { CONNECTED, hostReachable, type Link, type LinkEvent, linkMessage, LOST_AFTER_FAILURES, nextLink } from '../../renderer/src/model/link-state';

const run = (events: LinkEvent['type'][], from: Link = CONNECTED): Link => events.reduce((l, type) => nextLink(l, { type }), from);

describe('link state', () => {
  it('goes connected → reconnecting on a drop, → lost after repeated failed attempts, → connected on hello', () => {
    expect(run(['drop']).state).toBe('reconnecting');
    expect(run(['drop', ...Array<'attempt-failed'>(LOST_AFTER_FAILURES - 1).fill('attempt-failed')]).state).toBe('reconnecting');
    expect(run(['drop', ...Array<'attempt-failed'>(LOST_AFTER_FAILURES).fill('attempt-failed')]).state).toBe('lost');
    expect(run(['drop', 'attempt-failed', 'attempt-failed', 'attempt-failed', 'hello'])).toEqual(CONNECTED);
  });

  it('keeps a refused token refused whatever else fails, until a hello', () => {
    const refused = run(['drop', 'attempt-failed', 'unauthorised']);
    expect(refused.state).toBe('token-rejected');
    expect(run(['attempt-failed', 'drop'], refused).state).toBe('token-rejected');
    expect(run(['hello'], refused).state).toBe('connected');
  });

  it('believes the host about live runs only while connected, and says what to do when the token is refused', () => {
    expect(hostReachable('connected')).toBe(true);
    for (const s of ['reconnecting', 'lost', 'token-rejected'] as const) expect(hostReachable(s)).toBe(false);
    expect(linkMessage('token-rejected')).toBe('The server restarted: open the new URL it printed.');
    expect(linkMessage('lost')).toMatch(/^Lost the connection to the host/);
  });
});
