/**
 * What one token holder may use of the machine (docs/security.md, "Limits"): requests a second and
 * message size per connection, runs live at once per connection, the workers' memory in all, and
 * open connections. Each refusal says which limit and what to do; none closes the connection except
 * a message too big to read at all.
 */
import type { RunSummary } from '../../shared/protocol/bridge';

export interface ServeLimits {
  /** Sustained requests a second per connection… */
  requestsPerSecond: number;
  /** …above which a burst of this many more is allowed. */
  requestBurst: number;
  /** Largest request, bytes of JSON text; a bigger one is refused with an error. */
  messageBytes: number;
  /** Runs started by one connection that may be live (starting, running, paused) at once. */
  runsPerConnection: number;
  /** Memory budget of one run's worker, MB (the worker stops itself past it). */
  runMemoryMB: number;
  /** Memory of all live workers together, MB: live runs × runMemoryMB may not exceed it. */
  workerMemoryMB: number;
  /** WebSocket connections open at once. */
  connections: number;
  /** Largest upload (a trace or a session from the browser), bytes. */
  uploadBytes: number;
  /** Uploads one connection may hold at once (kept until it closes). */
  uploadsPerConnection: number;
}

export const DEFAULT_LIMITS: Readonly<ServeLimits> = Object.freeze({
  requestsPerSecond: 100,
  requestBurst: 200,
  messageBytes: 1 << 20,
  runsPerConnection: 4,
  runMemoryMB: 1024,
  workerMemoryMB: 4096,
  connections: 8,
  uploadBytes: 256 * 2 ** 20,
  uploadsPerConnection: 8,
});

/** Frames beyond this are not even read: the socket is closed with 1009 (Message Too Big). */
export function hardFrameLimit(limits: ServeLimits): number {
  return limits.messageBytes * 4;
}

/** A token bucket: `take()` is false once the connection has used its rate and its burst. */
export class RequestRate {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const LIVE = new Set(['starting', 'running', 'paused']);

/**
 * Admits `startRun`s against the run and memory limits. One per server: the memory limit counts
 * every connection's runs; `pending` counts starts admitted but not yet answered, so that a burst of
 * requests cannot slip past the count together.
 */
export class RunGate {
  private pending = 0;

  constructor(private readonly limits: ServeLimits) {}

  /** A reason to refuse, or null; on null the caller must call `settled` once the start is answered. */
  admit(runs: readonly RunSummary[], own: ReadonlySet<string>, ownPending: number): string | null {
    const live = runs.filter((r) => LIVE.has(r.state));
    const mine = live.filter((r) => own.has(r.runId)).length + ownPending;
    if (mine >= this.limits.runsPerConnection) {
      return `limit: at most ${this.limits.runsPerConnection} live runs per connection (serve --max-runs); stop or wait for one first`;
    }
    const all = live.length + this.pending;
    if ((all + 1) * this.limits.runMemoryMB > this.limits.workerMemoryMB) {
      return `limit: the workers' memory (serve --max-worker-memory ${this.limits.workerMemoryMB} MB, ${this.limits.runMemoryMB} MB a run) is taken by ${all} live run${all === 1 ? '' : 's'}; stop or wait for one first`;
    }
    this.pending++;
    return null;
  }

  settled(): void {
    this.pending--;
  }
}
