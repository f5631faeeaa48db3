/**
 * The worker's `detail` message: the engine's state at one operation, for the size-class table and
 * the arena map. Sent rarely (about once a second, at phase markers, at pauses and at the end; see
 * electron/worker/run-session.ts), so it may be bigger than a sample row, but the arena map is kept
 * compact: one byte per pool in two flat Int8Arrays (a 4 GiB heap of 256 KiB arenas is 16 384
 * arenas, 1 MiB per array), cheap to clone across the process boundary and to validate here.
 *
 * The host turns it into the bridge's `DetailSnapshot` (shared/protocol/bridge.ts) when asked.
 */
import * as v from 'valibot';

const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** A plain array of non-negative safe integers, checked in one loop (no per-item schema call). */
const Counts = v.pipe(
  v.array(v.number()),
  v.check((xs) => xs.every((x) => Number.isSafeInteger(x) && x >= 0), 'expected non-negative integers'),
);

/** Pool fill codes: −1 never carved, 0 empty, 1…99 percent of its blocks in use, 100 full. */
export const POOL_UNTOUCHED = -1;
export const POOL_EMPTY = 0;
export const POOL_FULL = 100;

export const DetailClassesSchema = v.pipe(
  v.strictObject({
    /** Block size of each size class (index = szidx). */
    blockSize: Counts,
    usedPools: Counts,
    fullPools: Counts,
    blocks: Counts,
    availableBlocks: Counts,
  }),
  v.check(
    (c) => [c.usedPools, c.fullPools, c.blocks, c.availableBlocks].every((a) => a.length === c.blockSize.length),
    'every class array must have one entry per size class',
  ),
);

export const DetailArenasSchema = v.pipe(
  v.strictObject({
    /** `arenaindex` of each allocated arena, ascending. */
    slots: Counts,
    /** `ntotalpools` of each arena (same order): how many entries of `fill` and `szidx` it owns. */
    pools: Counts,
    /** Per pool of every arena in turn: a fill code (POOL_UNTOUCHED, POOL_EMPTY, 1…POOL_FULL). */
    fill: v.instance(Int8Array),
    /** Per pool: its size class, −1 for a pool never given one. */
    szidx: v.instance(Int8Array),
  }),
  v.check((a) => a.slots.length === a.pools.length, 'slots and pools must have one entry per arena'),
  v.check(
    (a) => a.fill.length === a.szidx.length && a.fill.length === a.pools.reduce((n, p) => n + p, 0),
    'fill and szidx must have one entry per pool of every arena',
  ),
  v.check((a) => a.fill.every((f) => f >= POOL_UNTOUCHED && f <= POOL_FULL), 'fill codes must lie in −1…100'),
);

export const DetailMessageSchema = v.strictObject({
  type: v.literal('detail'),
  /** Allocator operations applied when the snapshot was taken. */
  op: Count,
  /** Milliseconds since the run started. */
  wallMs: v.pipe(v.number(), v.finite(), v.minValue(0)),
  classes: DetailClassesSchema,
  arenas: DetailArenasSchema,
});

export type DetailMessage = v.InferOutput<typeof DetailMessageSchema>;
