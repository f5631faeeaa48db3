// The run loop refuses an invalid operation before the engine applies it, naming the run.
import { describe, expect, it } from 'vitest';
import { createAllocator, resolveVersion } from '../../../shared/engine';
import { OpBatch } from '../../../shared/ops/op-batch';
import { InvalidOpError, OpGuard } from '../../../shared/run/op-guard';
import { RunLoop } from '../../../shared/run/run-loop';
import { resolveRun } from '../../../shared/run/resolve-run';
import { BatchFeed } from '../../../shared/run/batch-feed';
import type { Generator } from '../../../shared/workloads/workload';

type Op = ['a', number, number, number?] | ['f', number, number] | ['r', number, number, number] | ['m', string];

function batchOf(ops: readonly Op[]): OpBatch {
  const b = new OpBatch(Math.max(1, ops.length));
  for (const op of ops) {
    if (op[0] === 'a') b.alloc(op[2], op[1], op[3] ?? 32);
    else if (op[0] === 'f') b.free(op[2], op[1]);
    else if (op[0] === 'r') b.realloc(op[2], op[1], op[3]);
    else b.mark(op[1]);
  }
  return b;
}

/** Checks `ops` (op = [kind, id, slot, size]) in one batch; returns the refusal or null. */
function refusal(ops: readonly Op[]): InvalidOpError | null {
  try {
    new OpGuard({ workload: 'w', params: {}, seed: 1n }).check(batchOf(ops));
    return null;
  } catch (error) {
    if (error instanceof InvalidOpError) return error;
    throw error;
  }
}

describe('OpGuard', () => {
  it('accepts a valid stream: allocs, reallocs, frees, slot reuse, marks, a trace reusing a freed id', () => {
    expect(
      refusal([
        ['a', 1, 0],
        ['m', 'x'],
        ['a', 2, 1],
        ['r', 1, 0, 64],
        ['f', 1, 0],
        ['a', 3, 0],
        ['f', 2, 1],
        ['a', 2, 1],
        ['f', 3, 0],
        ['f', 2, 1],
      ]),
    ).toBeNull();
  });

  const cases: [string, Op[], number, RegExp][] = [
    [
      'a free of id −1 (the ramp-cycles bug)',
      [
        ['a', 1, 0],
        ['f', -1, 6],
      ],
      1,
      /FREE of id -1 in slot 6: the id is not an integer/,
    ],
    [
      'a free of a freed id',
      [
        ['a', 1, 0],
        ['f', 1, 0],
        ['f', 1, 0],
      ],
      2,
      /FREE of id 1 in slot 0: no object is live/,
    ],
    [
      'a free naming the wrong id for its slot',
      [
        ['a', 1, 0],
        ['a', 2, 1],
        ['f', 2, 0],
      ],
      2,
      /FREE of id 2 in slot 0: the slot holds live id 1/,
    ],
    [
      'a realloc of an id never allocated',
      [
        ['a', 1, 0],
        ['r', 5, 3, 8],
      ],
      1,
      /REALLOC of id 5 in slot 3: no object is live/,
    ],
    [
      'an alloc into a live slot',
      [
        ['a', 1, 0],
        ['a', 2, 0],
      ],
      1,
      /ALLOC of id 2 in slot 0: the slot holds live id 1/,
    ],
    [
      'an alloc of an id live in another slot',
      [
        ['a', 1, 0],
        ['a', 2, 1],
        ['a', 1, 2],
      ],
      2,
      /ALLOC of id 1 in slot 2: id 1 is already live \(slot 0\)/,
    ],
    [
      'an alloc of a reused id live elsewhere, after ids stopped growing',
      [
        ['a', 5, 0],
        ['a', 6, 1],
        ['f', 5, 0],
        ['a', 5, 0],
        ['a', 6, 2],
      ],
      4,
      /id 6 is already live \(slot 1\)/,
    ],
    ['a negative id on an alloc', [['a', -3, 0]], 0, /ALLOC of id -3/],
    ['a fractional id', [['a', 1.5, 0]], 0, /not an integer/],
    ['a negative slot', [['a', 1, -1]], 0, /slot is negative/],
  ];
  it.each(cases)('refuses %s, at its op index (marks not counted)', (_what, ops, index, message) => {
    const e = refusal([['m', 'phase'], ...ops]);
    expect(e).toBeInstanceOf(InvalidOpError);
    expect(e!.opIndex).toBe(index);
    expect(e!.message).toMatch(message);
    expect(e!.message).toMatch(new RegExp(`^internal error: workload w \\(parameters \\{\\}, seed 1\\) wrote an invalid operation at op ${index}: `));
  });

  it('keeps ids exact past 2^32: a live id in 32 bits until the first larger one, then in doubles', () => {
    const g = new OpGuard();
    g.check(
      batchOf([
        ['a', 7, 0],
        ['a', 2 ** 32 - 2, 1],
      ]),
    );
    // One chunk of 2^16 slots.
    expect(g.bytes).toBe(2 ** 16 * 4);
    g.check(
      batchOf([
        ['a', 2 ** 32 + 5, 2],
        ['f', 7, 0],
      ]),
    );
    expect(g.bytes).toBe(2 ** 16 * 8);
    // The ids written before the change are still the live ones, to the unit.
    expect(() => g.check(batchOf([['f', 2 ** 32 - 1, 1]]))).toThrow(/holds live id 4294967294/);
    expect(() => g.check(batchOf([['f', 2 ** 32 + 4, 2]]))).toThrow(/holds live id 4294967301/);
    g.check(
      batchOf([
        ['f', 2 ** 32 - 2, 1],
        ['f', 2 ** 32 + 5, 2],
      ]),
    );
    expect(() => g.check(batchOf([['f', 7, 0]]))).toThrow(/no object is live in the slot/);
  });

  it('keeps its state across batches and grows past its first chunk of slots', () => {
    const g = new OpGuard();
    g.check(batchOf([['a', 1, 70_000]]));
    expect(g.bytes).toBe(2 * 2 ** 16 * 4);
    g.check(batchOf([['a', 2, 0]]));
    expect(() => g.check(batchOf([['f', 2, 70_000]]))).toThrow(/op 2: FREE of id 2 in slot 70000: the slot holds live id 1/);
    expect(() => g.check(batchOf([['f', 1, 4_464]]))).toThrow(/op 2: FREE of id 1 in slot 4464: no object is live in the slot/);
    g.check(batchOf([['f', 1, 70_000]]));
  });

  it('finds a reused id live in a later chunk (the map of live ids is built from every chunk)', () => {
    const g = new OpGuard();
    g.check(
      batchOf([
        ['a', 9, 3],
        ['a', 10, 131_075],
        ['f', 9, 3],
      ]),
    );
    // Id 9 comes back: the guard builds its map of live ids, and 10 is live in slot 131075.
    g.check(batchOf([['a', 9, 4]]));
    expect(() => g.check(batchOf([['a', 10, 5]]))).toThrow(/id 10 is already live \(slot 131075\)/);
  });
});

