/**
 * The model's memory against the memory it models.
 *
 *   npm run bench -- memory [--python 2.4,2.6,3.6,3.8,3.9,3.11]
 *   npm run bench -- memory --whole [--workload seed-16b-fill-free] [--params size=512,N=41943040] [--python 2.7,3.11]
 *
 * The first form runs the seed scenario (seed-16b-fill-free at its defaults, 10 × 2^20 blocks of
 * 16 bytes) through the run loop for one version of each family and prints, at the peak (the phase
 * mark before the frees), the engine's arrays per simulated arena byte (target ≤ 0.15) and the run's
 * object tables (handle, requested size and the guard's id per live object) per arena byte.
 *
 * The second runs a workload to its end in a child process per version (bench/memory-run.ts) and
 * prints the child's peak RSS against 0.2 byte per simulated arena byte + 300 MB (the target for a
 * whole run; the host's side is the streaming-memory suite's). The default is W01 scaled to a
 * simulated peak over 20 GiB: 40 × 2^20 blocks of 512 bytes.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createAllocator, resolveVersion } from '../shared/engine';
import { RunLoop } from '../shared/run/run-loop';
import { getWorkload } from '../shared/workloads/registry';
import { resolveParams } from '../shared/workloads/params';
import { targetOf } from '../shared/run/target';
import { benchOptions } from './options';

const ENGINE_TARGET = 0.15;
const WHOLE_PER_BYTE = 0.2;
const WHOLE_FIXED = 300e6;
const FAMILY_VERSIONS = '2.4,2.6,3.6,3.8,3.9,3.11';
const SEED = 'seed-16b-fill-free';
const MB = 1e6;
const GIB = 2 ** 30;

export async function memoryBench(argv: string[]): Promise<number> {
  const values = benchOptions(argv, { whole: false, workload: SEED, params: null, python: null });
  if (values.whole) return whole(values.workload, values.params ?? 'size=512,N=41943040', values.python ?? '2.7,3.11');
  if (values.workload !== SEED || values.params !== undefined)
    throw new Error('--workload and --params go with --whole (the family table is the seed scenario)');
  return families(values.python ?? FAMILY_VERSIONS);
}

/** `k=v,k=v` → parameters (numbers where the value is one). */
function parseParams(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--params: "${pair}" is not name=value`);
    const v = pair.slice(eq + 1);
    out[pair.slice(0, eq)] = v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

function families(versions: string): number {
  console.log(
    `${'python'.padEnd(8)} ${'family'.padEnd(6)} ${'arenas'.padStart(7)} ${'arena MB'.padStart(9)} ${'engine MB'.padStart(10)} ${'engine B/B'.padStart(11)} ${'tables B/B'.padStart(11)}`,
  );
  let worst = 0;
  const def = getWorkload(SEED);
  for (const v of versions.split(',')) {
    const version = resolveVersion(v);
    const arenas = version.preset.defaultArenas;
    const alloc = createAllocator(version, { arenas });
    let engine = -1;
    let tables = 0;
    let arenaBytes = 0;
    let narenas = 0;
    const loop: RunLoop = new RunLoop(def.create(resolveParams(def, {}), 1, targetOf(version, arenas)), alloc, {
      sampleEvery: 10_000,
      clock: () => 0,
      onSample: () => {},
      onMark: (m) => {
        if (m.label !== 'free' || engine >= 0) return;
        narenas = alloc.narenasCurrent;
        arenaBytes = narenas * version.preset.ARENA_SIZE;
        engine = alloc.modelBytes();
        tables = loop.objectTableBytes;
      },
    });
    while (!loop.done && engine < 0) loop.run(1 << 22);
    if (engine < 0) throw new Error(`${SEED} under ${version.version}: no "free" phase mark`);
    const perByte = engine / arenaBytes;
    worst = Math.max(worst, perByte);
    console.log(
      `${version.version.padEnd(8)} ${version.preset.family.padEnd(6)} ${String(narenas).padStart(7)} ${(arenaBytes / MB).toFixed(1).padStart(9)} ${(engine / MB).toFixed(2).padStart(10)} ${perByte.toFixed(4).padStart(11)} ${(tables / arenaBytes).toFixed(3).padStart(11)}`,
    );
  }
  console.log(`worst engine bytes per arena byte ${worst.toFixed(4)} (target ≤ ${ENGINE_TARGET}): ${worst <= ENGINE_TARGET ? 'met' : 'NOT met'}`);
  return worst <= ENGINE_TARGET ? 0 : 1;
}

interface WholeResult {
  python: string;
  family: string;
  ops: number;
  seconds: number;
  peakArenaBytes: number;
  rssBefore: number;
  peakRss: number;
  engineBytes: number;
  objectTableBytes: number;
}

function runChild(workload: string, params: Record<string, unknown>, python: string): Promise<WholeResult> {
  const script = resolve(import.meta.dirname, 'memory-run.ts');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, workload, JSON.stringify(params), python], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`memory-run ${workload} ${python} exited ${code}: ${err.trim()}`));
      else done(JSON.parse(out.trim().split('\n').pop()!) as WholeResult);
    });
  });
}

async function whole(workload: string, paramsText: string, versions: string): Promise<number> {
  const params = parseParams(paramsText);
  resolveParams(getWorkload(workload), params); // refuse bad parameters before starting children
  console.log(`${workload} ${paramsText}, one child process per version (generator, guard, engine, sampling)`);
  console.log(
    `${'python'.padEnd(8)} ${'ops'.padStart(11)} ${'s'.padStart(6)} ${'peak GiB'.padStart(9)} ${'engine MB'.padStart(10)} ${'tables MB'.padStart(10)} ${'RSS MB'.padStart(8)} ${'bound MB'.padStart(9)} ${'RSS B/B'.padStart(8)}`,
  );
  let allMet = true;
  for (const v of versions.split(',')) {
    const r = await runChild(workload, params, v);
    const bound = WHOLE_PER_BYTE * r.peakArenaBytes + WHOLE_FIXED;
    const met = r.peakRss <= bound;
    allMet &&= met;
    console.log(
      `${r.python.padEnd(8)} ${String(r.ops).padStart(11)} ${r.seconds.toFixed(0).padStart(6)} ${(r.peakArenaBytes / GIB).toFixed(2).padStart(9)} ${(r.engineBytes / MB).toFixed(0).padStart(10)} ${(r.objectTableBytes / MB).toFixed(0).padStart(10)} ${(r.peakRss / MB).toFixed(0).padStart(8)} ${(bound / MB).toFixed(0).padStart(9)} ${(r.peakRss / r.peakArenaBytes).toFixed(3).padStart(8)} ${met ? 'met' : 'NOT met'}`,
    );
  }
  console.log(`target: peak RSS ≤ ${WHOLE_PER_BYTE} × simulated peak + ${WHOLE_FIXED / MB} MB: ${allMet ? 'met' : 'NOT met'}`);
  return allMet ? 0 : 1;
}
