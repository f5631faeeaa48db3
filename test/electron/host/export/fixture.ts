// Export test data: a real workload run in this process into a SeriesStore (deterministic: the
// clock is the op count), and a synthetic store whose chart has no text-dependent layout.
import { createAllocator } from '../../../../shared/engine';
import type { RunConfig } from '../../../../shared/protocol/run-config';
import { resolveRun } from '../../../../shared/run/resolve-run';
import { RunLoop } from '../../../../shared/run/run-loop';
import { SERIES, SERIES_COUNT } from '../../../../shared/run/sample';
import { SeriesStore } from '../../../../shared/series';
import type { ExportRun, ExportSource } from '../../../../electron/host/export';

export function config(python: string, overrides: Partial<RunConfig> = {}): RunConfig {
  return { workload: 'ramp-cycles', params: {}, seed: '7', python, ops: 200_000, sampleEvery: 1000, ...overrides };
}

/** Runs `cfg` to its end in this process; samples into `store` under `id`. */
export function runInto(store: SeriesStore, id: string, cfg: RunConfig): ExportRun {
  const run = resolveRun(cfg);
  const alloc = createAllocator(run.version, { arenas: run.arenas });
  const cols: number[][] = SERIES.map(() => []);
  const phases: { op: number; label: string }[] = [];
  const loop = new RunLoop(run.generator, alloc, {
    sampleEvery: cfg.sampleEvery,
    clock: () => alloc.ops / 1000,
    onSample: (row) => {
      for (let k = 0; k < SERIES_COUNT; k++) cols[k]!.push(row[k]!);
    },
    onMark: (m) => phases.push(m),
  });
  while (!loop.done && loop.ops < run.opsBudget) if (loop.run(Math.min(1 << 16, run.opsBudget - loop.ops)) === 0) break;
  loop.sampleNow();
  store.loadRun(id, cols, phases);
  const n = cols[0]!.length;
  return {
    id,
    name: `${run.version.version} ${run.workload.name}`,
    config: cfg,
    started: {
      engineVersion: 'test',
      workloadVersion: run.workload.version,
      python: { version: run.version.version, family: run.version.preset.family, arenas: run.arenas },
      params: run.params as Record<string, number | string>,
    },
    status: { state: 'done', ops: cols[0]![n - 1]!, wallMs: cols[1]![n - 1]! },
    coalesced: 0,
  };
}

export function realSource(pythons: string[] = ['3.11']): ExportSource {
  const store = new SeriesStore();
  const runs = pythons.map((p, i) => runInto(store, `run-${i + 1}`, config(p)));
  return { store, runs, app: 'Arenascope test' };
}

/** Smooth, spiky and stepped series over 5000 samples: a fixed picture for the visual reference. */
export function syntheticSource(): ExportSource {
  const store = new SeriesStore();
  const n = 5000;
  const cols: number[][] = SERIES.map(() => new Array<number>(n).fill(0));
  const col = (key: string) => cols[SERIES.findIndex((s) => s.key === key)]!;
  for (let i = 0; i < n; i++) {
    const t = i / n;
    col('op')[i] = i * 100;
    col('wall_ms')[i] = i;
    const arenas = 4 + Math.floor(12 * Math.sin(Math.PI * t) ** 2);
    col('arenas')[i] = arenas;
    col('arena_bytes')[i] = arenas * 262_144;
    col('pool_bytes')[i] = Math.round(arenas * 262_144 * (0.55 + 0.35 * Math.sin(9 * t) ** 2));
    col('block_bytes')[i] = Math.round(col('pool_bytes')[i]! * 0.8 + (i % 997 === 0 ? 300_000 : 0));
    col('requested_bytes')[i] = Math.round(col('block_bytes')[i]! * 0.9);
    // Pinned arenas appear late, as a free phase leaves a few blocks in each.
    col('pinned_bytes')[i] = t > 0.6 ? Math.min(arenas, Math.floor(10 * (t - 0.6))) * 262_144 : 0;
    col('pools_used')[i] = 20 + (i % 50);
    col('pools_full')[i] = Math.round(200 * t);
    col('pools_empty')[i] = Math.round(50 * (1 - t));
  }
  store.loadRun('run-1', cols, [
    { op: 100_000, label: 'fill' },
    { op: 250_000, label: 'free' },
  ]);
  return {
    store,
    runs: [{ id: 'run-1', name: 'synthetic', config: { workload: 'steady-churn', params: {}, seed: '1', python: '3.11', sampleEvery: 100 } }],
  };
}
