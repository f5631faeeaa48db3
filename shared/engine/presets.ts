/**
 * One table of CPython version families: constants and policy switches, as data.
 * What each family covers and why: docs/engine.md, "Version families".
 * The allocator reads these fields; it never branches on a version number.
 */
import { InputError } from '../errors';

export type FamilyId = 'G0' | 'G1' | 'G2' | 'G3' | 'G4' | 'G5';
export type ArenaAlignment = 'aligned' | 'misaligned';

export interface Preset {
  family: FamilyId;
  /** Versions the family covers, as a reader would say it. */
  covers: string;
  /** One line on what the family does with memory: shown next to the version picker. */
  policy: string;
  /** A release of the family, standing for it where a version is needed (object layouts). */
  example: string;
  /** `ALIGNMENT_SHIFT`: size classes are `1 << ALIGNMENT_SHIFT` bytes apart. */
  ALIGNMENT_SHIFT: number;
  /** `SMALL_REQUEST_THRESHOLD`: the largest request pymalloc serves. */
  SMALL_REQUEST_THRESHOLD: number;
  /** `POOL_SIZE`. */
  POOL_SIZE: number;
  /** `ARENA_SIZE`. */
  ARENA_SIZE: number;
  /** `POOL_OVERHEAD`: the pool header, 48 bytes on 64-bit in every family. */
  POOL_OVERHEAD: number;
  /**
   * Whether a new arena's base is pool-aligned (64 pools) or not (63 pools: the first pool starts
   * at the base rounded up). G0/G1 take arenas from glibc `malloc`, whose 256 KiB chunks sit 16
   * bytes past a page; G2–G4 `mmap` them (always aligned); G5's 1 MiB `mmap` is only page-aligned,
   * so 16 KiB pools are misaligned most of the time.
   */
  defaultArenas: ArenaAlignment;
  /** Empty pools: G0 keeps one global LIFO `freepools`; G1+ one per arena (`arena_object.freepools`). */
  freepools: 'global' | 'per-arena';
  /**
   * What happens when every pool of an arena is empty: G0 never gives arenas back; G1–G3 release
   * at once; G4+ release unless the arena is the tail of `usable_arenas` (bpo-37257).
   */
  arenaRelease: 'never' | 'always' | 'keep-tail';
  /** G0's `PyObject_Realloc` moves a foreign (libc) block into a pool when n ≤ threshold. */
  reallocTakesOverForeign: boolean;
}

const COMMON = { POOL_OVERHEAD: 48 } as const;

