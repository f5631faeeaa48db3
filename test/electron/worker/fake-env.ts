// A SessionEnv without a process: a clock that advances a fixed tick per reading, deferred tasks
// and interval timers run by `settle`, and everything sent kept for inspection.
import type { OpBatch } from '../../../shared/ops/op-batch';
import type { WorkerToHost } from '../../../shared/protocol/worker-messages';
import type { SessionEnv } from '../../../electron/worker/run-session';

interface Timer {
  ms: number;
  task: () => void;
  next: number;
  live: boolean;
}

export class FakeEnv implements SessionEnv {
  /** Fake milliseconds. */
  t = 0;
  sent: WorkerToHost[] = [];
  logs: string[] = [];
  exitCode: number | null = null;
  /** What `unacknowledged()` answers: set it to play a slow host. */
  unacked = 0;
  traces = new Map<string, OpBatch[]>();
  private tasks: (() => void)[] = [];
  private timers: Timer[] = [];

  constructor(
    /** Fake milliseconds each clock reading moves time on by. */
    private readonly tick = 1,
  ) {}

  now(): number {
    this.t += this.tick;
    return this.t;
  }

  defer(task: () => void): void {
    this.tasks.push(task);
  }

  every(ms: number, task: () => void): () => void {
    const timer: Timer = { ms, task, next: this.t + ms, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  }

  send(message: WorkerToHost): void {
    this.sent.push(message);
  }

  unacknowledged(): number {
    return this.unacked;
  }

  exit(code: number): void {
    this.exitCode = code;
  }

  log(line: string): void {
    this.logs.push(line);
  }

  async *openTrace(path: string): AsyncGenerator<OpBatch> {
    const batches = this.traces.get(path);
    if (!batches) throw new Error(`${path}: cannot read trace: no such file`);
    for (const b of batches) yield b;
  }

  /**
   * Runs due timers and deferred tasks until `until()` holds or nothing is left to do (letting
   * promises settle in between, for the trace pump).
   */
  async settle(until: () => boolean = () => false, maxTasks = 1_000_000): Promise<void> {
    let idle = 0;
    for (let i = 0; i < maxTasks; i++) {
      if (until()) return;
      for (const timer of this.timers) {
        if (timer.live && this.t >= timer.next) {
          timer.next = this.t + timer.ms;
          timer.task();
        }
      }
      const task = this.tasks.shift();
      if (task) {
        idle = 0;
        task();
        continue;
      }
      if (++idle > 3) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error('FakeEnv.settle: too many tasks');
  }

  of<T extends WorkerToHost['type']>(type: T): Extract<WorkerToHost, { type: T }>[] {
    return this.sent.filter((m): m is Extract<WorkerToHost, { type: T }> => m.type === type);
  }

  /** Every sample row received, in order. */
  rows(): number[][] {
    const out: number[][] = [];
    for (const m of this.of('samples')) {
      const n = m.columns[0]!.length;
      for (let i = 0; i < n; i++) out.push(m.columns.map((c) => c[i]!));
    }
    return out;
  }
}
