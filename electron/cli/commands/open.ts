/** `open FILE`: a saved session's runs and their summaries (a damaged file: its intact prefix, with warnings). */
import { SERIES_INDEX, type SeriesKey } from '../../../shared/run/sample';
import { openSession } from '../../host/session/file';
import { plural } from '../../../shared/charts/format';
import { onePositional, parse } from '../options';
import { asUsageError, UsageError } from '../usage-error';

export const openUsage = 'open FILE   (a session file, e.g. DIR/session.arenascope.gz)';

export async function openCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { positionals, values } = parse('open', argv, { options: { json: { type: 'boolean' } }, allowPositionals: true });
  const file = onePositional('open', positionals, 'session FILE');
  const { session, warnings } = await asUsageError('open', () => openSession(file));
  const rows = session.runs.map((r) => {
    const st = session.store.stats(r.id);
    const peak = (key: SeriesKey): number => {
      const w = session.store.window(r.id, key, -Infinity, Infinity, 1);
      return w.count > 0 ? w.max[0]! : 0;
    };
    const last = session.store.lastSample(r.id);
    const final = (key: SeriesKey): number => (last ? last[SERIES_INDEX[key]]! : 0);
    return {
      run: r.id,
      name: r.meta.name ?? null,
      workload: r.config.workload,
      python: r.started?.python.version ?? r.config.python,
      family: r.started?.python.family ?? null,
      state: r.status?.state ?? 'unknown',
      reason: r.status?.reason ?? null,
      samples: st.samples,
      ops: final('op'),
      arenas: { peak: peak('arenas'), final: final('arenas') },
      retainedBytes: { peak: peak('arena_bytes'), final: final('arena_bytes') },
      requestedBytes: { peak: peak('requested_bytes'), final: final('requested_bytes') },
      phases: session.store.phases(r.id).length,
    };
  });
  if (values.json) {
    out(JSON.stringify({ file, createdAt: session.createdAt, closedAt: session.closedAt ?? null, warnings, runs: rows }, null, 2));
  } else {
    const recovered = warnings.length > 0 ? ' recovered from a damaged file' : '';
    out(
      `${file}: ${plural(session.runs.length, 'run')}${recovered}, created ${session.createdAt}${session.closedAt ? '' : ' (not closed: the host stopped while writing)'}`,
    );
    for (const r of rows) {
      out(
        `  ${r.run} ${r.workload} on ${r.python}${r.family ? ` (${r.family})` : ''}: ${r.state}${r.reason ? ` (${r.reason})` : ''}; ` +
          `${r.samples} samples, ${r.ops.toLocaleString('en')} ops; arenas peak ${r.arenas.peak}, final ${r.arenas.final}; ` +
          `retained ${r.retainedBytes.final} bytes (peak ${r.retainedBytes.peak})`,
      );
    }
  }
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  // A damaged file from which nothing was recovered is a bad input file (exit 2), not an empty session.
  if (session.runs.length === 0 && warnings.length > 0) throw new UsageError(`open: ${file}: no run could be recovered from it`);
  return 0;
}
