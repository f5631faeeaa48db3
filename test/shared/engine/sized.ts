/**
 * Tests call the engine's malloc/free/realloc directly, without a handle table: this gives an
 * allocator the layer that knows objects (here, a map from handle to requested size), so that
 * `free(h)` and `realloc(h, n)` can be written as in C. The engine itself never keeps sizes.
 */
import type { Allocator } from '../../../shared/engine';
import { reallocatedSize } from '../../../shared/engine/replay';

export type SizedAllocator = Allocator & {
  free(h: number): void;
  realloc(h: number, n: number): number;
  /** The size last requested for a live handle (for `checkInvariants(a, a.requestedOf)`). */
  requestedOf(h: number): number;
};

export function sized(a: Allocator): SizedAllocator {
  const sizes = new Map<number, number>();
  const malloc = a.malloc.bind(a);
  const free = a.free.bind(a);
  const realloc = a.realloc.bind(a);
  const s = a as SizedAllocator;
  s.malloc = (n: number): number => {
    const h = malloc(n);
    sizes.set(h, n);
    return h;
  };
  s.free = (h: number, requested?: number): void => {
    free(h, requested ?? sizes.get(h) ?? 0);
    sizes.delete(h);
  };
  s.realloc = (h: number, n: number, requested?: number): number => {
    const q = realloc(h, n, requested ?? sizes.get(h) ?? 0);
    sizes.delete(h);
    sizes.set(q, reallocatedSize(n, q));
    return q;
  };
  s.requestedOf = (h: number): number => sizes.get(h) ?? 0;
  return s;
}
