/**
 * One run inside a worker process: the host's messages in, the engine driven in short slices, the
 * samples, phases and state changes out.
 *
 * The engine work is cut into slices of about `SLICE_MS`, each scheduled with `env.defer`
 * (setImmediate), so the process reads its messages between two slices: a `pause` takes effect
 * within one slice. Samples leave through the `Outbox`, flushed every `FLUSH_INTERVAL_MS` unless
 * the host has not taken the previous messages yet (then the rows wait, coalesced when too many).
 *
 * Detail snapshots (per-class table and arena map, shared/run/detail.ts) leave at most every
 * `DETAIL_INTERVAL_MS` of wall time while operations progress, at phase markers (at most every
 * `DETAIL_MIN_GAP_MS`), when a pause or a step lands, and at the end; never twice for the same
 * operation count. The periodic and phase ones wait while the host lags, like samples.
 *
 * Everything the process provides (clock, scheduling, channel, exit, the trace file) comes in
 * through `SessionEnv`, so tests drive a session with a fake clock and no process.
 */
import { createAllocator, ENGINE_VERSION } from '../../shared/engine';
import type { OpBatch } from '../../shared/ops/op-batch';
import type { RunConfig } from '../../shared/protocol/run-config';
import { HostToWorkerSchema, parseMessage, PROTOCOL_VERSION, type WorkerRunState, type WorkerToHost } from '../../shared/protocol/worker-messages';
import type { BatchFeed } from '../../shared/run/batch-feed';
import { resolveRun, type MakeGenerator, type ResolvedRun } from '../../shared/run/resolve-run';
import { takeDetail } from '../../shared/run/detail';
import { RunLoop } from '../../shared/run/run-loop';
import { TraceError } from '../../shared/trace/trace-error';
import { MEMORY_CHECK_INTERVAL_MS, overBudget } from './memory-budget';
import { Outbox } from './outbox';
import { errorMessage, InputError } from '../../shared/errors';
import type { Generator } from '../../shared/workloads/workload';
import type { GeneratorRequest } from './generator-thread';

export interface SessionEnv {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Runs `task` after the messages already received have been handled (setImmediate). */
  defer(task: () => void): void;
  /** Runs `task` every `ms` until the returned function is called. */
  every(ms: number, task: () => void): () => void;
  send(message: WorkerToHost): void;
  /** Sends the host has not taken yet (0 when the transport cannot tell). */
  unacknowledged(): number;
  /** Ends the process once what was sent has left it. */
  exit(code: number): void;
  /** A line for the worker's stderr (which the host keeps for crash reports). */
  log(line: string): void;
  /** A trace file's operations, batch by batch; each batch stays valid until the next is asked for. */
  openTrace(path: string): AsyncIterable<OpBatch>;
  /**
   * The memory budget (memory-budget.ts): megabytes, and the process's resident set in bytes.
   * Without it a run is not watched.
   */
  memoryBudget?: { readonly megabytes: number; rss(): number };
  /**
   * A catalogue workload's generator on a thread of its own (./generator-thread.ts), the same stream
   * byte for byte; without it the generator runs between the engine's slices on this thread.
   */
  generatorThread?(request: GeneratorRequest): Generator & { close(): void };
}

/** Engine work between two looks at the message queue. */
export const SLICE_MS = 10;
/** At most 20 sample messages a second. */
export const FLUSH_INTERVAL_MS = 50;
/** Messages the host may leave unread before samples are held back (and coalesced). */
export const MAX_UNACKNOWLEDGED = 2;
/** Operations per `RunLoop.run` call are tuned so that one call takes about this long. */
const CHUNK_MS = 1;
/** A detail snapshot walks every pool: about once a second is plenty for a live arena map. */
export const DETAIL_INTERVAL_MS = 1000;
/** Phase markers can come thousands a second (a trace's checkpoints): at most ten details a second for them. */
export const DETAIL_MIN_GAP_MS = 100;
const MIN_CHUNK = 256;
const MAX_CHUNK = 1 << 18;

type Lifecycle = 'idle' | 'starting' | 'active' | 'ended';

export class RunSession {
  readonly outbox = new Outbox();
  private lifecycle: Lifecycle = 'idle';
  private paused = false;
  private stopRequested = false;
  /** Operations left of a `step` (only while paused). */
  private stepLeft = 0;
  private run: ResolvedRun | null = null;
  /** The generator's thread, ended with the run. */
  private generatorThread: { close(): void } | null = null;

