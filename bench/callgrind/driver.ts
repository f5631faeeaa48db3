/**
 * What runs under callgrind: `driver TRACE VERSION REPS` generates the trace's columns, then
 * replays them REPS times, each from an empty allocator. The bench subtracts a 1-rep count from a
 * (1 + k)-rep count, so start-up, generation and the first (compiling) replay cancel out and what
 * remains is k steady-state replays: the engine's hot path, its storage growth and their garbage.
 */
import { applyBatch, createAllocator, HandleTable } from '../../shared/engine';
import { trace, TRACES, type TraceName } from './traces';

const [name, version, reps] = process.argv.slice(2);
if (!TRACES.includes(name as TraceName) || !version || !(Number(reps) >= 1)) {
  process.stderr.write(`usage: driver ${TRACES.join('|')} VERSION REPS\n`);
  process.exit(2);
}
const cols = trace(name as TraceName);
let ops = 0;
for (let r = 0; r < Number(reps); r++) {
  const a = createAllocator(version, { arenas: 'aligned' });
  ops += applyBatch(a, new HandleTable(cols.slotCount), cols);
}
process.stdout.write(`${JSON.stringify({ trace: name, ops })}\n`);
