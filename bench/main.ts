/**
 * `npm run bench -- NAME [options]`: benchmarks that print a ratio against a reference measured in
 * the same run. See docs/benchmarks.md.
 */
import { dashboardBench } from './dashboard';
import { engineBench } from './engine';
import { streamingBench } from './streaming';
import { streamingMemoryBench } from './streaming-memory';
import { workloadsBench } from './workloads';

const SUITES: Record<string, { run: (argv: string[]) => Promise<number>; what: string }> = {
  workloads: { run: workloadsBench, what: 'each workload end to end vs the bare engine replaying the same stream' },
  streaming: { run: streamingBench, what: 'worker ops/s with sampling and IPC on vs off, then host memory for a 24-hour run' },
  'streaming-memory': { run: streamingMemoryBench, what: 'host memory and window() latency for a 24-hour run at 10 samples/s' },
  dashboard: { run: dashboardBench, what: 'zoom/pan latency and renderer heap for a 24-hour run in Chromium' },
  engine: { run: engineBench, what: 'the engine replaying traces vs the real CPython allocator (reference oracle)' },
};

const [name, ...rest] = process.argv.slice(2);
const suite = name === undefined ? undefined : SUITES[name];
if (!suite) {
  process.stderr.write(`usage: npm run bench -- NAME [options]\n${Object.entries(SUITES).map(([n, s]) => `  ${n.padEnd(10)} ${s.what}`).join('\n')}\n`);
  process.exitCode = 2;
} else {
  suite.run(rest).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`bench ${name}: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
