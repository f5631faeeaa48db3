/**
 * Instructions per operation of the engine's replay loop, counted by `valgrind --tool=callgrind`
 * (repeatable whatever else the machine does), against a budget committed in the repository.
 *
 *   npm run bench -- callgrind [--check] [--update] [--traces seed-16b,churn] [--reps 2]
 *
 * For each trace the driver (bench/callgrind/driver.ts, bundled to one plain JavaScript file so that
 * no transpiler runs under valgrind) is run twice under callgrind, replaying the trace once and
 * 1 + reps times; the difference divided by reps × ops is the steady-state cost of one operation,
 * start-up, trace generation and the first (compiling) replay cancelled out. Node runs with
 * `--predictable` (no concurrent compiler or GC threads), which makes the counts repeatable to a
 * few parts per million.
 *
 * `--check` exits 1 when a trace costs more than its budget + 3 % (bench/callgrind/budget.json);
 * `--update` writes the measured figures as the new budget (do it only when the hot path got cheaper,
 * or with a reason in the commit message).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { TRACES, type TraceName } from './callgrind/traces';
import { benchOptions, wholeOption } from './options';

const run = promisify(execFile);
const HERE = resolve(import.meta.dirname, 'callgrind');
const BUDGET_FILE = join(HERE, 'budget.json');
/** A change may cost this much more than the budget before the check fails. */
export const TOLERANCE = 0.03;
/** The family the budget is kept for (the hot path is the same code for every family). */
const VERSION = '3.11';

interface Budget {
  version: string;
  /** Instructions per operation, per trace. */
  instructionsPerOp: Record<TraceName, number>;
}

/** Total instructions callgrind collected for one driver run, and the ops it replayed. */
async function count(driver: string, trace: string, reps: number): Promise<{ ir: number; ops: number }> {
  const { stdout, stderr } = await run(
    'valgrind',
    ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--predictable', driver, trace, VERSION, String(reps)],
    { maxBuffer: 1 << 24 },
  );
  const m = /Collected\s*:\s*(\d+)/.exec(stderr);
  if (!m) throw new Error(`callgrind printed no instruction count for ${trace}:\n${stderr}`);
  return { ir: Number(m[1]), ops: (JSON.parse(stdout.trim()) as { ops: number }).ops };
}

async function bundle(dir: string): Promise<string> {
  const { build } = await import('esbuild');
  const out = join(dir, 'driver.mjs');
  await build({ entryPoints: [join(HERE, 'driver.ts')], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'warning' });
  return out;
}

export async function callgrindBench(argv: string[]): Promise<number> {
  const values = benchOptions(argv, { check: false, update: false, traces: TRACES.join(','), reps: 2 });
  const traces = values.traces.split(',');
  for (const t of traces) if (!TRACES.includes(t as TraceName)) throw new Error(`--traces: unknown trace "${t}" (known: ${TRACES.join(', ')})`);
  const reps = wholeOption('reps', values.reps);
  try {
    await run('valgrind', ['--version']);
  } catch {
    process.stderr.write('bench callgrind: valgrind is not installed (Debian: apt-get install valgrind)\n');
    return 2;
  }
  const budget = JSON.parse(readFileSync(BUDGET_FILE, 'utf8')) as Budget;
  const dir = mkdtempSync(join(tmpdir(), 'arenascope-callgrind-'));
  try {
    const driver = await bundle(dir);
    // The runs are independent: run them side by side (counts do not depend on timing).
    const measured = await Promise.all(
      traces.map(async (t) => {
        const [one, more] = await Promise.all([count(driver, t, 1), count(driver, t, 1 + reps)]);
        const ops = more.ops - one.ops;
        return { trace: t as TraceName, ops, perOp: (more.ir - one.ir) / ops };
      }),
    );
    console.log(`callgrind, CPython ${VERSION} preset, ${reps} steady-state replay(s) per trace`);
    console.log(`${'trace'.padEnd(10)} ${'ops'.padStart(10)} ${'instr/op'.padStart(9)} ${'budget'.padStart(8)} ${'vs budget'.padStart(10)}`);
    let over = false;
    for (const m of measured) {
      const b = budget.instructionsPerOp[m.trace];
      const rel = m.perOp / b - 1;
      if (rel > TOLERANCE) over = true;
      console.log(
        `${m.trace.padEnd(10)} ${String(m.ops).padStart(10)} ${m.perOp.toFixed(1).padStart(9)} ${b.toFixed(1).padStart(8)} ${`${rel >= 0 ? '+' : ''}${(rel * 100).toFixed(2)} %`.padStart(10)}`,
      );
    }
    if (values.update) {
      for (const m of measured) budget.instructionsPerOp[m.trace] = Math.round(m.perOp * 10) / 10;
      writeFileSync(BUDGET_FILE, `${JSON.stringify({ ...budget, version: VERSION }, null, 2)}\n`);
      console.log(`budget written to ${BUDGET_FILE}`);
      return 0;
    }
    console.log(over ? `OVER BUDGET (more than +${TOLERANCE * 100} %)` : `within budget (+${TOLERANCE * 100} % allowed)`);
    return values.check && over ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
