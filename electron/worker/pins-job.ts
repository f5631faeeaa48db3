/**
 * A scratch worker's pins job (shared/protocol/pins-message.ts): the run's stream replayed to one
 * operation through `PinReplay` (which keeps each block's birth and origin tag beside the engine),
 * then analysed (shared/pins) with the workload's origin names. It yields to the event loop between slices so that progress leaves as it goes.
 */
import { createAllocator } from '../../shared/engine';
import { OpBatch } from '../../shared/ops/op-batch';
import { analyzePins, PinReplay } from '../../shared/pins';
import { type PinsJob, PinsJobSchema } from '../../shared/protocol/pins-message';
import { parseMessage, PROTOCOL_VERSION } from '../../shared/protocol/worker-messages';
import { resolveRun } from '../../shared/run/resolve-run';
import { errorMessage } from '../../shared/errors';
import type { SiteTable } from '../../shared/trace';

const SLICE = 1 << 14;
const PROGRESS_MS = 100;

export interface PinsJobEnv {
  send(message: unknown): void;
  /** Lets queued messages leave before the next slice. */
  defer(): Promise<void>;
  now(): number;
  openTrace(path: string): AsyncIterable<OpBatch>;
  /** The names of a recorded trace's sites (its `#site` lines, which come last: read to the end). */
  readSites?(path: string): Promise<SiteTable>;
}

/** Whether a message is meant for this module (its shape is checked by `runPinsJob`). */
export function isPinsJob(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'pins';
}

/** Runs the job; every outcome is a message (a report, or a fatal error saying why). */
export async function runPinsJob(raw: unknown, env: PinsJobEnv): Promise<void> {
  const parsed = parseMessage(PinsJobSchema, raw);
  if (!parsed.ok) return env.send({ type: 'error', message: `malformed pins job: ${parsed.reason}`, fatal: true });
  const job: PinsJob = parsed.value;
  if (job.protocolVersion !== PROTOCOL_VERSION) {
    return env.send({
      type: 'error',
      message: `protocol mismatch: the host speaks protocol ${job.protocolVersion}, this worker ${PROTOCOL_VERSION}`,
      fatal: true,
    });
  }
  try {
    const run = resolveRun({ ...job.config, ops: Math.max(1, job.op) });
    const replay = new PinReplay(createAllocator(run.version, { arenas: run.arenas }));
    let lastReport = env.now();
    const progress = async (): Promise<void> => {
      if (env.now() - lastReport < PROGRESS_MS) return;
      lastReport = env.now();
      env.send({ type: 'pins-progress', ops: replay.alloc.ops });
      await env.defer();
    };
    if (run.tracePath !== null) {
      for await (const batch of env.openTrace(run.tracePath)) {
        for (let i = 0; i < batch.length && replay.alloc.ops < job.op;) {
          i = replay.apply(batch, i, Math.min(batch.length, i + SLICE), job.op);
          await progress();
        }
        if (replay.alloc.ops >= job.op) break;
      }
    } else {
      const batch = new OpBatch(SLICE);
      while (replay.alloc.ops < job.op && !run.generator.done) {
        batch.clear();
        run.generator.fill(batch);
        if (batch.length === 0) break;
        replay.apply(batch, 0, batch.length, job.op);
        await progress();
      }
    }
    if (replay.alloc.ops < job.op) throw new Error(`the run's stream ends at op ${replay.alloc.ops}, before op ${job.op}`);
    // A recorded program's trace (record --origins): its blocks carry sites, named at the trace's end.
    const sites = replay.sited && run.tracePath !== null && env.readSites ? await env.readSites(run.tracePath) : undefined;
    env.send({
      type: 'pins-report',
      report: analyzePins(replay.alloc, { births: replay, threshold: job.threshold, workload: run.workload, ...(sites ? { sites } : {}) }),
    });
  } catch (error) {
    env.send({ type: 'error', message: errorMessage(error), fatal: true });
  }
}
