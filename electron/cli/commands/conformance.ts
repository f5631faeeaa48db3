/**
 * `conformance DIR`: checks every recorded real-interpreter output in DIR against the engine and
 * prints a pass table. Exit status 0 when every case matches, 1 when one does not.
 */
import { runConformance, type ConformanceResult } from '../../host/catalogue/conformance';
import { onePositional, parse } from '../options';

export const conformanceUsage = 'conformance DIR   (DIR/traces/*.pymtrace[.gz], DIR/expected/<interpreter>/<trace>.<mode>.jsonl)';

export async function conformanceCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { positionals } = parse('conformance', argv, { options: {}, allowPositionals: true });
  const dir = onePositional('conformance', positionals, 'folder');
  const row = (r: { trace: string; interpreter: string; mode: string; preset: string; checks: string; result: string }): string =>
    `${r.trace.padEnd(24)} ${r.interpreter.padEnd(9)} ${r.mode.padEnd(10)} ${r.preset.padEnd(6)} ${r.checks.padStart(11)}  ${r.result}`;
  out(row({ trace: 'trace', interpreter: 'python', mode: 'arenas', preset: 'model', checks: 'checkpoints', result: 'result' }));
  const results = await runConformance(dir, (r: ConformanceResult) => {
    const result = r.skipped ? `skipped: ${r.skipped}` : r.mismatched === 0 ? 'pass' : `FAIL (${r.mismatched} checkpoints differ)`;
    out(row({ trace: r.trace, interpreter: r.interpreter, mode: r.mode, preset: r.preset, checks: String(r.checkpoints), result }));
    for (const d of r.diffs) out(`    ${d}`);
  });
  const ran = results.filter((r) => !r.skipped);
  const passed = ran.filter((r) => r.mismatched === 0).length;
  const checkpoints = ran.reduce((n, r) => n + r.checkpoints, 0);
  out(`${passed} passed, ${ran.length - passed} failed, ${results.length - ran.length} skipped (${checkpoints} checkpoints compared)`);
  return passed === ran.length && ran.length > 0 ? 0 : 1;
}
