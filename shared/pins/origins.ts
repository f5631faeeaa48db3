/**
 * Where a live block came from. An origin is a small integer per block; an `OriginTable` names it.
 * A workload's blocks carry the generator's own tag for the kind of object (`WorkloadOrigins`); a
 * plain trace's, and any untagged block's, origin is its size class and the phase it was born in
 * (`PhaseClassOrigins`). A recorded program's blocks carry the source site that allocated them
 * (`SiteOrigins`).
 */
import type { SiteFrame, SiteTable } from '../trace/sites';

export interface Origin {
  /** What the user reads: "class 3 (32 B), born in phase 'fill'", "app.py:12 in load()". */
  label: string;
  file?: string;
  line?: number;
  func?: string;
}

export interface OriginTable {
  /** The origin of id `id`; ids come from the same source that assigned them to blocks. */
  origin(id: number): Origin;
}

/** Phase of birth before any phase marker. */
export const FIRST_PHASE = 'start';

/** Origin id = phase index × classes + size class: dense, no per-block object. */
export class PhaseClassOrigins implements OriginTable {
  constructor(
    /** Phase labels in order of their markers; index 0 is the time before the first marker. */
    readonly phases: readonly string[],
    readonly blockSize: Int32Array,
  ) {}

  idOf(phase: number, szidx: number): number {
    return phase * this.blockSize.length + szidx;
  }

  origin(id: number): Origin {
    const n = this.blockSize.length;
    const phase = Math.floor(id / n);
    const szidx = id % n;
    return { label: `class ${szidx} (${this.blockSize[szidx]} B), born in phase '${this.phases[phase] ?? '?'}'` };
  }
}

/** Origin ids below this are workload tags (tag t → id t − 1; tags are bytes, 1 … 255). */
const TAG_IDS = 255;

/**
 * A workload's tags named by its `WorkloadDef.origins` ("keep-every-kth: kept block"); an untagged
 * block falls back to size class × phase of birth, in ids after the tags'.
 */
export class WorkloadOrigins implements OriginTable {
  constructor(
    readonly workload: string,
    /** Tag t names `names[t − 1]`. */
    readonly names: readonly string[],
    readonly fallback: PhaseClassOrigins,
  ) {}

  idOf(tag: number, phase: number, szidx: number): number {
    return tag > 0 ? tag - 1 : TAG_IDS + this.fallback.idOf(phase, szidx);
  }

  origin(id: number): Origin {
    if (id >= TAG_IDS) return this.fallback.origin(id - TAG_IDS);
    // A tag the workload does not name is a generator bug; say so rather than guess.
    return { label: `${this.workload}: ${this.names[id] ?? `unnamed tag ${id + 1}`}` };
  }
}

/** How a site's frames read: `file:line in func`, callers after `←` (innermost first). */
export function siteLabel(frames: readonly SiteFrame[]): string {
  return frames.map((f) => `${f.file}:${f.line} in ${f.func}`).join(' ← ');
}

/**
 * A recorded program's sites (`record --origins`): blocks grouped by the source location that
 * allocated them. The agent interns a site per instruction, so sites on one line (and call path)
 * share one origin id here. A block with no site (allocated with no Python frame) falls back to
 * size class × phase of birth. Ids stay non-negative (the report's schema): sites' even, fallbacks' odd.
 */
export class SiteOrigins implements OriginTable {
  private readonly idOfSite = new Map<number, number>();
  private readonly byLabel = new Map<string, number>();
  private readonly rows: Origin[] = [];

  constructor(
    readonly sites: SiteTable,
    readonly fallback: PhaseClassOrigins,
  ) {}

  idOf(site: number, phase: number, szidx: number): number {
    if (site === 0) return 2 * this.fallback.idOf(phase, szidx) + 1;
    const known = this.idOfSite.get(site);
    if (known !== undefined) return known;
    const frames = this.sites.get(site);
    const origin: Origin = frames?.length
      ? { label: siteLabel(frames), file: frames[0]!.file, line: frames[0]!.line, func: frames[0]!.func }
      : { label: `site ${site} (not named: the program ended before its sites were)` };
    let id = this.byLabel.get(origin.label);
    if (id === undefined) {
      id = 2 * this.rows.length;
      this.rows.push(origin);
      this.byLabel.set(origin.label, id);
    }
    this.idOfSite.set(site, id);
    return id;
  }

  origin(id: number): Origin {
    if (id % 2 === 1) return { label: `no Python frame: ${this.fallback.origin((id - 1) / 2).label}` };
    return this.rows[id / 2] ?? { label: `unknown origin ${id}` };
  }
}