  /** A catalogue workload's generator: on a thread of its own when the environment offers one. */
  private readonly makeGenerator: MakeGenerator = (def, params, seed, target) => {
    if (!this.env.generatorThread) return def.create(params, seed, target);
    const threaded = this.env.generatorThread({ workload: def.name, params, seed, target });
    this.generatorThread = threaded;
    return threaded;
  };
  private loop: RunLoop | null = null;
  private feed: BatchFeed | null = null;
  private trace: AsyncIterator<OpBatch> | null = null;
  /** Resolves the trace pump's wait once the feed's batch has been copied out. */
  private feedWaiter: (() => void) | null = null;
  private startedAt = 0;
  /** Running time before the current stretch (pauses excluded): what `durationMs` limits. */
  private activeBefore = 0;
  private runningSince = 0;
  private lastSampleAt = 0;
  private lastSampleOp = -1;
  private lastDetailAt = -Infinity;
  private lastDetailOp = -1;
  private lastMemoryCheckAt = -Infinity;
  private maxSampleIntervalMs = 0;
  /** Samples a second at most (0: no cap): the wall-clock cadence obeys it too. */
  private maxSampleRate = 0;
  private chunk = 4096;
  private scheduled = false;
  private stopFlushing: (() => void) | null = null;
  /** Flushes held back because the host had not taken the previous messages. */
  heldFlushes = 0;
  /** The memory budget in force, MB (the environment's until a `set-budget`); null: not watched. */
  private budgetMB: number | null;
  /** Paused because the budget was reached (not by the user). */
  private atBudget = false;

  constructor(private readonly env: SessionEnv) {
    this.budgetMB = env.memoryBudget?.megabytes ?? null;
  }

  /** The state the host sees. */
  get state(): WorkerRunState {
    if (this.lifecycle === 'idle' || this.lifecycle === 'starting') return 'starting';
    return this.paused ? 'paused' : 'running';
  }

  /** Read through a getter: the run can end while the trace pump awaits. */
  get ended(): boolean {
    return this.lifecycle === 'ended';
  }

  get ops(): number {
    return this.loop?.ops ?? 0;
  }

  /** Handles one message from the host: anything at all, validated here. */
  receive(raw: unknown): void {
    // A host of another protocol version may shape `start` differently: its version is checked
    // before the shape, so that it hears "protocol mismatch", not "malformed".
    const version = startVersionOf(raw);
    if (version !== null && version !== PROTOCOL_VERSION && this.lifecycle === 'idle') {
      return this.fail(`protocol mismatch: the host speaks protocol ${version}, this worker ${PROTOCOL_VERSION}`);
    }
    const parsed = parseMessage(HostToWorkerSchema, raw);
    if (!parsed.ok) {
      this.refuse(`malformed message ignored: ${parsed.reason}`);
      return;
    }
    const message = parsed.value;
    try {
      switch (message.type) {
        case 'ping':
          this.env.send({ type: 'pong', protocolVersion: PROTOCOL_VERSION });
          return;
        case 'start':
          this.start(message.protocolVersion, message.config);
          return;
      }
      if (this.lifecycle === 'idle') return this.refuse(`'${message.type}' before 'start'`);
      if (this.lifecycle === 'ended') return this.refuse(`'${message.type}' after the run ended`);
      switch (message.type) {
        case 'pause':
          return this.pause();
        case 'resume':
          return this.resume();
        case 'step':
          return this.step(message.ops);
        case 'stop':
          return this.stop();
        case 'set-budget':
          this.budgetMB = message.megabytes;
          return;
        case 'set-sampling':
          this.loop!.setSampleEvery(message.sampleEvery);
          if (message.maxSampleIntervalMs !== undefined) this.maxSampleIntervalMs = message.maxSampleIntervalMs;
          if (message.maxSampleRate !== undefined) {
            this.loop!.setMaxSampleRate(message.maxSampleRate);
            this.maxSampleRate = message.maxSampleRate;
          }
          return;
      }
    } catch (error) {
      this.fail(`internal error handling '${message.type}': ${errorMessage(error)}`);
    }
  }

  // ---- commands ---------------------------------------------------------------------------------

