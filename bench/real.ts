/**
 * Is the real interpreter the bottleneck of a compare? One workload's stream, in the same process
 * and the same run: (reference) the model — the generator, the engine and a sample every N
 * operations — and (measured) the real-interpreter run kind — the generator, the frames through
 * the pipe, the helper's allocator calls and a light checkpoint every N operations, helper start
 * and clean slate included. Prints both wall times, their ratio (real / model: below 1 means the
 * real run finishes first), and where the real run's time goes (allocator calls vs the rest).
 *
 *   npm run bench -- real [--python PATH] [--workload steady-churn] [--ops 2000000] [--sample-every 10000] [--runs 3] [--arenas aligned]
 */
import { createAllocator } from '../shared/engine';
import { applyBatch, HandleTable } from '../shared/engine';
import { SERIES_COUNT, writeSample } from '../shared/run/sample';
import { discoverInterpreters } from '../electron/node/python/discover';
import { walkStream, type StreamSource } from '../electron/node/real/op-stream';
import { RealHelper } from '../electron/node/real/real-helper';
import { arenaModeFor, openRealInterpreter } from '../electron/node/real/real-interpreter';
import { benchOptions, wholeOption } from './options';

export async function realBench(argv: string[]): Promise<number> {
  const values = benchOptions(argv, { python: null, workload: 'steady-churn', ops: 2_000_000, 'sample-every': 10_000, runs: 3, arenas: null });
  const path =
    values.python ??
    discoverInterpreters()
      .filter((d) => d.source === 'pyenv')
      .at(-1)?.path;
  if (!path) {
    process.stderr.write('bench real: no interpreter found: give --python PATH\n');
    return 2;
  }
  const interp = await openRealInterpreter(path);
  const arenas =
    values.arenas === 'aligned' || values.arenas === 'misaligned'
      ? values.arenas
      : interp.info.versionInfo[1] >= 10 && interp.info.versionInfo[0] === 3
        ? 'aligned'
        : undefined;
  const mode = arenaModeFor(interp, arenas);
  const every = wholeOption('sample-every', values['sample-every']);
  const ops = wholeOption('ops', values.ops);
  const source: StreamSource = {
    kind: 'workload',
    config: { workload: values.workload, params: {}, seed: '1', python: interp.info.version, sampleEvery: every, ...(arenas ? { arenas } : {}) },
    ops,
  };
  const row = new Float64Array(SERIES_COUNT);
  const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
  const modelCpu: number[] = [];
  const realCpu: number[] = [];
  const helperCpu: number[] = [];
  const model = async (): Promise<number> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const alloc = createAllocator(interp.version, arenas ? { arenas } : {});
    const table = new HandleTable();
    await walkStream(source, every, { ops: (c, f, t) => void applyBatch(alloc, table, c, f, t), checkpoint: () => writeSample(alloc, 0, row) }, []);
    modelCpu.push(cpuMs(process.cpuUsage(c0)));
    return performance.now() - t0;
  };
  const real = async (): Promise<{ ms: number; callsMs: number }> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { helper } = await RealHelper.start({ python: path, mode });
    await helper.setDetail(false);
    helper.listen(() => undefined);
    await walkStream(source, every, { ops: (c, f, t) => helper.sendOps(c, f, t), checkpoint: () => helper.checkpoint() }, []);
    const end = await helper.end();
    realCpu.push(cpuMs(process.cpuUsage(c0)) + end.cpu_us / 1000);
    helperCpu.push(end.cpu_us / 1000);
    return { ms: performance.now() - t0, callsMs: end.ops_ns / 1e6 };
  };
  const runs = wholeOption('runs', values.runs);
  const m: number[] = [];
  const r: { ms: number; callsMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    m.push(await model());
    r.push(await real());
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const mm = med(m);
  const rm = med(r.map((x) => x.ms));
  const calls = med(r.map((x) => x.callsMs));
  console.log(
    `real-interpreter run vs model, ${values.workload}, ${ops.toLocaleString('en')} ops, a sample every ${every}, CPython ${interp.label}, arenas ${mode}; median of ${runs}`,
  );
  console.log(`  model (generator + engine + samples):             ${mm.toFixed(0)} ms  (${((mm * 1e6) / ops).toFixed(0)} ns/op)`);
  console.log(
    `  real  (generator + pipe + helper + samples):      ${rm.toFixed(0)} ms  (${((rm * 1e6) / ops).toFixed(0)} ns/op), of which allocator calls ${calls.toFixed(0)} ms (${((calls * 1e6) / ops).toFixed(0)} ns/op)`,
  );
  const mc = med(modelCpu);
  const rc = med(realCpu);
  console.log(`  ratio real / model, wall time: ${(rm / mm).toFixed(2)} (below 1: the real run is not a compare's bottleneck)`);
  console.log(
    `  CPU time (this process + the helper process): model ${mc.toFixed(0)} ms, real ${rc.toFixed(0)} ms (helper ${med(helperCpu).toFixed(0)} ms), ratio ${(rc / mc).toFixed(2)}`,
  );
  console.log(`  (wall time depends on the machine's load: the real run is two processes handing data through a pipe; CPU time does not)`);
  return 0;
}