export const FAMILIES: Readonly<Record<FamilyId, Preset>> = {
  G0: {
    ...COMMON,
    family: 'G0',
    example: '2.4.6',
    covers: '2.3 – 2.4',
    policy: 'arenas are never returned; empty pools go to one global list',
    ALIGNMENT_SHIFT: 3,
    SMALL_REQUEST_THRESHOLD: 256,
    POOL_SIZE: 4096,
    ARENA_SIZE: 262144,
    defaultArenas: 'misaligned',
    freepools: 'global',
    arenaRelease: 'never',
    reallocTakesOverForeign: true,
  },
  G1: {
    ...COMMON,
    family: 'G1',
    example: '2.7.6',
    covers: '2.5 – 2.7.6, 3.0 – 3.2',
    policy: 'an arena is returned as soon as all its pools are empty; requests ≤ 256 bytes',
    ALIGNMENT_SHIFT: 3,
    SMALL_REQUEST_THRESHOLD: 256,
    POOL_SIZE: 4096,
    ARENA_SIZE: 262144,
    defaultArenas: 'misaligned',
    freepools: 'per-arena',
    arenaRelease: 'always',
    reallocTakesOverForeign: false,
  },
  G2: {
    ...COMMON,
    family: 'G2',
    example: '3.6.15',
    covers: '2.7.7 – 2.7.16, 3.3 – 3.7.3 (upstream 3.6)',
    policy: 'an arena is returned as soon as all its pools are empty; 8-byte classes up to 512 bytes',
    ALIGNMENT_SHIFT: 3,
    SMALL_REQUEST_THRESHOLD: 512,
    POOL_SIZE: 4096,
    ARENA_SIZE: 262144,
    defaultArenas: 'aligned',
    freepools: 'per-arena',
    arenaRelease: 'always',
    reallocTakesOverForeign: false,
  },
  G3: {
    ...COMMON,
    family: 'G3',
    example: '3.8.20',
    covers: '2.7.17 – 2.7.18, 3.7.4 – 3.8',
    policy: 'an arena is returned as soon as all its pools are empty; 16-byte classes',
    ALIGNMENT_SHIFT: 4,
    SMALL_REQUEST_THRESHOLD: 512,
    POOL_SIZE: 4096,
    ARENA_SIZE: 262144,
    defaultArenas: 'aligned',
    freepools: 'per-arena',
    arenaRelease: 'always',
    reallocTakesOverForeign: false,
  },
  G4: {
    ...COMMON,
    family: 'G4',
    example: '3.9.25',
    covers: '3.9',
    policy: 'one empty arena kept (the tail of usable_arenas); the rest are returned',
    ALIGNMENT_SHIFT: 4,
    SMALL_REQUEST_THRESHOLD: 512,
    POOL_SIZE: 4096,
    ARENA_SIZE: 262144,
    defaultArenas: 'aligned',
    freepools: 'per-arena',
    arenaRelease: 'keep-tail',
    reallocTakesOverForeign: false,
  },
  G5: {
    ...COMMON,
    family: 'G5',
    example: '3.12.12',
    covers: '3.10 – 3.14',
    policy: 'one empty arena kept; 16 KiB pools in 1 MiB arenas',
    ALIGNMENT_SHIFT: 4,
    SMALL_REQUEST_THRESHOLD: 512,
    POOL_SIZE: 16384,
    ARENA_SIZE: 1048576,
    defaultArenas: 'misaligned',
    freepools: 'per-arena',
    arenaRelease: 'keep-tail',
    reallocTakesOverForeign: false,
  },
};

/** Which family a release line's patch levels belong to: `[firstPatch, family]`, ascending. */
interface ReleaseLine {
  line: string;
  /** Highest patch release of a line that has ended; undefined while the line may still get releases. */
  lastPatch?: number;
  /** The newest patch release, used when the user names only the line ("2.7" means 2.7.18). */
  newest: number;
  bands: ReadonlyArray<readonly [number, FamilyId]>;
}

const RELEASE_LINES: readonly ReleaseLine[] = [
  { line: '2.3', lastPatch: 7, newest: 7, bands: [[0, 'G0']] },
  { line: '2.4', lastPatch: 6, newest: 6, bands: [[0, 'G0']] },
  { line: '2.5', lastPatch: 6, newest: 6, bands: [[0, 'G1']] },
  { line: '2.6', lastPatch: 9, newest: 9, bands: [[0, 'G1']] },
  // 2.7.7 brought the 512-byte threshold and mmap arenas (believed, not checked against a 2.7.7–2.7.16 build; docs/engine.md), 2.7.17 the 16-byte alignment.
  {
    line: '2.7',
    lastPatch: 18,
    newest: 18,
    bands: [
      [0, 'G1'],
      [7, 'G2'],
      [17, 'G3'],
    ],
  },
  { line: '3.0', lastPatch: 1, newest: 1, bands: [[0, 'G1']] },
  { line: '3.1', lastPatch: 5, newest: 5, bands: [[0, 'G1']] },
  { line: '3.2', lastPatch: 6, newest: 6, bands: [[0, 'G1']] },
  { line: '3.3', lastPatch: 7, newest: 7, bands: [[0, 'G2']] },
  { line: '3.4', lastPatch: 10, newest: 10, bands: [[0, 'G2']] },
  { line: '3.5', lastPatch: 10, newest: 10, bands: [[0, 'G2']] },
  { line: '3.6', lastPatch: 15, newest: 15, bands: [[0, 'G2']] },
  {
    line: '3.7',
    lastPatch: 17,
    newest: 17,
    bands: [
      [0, 'G2'],
      [4, 'G3'],
    ],
  },
  { line: '3.8', lastPatch: 20, newest: 20, bands: [[0, 'G3']] },
  { line: '3.9', newest: 25, bands: [[0, 'G4']] },
  { line: '3.10', newest: 19, bands: [[0, 'G5']] },
  { line: '3.11', newest: 14, bands: [[0, 'G5']] },
  { line: '3.12', newest: 12, bands: [[0, 'G5']] },
  { line: '3.13', newest: 9, bands: [[0, 'G5']] },
  { line: '3.14', newest: 0, bands: [[0, 'G5']] },
];