  private start(protocolVersion: number, config: RunConfig): void {
    if (this.lifecycle !== 'idle') return this.refuse("'start' again: this worker already has a run");
    if (protocolVersion !== PROTOCOL_VERSION) {
      return this.fail(`protocol mismatch: the host speaks protocol ${protocolVersion}, this worker ${PROTOCOL_VERSION}`);
    }
    let run: ResolvedRun;
    try {
      run = resolveRun(config, this.makeGenerator);
    } catch (error) {
      return this.fail(error instanceof InputError ? error.message : `cannot start: ${errorMessage(error)}`);
    }
    this.lifecycle = 'starting';
    this.run = run;
    this.startedAt = this.env.now();
    this.maxSampleIntervalMs = run.maxSampleIntervalMs;
    this.maxSampleRate = run.maxSampleRate;
    const alloc = createAllocator(run.version, { arenas: run.arenas });
    this.loop = new RunLoop(run.generator, alloc, {
      sampleEvery: run.sampleEvery,
      maxSampleRate: run.maxSampleRate,
      source: { workload: run.workload.name, params: run.params, seed: run.seed },
      clock: () => this.env.now() - this.startedAt,
      onSample: (row) => {
        this.outbox.addSample(row);
        this.lastSampleOp = row[0]!;
        this.lastSampleAt = this.env.now();
      },
      onMark: (mark) => {
        this.outbox.addPhase(mark);
        const now = this.env.now();
        if (now - this.lastDetailAt >= DETAIL_MIN_GAP_MS) this.detailIfNew(now, false);
      },
    });
    if (run.tracePath === null) {
      this.begin();
      return;
    }
    this.feed = run.generator as BatchFeed;
    const trace = this.env.openTrace(run.tracePath)[Symbol.asyncIterator]();
    this.trace = trace;
    // The first batch is read before `started`, so that a missing or unreadable file fails the
    // start instead of a run that has begun.
    trace.next().then(
      (first) => {
        if (this.lifecycle !== 'starting') return;
        this.begin();
        void this.pumpTrace(first);
      },
      (error: unknown) => this.failOn(error),
    );
  }

  private begin(): void {
    const run = this.run!;
    this.lifecycle = 'active';
    this.env.send({
      type: 'started',
      engineVersion: ENGINE_VERSION,
      workloadVersion: run.workload.version,
      python: { version: run.version.version, family: run.version.preset.family, arenas: run.arenas },
      params: run.params,
    });
    // The empty allocator is the first point of every chart.
    this.sampleIfNew();
    this.detailIfNew(this.env.now(), true);
    this.stopFlushing = this.env.every(FLUSH_INTERVAL_MS, () => this.flush(false));
    if (this.stopRequested) return this.finish('stopped');
    this.runningSince = this.env.now();
    this.sendStatus(this.state);
    this.schedule();
  }

  private pause(): void {
    if (!this.paused) {
      this.activeBefore = this.activeMs();
      this.paused = true;
    }
    // A pause during a step ends the step where it is.
    this.stepLeft = 0;
    if (this.lifecycle === 'active') {
      this.sampleIfNew();
      this.flush(true);
      this.detailIfNew(this.env.now(), true);
    }
    this.sendStatus(this.state);
  }

  private resume(): void {
    if (this.paused) {
      if (this.atBudget) {
        // Still over the budget (no `set-budget`, or one too small): pause again, saying so.
        const over = this.checkMemory(this.env.now());
        if (over !== null) return this.pauseAtBudget(over);
        this.atBudget = false;
      }
      this.paused = false;
      this.stepLeft = 0;
      this.runningSince = this.env.now();
      this.schedule();
    }
    this.sendStatus(this.state);
  }

  /**
   * The budget is reached: the run pauses, its samples so far go out, and the host hears why (a
   * `budget` event, then the paused status). It continues on `set-budget` + `resume`, or stops.
   */
  private pauseAtBudget(message: string): void {
    this.atBudget = true;
    if (!this.paused) {
      this.activeBefore = this.activeMs();
      this.paused = true;
    }
    this.stepLeft = 0;
    this.sampleIfNew();
    this.flush(true);
    this.detailIfNew(this.env.now(), true);
    this.env.send({ type: 'budget', ops: this.ops, megabytes: this.budgetMB ?? 0, message });
    this.sendStatus('paused');
  }

