/**
 * `npm run bench -- NAME [options]`: benchmarks that print a ratio against a reference measured in
 * the same run. See docs/benchmarks.md. Each suite is imported only when run, so that one suite's
 * modules (a browser driver, the exporters) do not weigh on another's memory figures.
 */
type Suite = (argv: string[]) => Promise<number>;

const LOADERS = {
  workloads: async () => (await import('./workloads')).workloadsBench,
  streaming: async () => (await import('./streaming')).streamingBench,
  'streaming-memory': async () => (await import('./streaming-memory')).streamingMemoryBench,
  dashboard: async () => (await import('./dashboard')).dashboardBench,
  callgrind: async () => (await import('./callgrind')).callgrindBench,
  real: async () => (await import('./real')).realBench,
  'op-guard': async () => (await import('./op-guard')).opGuardBench,
  record: async () => (await import('./record')).recordBench,
  'record-instructions': async () => (await import('./record-instructions')).recordInstructionsBench,
  'record-fidelity': async () => (await import('./record-fidelity')).recordFidelityBench,
  soak: async () => (await import('./soak')).soakBench,
  engine: async () => (await import('./engine')).engineBench,
  memory: async () => (await import('./memory')).memoryBench,
} satisfies Record<string, () => Promise<Suite>>;

/** What each suite measures, for the usage text. */
const WHAT: Record<keyof typeof LOADERS, string> = {
  workloads: 'each workload end to end vs the bare engine replaying the same stream',
  streaming: 'worker ops/s with sampling and IPC on vs off, then host memory for a 24-hour run',
  'streaming-memory': 'host memory and window() latency for a 24-hour run at 10 samples/s',
  dashboard: 'zoom/pan latency and renderer heap for a 24-hour run in Chromium',
  callgrind: 'engine instructions per op under callgrind vs the committed budget (--check fails above +3 %)',
  real: 'the real-interpreter run kind vs the model on the same workload stream',
  'op-guard': "the run loop's operation guard vs the bare engine on the same stream",
  record: "a program's wall time recorded vs plain (models live, models after, and live with --origins), its CPU, the models' rate and lag",
  'record-instructions': "the recording agent's instructions per op under callgrind, plain vs recorded (and with --origins); load does not change them",
  'record-fidelity': 'record vs the reference capture (op counts) and oracle (checkpoints) on real programs',
  soak: "worker and host RSS slopes (MB/min) of each workload's defaults under the real host (serve), two runs at once",
  engine: 'the engine replaying traces vs the real CPython allocator (reference oracle)',
  memory: "the engine's bytes per simulated arena byte for each family; --whole: a run's peak RSS against 0.2 B/B + 300 MB",
};

const [name, ...rest] = process.argv.slice(2);
const load = name !== undefined && Object.hasOwn(LOADERS, name) ? LOADERS[name as keyof typeof LOADERS] : undefined;
if (!load) {
  const lines = Object.entries(WHAT).map(([n, what]) => `  ${n.padEnd(10)} ${what}`);
  process.stderr.write(`usage: npm run bench -- NAME [options]\n${lines.join('\n')}\n`);
  process.exitCode = 2;
} else {
  load()
    .then((run) => run(rest))
    .then(
      (code) => (process.exitCode = code),
      (error: unknown) => {
        process.stderr.write(`bench ${name}: ${(error as Error).message}\n`);
        process.exitCode = 1;
      },
    );
}
