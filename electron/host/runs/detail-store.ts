/**
 * A run's detail snapshots (size-class table and arena map) as the worker sent them, bounded: at
 * most `capacity` kept (and about `maxBytes`), thinned evenly as the run grows. When full, every
 * other snapshot is dropped and from then on only every other arrival is kept, so the kept ones stay
 * roughly evenly spread over the run however long it gets. The newest is always available.
 */
import type { DetailSnapshot } from '../../../shared/protocol/bridge';
import type { DetailMessage } from '../../../shared/protocol/detail-message';

export const DEFAULT_DETAIL_CAPACITY = 200;
export const DEFAULT_DETAIL_BYTES = 64 * 2 ** 20;

export class DetailStore {
  private kept: DetailMessage[] = [];
  private latest: DetailMessage | null = null;
  private stride = 1;
  private arrivals = 0;
  private keptBytes = 0;

  constructor(
    private readonly capacity = DEFAULT_DETAIL_CAPACITY,
    private readonly maxBytes = DEFAULT_DETAIL_BYTES,
  ) {}

  get size(): number {
    return this.kept.length;
  }

  /** Adds a snapshot; one older than the newest (it cannot happen with one worker) is ignored. */
  add(detail: DetailMessage): void {
    if (this.latest !== null && detail.op < this.latest.op) return;
    this.latest = detail;
    if (this.arrivals++ % this.stride !== 0) return;
    this.kept.push(detail);
    this.keptBytes += bytesOf(detail);
    while (this.kept.length > 1 && (this.kept.length > this.capacity || this.keptBytes > this.maxBytes)) this.thin();
  }

  /** The newest snapshot at or before operation `op` (Infinity: the newest of all), or null. */
  at(op: number): DetailMessage | null {
    if (this.latest !== null && this.latest.op <= op) return this.latest;
    // The last kept snapshot with op ≤ the asked one.
    let lo = 0;
    let hi = this.kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.kept[mid]!.op <= op) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : this.kept[lo - 1]!;
  }

  /** Ops of the kept snapshots (for tests and diagnostics). */
  ops(): number[] {
    return this.kept.map((d) => d.op);
  }

  private thin(): void {
    this.kept = this.kept.filter((_, i) => i % 2 === 0);
    this.keptBytes = this.kept.reduce((n, d) => n + bytesOf(d), 0);
    this.stride *= 2;
  }
}

function bytesOf(d: DetailMessage): number {
  return d.arenas.fill.length * 2 + (d.arenas.slots.length + d.classes.blockSize.length * 5) * 8;
}

/** The bridge's shape: one entry per arena, with its pools' codes and classes as plain arrays. */
export function toSnapshot(runId: string, d: DetailMessage): DetailSnapshot {
  const arenas: DetailSnapshot['arenas'] = [];
  let at = 0;
  for (let i = 0; i < d.arenas.slots.length; i++) {
    const n = d.arenas.pools[i]!;
    arenas.push({
      slot: d.arenas.slots[i]!,
      totalPools: n,
      pools: Array.from(d.arenas.fill.subarray(at, at + n)),
      szidx: Array.from(d.arenas.szidx.subarray(at, at + n)),
    });
    at += n;
  }
  const c = d.classes;
  return {
    runId,
    op: d.op,
    wallMs: d.wallMs,
    classes: {
      blockSize: [...c.blockSize],
      usedPools: [...c.usedPools],
      fullPools: [...c.fullPools],
      blocks: [...c.blocks],
      availableBlocks: [...c.availableBlocks],
    },
    arenas,
  };
}