export class UnknownVersionError extends InputError {
  constructor(readonly requested: string) {
    super(`unknown CPython version '${requested}': known are ${knownVersionsText()}`);
    this.name = 'UnknownVersionError';
  }
}

export function knownVersionsText(): string {
  const lines = RELEASE_LINES.map((l) => (l.lastPatch === undefined ? `${l.line}[.N]` : `${l.line}[.0–${l.lastPatch}]`));
  return `${lines.join(', ')}; or a family name ${Object.keys(FAMILIES).join(', ')}`;
}

export interface ResolvedVersion {
  /** What the user asked for, e.g. "3.11" or "G3". */
  requested: string;
  /** The release it stands for, e.g. "3.11.14" ("G3" for a family name). */
  version: string;
  preset: Preset;
}

/**
 * Resolve a user's version string ("2.4", "2.7.18", "3.6", "3.13.0", or a family id "G3").
 * A line without a patch level means its newest release.
 */
export function resolveVersion(requested: string): ResolvedVersion {
  const text = requested.trim();
  const family = FAMILIES[text.toUpperCase() as FamilyId];
  if (family !== undefined) return { requested, version: family.family, preset: family };
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new UnknownVersionError(requested);
  const line = RELEASE_LINES.find((l) => l.line === `${Number(m[1])}.${Number(m[2])}`);
  if (!line) throw new UnknownVersionError(requested);
  const patch = m[3] === undefined ? line.newest : Number(m[3]);
  if (line.lastPatch !== undefined && patch > line.lastPatch) throw new UnknownVersionError(requested);
  let fam: FamilyId = line.bands[0]![1];
  for (const [first, id] of line.bands) if (patch >= first) fam = id;
  return { requested, version: `${line.line}.${patch}`, preset: FAMILIES[fam] };
}

/** Geometry derived from a preset: what every module needs, computed once. */
export interface Geometry {
  /** Number of size classes (`NB_SMALL_SIZE_CLASSES`). */
  nclasses: number;
  /** `MAX_POOLS_IN_ARENA` = ARENA_SIZE / POOL_SIZE (64 in every family). */
  maxPools: number;
  /** Block size of each class: `INDEX2SIZE(i)` = (i + 1) << ALIGNMENT_SHIFT. */
  blockSize: Int32Array;
  /** `NUMBLOCKS(i)` = (POOL_SIZE − POOL_OVERHEAD) / blockSize. */
  numBlocks: Int32Array;
  /** Bytes lost to quantization per pool of the class: (POOL_SIZE − POOL_OVERHEAD) mod blockSize. */
  quantization: Int32Array;
  /** log2 of the block-slot stride per pool: the smallest power of two ≥ NUMBLOCKS(0). */
  slotShift: number;
}

export function geometry(p: Preset): Geometry {
  const nclasses = p.SMALL_REQUEST_THRESHOLD >> p.ALIGNMENT_SHIFT;
  const blockSize = new Int32Array(nclasses);
  const numBlocks = new Int32Array(nclasses);
  const quantization = new Int32Array(nclasses);
  const usable = p.POOL_SIZE - p.POOL_OVERHEAD;
  for (let i = 0; i < nclasses; i++) {
    const size = (i + 1) << p.ALIGNMENT_SHIFT;
    blockSize[i] = size;
    numBlocks[i] = Math.floor(usable / size);
    quantization[i] = usable % size;
  }
  let slotShift = 0;
  while (1 << slotShift < numBlocks[0]!) slotShift++;
  return { nclasses, maxPools: p.ARENA_SIZE / p.POOL_SIZE, blockSize, numBlocks, quantization, slotShift };
}
