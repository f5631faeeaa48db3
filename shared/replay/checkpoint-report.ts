/**
 * One checkpoint line in the oracle's schema (see docs/conformance.md): the counts of live trace
 * blocks by class, pool and arena, the placement fingerprints, and the engine's own
 * `_debugmallocstats` numbers under `debug`. Hashing is injected so that this stays pure.
 */
import { placement, writePartition } from './placement';
import type { TrackedReplay } from './tracked-replay';

export interface Hasher {
  update(chunk: string): void;
  /** Lowercase hex digest. */
  digest(): string;
}

export interface CheckpointRecord {
  label: string | null;
  op: number;
  applied: number;
  version: string;
  classes: { szidx: number; blocks: number; pools: number }[];
  arenas: number;
  pools: number;
  pools_per_arena: Record<string, number>;
  large: { count: number; bytes: number };
  fingerprint: string;
  slot_fingerprint: string;
  debug: {
    arenas_allocated_total: number;
    arenas_reclaimed: number;
    arenas_highwater_mark: number;
    arenas_allocated_current: number;
    unused_pools: number;
    misaligned_arenas: number;
    classes: { szidx: number; pools: number; blocks: number }[];
  };
}

export function checkpointRecord(
  r: TrackedReplay,
  at: { label: string | null; op: number; applied: number; version: string },
  newHasher: () => Hasher,
): CheckpointRecord {
  const pl = placement(r);
  const classBlocks = new Map<number, number>();
  const classPools = new Map<number, number>();
  const hist = new Map<number, number>();
  let pools = 0;
  for (const arena of pl.arenas) {
    hist.set(arena.length, (hist.get(arena.length) ?? 0) + 1);
    pools += arena.length;
    for (const p of arena) {
      classBlocks.set(p.szidx, (classBlocks.get(p.szidx) ?? 0) + p.ids.length);
      classPools.set(p.szidx, (classPools.get(p.szidx) ?? 0) + 1);
    }
  }
  const hash = (withSlots: boolean): string => {
    const h = newHasher();
    writePartition(pl, withSlots, (s) => h.update(s));
    return h.digest();
  };
  const s = r.alloc.stats();
  const debugClasses: CheckpointRecord['debug']['classes'] = [];
  for (let c = 0; c < s.classes.blocks.length; c++) {
    const np = s.classes.usedPools[c]! + s.classes.fullPools[c]!;
    if (np > 0) debugClasses.push({ szidx: c, pools: np, blocks: s.classes.blocks[c]! });
  }
  return {
    label: at.label,
    op: at.op,
    applied: at.applied,
    version: at.version,
    classes: [...classBlocks.keys()].sort((x, y) => x - y).map((c) => ({ szidx: c, blocks: classBlocks.get(c)!, pools: classPools.get(c)! })),
    arenas: pl.arenas.length,
    pools,
    pools_per_arena: Object.fromEntries([...hist.keys()].sort((x, y) => x - y).map((k) => [String(k), hist.get(k)!])),
    large: { count: s.large.count, bytes: s.large.bytes },
    fingerprint: hash(false),
    slot_fingerprint: hash(true),
    debug: {
      arenas_allocated_total: s.arenas.allocatedTotal,
      arenas_reclaimed: s.arenas.reclaimed,
      arenas_highwater_mark: s.arenas.highwater,
      arenas_allocated_current: s.arenas.current,
      unused_pools: s.pools.empty + s.pools.untouched,
      misaligned_arenas: s.arenas.misaligned,
      classes: debugClasses,
    },
  };
}

/** JSON with keys sorted at every level and no spaces: the oracle's line format. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** The fields compared with a real interpreter's checkpoint line. */
export const COMPARED_FIELDS = ['label', 'op', 'applied', 'classes', 'arenas', 'pools', 'pools_per_arena', 'large', 'fingerprint', 'slot_fingerprint'] as const;
export const COMPARED_DEBUG_FIELDS = ['arenas_allocated_total', 'arenas_reclaimed', 'arenas_allocated_current', 'unused_pools'] as const;

/** Differences between our record and an expected oracle line (parsed JSON); empty when equal. */
export function compareRecord(got: CheckpointRecord, want: Record<string, unknown>): string[] {
  const diffs: string[] = [];
  for (const f of COMPARED_FIELDS) {
    const g = canonicalJson(got[f]);
    const w = canonicalJson(want[f]);
    if (g !== w) diffs.push(`${f}: got ${clip(g)}, expected ${clip(w)}`);
  }
  const wd = want['debug'] as Record<string, unknown> | undefined;
  if (wd) {
    for (const f of COMPARED_DEBUG_FIELDS) {
      if (got.debug[f] !== wd[f]) diffs.push(`debug.${f}: got ${got.debug[f]}, expected ${String(wd[f])}`);
    }
  }
  return diffs;
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
