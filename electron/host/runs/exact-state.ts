/**
 * The host's answers to "the exact engine state of this run at operation X" and "why are its
 * arenas kept at X": a snapshot the run's worker already sent for exactly X, an answer rebuilt
 * earlier (a few kept per run), or a scratch replay (./state-replay.ts). One replay per run at a
 * time: a newer question cancels the older one, whose caller gets ReplayCancelled (the page has
 * moved on).
 */
import { createAllocator } from '../../../shared/engine';
import type { PinReport } from '../../../shared/pins';
import type { DetailMessage } from '../../../shared/protocol/detail-message';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { takeDetail } from '../../../shared/run/detail';
import { resolveRun } from '../../../shared/run/resolve-run';
import type { DetailStore } from './detail-store';
import type { Launcher } from '../workers/launcher';
import { ReplayCancelled, replayPins, replayState, type ScratchJob } from './state-replay';
import { InputError } from '../../../shared/errors';

/** Rebuilt snapshots kept per run (a user clicking back and forth between a few times). */
const CACHED_PER_RUN = 8;
/** Progress reports to the page at most this often, ms. */
const PROGRESS_MS = 100;

export interface ExactRun {
  runId: string;
  name: string;
  config: RunConfig;
  details: DetailStore;
  /** Operations the run applied so far. */
  ops: number;
}

export interface ExactStateOptions {
  launcher: Launcher;
  /** The config a scratch worker may be given for this run (paths resolved, policy checked); throws when none. */
  streamConfig: (run: ExactRun) => Promise<RunConfig>;
  /** A replay is under way: `applied` of `op` operations so far (`applied === op`: finished). */
  progress: (runId: string, op: number, applied: number) => void;
}

/** A question the run cannot answer (the caller's to fix: another op, another run). */
export class ExactStateError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'ExactStateError';
  }
}

export class ExactStates {
  private readonly replays = new Map<string, ScratchJob<unknown>>();
  private readonly cache = new Map<string, DetailMessage[]>();
  private readonly pinsCache = new Map<string, Map<string, PinReport>>();
  /** Per run: how many questions it was asked (a replay's answer counts only if it is the newest). */
  private readonly asked = new Map<string, number>();

  constructor(private readonly options: ExactStateOptions) {}

  async at(run: ExactRun, op: number): Promise<DetailMessage> {
    this.check(run, op);
    const kept = run.details.at(op);
    if (kept !== null && kept.op === op) return kept;
    const cached = this.cache.get(run.runId)?.find((d) => d.op === op);
    if (cached) return cached;
    if (op === 0) return this.remember(run.runId, emptyState(run.config));
    const detail = await this.replay(run, op, (config, progress) => replayState(this.options.launcher, config, op, progress));
    return this.remember(run.runId, detail);
  }

  /** The pins analysis (shared/pins) at operation `op`, arenas up to `threshold` (0–1) full counting as pinned. */
  async pins(run: ExactRun, op: number, threshold: number): Promise<PinReport> {
    this.check(run, op);
    const key = `${op}:${threshold}`;
    const cached = this.pinsCache.get(run.runId)?.get(key);
    if (cached) return cached;
    const report = await this.replay(run, op, (config, progress) => replayPins(this.options.launcher, config, op, threshold, progress));
    const kept = this.pinsCache.get(run.runId) ?? new Map<string, PinReport>();
    kept.set(key, report);
    if (kept.size > CACHED_PER_RUN) kept.delete(kept.keys().next().value!);
    this.pinsCache.set(run.runId, kept);
    return report;
  }

  private check(run: ExactRun, op: number): void {
    if (run.config.real) {
      throw new ExactStateError(`${run.name} ran on a real interpreter, whose allocator the host cannot replay: pick its model run for the exact state`);
    }
    if (!Number.isSafeInteger(op) || op < 0) throw new ExactStateError(`op ${op} is not an operation count`);
    if (op > run.ops) throw new ExactStateError(`op ${op} is past the run's last operation (${run.ops})`);
  }

  /** Runs one scratch job for the run, cancelling any earlier one; progress goes to the page. */
  private async replay<T>(run: ExactRun, op: number, start: (config: RunConfig, progress: (applied: number) => void) => ScratchJob<T>): Promise<T> {
    // The newest question wins, including over one still resolving its config.
    const mine = (this.asked.get(run.runId) ?? 0) + 1;
    this.asked.set(run.runId, mine);
    this.replays.get(run.runId)?.cancel();
    const config = await this.options.streamConfig(run);
    if (this.asked.get(run.runId) !== mine) throw new ReplayCancelled();
    let lastReport = -Infinity;
    const job = start(config, (applied) => {
      const now = performance.now();
      if (now - lastReport < PROGRESS_MS) return;
      lastReport = now;
      this.options.progress(run.runId, op, Math.min(applied, op));
    });
    this.replays.set(run.runId, job);
    try {
      const answer = await job.result;
      this.options.progress(run.runId, op, op);
      return answer;
    } finally {
      if (this.replays.get(run.runId) === job) this.replays.delete(run.runId);
    }
  }

  /** Forgets a run: its replay ends, its rebuilt snapshots go. */
  forget(runId: string): void {
    this.replays.get(runId)?.cancel();
    this.replays.delete(runId);
    this.cache.delete(runId);
    this.pinsCache.delete(runId);
    this.asked.delete(runId);
  }

  dispose(): void {
    for (const runId of [...this.replays.keys()]) this.forget(runId);
  }

  private remember(runId: string, detail: DetailMessage): DetailMessage {
    const list = this.cache.get(runId) ?? [];
    list.push(detail);
    if (list.length > CACHED_PER_RUN) list.shift();
    this.cache.set(runId, list);
    return detail;
  }
}

/** Operation 0: the allocator before any request (no arenas), without a worker. */
function emptyState(config: RunConfig): DetailMessage {
  const run = resolveRun({ ...config, ops: 1 });
  return takeDetail(createAllocator(run.version, { arenas: run.arenas }), 0);
}
