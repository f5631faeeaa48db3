/**
 * `npm run bench -- NAME [options]`: benchmarks that print a ratio against a reference measured in
 * the same run. See docs/benchmarks.md. Each suite is imported only when run, so that one suite's
 * modules (a browser driver, the exporters) do not weigh on another's memory figures.
 */
type Suite = (argv: string[]) => Promise<number>;

const SUITES: Record<string, { load: () => Promise<Suite>; what: string }> = {
  workloads: { load: async () => (await import('./workloads')).workloadsBench, what: 'each workload end to end vs the bare engine replaying the same stream' },
  streaming: {
    load: async () => (await import('./streaming')).streamingBench,
    what: 'worker ops/s with sampling and IPC on vs off, then host memory for a 24-hour run',
  },
  'streaming-memory': {
    load: async () => (await import('./streaming-memory')).streamingMemoryBench,
    what: 'host memory and window() latency for a 24-hour run at 10 samples/s',
  },
  dashboard: { load: async () => (await import('./dashboard')).dashboardBench, what: 'zoom/pan latency and renderer heap for a 24-hour run in Chromium' },
  callgrind: {
    load: async () => (await import('./callgrind')).callgrindBench,
    what: 'engine instructions per op under callgrind vs the committed budget (--check fails above +3 %)',
  },
  real: { load: async () => (await import('./real')).realBench, what: 'the real-interpreter run kind vs the model on the same workload stream' },
  'op-guard': { load: async () => (await import('./op-guard')).opGuardBench, what: "the run loop's operation guard vs the bare engine on the same stream" },
  record: {
    load: async () => (await import('./record')).recordBench,
    what: "a program's wall time recorded vs plain (models live, models after, and live with --origins), its CPU, the models' rate and lag",
  },
  'record-instructions': {
    load: async () => (await import('./record-instructions')).recordInstructionsBench,
    what: "the recording agent's instructions per op under callgrind, plain vs recorded (and with --origins); load does not change them",
  },
  'record-fidelity': {
    load: async () => (await import('./record-fidelity')).recordFidelityBench,
    what: 'record vs the reference capture (op counts) and oracle (checkpoints) on real programs',
  },
  soak: {
    load: async () => (await import('./soak')).soakBench,
    what: "worker and host RSS slopes (MB/min) of each workload's defaults under the real host (serve), two runs at once",
  },
  engine: { load: async () => (await import('./engine')).engineBench, what: 'the engine replaying traces vs the real CPython allocator (reference oracle)' },
};

const [name, ...rest] = process.argv.slice(2);
const suite = name === undefined ? undefined : SUITES[name];
if (!suite) {
  process.stderr.write(
    `usage: npm run bench -- NAME [options]\n${Object.entries(SUITES)
      .map(([n, s]) => `  ${n.padEnd(10)} ${s.what}`)
      .join('\n')}\n`,
  );
  process.exitCode = 2;
} else {
  suite
    .load()
    .then((run) => run(rest))
    .then(
      (code) => (process.exitCode = code),
      (error: unknown) => {
        process.stderr.write(`bench ${name}: ${(error as Error).message}\n`);
        process.exitCode = 1;
      },
    );
}
