/**
 * One whole run for `npm run bench -- memory --whole`, in a process of its own so that its resident
 * memory is the run's alone: `memory-run WORKLOAD PARAMS_JSON VERSION`. Drives the workload through
 * the run loop the worker uses (generator, operation guard, engine, a sample every 10,000 operations),
 * reads RSS every 2^22 operations and at each phase mark, and prints one JSON line: the peak of the
 * simulated arena bytes, the peak RSS, the RSS before the run, the engine's and the object tables'
 * bytes at the arena peak.
 */
import { createAllocator, resolveVersion } from '../shared/engine';
import { RunLoop } from '../shared/run/run-loop';
import { getWorkload } from '../shared/workloads/registry';
import { resolveParams } from '../shared/workloads/params';
import { targetOf } from '../shared/run/target';

const [name, paramsJson, python] = process.argv.slice(2);
if (!name || !paramsJson || !python) {
  process.stderr.write('usage: memory-run WORKLOAD PARAMS_JSON VERSION\n');
  process.exit(2);
}
const version = resolveVersion(python);
const def = getWorkload(name);
const params = resolveParams(def, JSON.parse(paramsJson) as Record<string, unknown>);
const arenas = version.preset.defaultArenas;
const alloc = createAllocator(version, { arenas });
const rssBefore = process.memoryUsage.rss();
const t0 = performance.now();
let peakRss = rssBefore;
let peakArenas = 0;
let engineAtPeak = 0;
let tablesAtPeak = 0;
const loop = new RunLoop(def.create(params, 1, targetOf(version, arenas)), alloc, {
  sampleEvery: 10_000,
  clock: () => performance.now() - t0,
  onSample: () => {},
  onMark: () => look(),
});
function look(): void {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
  if (alloc.narenasCurrent > peakArenas) {
    peakArenas = alloc.narenasCurrent;
    engineAtPeak = alloc.modelBytes();
    tablesAtPeak = loop.objectTableBytes;
  }
}
while (!loop.done) {
  loop.run(1 << 22);
  look();
}
process.stdout.write(
  `${JSON.stringify({
    workload: name,
    params,
    python: version.version,
    family: version.preset.family,
    ops: alloc.ops,
    seconds: (performance.now() - t0) / 1000,
    peakArenaBytes: peakArenas * version.preset.ARENA_SIZE,
    highwaterArenaBytes: alloc.narenasHighwater * version.preset.ARENA_SIZE,
    rssBefore,
    peakRss,
    engineBytes: engineAtPeak,
    objectTableBytes: tablesAtPeak,
  })}\n`,
);