  private step(ops: number): void {
    if (!this.paused) return this.refuse("'step' is for a paused run: send 'pause' first");
    this.stepLeft += ops;
    this.schedule();
  }

  private stop(): void {
    if (this.lifecycle === 'starting') this.stopRequested = true;
    else this.finish('stopped');
  }

  // ---- the engine, in slices --------------------------------------------------------------------

  private schedule(): void {
    if (this.scheduled || this.lifecycle !== 'active' || (this.paused && this.stepLeft === 0)) return;
    this.scheduled = true;
    this.env.defer(this.slice);
  }

  private readonly slice = (): void => {
    this.scheduled = false;
    if (this.lifecycle !== 'active' || (this.paused && this.stepLeft === 0)) return;
    const run = this.run!;
    const loop = this.loop!;
    const sliceStart = this.env.now();
    try {
      for (;;) {
        let want = Math.min(this.chunk, run.opsBudget - loop.ops);
        if (this.paused) want = Math.min(want, this.stepLeft);
        // A step is looked at closely: every sampleEvery point, whatever the rate cap.
        loop.rateCapped = !this.paused;
        const t0 = this.env.now();
        const done = want > 0 ? loop.run(want) : 0;
        const t1 = this.env.now();
        this.tuneChunk(done, t1 - t0);
        if (this.paused) this.stepLeft -= done;
        if (this.feed?.drained) this.wakeFeed();
        if (t1 - this.lastSampleAt >= this.cadenceMs()) this.sampleIfNew(t1);
        if (t1 - this.lastDetailAt >= DETAIL_INTERVAL_MS) this.detailIfNew(t1, false);
        if (t1 - this.lastMemoryCheckAt >= MEMORY_CHECK_INTERVAL_MS) {
          const over = this.checkMemory(t1);
          if (over !== null) return this.pauseAtBudget(over);
        }
        if (loop.done || loop.ops >= run.opsBudget || this.activeMs() >= run.durationMs) return this.finish('done');
        if (this.paused && this.stepLeft === 0) return this.stepDone();
        // Fewer than asked and not done: a trace feed waiting for its next batch, which reschedules;
        // or a generator thread that had nothing yet (its reader waited a while): come back.
        if (done < want) {
          if (this.feed === null) this.schedule();
          return;
        }
        if (t1 - sliceStart >= SLICE_MS) break;
      }
    } catch (error) {
      return this.failOn(error);
    }
    this.schedule();
  };

  /** Why the run must pause for memory, or null (memory-budget.ts). */
  private checkMemory(now: number): string | null {
    this.lastMemoryCheckAt = now;
    const budget = this.env.memoryBudget;
    if (budget === undefined || this.budgetMB === null) return null;
    const loop = this.loop!;
    return overBudget(this.budgetMB, { rss: budget.rss(), modelBytes: loop.alloc.modelBytes() }, loop.ops);
  }

