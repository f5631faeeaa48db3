/**
 * Verification: one operation stream replayed through a real interpreter's allocator and through
 * the engine's model of it, compared checkpoint by checkpoint on the fields the conformance suite
 * compares (shared/replay/checkpoint-report.ts), plus, where the interpreter has an arena hook,
 * the arenas mapped and unmapped against the model's arenas allocated and reclaimed.
 *
 * The real pass runs first: in native arena mode on 3.10+ the pools of each arena depend on where
 * the kernel put it, and the model is then given that sequence.
 */
import { createHash } from 'node:crypto';
import { createAllocator } from '../../../shared/engine';
import { checkpointRecord, compareRecord, type CheckpointRecord, type Hasher } from '../../../shared/replay/checkpoint-report';
import { TrackedReplay } from '../../../shared/replay/tracked-replay';
import { chooseModel, modelOptions, type ModelChoice } from './model-choice';
import { RealHelper, RealHelperError, type HelperCheckpoint, type HelperEnd, type HelperReady } from './real-helper';
import { arenaModeFor, type RealInterpreter } from './real-interpreter';
import { walkStream, type StreamSource } from './op-stream';
import { RealSeries } from './real-series';
import { HOOK_ONLY_SERIES, UNMEASURED_SERIES } from './sample-verdict';
import { SERIES, SERIES_COUNT, writeSample } from '../../../shared/run/sample';

/** A real checkpoint in the oracle's schema (what `compareRecord` reads as the expected line). */
export type RealRecord = Omit<CheckpointRecord, 'debug'> & { anomalies: number; arena_hook?: HelperCheckpoint['arena_hook'] };

export interface VerifyRow {
  index: number;
  /** The sample rows (SERIES order) of model and real at this checkpoint. */
  modelSample: Float64Array;
  realSample: Float64Array;
  model: CheckpointRecord;
  real: RealRecord;
  diffs: string[];
}

export interface VerifyResult {
  interpreter: RealInterpreter;
  mode: string;
  model: ModelChoice;
  ready: HelperReady;
  end: HelperEnd;
  rows: VerifyRow[];
  identical: number;
  /** Applied operations of the stream. */
  applied: number;
  /** Wall time of the real pass (helper start to exit) and of the model pass, in ms. */
  realMs: number;
  modelMs: number;
}

export interface VerifyOptions {
  source: StreamSource;
  interpreter: RealInterpreter;
  arenas?: 'aligned' | 'misaligned';
  /** A checkpoint every this many applied operations (besides the stream's marks). */
  every: number;
  env?: NodeJS.ProcessEnv;
}

/** SHA-256 for the model's fingerprints: the helper's C hashes the same canonical text. */
function sha256Hasher(): Hasher {
  const h = createHash('sha256');
  return { update: (chunk) => void h.update(chunk, 'latin1'), digest: () => h.digest('hex') };
}

export function realRecord(c: HelperCheckpoint, label: string | null, version: string): RealRecord {
  return {
    label,
    op: c.op,
    applied: c.applied,
    version,
    classes: c.classes,
    arenas: c.arenas,
    pools: c.pools,
    pools_per_arena: c.pools_per_arena,
    large: c.large,
    fingerprint: c.fingerprint,
    slot_fingerprint: c.slot_fingerprint,
    anomalies: c.anomalies,
    ...(c.arena_hook ? { arena_hook: c.arena_hook } : {}),
  };
}

/** The differences between a model checkpoint and a real one; empty when they agree. */
export function diffCheckpoint(model: CheckpointRecord, real: RealRecord): string[] {
  const diffs = compareRecord(model, real as unknown as Record<string, unknown>);
  if (real.arena_hook) {
    if (real.arena_hook.allocated !== model.debug.arenas_allocated_total) {
      diffs.push(`arenas mapped: model ${model.debug.arenas_allocated_total}, real ${real.arena_hook.allocated}`);
    }
    if (real.arena_hook.freed !== model.debug.arenas_reclaimed) {
      diffs.push(`arenas unmapped: model ${model.debug.arenas_reclaimed}, real ${real.arena_hook.freed}`);
    }
  }
  if (real.anomalies !== 0) diffs.push(`${real.anomalies} live blocks whose pool header contradicts them (a harness fault)`);
  return diffs;
}

