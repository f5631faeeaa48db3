// A generator that says every operation goes through its live table is held to it on every fill,
// through the spill of small batches too; a refusal names the run that asked.
import { describe, expect, it } from 'vitest';
import { createAllocator, resolveVersion } from '../../../../shared/engine';
import { OpBatch } from '../../../../shared/ops/op-batch';
import { InvalidOpError } from '../../../../shared/run/op-guard';
import { RunLoop } from '../../../../shared/run/run-loop';
import { GeneratorBase } from '../../../../shared/workloads/core/generator-base';
import { runChecked } from '../stream-check';

/** Steps of three: two ALLOCs and a FREE of the older, through the table; a mark every fourth step. */
class ThroughTable extends GeneratorBase {
  override readonly checked = true;
  private steps = 0;
  constructor(private readonly stray: 'none' | 'direct' | 'dead') {
    super(4);
  }
  protected produce(out: OpBatch): void {
    while (!this.done && GeneratorBase.room(out) >= this.stepMax) {
      if (this.steps % 4 === 0) out.mark(`step ${this.steps}`);
      const a = this.objs.alloc(out, 16);
      this.objs.alloc(out, 32);
      if (this.stray === 'direct' && this.steps === 5) out.free(a, this.objs.ids[a]!);
      else this.objs.free(out, this.stray === 'dead' && this.steps === 5 ? a + 1000 : a);
      if (++this.steps === 40) this.done = true;
    }
  }
}

function stream(g: ThroughTable, capacity: number): string[] {
  const ops: string[] = [];
  const b = new OpBatch(capacity);
  while (!g.done) {
    b.clear();
    g.fill(b);
    for (let i = 0; i < b.length; i++) ops.push(`${b.kind[i]}:${b.slot[i]}:${b.id[i]}`);
  }
  return ops;
}

describe('GeneratorBase.checked', () => {
  it('passes a generator that writes only through its table, whatever the batch size (spilled steps included)', () => {
    const whole = stream(new ThroughTable('none'), 1 << 10);
    expect(whole).toHaveLength(40 * 3 + 10);
    for (const capacity of [1, 2, 3, 5, 7]) expect(stream(new ThroughTable('none'), capacity)).toEqual(whole);
  });

  it('ends only once its last, spilled step is out, and drains after it when asked to finish anywhere', () => {
    const whole = runChecked(new ThroughTable('none'), Infinity, { batch: 1 << 10, finish: true });
    expect(whole.allocs).toBe(80);
    expect(whole.marks.at(-1)).toBe('drain');
    for (const capacity of [1, 2, 3, 5, 7]) {
      expect(runChecked(new ThroughTable('none'), Infinity, { batch: capacity, finish: true }).hash).toBe(whole.hash);
      // Asked to finish after any whole batch: a valid stream with nothing left live (runChecked checks both).
      for (let ops = 0; ops <= 130; ops += capacity) runChecked(new ThroughTable('none'), ops, { batch: capacity, finish: true });
    }
  });

  it('ends the run when an operation reached the batch around the table', () => {
    expect(() => stream(new ThroughTable('direct'), 64)).toThrow(/1 of \d+ operations did not come from the live table/);
  });

  it('refuses a free of a dead slot, naming the run', () => {
    const v = resolveVersion('3.11');
    const loop = new RunLoop(new ThroughTable('dead'), createAllocator(v), {
      sampleEvery: 1000,
      clock: () => 0,
      source: { workload: 'through-table', params: { k: 1 }, seed: 7n },
    });
    let error: unknown = null;
    try {
      while (!loop.done) loop.run(1000);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidOpError);
    expect((error as Error).message).toBe(
      'internal error: workload through-table (parameters {"k":1}, seed 7) wrote an invalid operation at op 17: FREE of slot 1000: no object is live in the slot',
    );
    // Nothing of the refused step was applied.
    expect(loop.ops).toBeLessThanOrEqual(15);
  });
});
