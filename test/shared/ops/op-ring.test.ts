// The ring between a generator's thread and the run loop, driven from one thread: what goes in comes out.
import { describe, expect, it } from 'vitest';
import { OP_ALLOC, OP_MARK, OpBatch } from '../../../shared/ops/op-batch';
import { createOpRing, GeneratorThreadError, OpRingReader, OpRingWriter, pumpGenerator } from '../../../shared/ops/op-ring';
import type { Generator } from '../../../shared/workloads/workload';

function batch(ops: number, from: number, label?: string): OpBatch {
  const b = new OpBatch(16);
  if (label !== undefined) b.mark(label);
  for (let i = 0; i < ops; i++) b.alloc(from + i, 1000 + from + i, 16 + i, i % 3);
  b.mark(`after ${from}`);
  return b;
}

describe('the op ring', () => {
  it('carries batches in order, split across smaller ones, marks renumbered, and says when it ended', () => {
    const ring = createOpRing(2, 16);
    const w = new OpRingWriter(ring);
    const r = new OpRingReader(ring);
    w.publish(batch(5, 0, 'start'), 5, 5, false);
    w.publish(batch(3, 5), 8, 8, true);
    const out = new OpBatch(4);
    const seen: string[] = [];
    while (!r.done) {
      out.clear();
      r.fill(out);
      for (let i = 0; i < out.length; i++) {
        seen.push(out.kind[i] === OP_MARK ? `mark ${out.labels[out.size[i]!]}` : `${out.kind[i]} ${out.slot[i]} ${out.id[i]} ${out.size[i]} ${out.origin[i]}`);
      }
    }
    expect(seen).toEqual([
      'mark start',
      ...[0, 1, 2, 3, 4].map((i) => `${OP_ALLOC} ${i} ${1000 + i} ${16 + i} ${i % 3}`),
      'mark after 0',
      ...[0, 1, 2].map((i) => `${OP_ALLOC} ${5 + i} ${1005 + i} ${16 + i} ${i % 3}`),
      'mark after 5',
    ]);
    expect([r.liveCount, r.allocCount]).toEqual([8, 8]);
    // Nothing more: an ended reader writes nothing.
    out.clear();
    r.fill(out);
    expect(out.length).toBe(0);
  });

  it('hands the reader a finish request, and the writer’s failure as an error', () => {
    const ring = createOpRing(2, 16);
    const w = new OpRingWriter(ring);
    const r = new OpRingReader(ring);
    expect(w.finishAsked).toBe(false);
    r.finish();
    expect(w.finishAsked).toBe(true);
    w.failWith('RangeError: no such size');
    w.failWith('a later message is not kept');
    expect(() => r.fill(new OpBatch(4))).toThrow(GeneratorThreadError);
    expect(() => r.fill(new OpBatch(4))).toThrow('the generator thread failed: RangeError: no such size');
  });

  it('refuses a batch larger than a slot, and a batch with sites', () => {
    const w = new OpRingWriter(createOpRing(2, 4));
    expect(() => w.publish(batch(5, 0), 0, 0, false)).toThrow(/does not fit/);
    const b = batch(1, 0);
    b.sites();
    expect(() => w.publish(b, 0, 0, false)).toThrow(/sites/);
  });

  it('ends the ring with the message of a generator that throws', () => {
    const ring = createOpRing(2, 16);
    const failing: Generator = {
      done: false,
      liveCount: 0,
      allocCount: 0,
      finish() {},
      fill() {
        throw new TypeError('bad step');
      },
    };
    pumpGenerator(failing, ring, new OpBatch(16));
    expect(() => new OpRingReader(ring).fill(new OpBatch(4))).toThrow('the generator thread failed: TypeError: bad step');
  });
});
