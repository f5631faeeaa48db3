import { describe, it, expect } from 'vitest';
import { IdSlotTable } from '../../../shared/trace/id-slot-table';

function rng(seed: number): (n: number) => number {
  return (n) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return Math.floor((seed / 2 ** 32) * n);
  };
}

/** Runs random inserts, removes and lookups against a Map and checks every answer. */
function stress(wide: boolean, pickId: (rand: (n: number) => number) => number, steps: number): void {
  const rand = rng(wide ? 7 : 3);
  const table = new IdSlotTable(wide);
  const model = new Map<number, number>();
  const keys: number[] = [];
  for (let step = 0; step < steps; step++) {
    // Grow for a while, then drain, so the table doubles and halves several times.
    const growing = Math.floor(step / 5000) % 2 === 0;
    const roll = rand(100);
    if (keys.length === 0 || roll < (growing ? 60 : 25)) {
      const id = pickId(rand);
      const fresh = !model.has(id);
      expect(table.insert(id, step)).toBe(fresh);
      if (fresh) {
        model.set(id, step);
        keys.push(id);
      }
    } else if (roll < 90) {
      const j = rand(keys.length);
      const id = keys[j]!;
      keys[j] = keys[keys.length - 1]!;
      keys.pop();
      expect(table.remove(id)).toBe(model.get(id));
      model.delete(id);
      expect(table.remove(id)).toBe(-1);
    } else {
      const id = rand(2) === 0 && keys.length > 0 ? keys[rand(keys.length)]! : pickId(rand);
      expect(table.get(id)).toBe(model.get(id) ?? -1);
    }
    expect(table.size).toBe(model.size);
  }
  for (const [id, slot] of model) expect(table.get(id)).toBe(slot);
}

describe('IdSlotTable', () => {
  it('agrees with a Map on dense ids', () => stress(false, (rand) => rand(3000), 40000));
  it('agrees with a Map on strided ids', () => stress(false, (rand) => rand(4000) * 64, 40000));
  it('agrees with a Map on ids up to 2^53', () =>
    stress(true, (rand) => (rand(2) === 0 ? 2 ** 53 - 1 - rand(2000) : 2 ** 31 + rand(1 << 20) * 2 ** 12), 40000));

  it('answers -1 for ids it never saw', () => {
    const table = new IdSlotTable(false);
    expect(table.get(0)).toBe(-1);
    expect(table.remove(0)).toBe(-1);
    expect(table.insert(0, 5)).toBe(true);
    expect(table.insert(0, 6)).toBe(false);
    expect(table.get(0)).toBe(5);
  });
});
