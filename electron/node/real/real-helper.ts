/**
 * The helper process of a real interpreter: started with the agent's replay bootstrap, it applies
 * the op batches written to its stdin through the interpreter's own allocator and answers one JSON
 * line per checkpoint (agent/src/replay_main.c has the frame format). This side encodes frames
 * straight from op columns (no object per operation) and honours the pipe's back-pressure.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { OpColumns } from '../../../shared/ops/op-batch';
import type { CheckpointRecord } from '../../../shared/replay/checkpoint-report';
import { locateAgent } from '../agent/locate';
import type { RealArenaMode } from './real-interpreter';
import { InputError } from '../../../shared/errors';

const RF_OPS = 1;
const RF_CHECKPOINT = 2;
const RF_END = 3;
const RF_DETAIL = 4;
/** Bytes per operation in an RF_OPS frame: id f64, slot i32, size i32, kind u8. */
const OP_BYTES = 17;
/** Bytes of frames queued for the helper before a writer waits for it to catch up. */
const WRITE_AHEAD = 8 << 20;

/** The helper's first line: the allocator it found and the clean slate it made. */
export interface HelperReady {
  pool_size: number;
  arena_size: number;
  align_shift: number;
  threshold: number;
  pool_overhead: number;
  arena_mode: RealArenaMode;
  slate: { fillers: number; drained: number; fresh_pools: number; new_arena_pools: number };
}

/**
 * One checkpoint measured on the real allocator (the oracle schema's fields, less label and
 * version). After `setDetail(false)` the placement fields (classes, arenas, fingerprints, pools per
 * arena) are absent, and `pools` / `pools_full` come from the arenas' pool headers.
 */
export interface HelperCheckpoint extends Omit<CheckpointRecord, 'label' | 'version' | 'debug'> {
  /** Live blocks whose pool header contradicts them: always 0 unless the helper is wrong. */
  anomalies: number;
  /** First blocks of a class that did not land in a fresh pool of a new arena (a slate that was not clean). */
  first_block_failures: number;
  /** Arenas mapped / unmapped / short (63 pools) since the slate; absent without a hook (2.7). */
  arena_hook?: { allocated: number; freed: number; short: number };
  /** Nanoseconds spent in the allocator calls so far (checkpoints excluded). */
  ops_ns: number;
  /** Requested bytes and block bytes of the live small blocks. */
  requested_bytes: number;
  block_bytes: number;
  /** Pools holding as many live blocks as they can. */
  pools_full: number;
  /** With a hook: the stream's arenas now and at most, and their carved pools with no block. */
  arenas_current?: number;
  arenas_highwater?: number;
  pools_empty?: number;
}

export interface HelperEnd {
  /** CPU time of the helper process (user + system, its whole life), microseconds. */
  cpu_us: number;
  op: number;
  applied: number;
  ops_ns: number;
  first_block_failures: number;
  first_fail_class: number;
  first_fail_op: number;
  /** Pools of each arena mapped since the slate, in order (with a hook). */
  arena_pools: number[];
}

/**
 * The helper failed: it said why, or it died (the message carries its stderr's last lines). Like
 * InterpreterError, a fault of the interpreter the user named, not of ours.
 */
export class RealHelperError extends InputError {
  override readonly name = 'RealHelperError';
}

export interface HelperOptions {
  /** The interpreter to start. */
  python: string;
  mode: RealArenaMode;
  env?: NodeJS.ProcessEnv;
}

export class RealHelper {
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly pending: HelperCheckpoint[] = [];
  private waiters: (() => void)[] = [];
  private stderr = '';
  private failure: RealHelperError | null = null;
  private endLine: HelperEnd | null = null;
  private exited = false;
  readonly ready: Promise<HelperReady>;
  private onCheckpoint: ((c: HelperCheckpoint) => void) | null = null;

