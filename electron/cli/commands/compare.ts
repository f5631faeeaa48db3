/**
 * `compare --workload NAME --python VERSION --python VERSION [--python …] [--set key=value]…
 *  [--seed N] [--ops N | --duration 10m] [--sample-every N] [--arenas …] [--out DIR]
 *  [--format png,svg,csv,json,html] [--width N] [--height N] [--theme light|dark] [--axis op|wall_ms]`
 *
 * `run` with the same options, every version at once, then a table of the differences from the
 * first version on stdout; with `--out`, the session file and (all formats unless `--format` says
 * otherwise) one chart per series with the runs overlaid, the samples, the JSON and a report with
 * the delta table (docs/exports.md).
 */
import { parse } from '../options';
import { RUN_OPTIONS, runAndExport } from './run';

export const compareUsage =
  'compare --workload NAME --python VERSION --python VERSION [--python VERSION]... [--set key=value]... [--seed N] [--ops N | --duration 10m] [--sample-every N] [--arenas aligned|misaligned] [--out DIR] [--format png,svg,csv,json,html] [--width N] [--height N] [--theme light|dark] [--axis op|wall_ms]';

export async function compareCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parse('compare', argv, { options: RUN_OPTIONS, allowPositionals: false });
  return runAndExport('compare', values, out);
}