/** The charted series of model and real, compared (wall time aside). */
export function diffSamples(model: Float64Array, real: Float64Array, hooked: boolean): string[] {
  const diffs: string[] = [];
  SERIES.forEach((s, i) => {
    if (s.key === 'wall_ms' || UNMEASURED_SERIES.has(s.key) || (!hooked && HOOK_ONLY_SERIES.has(s.key))) return;
    if (model[i] !== real[i]) diffs.push(`${s.key}: model ${model[i]}, real ${real[i]}`);
  });
  return diffs;
}

export async function verify(opts: VerifyOptions): Promise<VerifyResult> {
  const mode = arenaModeFor(opts.interpreter, opts.arenas);
  const version = opts.interpreter.info.version;

  // Pass 1: the real allocator.
  const t0 = performance.now();
  const { helper, ready } = await RealHelper.start({ python: opts.interpreter.info.path, mode, ...(opts.env ? { env: opts.env } : {}) });
  const realLabels: (string | null)[] = [];
  let end: HelperEnd;
  let applied: number;
  try {
    applied = await walkStream(opts.source, opts.every, { ops: (c, f, t) => helper.sendOps(c, f, t), checkpoint: () => helper.checkpoint() }, realLabels);
    end = await helper.end();
  } catch (error) {
    helper.kill();
    throw error;
  }
  const realMs = performance.now() - t0;
  const reals = helper.take();
  if (end.first_block_failures > 0) {
    throw new RealHelperError(
      `${opts.interpreter.label}: the clean slate did not hold: the first block of size class ${end.first_fail_class} (operation ${end.first_fail_op}) ` +
        `did not land in a fresh pool of a new arena (${end.first_block_failures} classes), so the comparison would mean nothing`,
    );
  }

  // Pass 2: the model, told how the real arenas were placed.
  const model = chooseModel(opts.interpreter.version, ready);
  const t1 = performance.now();
  const replay = new TrackedReplay(createAllocator(model.version, modelOptions(mode, end.arena_pools)));
  const labels: (string | null)[] = [];
  const records: CheckpointRecord[] = [];
  const samples: Float64Array[] = [];
  const take = (op: number, appliedSoFar: number): void => {
    const row = new Float64Array(SERIES_COUNT);
    writeSample(replay.alloc, 0, row);
    samples.push(row);
    records.push(checkpointRecord(replay, { label: labels[records.length] ?? null, op, applied: appliedSoFar, version }, sha256Hasher));
  };
  await walkStream(
    opts.source,
    opts.every,
    {
      ops: (cols, from, to) => replay.apply(cols, (_i, op, a) => take(op, a), from, to),
      checkpoint: () => take(replay.opIndex, replay.applied),
    },
    labels,
  );
  const modelMs = performance.now() - t1;

  const series = new RealSeries(ready);
  const rows: VerifyRow[] = [];
  const n = Math.max(records.length, reals.length);
  let identical = 0;
  for (let k = 0; k < n; k++) {
    const m = records[k];
    const r = reals[k];
    if (!m || !r) throw new RealHelperError(`${records.length} model checkpoints but ${reals.length} real ones`);
    const real = realRecord(r, realLabels[k] ?? null, version);
    const diffs = diffCheckpoint(m, real);
    const realSample = series.row(r, 0);
    const modelSample = samples[k]!;
    diffs.push(...diffSamples(modelSample, realSample, r.arena_hook !== undefined));
    if (diffs.length === 0) identical++;
    rows.push({ index: k, model: m, real, diffs, modelSample, realSample });
  }
  return { interpreter: opts.interpreter, mode, model, ready, end, rows, identical, applied, realMs, modelMs };
}
