/**
 * Workloads end to end (generator + engine + sampling at the default cadence, through the same run
 * loop the command line and the worker use) against the bare engine replaying the very same
 * operation stream from memory. Prints ops/s of both and their ratio; target ≥ 70 %.
 *
 * Beside them, the generator's thread alone (started as a run starts it, its ring drained by this
 * thread and nothing else: `gen Mops/s`), and the two bounds it sets on the threaded ratio on a
 * two-core machine: a pipeline of two threads goes no faster than its slower side (`pipeline` =
 * generator / bare engine, at most 100 %), and even a perfect split of the whole work over both cores
 * no faster than half their sum (`2 cores` = 2·generator / (generator + bare engine)). Neither counts
 * the cores' slowing each other down, so the threaded ratio passes them only by the machine's noise.
 *
 * Each ratio is the median over the runs of a run's figure against that run's bare engine.
 *
 * Every column times the same range of the stream, operations `--warm` to `--warm + --ops`: the
 * first `--warm` are applied untimed. The bare engine and the same-thread loop run in this thread,
 * compiled by the earlier repetitions; a generator thread is new in every run (as in the worker: one
 * process per run), and its first operations run before V8 has compiled its code (measured: about
 * 20 ms of a 3 M-operation run); a run of hours is all steady state, which is what is compared.
 *
 *   npm run bench -- workloads [--ops 3000000] [--warm 1000000] [--runs 5] [--python 3.11] [--only NAME,…]
 */
import { applyBatch, createAllocator, HandleTable, resolveVersion } from '../shared/engine';
import { OpBatch, type OpColumns } from '../shared/ops/op-batch';
import { RunLoop } from '../shared/run/run-loop';
import { WORKLOADS } from '../shared/workloads/registry';
import { resolveParams } from '../shared/workloads/params';
import { targetOf } from '../shared/run/target';
import { benchOptions, wholeOption } from './options';
import { startGeneratorThread, type ThreadedGenerator } from '../electron/worker/generator-thread';

const TARGET = 0.7;
const SAMPLE_EVERY = 10_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1]!;
}

/**
 * Seconds the generator's thread takes to hand over allocator operations `from` to `to` (marks not
 * counted) when this thread only drains the ring: the thread as a run starts it (its own isolate, the
 * operation guard where the generator does not check its own operations), with publishing, and
 * without an engine beside it.
 */
function generatorSeconds(thread: ThreadedGenerator, from: number, to: number): { seconds: number; ops: number } {
  const batch = new OpBatch(1 << 14);
  let made = 0;
  const drainTo = (ops: number) => {
    while (made < ops && !thread.done) {
      batch.clear();
      thread.fill(batch);
      made += batch.length - batch.labels.length;
    }
  };
  drainTo(from);
  const start = made;
  const t0 = performance.now();
  drainTo(to);
  const seconds = (performance.now() - t0) / 1000;
  thread.close();
  return { seconds, ops: made - start };
}

/** The first `ops` allocator operations of a workload, as in-memory columns. */
function capture(create: () => ReturnType<(typeof WORKLOADS)[number]['create']>, ops: number): OpColumns & { applied: number } {
  const g = create();
  const batch = new OpBatch(1 << 14);
  const kind: number[] = [];
  const cols = {
    kind: new Uint8Array(ops + 64),
    slot: new Int32Array(ops + 64),
    size: new Int32Array(ops + 64),
    id: new Float64Array(ops + 64),
    length: 0,
    applied: 0,
  };
  while (cols.applied < ops && !g.done) {
    batch.clear();
    g.fill(batch);
    for (let i = 0; i < batch.length && cols.applied < ops; i++) {
      if (batch.kind[i] === 3) continue; // marks do not reach the engine
      const j = cols.length++;
      cols.kind[j] = batch.kind[i]!;
      cols.slot[j] = batch.slot[i]!;
      cols.size[j] = batch.size[i]!;
      cols.id[j] = batch.id[i]!;
      cols.applied++;
    }
  }
  void kind;
  return cols;
}

