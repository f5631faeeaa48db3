/**
 * Host memory of a long run: feeds a SeriesStore and a SessionWriter (to a temporary file) with a
 * synthetic run (24 hours at 10 samples a second by default; `--hours 168` for a week), in batches as
 * a worker sends them, the store spilling old rows to the file past its per-run budget as the app host
 * does. Prints the host's memory after a full collection as the run goes (it must stay flat after
 * warm-up) and at the end against the target (150 MB for a day, 400 MB beyond), window() latency at
 * 1000 points over random zooms (pages read back from the file included), what the session file
 * costs on disk, and the streamed reader opening it again with spilling — then the same session
 * saved as plain text (over 1 GiB for a week) and opened again: time, and the most file bytes held.
 *
 *   npm run bench -- streaming-memory [--hours 24] [--rate 10] [--batches-per-s 4] [--zooms 400]
 *                                     [--budget-mb 32] [--plain] [--fsync] [--keep FILE]
 *   npm run bench -- streaming-memory --open FILE [--budget-mb 32]     (only open a session file, e.g. one kept)
 */
import { copyFileSync, createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERIES, SERIES_COUNT, SERIES_KEYS, type SeriesKey } from '../shared/run/sample';
import { type Axis, SeriesStore } from '../shared/series';
import { type FlushTimer, openSession, saveSession, SessionWriter } from '../electron/host/session/file';
import { fullCollector as collector } from '../test/support/full-gc';
import { mulberry32 as prng } from '../test/support/mulberry32';
import { benchOptions, wholeOption } from './options';

const DAY_TARGET_MB = 150;
const WEEK_TARGET_MB = 400;
const OPEN_TARGET_S = 10;
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
      // Every series by name: a series added to SERIES without a synthetic value here does not compile.
      const values: Record<SeriesKey, number> = {
        op: this.i * 100_000,
        wall_ms: this.i * intervalMs + this.rnd() * 3,
        requested_bytes: this.live,
        block_bytes: block,
        pool_bytes: pools * 16_384,
        arena_bytes: this.arenas * 1_048_576,
        arenas: this.arenas,
        pools_used: pools - full,
        pools_full: full,
        pools_empty: Math.max(0, this.arenas * 64 - pools),
        large_bytes: Math.round(this.rnd() * 50_000),
        arenas_highwater: this.highwater,
        arenas_allocated_total: this.allocated,
        arenas_reclaimed: this.allocated - this.arenas,
        pinned_bytes: Math.floor(this.arenas * this.rnd() * 0.2) * 1_048_576,
        rss_bytes: 0,
      };
      const row = SERIES_KEYS.map((k) => values[k]);
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

/** Copies a one-run plain session with its run's records written twice, the second time as run "run-2". */
async function doubled(from: string, to: string): Promise<void> {
  const out = createWriteStream(to);
  const write = async (line: string): Promise<void> => {
    if (!out.write(line + '\n')) await once(out, 'drain');
  };
  const body = async (rename: boolean): Promise<void> => {
    for await (const line of createInterface({ input: createReadStream(from), crlfDelay: Infinity })) {
      if (line.startsWith('{"t":"session"') || line.startsWith('{"t":"end"')) continue;
      await write(rename ? line.replace('"run":"run"', '"run":"run-2"') : line);
    }
  };
  for await (const line of createInterface({ input: createReadStream(from), crlfDelay: Infinity })) {
    await write(line);
    break;
  }
  await body(false);
  await body(true);
  await write(JSON.stringify({ t: 'end', closedAt: new Date().toISOString() }));
  out.end();
  await once(out, 'finish');
}

