/**
 * An in-memory `Bridge` with synthetic runs, for unit tests (and throwaway previews): a fill /
 * free / churn curve whose arena bytes stay up after the frees, as pymalloc's do. Nothing here
 * models the allocator; it only has the shapes the dashboard draws.
 */
import { PROTOCOL_VERSION } from '../../../shared/protocol/bridge';
import type { Bridge, BridgeEvent, DetailSnapshot, RunCommand, RunSummary, VersionInfo, WindowQuery, WindowResult, WorkloadInfo } from '../../../shared/protocol/bridge';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { SERIES } from '../../../shared/run/sample';

const MIB = 1 << 20;
const POOL = 16384;

export const MOCK_VERSIONS: VersionInfo[] = [
  { family: '3.13', covers: '3.13–3.14', policy: 'one empty arena kept; arenas sorted by free pools', examples: ['3.14', '3.13'], defaultArenas: 'aligned' },
  { family: '3.8', covers: '3.8–3.12', policy: 'empty arenas returned to the system at once', examples: ['3.12', '3.11', '3.10', '3.9', '3.8'], defaultArenas: 'misaligned' },
  { family: '2.4', covers: '2.5–3.7', policy: 'free arenas returned (since 2.5)', examples: ['3.7', '2.7'], defaultArenas: 'misaligned' },
];

export const MOCK_WORKLOADS: WorkloadInfo[] = [
  {
    name: 'seed-16b-fill-free', id: 'W01', title: 'Fill then free', description: 'Allocates N small objects, frees them all.', finite: true,
    params: [
      { kind: 'number', name: 'count', unit: 'objects', default: 100000, min: 1, max: 1e8, integer: true, description: 'objects to allocate' },
      { kind: 'number', name: 'keep', unit: '', default: 0.1, min: 0, max: 1, integer: false, description: 'fraction kept alive' },
      { kind: 'choice', name: 'order', default: 'fifo', choices: ['fifo', 'lifo', 'random'], description: 'order of the frees' },
      { kind: 'sizes', name: 'sizes', default: 'uniform(8, 64)', description: 'request sizes' },
    ],
  },
  { name: 'trace-replay', id: 'T', title: 'Trace replay', description: 'Replays a pymtrace file.', finite: true, params: [{ kind: 'path', name: 'path', description: 'trace file' }] },
];

interface MockRun {
  summary: RunSummary;
  /** Columns in SERIES order, one number per sample. */
  cols: number[][];
  phases: { op: number; wallMs: number | null; label: string }[];
  total: number;
}

export interface MockBridge extends Bridge {
  /** Every request made, in order, for assertions. */
  readonly calls: { method: string; args: unknown[] }[];
  /** Appends `n` samples to a run (ending it at its planned length) and emits the events. */
  advance(runId: string, n: number): void;
  emit(event: BridgeEvent): void;
}

/** The synthetic curve: fill for 40% of the samples, free for 30%, then churn. */
function sampleAt(i: number, total: number, seed: number): number[] {
  const fillEnd = Math.floor(total * 0.4);
  const freeEnd = Math.floor(total * 0.7);
  const peakBlocks = 40000 * (1 + (seed % 3));
  let blocks: number;
  if (i <= fillEnd) blocks = (peakBlocks * i) / Math.max(1, fillEnd);
  else if (i <= freeEnd) blocks = peakBlocks * (1 - (0.9 * (i - fillEnd)) / Math.max(1, freeEnd - fillEnd));
  else blocks = peakBlocks * (0.1 + 0.05 * Math.sin(i / 7));
  const spike = i % 37 === 0 ? 1.3 : 1;
  const blockBytes = Math.round(blocks * 48 * spike);
  const requested = Math.round(blockBytes * 0.82);
  // Pools and arenas only shrink partly after the frees: the point of the tool.
  const highWater = (peakBlocks * 48 * Math.min(i, fillEnd)) / Math.max(1, fillEnd);
  const poolBytes = Math.ceil(Math.max(blockBytes * 1.1, highWater * (i > fillEnd ? 0.5 : 1)) / POOL) * POOL;
  const arenas = Math.max(1, Math.ceil(Math.max(poolBytes, highWater * (seed % 2 ? 0.8 : 0.6)) / MIB));
  const poolsTotal = poolBytes / POOL;
  const full = Math.floor(poolsTotal * 0.7);
  const row = [i * 1000, i * 50, requested, blockBytes, poolBytes, arenas * MIB, arenas, poolsTotal - full, full, Math.max(0, arenas * 63 - poolsTotal), 0];
  return row.slice(0, SERIES.length);
}