  /** Aims each `run` call at about CHUNK_MS, so a slice overshoots SLICE_MS by little. */
  private tuneChunk(done: number, ms: number): void {
    if (done < this.chunk || ms <= 0) return;
    const next = Math.round((done / ms) * CHUNK_MS);
    this.chunk = Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, next));
  }

  private stepDone(): void {
    this.sampleIfNew();
    this.flush(true);
    this.detailIfNew(this.env.now(), true);
    this.sendStatus('paused');
  }

  private async pumpTrace(first: IteratorResult<OpBatch>): Promise<void> {
    const feed = this.feed!;
    const trace = this.trace!;
    let next = first;
    try {
      while (!next.done) {
        feed.offer(next.value);
        this.schedule();
        // The reader reuses its batch: ask for the next one only once the feed has copied it out.
        await new Promise<void>((resolve) => {
          this.feedWaiter = resolve;
        });
        if (this.ended) return;
        next = await trace.next();
        if (this.ended) return;
      }
      feed.end();
      this.schedule();
    } catch (error) {
      this.failOn(error);
    }
  }

  private wakeFeed(): void {
    const resolve = this.feedWaiter;
    this.feedWaiter = null;
    resolve?.();
  }

  // ---- samples and reports ----------------------------------------------------------------------

  private activeMs(now = this.env.now()): number {
    return this.paused || this.lifecycle !== 'active' ? this.activeBefore : this.activeBefore + (now - this.runningSince);
  }

  /** The wall-clock cadence: at least every maxSampleIntervalMs, but never faster than the rate cap. */
  private cadenceMs(): number {
    return this.maxSampleRate > 0 ? Math.max(this.maxSampleIntervalMs, 1000 / this.maxSampleRate) : this.maxSampleIntervalMs;
  }

  /** A sample unless the last one already shows this operation count. */
  private sampleIfNew(now = this.env.now()): void {
    const loop = this.loop;
    if (loop === null) return;
    if (loop.ops !== this.lastSampleOp) loop.sampleNow(now - this.startedAt);
    this.lastSampleAt = now;
  }

  /**
   * A detail snapshot unless the last one already shows this operation count. `force`: send even
   * while the host lags (transitions are rare; the periodic ones simply wait for the next slice).
   */
  private detailIfNew(now: number, force: boolean): void {
    const loop = this.loop;
    if (loop === null || loop.ops === this.lastDetailOp) return;
    if (!force && this.env.unacknowledged() >= MAX_UNACKNOWLEDGED) return;
    this.lastDetailOp = loop.ops;
    this.lastDetailAt = now;
    this.env.send(takeDetail(loop.alloc, now - this.startedAt));
  }

  private flush(force: boolean): void {
    if (this.outbox.empty) return;
    // A host that has not read the last messages gets nothing new: the rows wait in the bounded
    // buffer (coalesced if it fills) until it catches up. Transitions flush regardless: they are rare.
    if (!force && this.env.unacknowledged() >= MAX_UNACKNOWLEDGED) {
      this.heldFlushes++;
      return;
    }
    if (this.outbox.phasesDropped > 0)
      this.env.log(`arenascope worker: ${this.outbox.phasesDropped} phase markers dropped (more than the outbox holds between two flushes)`);
    for (const message of this.outbox.take()) this.env.send(message);
  }

  private sendStatus(state: WorkerRunState): void {
    this.env.send({ type: 'status', state, ops: this.ops, wallMs: this.wallMs() });
  }

  private wallMs(): number {
    // A run refused at `start` never had a clock.
    return this.loop === null ? 0 : this.env.now() - this.startedAt;
  }

  private refuse(message: string): void {
    this.env.log(`arenascope worker: ${message}`);
    this.env.send({ type: 'error', message, fatal: false });
  }

  // ---- the end ----------------------------------------------------------------------------------

  private finish(state: 'done' | 'stopped'): void {
    if (this.lifecycle === 'ended') return;
    // The last row is always the state the run ended in.
    this.sampleIfNew();
    this.activeBefore = this.activeMs();
    this.end();
    this.flush(true);
    this.detailIfNew(this.env.now(), true);
    const report = { ops: this.ops, wallMs: this.wallMs() };
    this.env.send({ type: 'done', state, ...report });
    this.env.send({ type: 'status', state, ...report });
    this.env.exit(0);
  }

  /** A fatal error from reading or running; a bad trace line is told without its text, quoted apart. */
  private failOn(error: unknown): void {
    if (error instanceof TraceError) this.fail(error.contentFreeMessage, error.message);
    else this.fail(errorMessage(error));
  }

  /**
   * A fatal error: what was sampled goes out, then the error, then the process ends. `quoted` (the
   * message with a file's content) goes to the host only: never to stderr, whose last line a crash
   * report may quote.
   */
  private fail(message: string, quoted?: string): void {
    if (this.lifecycle === 'ended') return;
    this.env.log(`arenascope worker: ${message}`);
    this.end();
    this.flush(true);
    this.detailIfNew(this.env.now(), true);
    this.env.send({ type: 'error', message, fatal: true, ...(quoted !== undefined && quoted !== message ? { quoted } : {}) });
    this.env.send({ type: 'status', state: 'failed', ops: this.ops, wallMs: this.wallMs() });
    this.env.exit(1);
  }

  private end(): void {
    this.lifecycle = 'ended';
    this.generatorThread?.close();
    this.stopFlushing?.();
    this.stopFlushing = null;
    this.wakeFeed();
    // Closes the trace file if the run ends before it does.
    void this.trace?.return?.().catch(() => undefined);
  }
}

function startVersionOf(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as { type?: unknown; protocolVersion?: unknown };
  return m.type === 'start' && typeof m.protocolVersion === 'number' ? m.protocolVersion : null;
}
