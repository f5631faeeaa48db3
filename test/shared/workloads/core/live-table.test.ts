// The live table checks every operation it writes: a generator that writes only through it needs no guard after it.
import { describe, expect, it } from 'vitest';
import { OP_ALLOC, OP_FREE, OP_REALLOC, OpBatch } from '../../../../shared/ops/op-batch';
import { InvalidOpError } from '../../../../shared/run/op-guard';
import { LiveTable } from '../../../../shared/workloads/core/live-table';

describe('LiveTable', () => {
  it('writes fresh ids into free slots, reuses freed slots, and counts what it wrote', () => {
    const t = new LiveTable(true);
    const out = new OpBatch(16);
    const a = t.alloc(out, 16);
    const b = t.alloc(out, 24);
    t.free(out, a);
    const c = t.alloc(out, 32);
    t.realloc(out, c, 40);
    t.replace(out, b, 48);
    expect(c).toBe(a);
    expect([...out.kind.subarray(0, out.length)]).toEqual([OP_ALLOC, OP_ALLOC, OP_FREE, OP_ALLOC, OP_REALLOC, OP_FREE, OP_ALLOC]);
    expect([...out.id.subarray(0, out.length)]).toEqual([1, 2, 1, 3, 3, 2, 4]);
    expect(t.written).toBe(out.length);
    expect(t.live).toBe(2);
    expect(t.sizes[c]).toBe(40);
  });

  it('refuses, before writing anything, to free, reallocate or replace what is not live', () => {
    const cases: [string, (t: LiveTable, out: OpBatch, slot: number) => void, number][] = [
      ['FREE', (t, out, s) => t.free(out, s), 0],
      ['REALLOC', (t, out, s) => t.realloc(out, s, 8), 0],
      ['FREE', (t, out, s) => t.replace(out, s, 8), 0],
      ['FREE', (t, out, s) => t.free(out, s), 5],
      ['FREE', (t, out, s) => t.free(out, s), -1],
      ['FREE', (t, out, s) => t.free(out, s), 1 << 20],
    ];
    for (const [op, write, slot] of cases) {
      const t = new LiveTable();
      const out = new OpBatch(8);
      t.free(out, t.alloc(out, 16)); // slot 0: freed
      t.alloc(out, 16); // slot 0 again: live
      t.free(out, 0);
      const before = out.length;
      let error: unknown = null;
      try {
        write(t, out, slot);
      } catch (e) {
        error = e;
      }
      expect(error, `${op} of slot ${slot}`).toBeInstanceOf(InvalidOpError);
      expect((error as InvalidOpError).reason).toBe(`${op} of slot ${slot}: no object is live in the slot`);
      expect((error as InvalidOpError).opIndex).toBe(4);
      expect(out.length).toBe(before);
      expect(t.written).toBe(4);
    }
  });
});
