/**
 * Arenascope's command line: `npm run cli -- COMMAND …`. Exit status: 0 done, 2 bad arguments or
 * bad input file (the message says which and why), 1 an internal error; `conformance` exits 1 when
 * a case does not match.
 */
import { errorDetail, EXIT_INPUT, EXIT_INTERNAL, InputError } from '../../shared/errors';
import { benchCommand, benchUsage } from './commands/bench';
import { compareCommand, compareUsage } from './commands/compare';
import { conformanceCommand, conformanceUsage } from './commands/conformance';
import { exportCommand, exportUsage } from './commands/export';
import { openCommand, openUsage } from './commands/open';
import { pinsCommand, pinsUsage } from './commands/pins';
import { recordCommand, recordUsage } from './commands/record';
import { replayCommand, replayUsage } from './commands/replay';
import { runCommand, runUsage } from './commands/run';
import { serveCommand, serveUsage } from './commands/serve';
import { verifyCommand, verifyUsage } from './commands/verify';
import { verifyAllCommand, verifyAllUsage } from './commands/verify-all';
import { workloadsCommand, workloadsUsage } from './commands/workloads';
import { UsageError } from './usage-error';

type Command = (argv: string[], out: (line: string) => void) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string; summary: string }> = {
  workloads: { run: workloadsCommand, usage: workloadsUsage, summary: 'list the workloads with their parameters, defaults and ranges' },
  run: { run: runCommand, usage: runUsage, summary: 'run a workload against the engine; --out DIR writes samples.csv and run.json' },
  compare: { run: compareCommand, usage: compareUsage, summary: 'run one workload on several versions at once; --out DIR writes overlaid charts and a report' },
  export: { run: exportCommand, usage: exportUsage, summary: 'export a saved session: PNG, SVG, CSV, JSON, HTML report' },
  open: { run: openCommand, usage: openUsage, summary: 'print the runs of a session file and their summaries' },
  record: { run: recordCommand, usage: recordUsage, summary: 'run a Python program under the recording agent: its trace, one run per model, its real arenas' },
  pins: { run: pinsCommand, usage: pinsUsage, summary: 'why memory is kept: the arenas a few live blocks pin, and where those blocks came from' },
  replay: { run: replayCommand, usage: replayUsage, summary: 'replay a pymtrace and print a JSON line per checkpoint' },
  serve: { run: serveCommand, usage: serveUsage, summary: 'serve the dashboard to a browser (prints the URL with its access token first)' },
  bench: { run: benchCommand, usage: benchUsage, summary: 'time the engine replaying a trace held in memory' },
  verify: { run: verifyCommand, usage: verifyUsage, summary: "check the model against an installed CPython's own allocator on a workload or trace" },
  'verify-all': { run: verifyAllCommand, usage: verifyAllUsage, summary: 'verify every workload and conformance trace on every installed interpreter' },
  conformance: { run: conformanceCommand, usage: conformanceUsage, summary: 'compare the engine with recorded real-interpreter runs' },
};

function help(): string {
  const lines = ['usage: npm run cli -- COMMAND [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${c.summary}`, `      ${c.usage}`);
  return lines.join('\n');
}

export async function main(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    out(help());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return await command.run(rest, out);
  } catch (error) {
    // Bad input (an option, a parameter, a trace, a session, an export that cannot be written) names
    // what and where: exit 2, with the usage for a command-line mistake. Anything else is our fault.
    if (error instanceof InputError) {
      process.stderr.write(`arenascope: ${error.message}\n`);
      if (command && error instanceof UsageError) process.stderr.write(`usage: npm run cli -- ${command.usage}\n`);
      return EXIT_INPUT;
    }
    process.stderr.write(`arenascope: internal error: ${errorDetail(error)}\n`);
    return EXIT_INTERNAL;
  }
}

// Run when executed directly (not when imported by tests).
if (process.argv[1] && /cli[\\/]main\.[cm]?[jt]s$/.test(process.argv[1])) {
  // A reader that stops early (`| head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`arenascope: internal error: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