export function createMockBridge(options: { runs?: number; samples?: number } = {}): MockBridge {
  const listeners = new Set<(e: BridgeEvent) => void>();
  const calls: { method: string; args: unknown[] }[] = [];
  const runs = new Map<string, MockRun>();
  let nextRun = 1;

  function emit(event: BridgeEvent): void {
    for (const l of [...listeners]) l(event);
  }

  function addRun(config: RunConfig, samples: number, total: number): string {
    const runId = `run-${nextRun++}`;
    const run: MockRun = {
      summary: {
        runId, name: `${config.python} ${config.workload}`, config, state: 'running', ops: 0, wallMs: 0,
        python: { version: config.python, family: config.python, arenas: 'aligned' }, params: config.params, reason: null, samples: 0, budgetPause: null,
      },
      cols: SERIES.map(() => []),
      phases: [],
      total,
    };
    runs.set(runId, run);
    append(run, samples);
    return runId;
  }

  function append(run: MockRun, n: number): void {
    const seed = Number(run.summary.runId.slice(4));
    const fillEnd = Math.floor(run.total * 0.4);
    const freeEnd = Math.floor(run.total * 0.7);
    for (let k = 0; k < n && run.summary.samples < run.total; k++) {
      const i = run.summary.samples;
      const row = sampleAt(i, run.total, seed);
      row.forEach((v, c) => run.cols[c]!.push(v));
      const label = i === 0 ? 'fill' : i === fillEnd ? 'free' : i === freeEnd ? 'churn' : null;
      if (label) run.phases.push({ op: row[0]!, wallMs: row[1]!, label });
      run.summary.samples++;
      run.summary.ops = row[0]!;
      run.summary.wallMs = row[1]!;
    }
    if (run.summary.samples >= run.total) run.summary.state = 'done';
  }

  for (let r = 0; r < (options.runs ?? 0); r++) {
    const n = options.samples ?? 500;
    addRun({ workload: 'seed-16b-fill-free', params: {}, seed: String(r), python: MOCK_VERSIONS[r % MOCK_VERSIONS.length]!.examples[0]!, sampleEvery: 1000 }, n, n);
  }

  function record<T>(method: string, args: unknown[], value: () => T): Promise<T> {
    calls.push({ method, args });
    try {
      return Promise.resolve(value());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  function getRun(runId: string): MockRun {
    const run = runs.get(runId);
    if (!run) throw new Error(`no run '${runId}'`);
    return run;
  }

  function window(q: WindowQuery): WindowResult {
    const run = getRun(q.runId);
    const xs = run.cols[q.axis === 'op' ? 0 : 1]!;
    const n = xs.length;
    const result: WindowResult = { runId: q.runId, axis: q.axis, range: n ? [xs[0]!, xs[n - 1]!] : null, series: {}, phases: run.phases };
    const lo = Number.isFinite(q.from) ? q.from : (xs[0] ?? 0);
    const hi = Number.isFinite(q.to) ? q.to : (xs[n - 1] ?? 0);
    const width = (hi - lo) / Math.max(1, q.maxPoints);
    for (const key of q.series) {
      const c = SERIES.findIndex((s) => s.key === key);
      if (c < 0) throw new Error(`unknown series '${key}'`);
      const ys = run.cols[c]!;
      const out = { x: [] as number[], min: [] as number[], max: [] as number[], last: null as number | null };
      let bucket = -1;
      for (let i = 0; i < n; i++) {
        const x = xs[i]!;
        if (x < lo || x > hi) continue;
        out.last = ys[i]!;
        const b = width > 0 ? Math.min(q.maxPoints - 1, Math.floor((x - lo) / width)) : 0;
        const y = ys[i]!;
        if (b !== bucket) {
          bucket = b;
          out.x.push(x);
          out.min.push(y);
          out.max.push(y);
        } else {
          const j = out.x.length - 1;
          out.min[j] = Math.min(out.min[j]!, y);
          out.max[j] = Math.max(out.max[j]!, y);
        }
      }
      result.series[key] = out;
    }
    return result;
  }

  function detail(runId: string, op: number): DetailSnapshot | null {
    const run = getRun(runId);
    const ops = run.cols[0]!;
    let i = -1;
    for (let k = 0; k < ops.length && ops[k]! <= op; k++) i = k;
    if (i < 0) return null;
    const narenas = run.cols[6]![i]!;
    const usedFrac = run.cols[4]![i]! / (narenas * 63 * POOL);
    const arenas = Array.from({ length: narenas }, (_, slot) => {
      const pools = Array.from({ length: 64 }, (_, p) => {
        if (p === 63) return -1;
        const h = (slot * 131 + p * 71 + i) % 100;
        if (h / 100 > usedFrac) return slot === narenas - 1 && p > 40 ? -1 : 0;
        return h % 3 === 0 ? 100 : 1 + (h % 99);
      });
      return { slot, totalPools: 64, pools, szidx: pools.map((c, p) => (c < 0 ? -1 : (p + slot) % 32)) };
    });
    const classes = { blockSize: [] as number[], usedPools: [] as number[], fullPools: [] as number[], blocks: [] as number[], availableBlocks: [] as number[] };
    for (let c = 0; c < 32; c++) {
      classes.blockSize.push((c + 1) * 16);
      const used = (c * 7 + i) % 11;
      classes.usedPools.push(used);
      classes.fullPools.push((c * 3) % 5);
      classes.blocks.push(used * 40 + c);
      classes.availableBlocks.push(used * 10);
    }
    return { runId, op: ops[i]!, wallMs: run.cols[1]![i]!, classes, arenas };
  }

  function command(runId: string, c: RunCommand): void {
    const run = getRun(runId);
    if (c.type === 'remove') runs.delete(runId);
    else if (c.type === 'pause') run.summary.state = 'paused';
    else if (c.type === 'resume') run.summary.state = 'running';
    else if (c.type === 'stop') run.summary.state = 'stopped';
    else append(run, Math.max(1, Math.round(c.ops / 1000)));
    emit(c.type === 'remove' ? { type: 'runs', runs: [...runs.values()].map((r) => r.summary) } : { type: 'run', run: { ...run.summary } });
  }

  return {
    protocolVersion: PROTOCOL_VERSION,
    calls,
    versions: () => record('versions', [], () => MOCK_VERSIONS),
    workloads: () => record('workloads', [], () => MOCK_WORKLOADS),
    interpreters: () => record('interpreters', [], () => []),
    startRun: (config) => record('startRun', [config], () => {
      const runId = addRun(config, 1, config.ops ? Math.max(2, Math.round(config.ops / 1000)) : 2000);
      emit({ type: 'run', run: { ...getRun(runId).summary } });
      return { runId };
    }),
    command: (runId, c) => record('command', [runId, c], () => command(runId, c)),
    runs: () => record('runs', [], () => [...runs.values()].map((r) => ({ ...r.summary }))),
    window: (q) => record('window', [q], () => window(q)),
    detail: (runId, op) => record('detail', [runId, op], () => detail(runId, op)),
    // Rendering is the host's (electron/host/export): the mock answers with one tiny text file per format.
    export: (request) => record('export', [request], () => ({
      files: request.formats.map((f) => ({ name: `mock.${f}`, mime: 'text/plain', base64: btoa(`${f} of ${request.runIds.join(',')}`) })),
      ms: 0,
    })),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    advance(runId, n) {
      const run = getRun(runId);
      if (run.summary.state !== 'running') return;
      append(run, n);
      emit({ type: 'samples', runId, samples: run.summary.samples, lastOp: run.summary.ops });
      emit({ type: 'run', run: { ...run.summary } });
    },
    emit,
  };
}
