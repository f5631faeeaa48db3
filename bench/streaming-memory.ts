/**
 * Host memory of a long run: feeds a SeriesStore and a SessionWriter (to a temporary file) with a
 * synthetic 24-hour run sampled 10 times a second (every series), in batches as a worker sends them,
 * then prints the host's memory after a full collection against the 150 MB target, window() latency
 * at 1000 points over random zooms, and what the session file costs on disk and to open again.
 *
 *   npm run bench -- streaming-memory [--hours 24] [--rate 10] [--batches-per-s 4] [--zooms 400] [--fsync]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SERIES, SERIES_COUNT } from '../shared/run/sample';
import { type Axis, SeriesStore } from '../shared/series';
import { type FlushTimer, openSession, SessionWriter } from '../electron/host/session-file';
import { fullCollector as collector } from '../test/support/full-gc';
import { mulberry32 as prng } from '../test/support/mulberry32';

const TARGET_MB = 150;
const WINDOW_TARGET_MS = 10;
const MB = 1024 * 1024;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/**
 * Samples shaped like an engine's: integer counts and byte totals that drift and churn, the byte
 * series consistent with each other (block ≥ requested, pools and arenas in whole units), wall time
 * with timer jitter.
 */
class SyntheticRun {
  private readonly rnd = prng(42);
  private i = 0;
  private live = 2_000_000;
  private arenas = 8;
  private highwater = 8;
  private allocated = 8;

  fill(cols: number[][], rows: number, intervalMs: number): void {
    for (let r = 0; r < rows; r++, this.i++) {
      this.live = Math.max(0, this.live + Math.round((this.rnd() - 0.5) * 200_000 + Math.sin(this.i / 50_000) * 5_000));
      if (this.rnd() < 0.00001) this.live += 300_000_000; // a rare burst: the spike a chart must keep
      const block = Math.round(this.live * 1.18);
      const pools = Math.ceil(block / 16_384);
      const full = Math.floor(pools * 0.7);
      const grown = Math.max(this.arenas, Math.ceil(pools / 64));
      this.allocated += grown - this.arenas;
      this.arenas = grown;
      if (this.rnd() < 0.001) this.arenas = Math.max(1, this.arenas - 1);
      this.highwater = Math.max(this.highwater, this.arenas);
      const row = [
        this.i * 100_000,
        this.i * intervalMs + this.rnd() * 3,
        this.live,
        block,
        pools * 16_384,
        this.arenas * 1_048_576,
        this.arenas,
        pools - full,
        full,
        Math.max(0, this.arenas * 64 - pools),
        Math.round(this.rnd() * 50_000),
        this.highwater,
        this.allocated,
        this.allocated - this.arenas,
      ];
      if (row.length !== SERIES_COUNT) throw new Error(`synthetic row has ${row.length} values, SERIES has ${SERIES_COUNT}`);
      for (let s = 0; s < SERIES_COUNT; s++) cols[s]!.push(row[s]!);
    }
  }
}

/** A flush timer driven by the simulated clock rather than the real one. */
class SimulatedTimer implements FlushTimer {
  due: { at: number; callback: () => void } | undefined;
  now = 0;
  set(callback: () => void, ms: number): unknown {
    this.due = { at: this.now + ms, callback };
    return this.due;
  }
  clear(handle: unknown): void {
    if (this.due === handle) this.due = undefined;
  }
}

