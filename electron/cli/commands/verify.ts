/**
 * `verify --workload NAME | --trace FILE --real EXE [--arenas aligned|misaligned] [--set key=value]…
 *  [--seed N] [--ops N] [--sample-every N] [--json]`
 *
 * Replays one operation stream through an installed interpreter's own allocator and through the
 * engine's model of that interpreter, and prints, per checkpoint, model vs real (live blocks, size
 * classes, pools, arenas, placement fingerprint), then "identical at N of N checkpoints".
 * Exit status: 0 identical everywhere, 1 not, 2 bad input (options, interpreter, agent, trace).
 */
import { resolve } from 'node:path';
import { openRealInterpreter } from '../../node/real/real-interpreter';
import { verify, type VerifyResult, type VerifyRow } from '../../node/real/verify';
import type { StreamSource } from '../../node/real/op-stream';
import { canonicalJson } from '../../../shared/replay/checkpoint-report';
import { resolveRun } from '../../../shared/run/resolve-run';
import { DEFAULT_SAMPLE_EVERY, type RunConfig } from '../../../shared/protocol/run-config';
import { arenasOption, parse, parseSets, positiveIntOption } from '../options';
import { UsageError, asUsageError } from '../usage-error';
import { InputError } from '../../../shared/errors';

export const verifyUsage =
  'verify (--workload NAME | --trace FILE) --real EXE [--arenas aligned|misaligned] [--set key=value]... [--seed N] [--ops N] [--sample-every N] [--json]';

/** Operations a workload runs for when --ops is not given: long enough to fill and empty arenas, short enough to wait for. */
export const VERIFY_DEFAULT_OPS = 200_000;

export interface VerifyArgs {
  source: StreamSource;
  real: string;
  arenas: 'aligned' | 'misaligned' | undefined;
  every: number;
  json: boolean;
}

/** Reads and checks the options (UsageError naming the option otherwise). */
export function verifyArgs(argv: string[]): VerifyArgs {
  const { values } = parse('verify', argv, {
    options: {
      workload: { type: 'string' },
      trace: { type: 'string' },
      real: { type: 'string' },
      arenas: { type: 'string' },
      set: { type: 'string', multiple: true },
      seed: { type: 'string' },
      ops: { type: 'string' },
      'sample-every': { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: false,
  });
  if (!values.real) throw new UsageError('verify: --real EXE is required (the interpreter to check the model against)');
  if ((values.workload === undefined) === (values.trace === undefined)) throw new UsageError('verify: give exactly one of --workload NAME or --trace FILE');
  const arenas = arenasOption('verify', values.arenas);
  const every = positiveIntOption('verify', 'sample-every', values['sample-every'], DEFAULT_SAMPLE_EVERY);
  let source: StreamSource;
  if (values.trace !== undefined) {
    if (values.set || values.seed || values.ops) throw new UsageError('verify: --set, --seed and --ops apply to --workload, not to --trace');
    source = { kind: 'trace', path: resolve(values.trace) };
  } else {
    const params = parseSets('verify', values.set);
    const ops = positiveIntOption('verify', 'ops', values.ops, VERIFY_DEFAULT_OPS, Number.MAX_SAFE_INTEGER);
    // The python field is filled in once the interpreter is known; checked here with a stand-in.
    const config: RunConfig = {
      workload: values.workload!,
      params,
      seed: values.seed ?? '1',
      python: '3.12',
      sampleEvery: every,
      ...(arenas ? { arenas } : {}),
    };
    asUsageError('verify', () => resolveRun(config));
    source = { kind: 'workload', config, ops };
  }
  return { source, real: values.real, arenas, every, json: values.json === true };
}

const short = (fp: string): string => fp.slice(0, 12);

function classesText(classes: { szidx: number; blocks: number }[]): string {
  return classes.map((c) => `${c.szidx}:${c.blocks}`).join(' ') || '-';
}

/** The table's lines for one checkpoint. */
export function rowLines(row: VerifyRow): string[] {
  const m = row.model;
  const r = row.real;
  const blocks = (x: { classes: { blocks: number }[] }): number => x.classes.reduce((n, c) => n + c.blocks, 0);
  const cell = (x: typeof m | typeof r): string =>
    `${String(blocks(x)).padStart(8)} ${String(x.classes.length).padStart(3)} ${String(x.pools).padStart(6)} ${String(x.arenas).padStart(5)}  ${short(x.fingerprint)}`;
  const lines = [
    `${String(row.index).padStart(4)} ${(row.model.label ?? '-').slice(0, 12).padEnd(12)} ${String(m.applied).padStart(10)}  model ${cell(m)}`,
    `${''.padStart(28)}  real  ${cell(r)}  ${row.diffs.length === 0 ? 'same' : 'DIFFERENT'}`,
  ];
  if (row.diffs.length > 0) {
    lines.push(`      classes (szidx:blocks) model ${classesText(m.classes)}`, `      classes (szidx:blocks) real  ${classesText(r.classes)}`);
    for (const d of row.diffs) lines.push(`      ${d}`);
  }
  return lines;
}

export function verdictLine(v: VerifyResult): string {
  const n = v.rows.length;
  return v.identical === n ? `identical at ${n} of ${n} checkpoints` : `NOT identical: ${v.identical} of ${n} checkpoints identical`;
}

export async function verifyCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const args = verifyArgs(argv);
  let result: VerifyResult;
  try {
    const interpreter = await openRealInterpreter(args.real);
    const source: StreamSource =
      args.source.kind === 'workload' ? { ...args.source, config: { ...args.source.config, python: interpreter.version.version } } : args.source;
    result = await verify({ source, interpreter, arenas: args.arenas, every: args.every });
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`arenascope: verify: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const what =
    args.source.kind === 'trace'
      ? `trace ${args.source.path}`
      : `workload ${args.source.config.workload} (seed ${args.source.config.seed}, ${result.applied.toLocaleString('en')} ops)`;
  out(`verify: ${what}`);
  out(
    `real:  CPython ${result.interpreter.label}, arenas ${result.mode}; clean slate: ${result.ready.slate.fillers} fillers, new arena of ${result.ready.slate.new_arena_pools} pools`,
  );
  out(`model: ${result.model.version.preset.family} (${result.model.version.preset.covers})${result.model.note ? `: ${result.model.note}` : ''}`);
  if (args.json) {
    for (const row of result.rows) out(canonicalJson({ checkpoint: row.index, model: row.model, real: row.real, diffs: row.diffs }));
  } else {
    out(`  ck label           applied         blocks cls  pools arenas fingerprint`);
    for (const row of result.rows) for (const l of rowLines(row)) out(l);
  }
  const realNs = result.end.ops_ns / Math.max(result.applied, 1);
  out(
    `real allocator: ${realNs.toFixed(1)} ns/op in its calls; passes: real ${(result.realMs / 1000).toFixed(2)} s, model ${(result.modelMs / 1000).toFixed(2)} s`,
  );
  out(verdictLine(result));
  return result.identical === result.rows.length ? 0 : 1;
}
