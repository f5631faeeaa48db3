/**
 * The allocator's invariants, written as equations and list memberships, checked by walking the
 * whole state (tests run this after every operation). Each violated invariant is reported with
 * the object it concerns; nothing here runs on the hot path.
 *
 * Per carved pool with count > 0 (NB = NUMBLOCKS of its class):
 *   count + |free list| + (NB − nextSlot) == NB, free-list slots distinct, below nextSlot, not live;
 *   count == number of live slots; 0 < count < NB ⇔ member of usedpools[szidx]; count == NB ⇔ freeblock NIL.
 * Per allocated arena (G1+): nfreepools == |freepools| + (ntotalpools − pool_address);
 *   member of usable_arenas ⇔ nfreepools > 0; usable_arenas sorted ascending by nfreepools;
 *   nfp2lasta[k] == the rightmost usable arena with k free pools.
 * unused_arena_objects holds exactly the slots with address 0, once each.
 * Counters equal their recomputation, and the byte breakdown sums to arenas × ARENA_SIZE.
 * Requested bytes are checked when the caller, which keeps each object's size, says what each live
 * block was asked for (`requestedOf`).
 */
import { PH_COUNT, PH_FREEBLOCK, PH_NEXTPOOL, PH_NEXTSLOT, PH_PREVPOOL, PH_SZIDX, type Allocator } from './allocator';
import { InternalError } from '../errors';

const NIL = -1;

export class InvariantError extends InternalError {
  constructor(readonly violations: string[]) {
    super(`${violations.length} allocator invariant(s) violated:\n  ${violations.slice(0, 20).join('\n  ')}`);
    this.name = 'InvariantError';
  }
}

/** What a live small block (by handle) was asked for: known to the layer that keeps the objects. */
export type RequestedOf = (handle: number) => number;