export async function streamingMemoryBench(argv: string[]): Promise<number> {
  // The budget may be 0 (spill everything), so it is read as text and checked here.
  const values = benchOptions(argv, { hours: 24, rate: 10, 'batches-per-s': 4, zooms: 400, fsync: false, 'budget-mb': '32', plain: false, keep: '', open: '' });
  const budgetBytes = Number(values['budget-mb']) * MB;
  if (!(budgetBytes >= 0)) throw new Error(`--budget-mb must be a number of megabytes, got ${values['budget-mb']}`);
  const { hours, rate } = values;
  const batchesPerS = values['batches-per-s'];
  const total = Math.round(hours * 3600 * rate);
  const TARGET_MB = hours <= 24 ? DAY_TARGET_MB : WEEK_TARGET_MB;
  const intervalMs = 1000 / rate;
  const gc = collector();

  if (values.open !== '') return (await openOnly(values.open, budgetBytes, gc)) ? 0 : 1;
  const dir = mkdtempSync(join(tmpdir(), 'arenascope-bench-'));
  try {
    const file = join(dir, 'bench.arenascope.gz');
    gc();
    const before = process.memoryUsage();

    const store = new SeriesStore({ spill: { budgetBytes } });
    const timer = new SimulatedTimer();
    const writer = await SessionWriter.open(file, { timer, fsync: values.fsync });
    const config = { workload: 'steady-churn', params: {}, seed: '1', python: '3.12', sampleEvery: 100_000 };
    store.addRun('run');
    writer.addRun('run', config);
    store.spillTo('run', writer.spillSource('run'));
    // Memory as the run goes: a full collection every simulated `every` hours.
    const every = Math.max(1, Math.round(hours / 12));
    const growth: { h: number; mb: number }[] = [];
    let nextMark = every * 3600 * rate;
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
      if (fed >= nextMark) {
        nextMark += every * 3600 * rate;
        gc();
        const m = process.memoryUsage();
        growth.push({ h: fed / rate / 3600, mb: (m.heapUsed + m.arrayBuffers) / MB });
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
    const spill = store.spillStats('run')!;
    console.log(
      `spilled to the session file: ${spill.spilledChunks} chunks per value series; value columns in memory ${(spill.residentValueBytes / MB).toFixed(1)} MB (budget ${(spill.budgetBytes / MB).toFixed(0)} MB)`,
    );
    console.log(`heap after gc as the run went (h → MB): ${growth.map((g) => `${g.h.toFixed(0)} → ${g.mb.toFixed(1)}`).join(', ')}`);
    // Slope after warm-up: the first mark past the budget's fill to the last.
    const warm = growth.filter((g) => g.h >= growth[growth.length - 1]!.h / 3);
    if (warm.length >= 2) {
      const a = warm[0]!;
      const b = warm[warm.length - 1]!;
      const perHour = (b.mb - a.mb) / (b.h - a.h);
      console.log(
        `growth after warm-up:        ${perHour.toFixed(2)} MB per hour of run (${(perHour / 60).toFixed(3)} MB/min) from ${a.h.toFixed(0)} h to ${b.h.toFixed(0)} h: the x axes and pyramids (≈ ${((perHour * MB) / 3600 / rate) | 0} B a sample)`,
      );
    }

    const rnd = prng(7);
    const times: number[] = [];
    const pagesBefore = spill.pagesRead;
    const zooms = wholeOption('zooms', values.zooms);
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
    console.log(
      `window() at 1000 points:     p50 ${p50.toFixed(3)} ms, p95 ${p95.toFixed(3)} ms, max ${times[times.length - 1]!.toFixed(1)} ms over ${zooms} random zooms ` +
        `(${store.spillStats('run')!.pagesRead - pagesBefore} pages read back), target ≪ ${WINDOW_TARGET_MS} ms`,
    );
    store.removeRun('run');

    const opened = async (path: string, what: string): Promise<boolean> => {
      const size = statSync(path).size;
      gc();
      const base = process.memoryUsage();
      const o = performance.now();
      const reopened = new SeriesStore({ spill: { budgetBytes } });
      const { session, warnings, reading } = await openSession(path, { store: reopened, spill: true });
      const openS = (performance.now() - o) / 1000;
      gc();
      const m = process.memoryUsage();
      const grew = (m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers) / MB;
      console.log(
        `${what.padEnd(28)} ${(size / MB).toFixed(1)} MB (${(size / total).toFixed(1)} B/sample); opens in ${openS.toFixed(1)} s (target < ${OPEN_TARGET_S} s), ` +
          `${session.runs.map((r) => session.store.stats(r.id).samples.toLocaleString('en')).join(' + ')} samples, ${warnings.length} warnings; ` +
          `held at most ${(reading.largestHeld / MB).toFixed(2)} MB of the file; heap after gc +${grew.toFixed(1)} MB for a store of ${(reopened.bytes() / MB).toFixed(1)} MB`,
      );
      if (values.plain && path === file) {
        const plain = join(dir, 'bench.arenascope');
        const s = performance.now();
        await saveSession(plain, session, { gzip: false });
        console.log(
          `saved as plain text (${(statSync(plain).size / MB).toFixed(0)} MB) in ${((performance.now() - s) / 1000).toFixed(1)} s (every spilled page read back from the gzip file)`,
        );
        reopened.removeRun('run');
        // A week at 10 samples a second is ≈ 600 MB of plain text: the file to open holds the run
        // twice (a second run of the same samples), to be over 1 GiB.
        const twice = join(dir, 'twice.arenascope');
        await doubled(plain, twice);
        rmSync(plain);
        return (await opened(twice, 'plain session file, 2 runs:')) && openS < OPEN_TARGET_S;
      }
      for (const r of session.runs) reopened.removeRun(r.id);
      return openS < OPEN_TARGET_S;
    };
    const openOk = await opened(file, 'session file (gzip):');
    // Kept for opening again alone (--open), e.g. under a profiler.
    if (values.keep !== '') copyFileSync(file, values.keep);

    const ok = held < TARGET_MB && p95 < WINDOW_TARGET_MS && openOk;
    console.log(ok ? 'ok' : 'MISSED a target');
    return ok ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--open FILE`: only opens a session file (streamed, spilling) and says how long it took. */
async function openOnly(path: string, budgetBytes: number, gc: () => void): Promise<boolean> {
  gc();
  const o = performance.now();
  const store = new SeriesStore({ spill: { budgetBytes } });
  const { session, warnings, reading } = await openSession(path, { store, spill: true });
  const openS = (performance.now() - o) / 1000;
  const samples = session.runs.map((r) => session.store.stats(r.id).samples).reduce((a, b) => a + b, 0);
  console.log(
    `${path}: ${(statSync(path).size / MB).toFixed(1)} MB, ${samples.toLocaleString('en')} samples, ${warnings.length} warnings; ` +
      `opens in ${openS.toFixed(1)} s (target < ${OPEN_TARGET_S} s); held at most ${(reading.largestHeld / MB).toFixed(2)} MB of the file`,
  );
  return openS < OPEN_TARGET_S;
}
