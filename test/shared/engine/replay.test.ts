/** The inlined replay loop (applyOps) must do exactly what malloc/free/realloc do one by one. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBatch, createAllocator, HandleTable } from '../../../shared/engine';
import { checkInvariants } from '../../../shared/engine/invariants';
import { OP_ALLOC, OP_FREE, OP_REALLOC, OpBatch } from '../../../shared/ops/op-batch';
import { sized } from './sized';

/** A random valid op stream over a live set, with dense slots. */
function stream(seedOps: { k: number; size: number; pick: number }[]): OpBatch {
  const b = new OpBatch(seedOps.length * 2 + 8);
  const live: number[] = [];
  const free: number[] = [];
  let next = 0;
  let id = 0;
  for (const o of seedOps) {
    if (o.k < 5 || live.length === 0) {
      const s = free.pop() ?? next++;
      live.push(s);
      b.alloc(s, id++, o.size);
    } else if (o.k < 9) {
      const i = o.pick % live.length;
      const s = live[i]!;
      live[i] = live[live.length - 1]!;
      live.pop();
      free.push(s);
      b.free(s, 0);
    } else {
      b.realloc(live[o.pick % live.length]!, 0, o.size);
    }
  }
  return b;
}

describe('applyOps', () => {
  it.each(['2.4', '3.6', '3.8', '3.9', '3.12'])('matches the one-by-one path (%s)', (version) => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ k: fc.integer({ min: 0, max: 9 }), size: fc.oneof(fc.integer({ min: 1, max: 96 }), fc.integer({ min: 0, max: 700 })), pick: fc.nat() }),
          { maxLength: 3000 },
        ),
        (ops) => {
          const b = stream(ops);
          const fast = createAllocator(version);
          const table = new HandleTable();
          expect(applyBatch(fast, table, b)).toBe(b.length);
          const slow = sized(createAllocator(version));
          const h = new Int32Array(b.length + 1);
          for (let i = 0; i < b.length; i++) {
            const s = b.slot[i]!;
            if (b.kind[i] === OP_ALLOC) h[s] = slow.malloc(b.size[i]!);
            else if (b.kind[i] === OP_FREE) slow.free(h[s]!);
            else if (b.kind[i] === OP_REALLOC) h[s] = slow.realloc(h[s]!, b.size[i]!);
          }
          expect(fast.stats()).toEqual(slow.stats());
          for (let s = 0; s < h.length && s < table.handles.length; s++) if (h[s] !== 0 || table.handles[s] !== 0) expect(table.handles[s]).toBe(h[s]);
          checkInvariants(fast, slow.requestedOf);
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });

  it('skips marks and grows the handle table on demand', () => {
    const a = sized(createAllocator('3.11'));
    const b = new OpBatch(8);
    b.alloc(5000, 1, 16);
    b.mark('x');
    b.free(5000, 1);
    const t = new HandleTable(16);
    expect(applyBatch(a, t, b)).toBe(2);
    expect(t.handles.length).toBeGreaterThan(5000);
    expect(a.stats().ops).toBe(2);
  });
});
