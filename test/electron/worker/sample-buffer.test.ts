import { describe, expect, it } from 'vitest';
import { SampleBuffer } from '../../../electron/worker/sample-buffer';
import { Outbox } from '../../../electron/worker/outbox';
import { MAX_COLUMN, MIN_COLUMN, SAMPLE_WIDTH, SERIES_COUNT, SERIES_INDEX } from '../../../shared/run/sample';

const row = (op: number): number[] => Array.from({ length: SAMPLE_WIDTH }, (_, c) => op * 10 + c);

describe('sample buffer', () => {
  it('hands out the rows it holds as columns, once', () => {
    const b = new SampleBuffer(3, 8);
    b.push([1, 2, 3]);
    b.push(new Float64Array([4, 5, 6]));
    expect(b.take()).toEqual({
      columns: [
        [1, 4],
        [2, 5],
        [3, 6],
      ],
      coalesced: 0,
    });
    expect(b.take()).toBeNull();
  });

  it('stays within its capacity however many rows arrive, keeps the newest, and counts what it dropped', () => {
    const b = new SampleBuffer(2, 16);
    const pushed = 1000;
    for (let i = 1; i <= pushed; i++) {
      b.push([i, -i]);
      expect(b.length).toBeLessThanOrEqual(16);
    }
    const out = b.take()!;
    const ops = out.columns[0]!;
    expect(ops.length + out.coalesced).toBe(pushed);
    expect(ops.at(-1)).toBe(pushed);
    // Still in order, and the rows kept whole (column 1 matches column 0).
    for (let i = 1; i < ops.length; i++) expect(ops[i]!).toBeGreaterThan(ops[i - 1]!);
    expect(out.columns[1]).toEqual(ops.map((v) => -v));
    expect(b.take()).toBeNull();
  });

  it("merges a dropped row's envelope into the next row kept: a spike in a coalesced row stays visible", () => {
    const req = SERIES_INDEX['requested_bytes'];
    const b = new SampleBuffer(SAMPLE_WIDTH, 4);
    // Row op=2 holds a spike up to 1e9 and a dip to 1; every other row's envelope is its value.
    for (let op = 1; op <= 9; op++) {
      const r = new Array<number>(SAMPLE_WIDTH).fill(100);
      r[0] = op;
      r[1] = op;
      r[MIN_COLUMN[req]!] = op === 2 ? 1 : 100;
      r[MAX_COLUMN[req]!] = op === 2 ? 1e9 : 100;
      b.push(r);
    }
    const out = b.take()!;
    const ops = out.columns[0]!;
    expect(out.coalesced).toBe(9 - ops.length);
    expect(ops).not.toContain(2);
    // The row now standing for op 2's window carries its spike; the values themselves are untouched.
    const at = ops.findIndex((op) => op > 2);
    expect(out.columns[MAX_COLUMN[req]!]![at]).toBe(1e9);
    expect(out.columns[MIN_COLUMN[req]!]![at]).toBe(1);
    expect(out.columns[req]![at]).toBe(100);
    expect(Math.max(...out.columns[MAX_COLUMN[req]!]!.filter((_, i) => i !== at))).toBe(100);
    expect(SAMPLE_WIDTH).toBeGreaterThan(SERIES_COUNT);
  });

  it('wants an even capacity of at least 2', () => {
    expect(() => new SampleBuffer(1, 7)).toThrow(RangeError);
    expect(() => new SampleBuffer(1, 0)).toThrow(RangeError);
  });
});

describe('outbox', () => {
  it('sends phases before the samples of the same flush, then nothing until more comes', () => {
    const o = new Outbox(8, 4);
    o.addSample(row(0));
    o.addPhase({ op: 0, label: 'fill' });
    o.addSample(row(1));
    const out = o.take();
    expect(out.map((m) => m.type)).toEqual(['phase', 'samples']);
    expect(out[0]).toEqual({ type: 'phase', op: 0, label: 'fill' });
    expect(out[1]).toMatchObject({ type: 'samples', coalesced: 0 });
    expect(o.empty).toBe(true);
    expect(o.take()).toEqual([]);
  });

  it('bounds the phase markers it keeps and counts the rest', () => {
    const o = new Outbox(8, 4);
    for (let i = 0; i < 10; i++) o.addPhase({ op: i, label: `p${i}` });
    expect(o.phasesDropped).toBe(6);
    expect(o.take().map((m) => (m.type === 'phase' ? m.label : m.type))).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(o.phasesDropped).toBe(0);
  });
});
