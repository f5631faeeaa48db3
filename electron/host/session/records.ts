/**
 * The records of an Arenascope session file (format in docs/session-format.md), as valibot schemas:
 * the writer checks what it writes against them and the reader checks every record it reads, so a
 * file this build wrote is always one it can read, and a damaged record is named, not misread.
 *
 * Bump SESSION_VERSION whenever a record changes shape; the reader refuses versions it does not know.
 */
import * as v from 'valibot';
import { RunConfigSchema } from '../../../shared/protocol/run-config';
import { RunStatusSchema, StartedInfoSchema } from '../../../shared/protocol/run-record';
import { ENVELOPE_COUNT, LEGACY_SERIES_COUNTS, SERIES_COUNT } from '../../../shared/run/sample';

export const SESSION_FORMAT = 'arenascope-session';
/**
 * 2: the arena counters `arenas_highwater`, `arenas_allocated_total`, `arenas_reclaimed` joined the series.
 * 3: `samples` records may carry each window's envelope (`min`, `max`); the header names its series (`envelope`).
 * 4: the `pinned_bytes` series joined the series (the last column).
 * 5: the `rss_bytes` series joined the series (the last column).
 */
export const SESSION_VERSION = 5;
/**
 * Versions this build reads: a version-2 file is a version-3 file without envelopes; a file older
 * than a series of LATER_SERIES has no column for it (seriesOfSessionVersion), read as 0 (not recorded).
 */
export const READABLE_SESSION_VERSIONS: readonly number[] = [2, 3, 4, 5];
/** Rows per `samples` record at most, so that no single line grows huge. */
export const SAMPLES_PER_RECORD = 8192;

const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const Finite = v.pipe(v.number(), v.finite());
const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const RunId = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const Timestamp = Text(40);

// A run's `started` and `status` records hold exactly the host's run record (shared/protocol/run-record.ts).
export { FINAL_STATES, RunStatusSchema, StartedInfoSchema, type RunStatus, type StartedInfo } from '../../../shared/protocol/run-record';
export { RunStateSchema as SessionRunStateSchema, type RunState as SessionRunState } from '../../../shared/protocol/run-record';

/** What the host knows of a run besides its config when it starts it. */
export const RunMetaSchema = v.strictObject({
  /** A name the user gave the run. */
  name: v.optional(Text(200)),
  /** ISO 8601 time the host started the run. */
  createdAt: v.optional(Timestamp),
});
export type RunMeta = v.InferOutput<typeof RunMetaSchema>;

const SampleColumns = v.pipe(
  v.array(v.array(Finite)),
  v.check(
    (cols) => cols.length === SERIES_COUNT || LEGACY_SERIES_COUNTS.includes(cols.length),
    `expected ${SERIES_COUNT} columns (one per series), or ${LEGACY_SERIES_COUNTS.join(' or ')} in a file of an older version`,
  ),
  v.check((cols) => cols.every((c) => c.length === cols[0]!.length), 'columns differ in length'),
  // valibot runs every check of a pipe even after one failed: `[]` gets here past the length check.
  v.check((cols) => cols[0] === undefined || cols[0].length > 0, 'no rows'),
);

const EnvelopeColumns = v.pipe(
  v.array(v.array(Finite)),
  v.length(ENVELOPE_COUNT, `expected ${ENVELOPE_COUNT} columns (one per series of the header's envelope)`),
);

export const HeaderRecordSchema = v.strictObject({
  t: v.literal('session'),
  format: v.literal(SESSION_FORMAT),
  version: v.union([v.literal(2), v.literal(3), v.literal(4), v.literal(SESSION_VERSION)]),
  /** ISO 8601 time the session was created. */
  createdAt: Timestamp,
  /** The series keys of every samples record's columns, in order (shared/run/sample.ts SERIES). */
  series: v.array(Text(40)),
  /** Version 3: the series whose minima and maxima a samples record's `min` and `max` hold, in order (shared/run/sample.ts ENVELOPE_KEYS). */
  envelope: v.optional(v.array(Text(40))),
  /** Longest time the writer kept records before flushing them: what a crash may lose. */
  flushMs: v.pipe(Count, v.minValue(1)),
  /** Application that wrote the file and its version, for diagnosis only. */
  app: v.optional(Text(100)),
});
export type HeaderRecord = v.InferOutput<typeof HeaderRecordSchema>;

export const BodyRecordSchema = v.variant('t', [
  v.strictObject({ t: v.literal('run'), run: RunId, config: RunConfigSchema, ...RunMetaSchema.entries }),
  v.strictObject({ t: v.literal('started'), run: RunId, ...StartedInfoSchema.entries }),
  /** Sample rows as columns in the header's series order; `coalesced` samples the worker dropped. */
  /**
   * `min` / `max` (version 3, both or neither): per series of the header's `envelope`, its least and
   * greatest value since the previous sample; absent, each value is its own minimum and maximum.
   */
  v.pipe(
    v.strictObject({
      t: v.literal('samples'),
      run: RunId,
      columns: SampleColumns,
      min: v.optional(EnvelopeColumns),
      max: v.optional(EnvelopeColumns),
      coalesced: v.optional(Count),
    }),
    v.check((r) => (r.min === undefined) === (r.max === undefined), 'min and max come together'),
    v.check(
      (r) => [...(r.min ?? []), ...(r.max ?? [])].every((c) => c.length === r.columns[0]?.length),
      'every min and max column must hold as many rows as the columns',
    ),
  ),
  v.strictObject({ t: v.literal('phase'), run: RunId, op: Count, label: Text(200) }),
  v.strictObject({ t: v.literal('status'), run: RunId, ...RunStatusSchema.entries }),
  /** The writer closed the file cleanly; nothing follows. */
  v.strictObject({ t: v.literal('end'), closedAt: Timestamp }),
]);
export type BodyRecord = v.InferOutput<typeof BodyRecordSchema>;