export async function workloadsBench(argv: string[]): Promise<number> {
  const values = benchOptions(argv, { ops: 3_000_000, warm: 1_000_000, runs: 5, python: '3.11', only: null });
  const ops = wholeOption('ops', values.ops);
  const warm = wholeOption('warm', values.warm);
  const runs = wholeOption('runs', values.runs);
  const version = resolveVersion(values.python);
  const arenas = version.preset.defaultArenas;
  const only = values.only?.split(',');
  console.log(
    `${'workload'.padEnd(22)} ${'ops'.padStart(9)} ${'bare Mops/s'.padStart(12)} ${'e2e Mops/s'.padStart(11)} ${'ratio'.padStart(6)} ${'threaded'.padStart(9)} ${'ratio'.padStart(6)} ${'gen Mops/s'.padStart(10)} ${'pipeline'.padStart(9)} ${'2 cores'.padStart(8)}`,
  );
  let worst = Infinity;
  for (const def of WORKLOADS) {
    if (only && !only.includes(def.name)) continue;
    const params = resolveParams(def, {});
    const create = () => def.create(params, 1, targetOf(version, arenas));
    const cols = capture(create, warm + ops);
    // A finite workload may end sooner: the warm range is then its first share.
    const from = Math.min(warm, cols.applied >> 2);
    const timed = cols.applied - from;
    const bare: number[] = [];
    const e2e: number[] = [];
    const threaded: number[] = [];
    const alone: number[] = [];
    for (let r = 0; r <= runs; r++) {
      const a = createAllocator(version, { arenas });
      const table = new HandleTable(1024);
      applyBatch(a, table, cols, 0, from);
      const t0 = performance.now();
      applyBatch(a, table, cols, from, cols.applied);
      const t1 = performance.now();
      const request = { workload: def.name, params, seed: 1n, target: targetOf(version, arenas) };
      const gen = generatorSeconds(startGeneratorThread(request), from, cols.applied);
      const b = createAllocator(version, { arenas });
      const loop = new RunLoop(create(), b, { sampleEvery: SAMPLE_EVERY, clock: () => performance.now(), onSample: () => {} });
      while (loop.ops < from && !loop.done) loop.run(from - loop.ops);
      const t2 = performance.now();
      while (loop.ops < cols.applied && !loop.done) loop.run(cols.applied - loop.ops);
      const t3 = performance.now();
      if (b.ops !== cols.applied) throw new Error(`${def.name}: end to end applied ${b.ops} ops, captured ${cols.applied}`);
      // The worker's way: the generator on a thread of its own, writing ahead into a shared ring.
      const c = createAllocator(version, { arenas });
      const thread = startGeneratorThread(request);
      const tloop = new RunLoop(thread, c, { sampleEvery: SAMPLE_EVERY, clock: () => performance.now(), onSample: () => {} });
      while (tloop.ops < from && !tloop.done) tloop.run(from - tloop.ops);
      const t4 = performance.now();
      while (tloop.ops < cols.applied && !tloop.done) tloop.run(cols.applied - tloop.ops);
      const t5 = performance.now();
      thread.close();
      if (c.ops !== cols.applied) throw new Error(`${def.name}: threaded applied ${c.ops} ops, captured ${cols.applied}`);
      if (r === 0) continue; // warm-up
      bare.push(timed / (t1 - t0) / 1000);
      e2e.push(timed / (t3 - t2) / 1000);
      threaded.push(timed / (t5 - t4) / 1000);
      alone.push(gen.ops / gen.seconds / 1e6);
    }
    // Each ratio is the median of one run's figures against the bare engine of the same run, timed
    // seconds apart: this machine's speed drifts by a third over a suite, and a ratio of two medians
    // would compare figures taken minutes apart.
    const perRun = (xs: number[], f: (x: number, b: number) => number) => median(xs.map((x, i) => f(x, bare[i]!)));
    const ratio = perRun(e2e, (x, b) => x / b);
    const tratio = perRun(threaded, (x, b) => x / b);
    const genRate = median(alone);
    const pipeline = perRun(alone, (g, b) => Math.min(1, g / b));
    const twoCores = perRun(alone, (g, b) => Math.min(1, (2 * g) / (g + b)));
    worst = Math.min(worst, tratio);
    console.log(
      `${def.name.padEnd(22)} ${String(timed).padStart(9)} ${median(bare).toFixed(1).padStart(12)} ${median(e2e).toFixed(1).padStart(11)} ${(ratio * 100).toFixed(0).padStart(5)}% ${median(threaded).toFixed(1).padStart(9)} ${(tratio * 100).toFixed(0).padStart(5)}% ${genRate.toFixed(1).padStart(10)} ${(pipeline * 100).toFixed(0).padStart(8)}% ${(twoCores * 100).toFixed(0).padStart(7)}%`,
    );
  }
  console.log(
    `worst ratio, generator on its own thread (as the worker runs it) ${(worst * 100).toFixed(0)}% (target ≥ ${TARGET * 100}%): ${worst >= TARGET ? 'met' : 'NOT met'}`,
  );
  return 0;
}
