/**
 * `replay TRACE --python VERSION [--arenas aligned|misaligned] [--skip-bad-lines]`: replays a pymtrace
 * from an empty allocator and prints one JSON line per checkpoint in the reference oracle's schema.
 * The trace is streamed: memory follows the live set, not the trace's length.
 */
import { createAllocator } from '../../../shared/engine';
import { canonicalJson, checkpointRecord } from '../../../shared/replay/checkpoint-report';
import { TrackedReplay } from '../../../shared/replay/tracked-replay';
import { formatTraceMessage } from '../../../shared/trace';
import { readTrace } from '../../node/trace-file';
import { sha256Hasher } from '../../node/sha256';
import { arenasOption, onePositional, parse, versionOption } from '../options';

export const replayUsage = 'replay TRACE --python VERSION [--arenas aligned|misaligned] [--skip-bad-lines]';

export async function replayCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parse('replay', argv, {
    options: { python: { type: 'string' }, arenas: { type: 'string' }, 'skip-bad-lines': { type: 'boolean' } },
    allowPositionals: true,
  });
  const trace = onePositional('replay', positionals, 'TRACE file');
  const version = versionOption('replay', values.python);
  const arenas = arenasOption('replay', values.arenas);
  const replay = new TrackedReplay(createAllocator(version, arenas ? { arenas } : {}));
  const summary = await readTrace(
    trace,
    (batch, checkpoints) => {
      let k = 0;
      replay.apply(batch, (i, op, applied) => {
        // The reader reports every mark of the batch, in order.
        const cp = checkpoints[k++]!;
        if (cp.index !== i) throw new Error(`internal: checkpoint at ${cp.index}, mark at ${i}`);
        out(canonicalJson(checkpointRecord(replay, { label: cp.label, op, applied, version: version.version }, sha256Hasher)));
      });
    },
    { skipBadLines: values['skip-bad-lines'] === true },
  );
  if (summary.badLineCount > 0) {
    process.stderr.write(`replay: skipped ${summary.badLineCount} bad line(s) of ${trace}:\n`);
    for (const b of summary.badLines) process.stderr.write(`  ${formatTraceMessage(trace, b.line, b.text, b.reason)}\n`);
  }
  return 0;
}