/** A generator that writes the ops it is given, then ends. */
function scripted(ops: readonly Op[]): Generator {
  let done = false;
  return {
    get done() {
      return done;
    },
    liveCount: 0,
    allocCount: 0,
    finish() {
      done = true;
    },
    fill(batch) {
      const src = batchOf(ops);
      for (let i = 0; i < src.length; i++) {
        if (src.kind[i] === 3) batch.mark(src.labels[src.size[i]!]!);
        else if (src.kind[i] === 0) batch.alloc(src.slot[i]!, src.id[i]!, src.size[i]!);
        else if (src.kind[i] === 1) batch.free(src.slot[i]!, src.id[i]!);
        else batch.realloc(src.slot[i]!, src.id[i]!, src.size[i]!);
      }
      done = true;
    },
  };
}

describe('RunLoop refuses an invalid operation', () => {
  const alloc = () => createAllocator(resolveVersion('3.12'));

  it('throws an internal error naming workload, parameters, seed and op index, before the engine applies the batch', () => {
    const a = alloc();
    const loop = new RunLoop(
      scripted([
        ['a', 1, 0],
        ['a', 2, 1],
        ['m', 'down-1'],
        ['f', 2, 1],
        ['f', -1, 6],
      ]),
      a,
      {
        sampleEvery: 1000,
        clock: () => 0,
        source: { workload: 'ramp-cycles', params: { Lmax: 14, T_flat: 1 }, seed: 7n },
      },
    );
    expect(() => loop.run(100)).toThrow(InvalidOpError);
    expect(a.ops).toBe(0);
    let e: unknown;
    try {
      new RunLoop(
        scripted([
          ['a', 1, 0],
          ['f', -1, 6],
        ]),
        alloc(),
        { sampleEvery: 1000, clock: () => 0, source: { workload: 'ramp-cycles', params: { Lmax: 14, T_flat: 1 }, seed: 7n } },
      ).run(100);
    } catch (error) {
      e = error;
    }
    expect((e as Error).message).toBe(
      'internal error: workload ramp-cycles (parameters {"Lmax":14,"T_flat":1}, seed 7) wrote an invalid operation at op 1: FREE of id -1 in slot 6: the id is not an integer in [0, 2^53)',
    );
  });

  it('runs a valid workload to its end unchanged', () => {
    const run = resolveRun({ workload: 'ramp-cycles', params: { Lmax: 14, T_flat: 1, T_trough: 0, cycles: 50 }, seed: '7', python: '3.12', sampleEvery: 1000 });
    const loop = new RunLoop(run.generator, alloc(), {
      sampleEvery: 1000,
      clock: () => 0,
      source: { workload: run.workload.name, params: run.params, seed: run.seed },
    });
    while (!loop.done) loop.run(1 << 20);
    expect(loop.ops).toBeGreaterThan(1000);
  });

  it('checks a trace feed too', () => {
    const feed = new BatchFeed();
    feed.offer(
      batchOf([
        ['a', 10, 0],
        ['a', 10, 1],
      ]),
    );
    feed.end();
    const loop = new RunLoop(feed, alloc(), {
      sampleEvery: 1000,
      clock: () => 0,
      source: { workload: 'trace-replay', params: { path: 'run.pymtrace' }, seed: 1n },
    });
    expect(() => loop.run(100)).toThrow(
      /workload trace-replay \(parameters \{"path":"run.pymtrace"\}, seed 1\) wrote an invalid operation at op 1: ALLOC of id 10 in slot 1: id 10 is already live \(slot 0\)/,
    );
  });
});
