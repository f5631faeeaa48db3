/**
 * The two replays the instruction budget is kept for, generated in memory deterministically (no
 * file, no I/O), so that the count depends on the engine alone:
 * - seed-16b: N blocks of 16 bytes allocated, then freed in allocation order (the 2009 scenario,
 *   scaled to 2^20 blocks so that a CI run stays short);
 * - churn: a live set of 100,000 objects of sizes 1–512 filled, then random free + alloc pairs
 *   (victim and size from a seeded mulberry32).
 */
import { OP_ALLOC, OP_FREE, type OpColumns } from '../../shared/ops/op-batch';
import { mulberry32 } from '../../test/support/mulberry32';

export const TRACES = ['seed-16b', 'churn'] as const;
export type TraceName = (typeof TRACES)[number];

function columns(n: number): OpColumns & { kind: Uint8Array; slot: Int32Array; size: Int32Array; length: number; slotCount: number } {
  return { kind: new Uint8Array(n), slot: new Int32Array(n), size: new Int32Array(n), id: new Float64Array(0), length: n, slotCount: 0 };
}

export function seed16b(n = 1 << 20): ReturnType<typeof columns> {
  const c = columns(2 * n);
  for (let i = 0; i < n; i++) {
    c.kind[i] = OP_ALLOC;
    c.slot[i] = i;
    c.size[i] = 16;
    c.kind[n + i] = OP_FREE;
    c.slot[n + i] = i;
  }
  c.slotCount = n;
  return c;
}

export function churn(live = 100_000, steps = 1_000_000, seed = 14): ReturnType<typeof columns> {
  const rnd = mulberry32(seed);
  const c = columns(live + 2 * steps);
  let j = 0;
  for (let s = 0; s < live; s++) {
    c.kind[j] = OP_ALLOC;
    c.slot[j] = s;
    c.size[j++] = 1 + Math.floor(rnd() * 512);
  }
  for (let k = 0; k < steps; k++) {
    // Free a random live object, then allocate a new one in its slot.
    const s = Math.floor(rnd() * live);
    c.kind[j] = OP_FREE;
    c.slot[j++] = s;
    c.kind[j] = OP_ALLOC;
    c.slot[j] = s;
    c.size[j++] = 1 + Math.floor(rnd() * 512);
  }
  c.slotCount = live;
  return c;
}

export function trace(name: TraceName): ReturnType<typeof columns> {
  return name === 'seed-16b' ? seed16b() : churn();
}
