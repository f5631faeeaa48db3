/**
 * Worker entry: one process per run (see docs/architecture.md). Wires a `RunSession` to the
 * process: the parent channel, the clock, setImmediate between engine slices, and trace files.
 *
 * The worker imports shared/ and electron/node/ only, never Electron or host code, so that
 * `child_process.fork` runs it under plain Node exactly as `utilityProcess.fork` runs it under
 * Electron. A catalogue workload's generator runs on a thread of its own (./generator-thread.ts).
 */
import { readTraceBatches, readTraceSites } from '../node/trace-file';
import { memoryBudgetFromEnv } from './memory-budget';
import { connectToParent } from './parent-channel';
import { isPinsJob, runPinsJob } from './pins-job';
import { RunSession } from './run-session';
import { isMainThread } from 'node:worker_threads';
import { startGeneratorThread } from './generator-thread';

/** How long an exiting worker waits for its last messages to leave before going anyway. */
const EXIT_DRAIN_MS = 2000;

function main(): void {
  const parent = connectToParent();
  if (parent === null) {
    console.error('arenascope worker: no parent channel; start me with utilityProcess.fork or child_process.fork');
    process.exit(1);
  }

  // A run that outgrows this stops with a message rather than being killed by the OS (memory-budget.ts).
  const budget = memoryBudgetFromEnv(process.env);
  if (budget.warning !== null) process.stderr.write(`arenascope worker: ${budget.warning}\n`);

  const session = new RunSession({
    now: () => performance.now(),
    defer: (task) => void setImmediate(task),
    every: (ms, task) => {
      const timer = setInterval(task, ms);
      return () => clearInterval(timer);
    },
    send: (message) => parent.send(message),
    unacknowledged: () => parent.unacknowledged,
    exit: (code) => {
      const timeout = new Promise((resolve) => setTimeout(resolve, EXIT_DRAIN_MS).unref());
      void Promise.race([parent.drain(), timeout]).then(() => process.exit(code));
    },
    log: (line) => void process.stderr.write(`${line}\n`),
    openTrace: async function* (path) {
      for await (const step of readTraceBatches(path)) yield step.batch;
    },
    memoryBudget: { megabytes: budget.megabytes, rss: () => process.memoryUsage.rss() },
    // ARENASCOPE_GENERATOR_THREAD=0 keeps generators on this thread (one core per run).
    ...(process.env['ARENASCOPE_GENERATOR_THREAD'] === '0' ? {} : { generatorThread: (request) => startGeneratorThread(request) }),
  });

  const pinsEnv = {
    send: (message: unknown) => parent.send(message),
    defer: () => new Promise<void>((resolve) => setImmediate(resolve)),
    now: () => performance.now(),
    openTrace: async function* (path: string) {
      for await (const step of readTraceBatches(path)) yield step.batch;
    },
    readSites: readTraceSites,
  };

  // A scratch worker may be asked for a pins analysis instead of a run (./pins-job.ts).
  parent.onMessage((message) => (isPinsJob(message) ? void runPinsJob(message, pinsEnv) : session.receive(message)));

  // A forked worker whose host went away has nobody to report to: leave instead of lingering as
  // an orphan. (Electron ends its utility processes itself when the app quits.)
  parent.onDisconnect(() => process.exit(0));
}

// Off the main thread this module is a generator thread's (./generator-thread.ts starts it).
if (isMainThread) main();
