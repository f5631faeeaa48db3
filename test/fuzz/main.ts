/**
 * Fuzz runner: `node --import tsx test/fuzz/main.ts [--runs 100000] [--only NAME[,NAME]] [--seed N [--path P]]`
 * (or `npm run fuzz -- …`). Runs every target (trace, protocol, session, params) for `--runs` cases,
 * prints one line per target and exits non-zero when any case failed.
 */
import { TARGETS } from './targets';

interface Args {
  runs: number;
  only: string[] | null;
  seed: number | undefined;
  path: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { runs: 100_000, only: null, seed: undefined, path: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--runs') args.runs = Number(value());
    else if (a === '--only') args.only = value().split(',');
    else if (a === '--seed') args.seed = Number(value());
    else if (a === '--path') args.path = value();
    else if (a === '--help' || a === '-h') {
      console.log(`usage: fuzz [--runs N] [--only ${TARGETS.map((t) => t.name).join('|')}] [--seed N [--path P]]`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isSafeInteger(args.runs) || args.runs < 1) throw new Error(`--runs must be a positive integer`);
  if (args.seed !== undefined && !Number.isSafeInteger(args.seed)) throw new Error('--seed must be an integer');
  const unknown = args.only?.filter((n) => !TARGETS.some((t) => t.name === n)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown target ${unknown.join(', ')}: known are ${TARGETS.map((t) => t.name).join(', ')}`);
  return args;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`fuzz: ${(error as Error).message}`);
    return 2;
  }
  let failed = 0;
  for (const target of TARGETS) {
    if (args.only && !args.only.includes(target.name)) continue;
    const r = await target.run(args.runs, { ...(args.seed !== undefined && { seed: args.seed }), ...(args.path !== undefined && { path: args.path }) });
    console.log(`${r.target}: ${r.cases} cases, ${r.failures} failures, ${r.seconds.toFixed(1)} s`);
    for (const note of r.notes) console.log(`  note: ${note}`);
    if (r.failures > 0) {
      failed++;
      console.log(r.report.replace(/^/gm, '  '));
    }
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