  private constructor(opts: HelperOptions) {
    const agent = locateAgent(opts.env);
    const bootstrap = join(agent.pythonDir, 'replay_bootstrap.py');
    // -E: no PYTHON* variable (PYTHONMALLOC would replace pymalloc); -S: no site imports to load.
    this.child = spawn(opts.python, ['-E', '-S', bootstrap, agent.library, opts.mode], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      windowsHide: true,
    });
    this.child.stdin.on('error', () => {
      /* EPIPE when the helper died: reported by the exit handler */
    });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString('utf8')).slice(-4000);
    });
    let readyResolve!: (r: HelperReady) => void;
    let readyReject!: (e: Error) => void;
    this.ready = new Promise<HelperReady>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    this.ready.catch(() => undefined);
    let gotReady = false;
    const lines = createInterface({ input: this.child.stdout });
    lines.on('line', (line) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        this.fail(`the helper wrote a line that is not JSON: ${line.slice(0, 200)}`);
        return;
      }
      const kind = msg['kind'];
      if (kind === 'ready') {
        gotReady = true;
        readyResolve(msg as unknown as HelperReady);
      } else if (kind === 'ck') {
        const c = msg as unknown as HelperCheckpoint;
        if (this.onCheckpoint) this.onCheckpoint(c);
        else this.pending.push(c);
      } else if (kind === 'end') {
        this.endLine = msg as unknown as HelperEnd;
      } else if (kind === 'error') {
        this.fail(String(msg['message']));
      }
      this.wake();
    });
    const onGone = (why: string): void => {
      this.exited = true;
      if (!this.endLine) this.fail(why);
      if (!gotReady) readyReject(this.failure ?? new RealHelperError(why));
      this.wake();
    };
    this.child.on('error', (error) => onGone(`${opts.python}: cannot start the helper: ${error.message}`));
    // 'close': stdout is drained, so every line arrived before this.
    this.child.on('close', (code, signal) => {
      const tail = this.stderr.trim().split('\n').slice(-3).join(' | ');
      onGone(`${opts.python}: the real-allocator helper ended (${signal ? `signal ${signal}` : `exit ${String(code)}`})${tail ? `: ${tail}` : ''}`);
    });
  }

  /** Starts a helper and waits for its clean slate. */
  static async start(opts: HelperOptions): Promise<{ helper: RealHelper; ready: HelperReady }> {
    const helper = new RealHelper(opts);
    const ready = await helper.ready;
    return { helper, ready };
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Checkpoints arrive here instead of the queue (`take`). */
  listen(fn: (c: HelperCheckpoint) => void): void {
    this.onCheckpoint = fn;
    for (const c of this.pending.splice(0)) fn(c);
  }

  /** Queued checkpoints, oldest first. */
  take(): HelperCheckpoint[] {
    return this.pending.splice(0);
  }

  private fail(message: string): void {
    this.failure ??= new RealHelperError(message);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private async write(buf: Uint8Array): Promise<void> {
    this.check();
    if (this.exited) throw this.failure ?? new RealHelperError('the helper has ended');
    // Queue up to WRITE_AHEAD bytes before waiting: waiting at the stream's small default mark
    // would cost a round trip through the scheduler per batch, which dominates on a busy machine.
    this.child.stdin.write(buf);
    if (this.child.stdin.writableLength > WRITE_AHEAD) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.child.stdin.off('drain', done);
          this.child.off('close', done);
          resolve();
        };
        this.child.stdin.once('drain', done);
        this.child.once('close', done);
      });
      this.check();
    }
  }

  /** Sends operations [from, to) of `ops`; marks among them are checkpoints. */
  async sendOps(ops: OpColumns, from = 0, to = ops.length): Promise<void> {
    const n = to - from;
    if (n <= 0) return;
    const buf = new Uint8Array(new ArrayBuffer(8 + OP_BYTES * n));
    const head = new Uint32Array(buf.buffer, 0, 2);
    head[0] = RF_OPS;
    head[1] = n;
    new Float64Array(buf.buffer, 8, n).set(ops.id.subarray(from, to));
    new Int32Array(buf.buffer, 8 + 8 * n, n).set(ops.slot.subarray(from, to));
    new Int32Array(buf.buffer, 8 + 12 * n, n).set(ops.size.subarray(from, to));
    buf.set(ops.kind.subarray(from, to), 8 + 16 * n);
    await this.write(buf);
  }

  /**
   * Whether checkpoints carry the placement (size classes, fingerprints: the default, what
   * verification compares) or only the charted counts, read from the arenas' pool headers without
   * sorting the live blocks (a real run's samples). Without an arena hook (2.7) they always carry it.
   */
  async setDetail(placement: boolean): Promise<void> {
    const f = frame(RF_DETAIL);
    new Uint32Array(f.buffer)[1] = placement ? 1 : 0;
    await this.write(f);
  }

  /** Asks for a checkpoint at this point of the stream. */
  async checkpoint(): Promise<void> {
    await this.write(frame(RF_CHECKPOINT));
  }

  /** Ends the stream and waits for the helper's last line and exit. */
  async end(): Promise<HelperEnd> {
    await this.write(frame(RF_END));
    this.child.stdin.end();
    while (!this.exited) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.check();
    if (!this.endLine) throw new RealHelperError('the helper ended without its last line');
    return this.endLine;
  }

  /** Stops the helper now (a cancelled run). */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

function frame(type: number): Uint8Array {
  const buf = new Uint8Array(8);
  new Uint32Array(buf.buffer)[0] = type;
  return buf;
}