/** Returns the list of violations (empty when the state is consistent). */
export function findViolations(a: Allocator, requestedOf?: RequestedOf): string[] {
  const out: string[] = [];
  const bad = (msg: string): void => {
    if (out.length < 100) out.push(msg);
  };
  const g = a.geometry;
  const P = a.preset;
  const G0 = P.freepools === 'global';
  const S = 1 << a.slotShift;
  const nPoolsCap = a.maxarenas * a.maxPools;
  /** Next slot of a block's free-list link, NIL at the end (LINK_LIVE, below 0, for a live block). */
  const link = (h: number): number => a.blockLink(h);

  // --- usedpools lists ---------------------------------------------------------------------
  const inUsed = new Uint8Array(nPoolsCap);
  for (let c = 0; c < g.nclasses; c++) {
    let prev = NIL;
    let n = 0;
    for (let p = a.usedpools[c]!; p !== NIL; p = a.poolField(p, PH_NEXTPOOL)) {
      if (p < 0 || p >= nPoolsCap || ++n > nPoolsCap) {
        bad(`usedpools[${c}]: broken or cyclic list at pool ${p}`);
        break;
      }
      if (a.poolField(p, PH_PREVPOOL) !== prev) bad(`usedpools[${c}]: pool ${p} prevpool ${a.poolField(p, PH_PREVPOOL)} != ${prev}`);
      if (a.poolField(p, PH_SZIDX) !== c) bad(`usedpools[${c}]: pool ${p} has szidx ${a.poolField(p, PH_SZIDX)}`);
      inUsed[p] = 1;
      prev = p;
    }
  }

  // --- freepools lists ---------------------------------------------------------------------
  const inFree = new Uint8Array(nPoolsCap);
  const walkFree = (head: number, arena: number, what: string): number => {
    let n = 0;
    for (let p = head; p !== NIL; p = a.poolField(p, PH_NEXTPOOL)) {
      if (p < 0 || p >= nPoolsCap || ++n > nPoolsCap) {
        bad(`${what}: broken or cyclic list at pool ${p}`);
        break;
      }
      if (inFree[p]) bad(`${what}: pool ${p} listed twice`);
      inFree[p] = 1;
      if (a.poolField(p, PH_COUNT) !== 0) bad(`${what}: pool ${p} has count ${a.poolField(p, PH_COUNT)}`);
      if (arena !== NIL && p >>> a.poolShift !== arena) bad(`${what}: pool ${p} belongs to arena ${p >>> a.poolShift}`);
    }
    return n;
  };
  if (G0) walkFree(a.freepools, NIL, 'freepools');

  // --- arenas and pools ----------------------------------------------------------------------
  let current = 0;
  let misaligned = 0;
  let poolsInArenas = 0;
  let carvedTotal = 0;
  let emptyTotal = 0;
  let requested = 0;
  const classBlocks = new Array<number>(g.nclasses).fill(0);
  const classUsed = new Array<number>(g.nclasses).fill(0);
  const classFull = new Array<number>(g.nclasses).fill(0);
  const seenSlot = new Uint8Array(S);
  for (let s = 0; s < a.maxarenas; s++) {
    if (a.arenaAddress[s] !== 1) continue;
    current++;
    const total = a.arenaNtotal[s]!;
    const carved = a.arenaPoolAddress[s]!;
    if (total !== a.maxPools && total !== a.maxPools - 1) bad(`arena ${s}: ntotalpools ${total}`);
    if (total < a.maxPools) misaligned++;
    if (carved < 0 || carved > total) bad(`arena ${s}: pool_address ${carved} outside 0..${total}`);
    poolsInArenas += total;
    carvedTotal += carved;
    if (!G0) {
      const nEmpty = walkFree(a.arenaFreepools[s]!, s, `arena ${s} freepools`);
      if (a.arenaNfree[s] !== nEmpty + (total - carved)) {
        bad(`arena ${s}: nfreepools ${a.arenaNfree[s]} != ${nEmpty} empty + ${total - carved} untouched`);
      }
    } else if (s === a.newestArena && a.arenaNfree[s] !== total - carved) {
      bad(`newest arena ${s}: nfreepools ${a.arenaNfree[s]} != ${total - carved} untouched`);
    }
    for (let k = 0; k < carved; k++) {
      const p = (s << a.poolShift) + k;
      const count = a.poolField(p, PH_COUNT);
      if (count === 0) {
        emptyTotal++;
        for (let sl = 0; sl < 1 << a.slotShift; sl++) {
          if (a.isLive((p << a.slotShift) + sl)) bad(`pool ${p}: empty but slot ${sl} holds the live code`);
        }
        if (!inFree[p]) bad(`pool ${p}: empty but on no freepools list`);
        if (inUsed[p]) bad(`pool ${p}: empty but in usedpools`);
        continue;
      }
      const c = a.poolField(p, PH_SZIDX);
      if (c < 0 || c >= g.nclasses) {
        bad(`pool ${p}: count ${count} with szidx ${c}`);
        continue;
      }
      const nb = g.numBlocks[c]!;
      const nextSlot = a.poolField(p, PH_NEXTSLOT);
      if (count > nb) bad(`pool ${p}: count ${count} > NUMBLOCKS ${nb}`);
      if (nextSlot < 2 || nextSlot > nb) bad(`pool ${p}: nextoffset slot ${nextSlot} outside 2..${nb}`);
      if (count === nb) {
        classFull[c]!++;
        if (a.poolField(p, PH_FREEBLOCK) !== NIL) bad(`pool ${p}: full but freeblock ${a.poolField(p, PH_FREEBLOCK)}`);
        if (inUsed[p]) bad(`pool ${p}: full but in usedpools`);
      } else {
        classUsed[c]!++;
        if (!inUsed[p]) bad(`pool ${p}: partially used but not in usedpools[${c}]`);
      }
      classBlocks[c]! += count;
      // Free list: distinct slots below nextSlot, none live.
      seenSlot.fill(0);
      const base = p << a.slotShift;
      let nfree = 0;
      for (let sl = a.poolField(p, PH_FREEBLOCK); sl !== NIL; sl = link(base + sl)) {
        if (sl < 0 || sl >= nextSlot || seenSlot[sl]) {
          bad(`pool ${p}: free list slot ${sl} repeated or at/after nextoffset ${nextSlot}`);
          break;
        }
        seenSlot[sl] = 1;
        if (a.isLive(base + sl)) bad(`pool ${p}: slot ${sl} is live and on the free list`);
        nfree++;
      }
      if (count + nfree + (nb - nextSlot) !== nb) {
        bad(`pool ${p}: count ${count} + free ${nfree} + untouched ${nb - nextSlot} != NUMBLOCKS ${nb}`);
      }
      let live = 0;
      const lo = c << a.preset.ALIGNMENT_SHIFT;
      const hi = (c + 1) << a.preset.ALIGNMENT_SHIFT;
      // Slots at or beyond nextoffset were never handed out, so only those below it can be live.
      for (let sl = 0; sl < nextSlot; sl++) {
        if (!a.isLive(base + sl)) continue;
        live++;
        if (!requestedOf) continue;
        const req = requestedOf(base + sl);
        requested += req;
        // A block holds a request of its class, or a smaller one kept in place by realloc (> 3/4).
        if (req <= lo && 4 * req <= 3 * hi) bad(`pool ${p}: slot ${sl} holds ${req} bytes, too small for class ${c}`);
        if (req > hi) bad(`pool ${p}: slot ${sl} holds ${req} bytes > block size ${hi}`);
      }
      if (live !== count) bad(`pool ${p}: ${live} live slots but count ${count}`);
      // Liveness is the LIVE code alone (what free tests): no slot the pool has not handed out may hold it.
      for (let sl = nextSlot; sl < 1 << a.slotShift; sl++) {
        if (a.isLive(base + sl)) bad(`pool ${p}: slot ${sl} at/after nextoffset ${nextSlot} holds the live code`);
      }
    }
  }

  // --- usable_arenas (G1+) -------------------------------------------------------------------
  if (!G0) {
    const inUsable = new Uint8Array(a.maxarenas);
    let prev = NIL;
    let n = 0;
    let prevNf = 0;
    const lastWith = new Int32Array(a.maxPools + 1).fill(NIL);
    for (let s = a.usableArenas; s !== NIL; s = a.arenaNext[s]!) {
      if (s < 0 || s >= a.maxarenas || ++n > a.maxarenas) {
        bad(`usable_arenas: broken or cyclic at ${s}`);
        break;
      }
      inUsable[s] = 1;
      if (a.arenaAddress[s] !== 1) bad(`usable_arenas: arena ${s} is not allocated`);
      if (a.arenaPrev[s] !== prev) bad(`usable_arenas: arena ${s} prevarena ${a.arenaPrev[s]} != ${prev}`);
      const nf = a.arenaNfree[s]!;
      if (nf <= 0) bad(`usable_arenas: arena ${s} has ${nf} free pools`);
      if (nf < prevNf) bad(`usable_arenas: not sorted at arena ${s} (${nf} after ${prevNf})`);
      prevNf = nf;
      if (nf >= 0 && nf <= a.maxPools) lastWith[nf] = s;
      prev = s;
    }
    for (let s = 0; s < a.maxarenas; s++) {
      if (a.arenaAddress[s] === 1 && a.arenaNfree[s]! > 0 && !inUsable[s]) bad(`arena ${s}: has free pools but is not in usable_arenas`);
      if (a.arenaAddress[s] === 1 && a.arenaNfree[s] === 0 && inUsable[s]) bad(`arena ${s}: full but in usable_arenas`);
    }
    for (let k = 0; k <= a.maxPools; k++) {
      if (a.nfp2lasta[k] !== lastWith[k]) bad(`nfp2lasta[${k}] = ${a.nfp2lasta[k]}, rightmost arena with ${k} free pools is ${lastWith[k]}`);
    }
    // unused_arena_objects: exactly the unallocated slots.
    const inUnused = new Uint8Array(a.maxarenas);
    let m = 0;
    for (let s = a.unusedArenaObjects; s !== NIL; s = a.arenaNext[s]!) {
      if (s < 0 || s >= a.maxarenas || inUnused[s] || ++m > a.maxarenas) {
        bad(`unused_arena_objects: broken, cyclic or repeated at ${s}`);
        break;
      }
      inUnused[s] = 1;
      if (a.arenaAddress[s] !== 0) bad(`unused_arena_objects: slot ${s} holds an arena`);
    }
    if (m !== a.maxarenas - current) bad(`unused_arena_objects has ${m} slots, expected ${a.maxarenas - current}`);
  }

  // --- counters --------------------------------------------------------------------------------
  const eq = (name: string, got: number, want: number): void => {
    if (got !== want) bad(`${name} = ${got}, recomputed ${want}`);
  };
  eq('narenas_currently_allocated', a.narenasCurrent, current);
  eq('misaligned arenas', a.misalignedArenas, misaligned);
  eq('pools in arenas', a.poolsInArenas, poolsInArenas);
  eq('pools carved', a.poolsCarved, carvedTotal);
  eq('empty pools', a.poolsEmpty, emptyTotal);
  if (requestedOf) eq('requested bytes', a.requestedBytes, requested);
  if (a.narenasHighwater < current) bad(`narenas_highwater ${a.narenasHighwater} < current ${current}`);
  if (a.ntimesArenaAllocated < current) bad(`ntimes_arena_allocated ${a.ntimesArenaAllocated} < current ${current}`);
  for (let c = 0; c < g.nclasses; c++) {
    eq(`class ${c} blocks`, a.classBlocks[c]!, classBlocks[c]!);
    eq(`class ${c} used pools`, a.classUsedPools[c]!, classUsed[c]!);
    eq(`class ${c} full pools`, a.classFullPools[c]!, classFull[c]!);
  }
  let blockBytes = 0;
  let usedTotal = 0;
  let fullTotal = 0;
  for (let c = 0; c < g.nclasses; c++) {
    blockBytes += classBlocks[c]! * g.blockSize[c]!;
    usedTotal += classUsed[c]!;
    fullTotal += classFull[c]!;
  }
  eq('block bytes', a.blockBytes, blockBytes);
  eq('used pools', a.poolsUsed, usedTotal);
  eq('full pools', a.poolsFull, fullTotal);
  let largeCount = 0;
  let largeBytes = 0;
  for (let i = 0; i < a.largeTop; i++) {
    if (a.largeLive[i] === 1) {
      largeCount++;
      largeBytes += a.largeSize[i]!;
    }
  }
  eq('large count', a.largeCount, largeCount);
  eq('large bytes', a.largeBytes, largeBytes);

  // --- the _debugmallocstats equation ----------------------------------------------------------
  const b = a.stats().bytes;
  const sum = b.blocksInUse + b.availableBlocks + b.freePools + b.poolHeaders + b.quantization + b.arenaAlignment;
  if (sum !== b.arenas) bad(`byte breakdown sums to ${sum}, arenas hold ${b.arenas}`);
  return out;
}

/** Throws an InvariantError listing every violation. */
export function checkInvariants(a: Allocator, requestedOf?: RequestedOf): void {
  const v = findViolations(a, requestedOf);
  if (v.length > 0) throw new InvariantError(v);
}
