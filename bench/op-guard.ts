/**
 * The run loop's operation guard (shared/run/op-guard.ts) against the bare engine on the same
 * captured stream, in the same run: the guard's time as a share of the engine's, per workload.
 * Times are the best of the runs (the machine is shared: noise only adds). `--mode capture|engine|both`
 * runs once without timing, for instruction counts under callgrind: engine − capture is the
 * engine's count, both − engine the guard's.
 *
 *   npm run bench -- op-guard [--ops 2000000] [--runs 7] [--python 3.11] [--only NAME,…] [--mode capture|engine|both]
 */
import { applyBatch, createAllocator, HandleTable, resolveVersion } from '../shared/engine';
import { OpBatch } from '../shared/ops/op-batch';
import { OpGuard } from '../shared/run/op-guard';
import { targetOf } from '../shared/run/target';
import { resolveParams } from '../shared/workloads/params';
import { WORKLOADS } from '../shared/workloads/registry';
import { benchOptions, wholeOption } from './options';

export async function opGuardBench(argv: string[]): Promise<number> {
  const values = benchOptions(argv, { ops: 2_000_000, runs: 7, python: '3.11', only: null, mode: null });
  const ops = wholeOption('ops', values.ops);
  const runs = wholeOption('runs', values.runs);
  const version = resolveVersion(values.python);
  const arenas = version.preset.defaultArenas;
  const only = values.only?.split(',');
  const mode = values.mode;
  if (mode === undefined)
    console.log(`${'workload'.padEnd(22)} ${'ops'.padStart(9)} ${'engine ns/op'.padStart(13)} ${'guard ns/op'.padStart(12)} ${'guard/engine'.padStart(13)}`);
  let worst = 0;
  for (const def of WORKLOADS) {
    if (only && !only.includes(def.name)) continue;
    const g = def.create(resolveParams(def, {}), 1, targetOf(version, arenas));
    const batches: OpBatch[] = [];
    let n = 0;
    while (n < ops && !g.done) {
      const b = new OpBatch(1 << 14);
      g.fill(b);
      batches.push(b);
      n += b.length;
    }
    if (mode !== undefined) {
      const a = createAllocator(version, { arenas });
      const t = new HandleTable(1024);
      const guard = new OpGuard();
      for (const b of batches) {
        if (mode === 'both') guard.check(b);
        if (mode !== 'capture') applyBatch(a, t, b);
      }
      console.log(`${def.name} ${mode}: ${a.ops} ops`);
      continue;
    }
    let engine = Infinity;
    let guarded = Infinity;
    for (let r = 0; r <= runs; r++) {
      const a = createAllocator(version, { arenas });
      const t = new HandleTable(1024);
      const t0 = performance.now();
      for (const b of batches) applyBatch(a, t, b);
      const t1 = performance.now();
      const guard = new OpGuard();
      for (const b of batches) guard.check(b);
      const t2 = performance.now();
      if (r === 0) continue; // warm-up
      engine = Math.min(engine, t1 - t0);
      guarded = Math.min(guarded, t2 - t1);
    }
    const ratio = guarded / engine;
    worst = Math.max(worst, ratio);
    console.log(
      `${def.name.padEnd(22)} ${String(n).padStart(9)} ${((engine * 1e6) / n).toFixed(1).padStart(13)} ${((guarded * 1e6) / n).toFixed(1).padStart(12)} ${(ratio * 100).toFixed(0).padStart(12)}%`,
    );
  }
  if (mode === undefined) console.log(`largest guard/engine ${(worst * 100).toFixed(0)}%`);
  return 0;
}
