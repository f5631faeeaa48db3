/**
 * Save-as: a whole session written at once (a loaded session, or the live one copied elsewhere),
 * atomically — to a temporary file renamed into place — in the same format the writer appends, with
 * the records grouped into gzip members of about a megabyte.
 */
import { ENVELOPE_KEYS, SERIES, splitEnvelope } from '../../../shared/run/sample';
import type { SeriesStore } from '../../../shared/series';
import { writeFileAtomicFrom } from '../../node/atomic-file';
import { sizedMember } from './gzip';
import type { SessionRun } from './model';
import { type HeaderRecord, SAMPLES_PER_RECORD, SESSION_FORMAT, SESSION_VERSION } from './records';
import { DEFAULT_FLUSH_MS } from './writer';

/** What a saved session holds; a loaded `Session` is one. */
export interface SessionContent {
  /** Kept from the original session; now when absent. */
  createdAt?: string;
  flushMs?: number;
  closedAt?: string;
  runs: readonly SessionRun[];
  store: SeriesStore;
}

export interface SaveSessionOptions {
  /** Gzip (default: when the path ends in `.gz`). */
  gzip?: boolean;
  now?: () => Date;
  app?: string;
}

/** Text per gzip member: big enough to compress well, small enough to lose little to damage. */
const MEMBER_TEXT = 1 << 20;

export async function saveSession(path: string, content: SessionContent, options: SaveSessionOptions = {}): Promise<void> {
  const gzip = options.gzip ?? path.endsWith('.gz');
  await writeFileAtomicFrom(path, pieces(records(content, options), gzip));
}

function* records(content: SessionContent, options: SaveSessionOptions): Generator<string> {
  const now = options.now ?? (() => new Date());
  const header: HeaderRecord = {
    t: 'session',
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    createdAt: content.createdAt ?? now().toISOString(),
    series: SERIES.map((s) => s.key),
    envelope: [...ENVELOPE_KEYS],
    flushMs: content.flushMs ?? DEFAULT_FLUSH_MS,
    ...(options.app !== undefined && { app: options.app }),
  };
  yield JSON.stringify(header);
  const { store } = content;
  for (const run of content.runs) {
    yield JSON.stringify({ t: 'run', run: run.id, config: run.config, ...run.meta });
    if (run.started) yield JSON.stringify({ t: 'started', run: run.id, ...run.started });
    const rows = store.stats(run.id).samples;
    for (let start = 0; start < rows; start += SAMPLES_PER_RECORD) {
      const columns = store.read(run.id, start, start + SAMPLES_PER_RECORD).map((c) => Array.from(c));
      const coalesced = start === 0 && run.coalesced > 0 ? { coalesced: run.coalesced } : {};
      yield JSON.stringify({ t: 'samples', run: run.id, ...splitEnvelope(columns), ...coalesced });
    }
    for (const p of store.phases(run.id)) yield JSON.stringify({ t: 'phase', run: run.id, op: p.op, label: p.label });
    if (run.status) yield JSON.stringify({ t: 'status', run: run.id, ...run.status });
  }
  yield JSON.stringify({ t: 'end', closedAt: content.closedAt ?? now().toISOString() });
}

/** Lines grouped into pieces of about MEMBER_TEXT, each compressed on the thread pool when gzip. */
async function* pieces(lines: Iterable<string>, gzip: boolean): AsyncGenerator<Uint8Array> {
  let batch: string[] = [];
  let size = 0;
  const emit = async (): Promise<Uint8Array> => {
    const raw = Buffer.from(batch.join('\n') + '\n', 'utf8');
    batch = [];
    size = 0;
    return gzip ? await sizedMember(raw) : raw;
  };
  for (const line of lines) {
    batch.push(line);
    size += line.length + 1;
    if (size >= MEMBER_TEXT) yield await emit();
  }
  if (batch.length > 0) yield await emit();
}
