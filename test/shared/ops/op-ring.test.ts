// The ring between a generator's thread and the run loop, driven from one thread: what goes in comes out.
import { describe, expect, it } from 'vitest';
import { OP_ALLOC, OP_MARK, OpBatch } from '../../../shared/ops/op-batch';
import { CHECKED_AS_WRITTEN, createOpRing, GeneratorThreadError, OpRingReader, OpRingWriter, pumpGenerator } from '../../../shared/ops/op-ring';
import type { Generator } from '../../../shared/workloads/workload';
import { InvalidOpError, OpGuard } from '../../../shared/run/op-guard';

function batch(ops: number, from: number, label?: string): OpBatch {
  const b = new OpBatch(16);
  if (label !== undefined) b.mark(label);
  for (let i = 0; i < ops; i++) b.alloc(from + i, 1000 + from + i, 16 + i, i % 3);
  b.mark(`after ${from}`);
  return b;
}

/** A generator that never ends, whose every fill is `fill`: all the pump's tests need of one. */
function generatorOf(fill: Generator['fill']): Generator {
  return { done: false, liveCount: 0, allocCount: 0, finish() {}, fill };
}

describe('the op ring', () => {
  it('carries batches in order, split across smaller ones, marks renumbered, and says when it ended', () => {
    const ring = createOpRing(2, 16);
    const w = new OpRingWriter(ring, new OpGuard());
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
    const w = new OpRingWriter(ring, new OpGuard());
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
    const w = new OpRingWriter(createOpRing(2, 4), new OpGuard());
    expect(() => w.publish(batch(5, 0), 0, 0, false)).toThrow(/does not fit/);
    const b = batch(1, 0);
    b.sites();
    expect(() => w.publish(b, 0, 0, false)).toThrow(/sites/);
  });

  it('ends the ring with the message of a generator that throws', () => {
    const ring = createOpRing(2, 16);
    const failing = generatorOf(() => {
      throw new TypeError('bad step');
    });
    pumpGenerator(failing, ring, new OpBatch(16), new OpGuard());
    expect(() => new OpRingReader(ring).fill(new OpBatch(4))).toThrow('the generator thread failed: TypeError: bad step');
  });

  it('checks every batch on the writer’s side: an invalid operation ends the ring with the guard’s message, nothing of its batch published', () => {
    const ring = createOpRing(2, 16);
    let step = 0;
    // Two batches: two allocations, then a free of an id that was never allocated.
    const invalid = generatorOf((b) => {
      if (step++ === 0) {
        b.alloc(0, 0, 16);
        b.alloc(1, 1, 16);
      } else {
        b.alloc(2, 2, 16);
        b.free(1, 7);
      }
    });
    pumpGenerator(invalid, ring, new OpBatch(16), new OpGuard({ workload: 'w', params: { n: 1 }, seed: 3n }));
    const r = new OpRingReader(ring);
    expect(r.checked).toBe(true);
    const out = new OpBatch(16);
    r.fill(out);
    expect(out.length).toBe(2);
    out.clear();
    expect(() => r.fill(out)).toThrow(
      'the generator thread failed: InvalidOpError: internal error: workload w (parameters {"n":1}, seed 3) wrote an invalid operation at op 3: FREE of id 7 in slot 1: the slot holds live id 1',
    );
    expect(out.length).toBe(0);
  });

  it('names the run in the refusal of a generator that checks as it writes (its live table knows no run)', () => {
    const ring = createOpRing(2, 16);
    const refusing: Generator = {
      ...generatorOf(() => {
        throw new InvalidOpError(undefined, 41, 'FREE of slot 9: no object is live in the slot');
      }),
      checked: true,
    };
    pumpGenerator(refusing, ring, new OpBatch(16), CHECKED_AS_WRITTEN, { workload: 'w', params: {}, seed: 5n });
    expect(() => new OpRingReader(ring).fill(new OpBatch(4))).toThrow(
      'the generator thread failed: InvalidOpError: internal error: workload w (parameters {}, seed 5) wrote an invalid operation at op 41: FREE of slot 9: no object is live in the slot',
    );
  });
});
