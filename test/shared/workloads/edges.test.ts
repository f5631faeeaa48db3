// Every workload at the edges of its parameters writes a valid stream for a while and drains to
// nothing: the class of bug ramp-cycles had (a victim ring sized from a parameter, overrun at a
// small value) shows at minimums, one-value ranges and zero durations, not at the defaults.
import { describe, expect, it } from 'vitest';
import { ParamError, resolveParams } from '../../../shared/workloads/params';
import { createGenerator, WORKLOADS } from '../../../shared/workloads/registry';
import type { NumberParam, WorkloadDef } from '../../../shared/workloads/workload';
import { runChecked } from './stream-check';

/** Counts above this are capped so that a case stays small. */
const CAP = 2_000;

function lowest(p: NumberParam): number {
  if (!p.exclusiveMin) return p.min;
  return p.integer ? p.min + 1 : p.min + 1e-9;
}

function highest(p: NumberParam): number {
  const hi = p.exclusiveMax ? (p.integer ? p.max - 1 : p.max - 1e-9) : p.max;
  return p.unit === 'bytes' || hi <= CAP ? hi : Math.max(lowest(p), CAP);
}

/** Parameter sets at the edges: all at their minimum, all at min + 1, each alone at its minimum or maximum, every choice. */
function edgeSets(def: WorkloadDef): Record<string, unknown>[] {
  const numbers = def.params.filter((p): p is NumberParam => p.kind === 'number');
  const sets: Record<string, unknown>[] = [];
  sets.push(Object.fromEntries(numbers.map((p) => [p.name, lowest(p)])));
  sets.push(Object.fromEntries(numbers.map((p) => [p.name, p.integer ? Math.min(highest(p), lowest(p) + 1) : lowest(p)])));
  for (const p of numbers) {
    sets.push({ [p.name]: lowest(p) });
    sets.push({ [p.name]: highest(p) });
  }
  for (const p of def.params) if (p.kind === 'choice') for (const c of p.choices) sets.push({ ...sets[0], [p.name]: c });
  for (const p of def.params) if (p.kind === 'sizes') for (const s of ['const(1)', 'uniform(512, 512)', 'const(513)']) sets.push({ ...sets[0], [p.name]: s });
  // Counts left at huge defaults make a case slow: cap what the set does not name.
  return sets.map((set) => ({
    ...Object.fromEntries(
      numbers.filter((p) => p.unit !== 'bytes' && p.integer && p.default > CAP && !(p.name in set)).map((p) => [p.name, Math.max(lowest(p), CAP)]),
    ),
    ...set,
  }));
}

describe.each(WORKLOADS.map((w) => [w.name, w] as const))('%s at its parameter edges', (name, def) => {
  it('writes a valid stream and drains it, for every edge set the schema accepts', () => {
    let ran = 0;
    for (const set of edgeSets(def)) {
      try {
        resolveParams(def, set);
      } catch (error) {
        if (error instanceof ParamError) continue; // a cross-parameter rule refuses this corner
        throw error;
      }
      for (const seed of [1, 2, 3]) {
        const what = `${name} ${JSON.stringify(set)} seed ${seed}`;
        let r;
        try {
          r = runChecked(createGenerator(name, set, seed), 20_000, { batch: 61, finish: true });
        } catch (error) {
          throw new Error(`${what}: ${(error as Error).message}`);
        }
        expect(r.live, what).toBe(0);
      }
      ran++;
    }
    expect(ran).toBeGreaterThan(0);
  });
});
