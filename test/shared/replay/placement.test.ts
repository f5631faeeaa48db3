import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAllocator } from '../../../shared/engine';
import { OpBatch } from '../../../shared/ops/op-batch';
import { checkpointRecord, canonicalJson } from '../../../shared/replay/checkpoint-report';
import { placement, writePartition } from '../../../shared/replay/placement';
import { TrackedReplay } from '../../../shared/replay/tracked-replay';

const sha = () => {
  const h = createHash('sha256');
  return { update: (s: string) => void h.update(s), digest: () => h.digest('hex') };
};

function replay(version: string, build: (b: OpBatch) => void): TrackedReplay {
  const b = new OpBatch(1024);
  build(b);
  const r = new TrackedReplay(createAllocator(version));
  r.apply(b);
  return r;
}

const text = (r: TrackedReplay, slots = false): string => {
  let s = '';
  writePartition(placement(r), slots, (c) => (s += c));
  return s;
};

describe('placement partition', () => {
  it('has the documented known fingerprints', () => {
    const empty = checkpointRecord(
      replay('3.11', () => {}),
      { label: null, op: 0, applied: 0, version: 'x' },
      sha,
    );
    expect(empty.fingerprint).toBe('4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945');
    const one = checkpointRecord(
      replay('3.11', (b) => b.alloc(0, 5, 16)),
      { label: null, op: 1, applied: 1, version: 'x' },
      sha,
    );
    expect(one.fingerprint).toBe('53c21aa6e1b404e6b4fcc9bb1774d3ad57aa7f13c82d4a8a06de576dde27f0e4');
    expect(one.slot_fingerprint).toBe('63ff14bff7058bcd6009493b68ca8e5f805f89f16dcdfa315d24ab7ee3f4202e');
  });

  it('sorts ids in a pool, pools by smallest id, and leaves libc blocks out', () => {
    const r = replay('3.8', (b) => {
      b.alloc(0, 9, 16);
      b.alloc(1, 3, 16);
      b.alloc(2, 7, 32);
      b.alloc(3, 1, 1000);
      b.alloc(4, 2, 0);
    });
    expect(text(r)).toBe('[[[3,9],[7]]]');
    expect(text(r, true)).toBe('[[[[3,1],[9,0]],[[7,0]]]]');
  });

  it('oracle micro-trace: LIFO reuse after frees (lifo)', () => {
    const r = replay('3.12', (b) => {
      b.alloc(0, 1, 16);
      b.alloc(1, 2, 16);
      b.alloc(2, 3, 16);
      b.free(1, 2);
      b.free(0, 1);
      b.alloc(0, 4, 16);
      b.alloc(1, 5, 16);
    });
    expect(text(r, true)).toBe('[[[[3,2],[4,0],[5,1]]]]');
  });

  it('writes records with sorted keys and no spaces', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }] })).toBe('{"a":[{"c":"x","d":null}],"b":1}');
  });
});
