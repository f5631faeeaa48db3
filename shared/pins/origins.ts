/**
 * Where a live block came from. An origin is a small integer per block; an `OriginTable` names it.
 * Today a block's origin is its size class and the phase it was born in (what a plain trace or a
 * workload tells); workload tags and recorded source sites plug in as other tables later.
 */

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
