/**
 * What streaming costs a run: a worker's operations per second with sampling and IPC at the default
 * cadence (every 10,000 operations and at least every 250 ms, batches to the host at most 20 times a
 * second) against the same worker with sampling effectively off (one sample at the end), both real
 * processes through the run manager, alternated so that machine drift hits both. Target overhead
 * ≤ 5 %. Then the host-memory half (`streaming-memory`): a synthetic 24-hour feed, target ≤ 150 MB.
 *
 *   npm run bench -- streaming [--workloads seed-16b-fill-free,steady-churn] [--ops 20971520] [--rounds 5] [--skip-memory]
 */
import { DEFAULT_MAX_SAMPLE_INTERVAL_MS, DEFAULT_SAMPLE_EVERY, type RunConfig } from '../shared/protocol/run-config';
import { NodeLauncher } from '../electron/host/workers/node-launcher';
import { RunManager } from '../electron/host/workers/run-manager';
import { streamingMemoryBench } from './streaming-memory';
import { benchOptions, wholeOption } from './options';

const TARGET = 0.05;

async function timedRun(manager: RunManager, config: RunConfig): Promise<{ opsPerS: number; samples: number }> {
  let samples = 0;
  let result: { ops: number; wallMs: number } | null = null;
  let ended = '?';
  const id = `run-${Math.random().toString(36).slice(2)}`;
  const off = manager.onEvent(({ runId, event }) => {
    if (runId !== id) return;
    if (event.type === 'samples') samples += event.columns[0]?.length ?? 0;
    if (event.type === 'done') result = { ops: event.ops, wallMs: event.wallMs };
    if (event.type === 'error' && event.fatal) ended = event.message;
    if (event.type === 'exit' && result === null && ended === '?') ended = event.reason;
  });
  manager.start(config, id);
  await manager.whenExited(id);
  off();
  if (!result) throw new Error(`run ${config.python} did not finish: ${ended}`);
  const r = result as { ops: number; wallMs: number };
  return { opsPerS: r.ops / (r.wallMs / 1000), samples };
}

export async function streamingBench(argv: string[]): Promise<number> {
  const values = benchOptions(argv, { workloads: 'seed-16b-fill-free,steady-churn', python: '3.11', ops: 20_971_520, rounds: 5, 'skip-memory': false });
  const ops = wholeOption('ops', values.ops);
  const manager = new RunManager(new NodeLauncher());
  const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[(xs.length - 1) >> 1]!;
  let worst = 0;
  try {
    for (const workload of values.workloads.split(',')) {
      const base: RunConfig = {
        workload,
        params: {},
        seed: '1',
        python: values.python,
        ops,
        sampleEvery: DEFAULT_SAMPLE_EVERY,
        maxSampleIntervalMs: DEFAULT_MAX_SAMPLE_INTERVAL_MS,
      };
      const quiet: RunConfig = { ...base, sampleEvery: ops, maxSampleIntervalMs: 60_000 };
      const on: number[] = [];
      const offs: number[] = [];
      let samplesOn = 0;
      await timedRun(manager, { ...base, ops: Math.min(ops, 2_000_000) }); // warm the launcher and disk cache
      for (let r = 0; r < wholeOption('rounds', values.rounds); r++) {
        // Alternate the order so that drift of the machine does not favour one side.
        const pair = r % 2 === 0 ? [base, quiet] : [quiet, base];
        for (const config of pair) {
          const t = await timedRun(manager, config);
          if (config === base) {
            on.push(t.opsPerS);
            samplesOn = t.samples;
          } else {
            offs.push(t.opsPerS);
          }
        }
      }
      const overhead = 1 - median(on) / median(offs);
      worst = Math.max(worst, overhead);
      console.log(`${workload} on ${values.python}, ${ops.toLocaleString('en')} ops per run, ${values.rounds} rounds (worker processes)`);
      console.log(`  sampling + IPC on : ${(median(on) / 1e6).toFixed(2)} Mops/s (${samplesOn} samples reached the host)`);
      console.log(`  sampling off      : ${(median(offs) / 1e6).toFixed(2)} Mops/s`);
      console.log(`  overhead ${(overhead * 100).toFixed(1)} %`);
    }
  } finally {
    await manager.dispose();
  }
  console.log(`worst overhead ${(worst * 100).toFixed(1)} % (target ≤ ${TARGET * 100} %): ${worst <= TARGET ? 'met' : 'NOT met'}`);
  if (values['skip-memory']) return 0;
  console.log('');
  return streamingMemoryBench([]);
}