export async function streamingMemoryBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      hours: { type: 'string', default: '24' },
      rate: { type: 'string', default: '10' },
      'batches-per-s': { type: 'string', default: '4' },
      zooms: { type: 'string', default: '400' },
      fsync: { type: 'boolean', default: false },
    },
  });
  const hours = Number(values.hours);
  const rate = Number(values.rate);
  const batchesPerS = Number(values['batches-per-s']);
  const total = Math.round(hours * 3600 * rate);
  const intervalMs = 1000 / rate;
  const gc = collector();

  const dir = mkdtempSync(join(tmpdir(), 'arenascope-bench-'));
  try {
    const file = join(dir, 'bench.arenascope.gz');
    gc();
    const before = process.memoryUsage();

    const store = new SeriesStore();
    const timer = new SimulatedTimer();
    const writer = await SessionWriter.open(file, { timer, fsync: values.fsync });
    const config = { workload: 'steady-churn', params: {}, seed: '1', python: '3.12', sampleEvery: 100_000 };
    store.addRun('run');
    writer.addRun('run', config);
    const run = new SyntheticRun();
    const perBatch = rate / batchesPerS;
    let fed = 0;
    let owed = 0;
    let flushes = 0;
    const t0 = performance.now();
    console.log(`feeding ${total.toLocaleString('en')} samples × ${SERIES_COUNT} series (${hours} h at ${rate}/s) in batches of ~${perBatch}`);
    while (fed < total) {
      owed += perBatch;
      const rows = Math.min(total - fed, Math.floor(owed));
      owed -= rows;
      if (rows === 0) continue;
      const cols = Array.from({ length: SERIES_COUNT }, () => [] as number[]);
      run.fill(cols, rows, intervalMs);
      store.append('run', cols);
      writer.appendSamples('run', cols);
      fed += rows;
      timer.now = fed * intervalMs;
      if (timer.due && timer.now >= timer.due.at) {
        const { callback } = timer.due;
        timer.due = undefined;
        callback();
        await writer.flush();
        flushes++;
      }
    }
    writer.setStatus('run', { state: 'done', ops: (total - 1) * 100_000, wallMs: total * intervalMs });
    await writer.close();
    const feedS = (performance.now() - t0) / 1000;

    gc();
    const after = process.memoryUsage();
    const held = (after.heapUsed + after.arrayBuffers) / MB;
    const delta = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / MB;
    console.log(`fed in ${feedS.toFixed(1)} s (${flushes.toLocaleString('en')} flushes, each one gzip member)`);
    console.log(`store typed arrays:          ${(store.bytes() / MB).toFixed(1)} MB (raw doubles would be ${((total * SERIES_COUNT * 8) / MB).toFixed(1)} MB)`);
    console.log(`heapUsed + arrayBuffers:     ${held.toFixed(1)} MB after gc (+${delta.toFixed(1)} MB for the run), target < ${TARGET_MB} MB`);
    console.log(`rss:                         ${(after.rss / MB).toFixed(1)} MB (${(before.rss / MB).toFixed(1)} MB before)`);

    const rnd = prng(7);
    const times: number[] = [];
    const zooms = Number(values.zooms);
    for (let i = 0; i < zooms; i++) {
      const axis: Axis = i % 2 === 0 ? 'op' : 'wall_ms';
      const last = store.stats('run').range![axis][1];
      // Zoom levels from the whole run down to a few seconds, log-uniform.
      const span = last * Math.pow(10, -rnd() * 5);
      const from = rnd() * (last - span);
      const series = SERIES[2 + Math.floor(rnd() * (SERIES_COUNT - 2))]!.key;
      const s = performance.now();
      store.window('run', series, from, from + span, 1000, axis);
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 0.5);
    const p95 = percentile(times, 0.95);
    console.log(`window() at 1000 points:     p50 ${p50.toFixed(3)} ms, p95 ${p95.toFixed(3)} ms over ${zooms} random zooms, target ≪ ${WINDOW_TARGET_MS} ms`);

    const size = statSync(file).size;
    const o = performance.now();
    const { session, warnings } = await openSession(file);
    const openS = (performance.now() - o) / 1000;
    console.log(
      `session file:                ${(size / MB).toFixed(1)} MB gzip (${((size / total) * 1).toFixed(1)} B/sample); ` +
        `opens in ${openS.toFixed(1)} s, ${session.store.stats('run').samples.toLocaleString('en')} samples, ${warnings.length} warnings`,
    );

    const ok = held < TARGET_MB && p95 < WINDOW_TARGET_MS;
    console.log(ok ? 'ok' : 'MISSED a target');
    return ok ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
