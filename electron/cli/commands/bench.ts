/**
 * `bench TRACE --python VERSION [--arenas …] [--runs N]`: loads the trace into memory first, then
 * times only the replay loop (the engine's own `applyOps`), as the reference oracle's `--time` does:
 * one JSON line with `ops`, `ns_per_op` (each run) and `median_ns_per_op`. One untimed warm-up run
 * comes first, so the figures are for compiled code; every run starts from an empty allocator.
 */
import { createAllocator, applyBatch, HandleTable } from '../../../shared/engine';
import { loadTrace } from '../../node/trace-file';
import { arenasOption, onePositional, parse, positiveIntOption, versionOption } from '../options';

export const benchUsage = 'bench TRACE --python VERSION [--arenas aligned|misaligned] [--runs N]';

export async function benchCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parse('bench', argv, {
    options: { python: { type: 'string' }, arenas: { type: 'string' }, runs: { type: 'string' } },
    allowPositionals: true,
  });
  const trace = onePositional('bench', positionals, 'TRACE file');
  const version = versionOption('bench', values.python);
  const arenas = arenasOption('bench', values.arenas);
  const runs = positiveIntOption('bench', 'runs', values.runs, 5, 1000);
  const columns = await loadTrace(trace);
  const ns: number[] = [];
  let modelBytesPerArenaByte = 0;
  for (let r = 0; r <= runs; r++) {
    const alloc = createAllocator(version, arenas ? { arenas } : {});
    const table = new HandleTable(columns.slotCount);
    const t0 = process.hrtime.bigint();
    const ops = applyBatch(alloc, table, columns);
    const t1 = process.hrtime.bigint();
    if (r > 0) ns.push(Number(t1 - t0) / ops);
    const peak = alloc.narenasHighwater * alloc.preset.ARENA_SIZE;
    modelBytesPerArenaByte = peak > 0 ? alloc.modelBytes() / peak : 0;
  }
  const sorted = [...ns].sort((a, b) => a - b);
  const median = sorted[(sorted.length - 1) >> 1]!;
  const round = (x: number): number => Math.round(x * 100) / 100;
  out(
    JSON.stringify({
      mode: 'bench',
      trace: trace.split(/[\\/]/).pop(),
      python: version.version,
      family: version.preset.family,
      arena_mode: arenas ?? version.preset.defaultArenas,
      ops: columns.applied,
      ns_per_op: ns.map(round),
      median_ns_per_op: round(median),
      model_bytes_per_arena_byte: round(modelBytesPerArenaByte),
    }),
  );
  return 0;
}
