/**
 * Request sizes of CPython objects per version (docs/workloads.md, "Object layouts") and the growth rules that
 * turn appends and inserts into REALLOCs and table replacements (§2.3), on 64-bit.
 *
 * A layout is chosen by the `python` parameter of the workloads that build Python objects;
 * "auto" follows the modelled interpreter (`WorkloadTarget.python`), else 3.12.
 */
import type { WorkloadTarget } from '../workload';

export type LayoutId = '3.12' | '3.11' | '3.9' | '3.8' | '3.7' | '2.7';

export interface PyLayout {
  id: LayoutId;
  /** Which versions the layout stands for. */
  covers: string;
  /** ASCII str of n chars requests strAscii + n + 1 bytes. */
  strAscii: number;
  /** Non-ASCII str of n chars, k bytes each, requests strWide + (n + 1)·k bytes. */
  strWide: number;
  int: number;
  float: number;
  /** Tuple of n items requests tupleBase + 8·n. */
  tupleBase: number;
  /** The list object (its item array is separate, 8 bytes a slot). */
  list: number;
  /** The dict object. */
  dict: number;
  /** A `__slots__` instance with 2 slots; each further slot adds 8 bytes. */
  slots2: number;
  /** List capacity rule: CPython 3.9+ or up to 3.8 (§2.3). */
  listGrowth: '3.9+' | '3.8-';
  dictKeys: DictKeysLayout;
}

/**
 * Dict key tables. 3.x ("compact"): header + slots·index bytes + usable·entry bytes, a table of
 * 8 slots at first insert (3.6–3.7: already at creation), resized to the smallest power of two
 * ≥ 3·used when an insert finds no usable entry left. 2.7: 8 slots inline in the dict object,
 * 24 bytes a slot outside it, resized after an insert that fills two thirds.
 */
export type DictKeysLayout =
  { kind: 'compact'; header: number; strEntry: number; entry: number; tableAtCreation: boolean } | { kind: 'classic'; entry: number };

// Each layout below 3.12 is written as what changes from the next newer one.
const PY312: PyLayout = {
  id: '3.12',
  covers: '3.12 and later',
  strAscii: 40,
  strWide: 56,
  int: 32,
  float: 24,
  tupleBase: 40,
  list: 56,
  dict: 64,
  slots2: 48,
  listGrowth: '3.9+',
  dictKeys: { kind: 'compact', header: 32, strEntry: 16, entry: 24, tableAtCreation: false },
};
const PY311: PyLayout = { ...PY312, id: '3.11', covers: '3.11', strAscii: 48, strWide: 72 };
const PY39: PyLayout = {
  ...PY311,
  id: '3.9',
  covers: '3.9 – 3.10',
  int: 28,
  dictKeys: { kind: 'compact', header: 40, strEntry: 24, entry: 24, tableAtCreation: false },
};
const PY38: PyLayout = { ...PY39, id: '3.8', covers: '3.8', listGrowth: '3.8-' };
const PY37: PyLayout = {
  ...PY38,
  id: '3.7',
  covers: '3.6 – 3.7',
  tupleBase: 56,
  list: 72,
  dict: 80,
  slots2: 64,
  dictKeys: { kind: 'compact', header: 40, strEntry: 24, entry: 24, tableAtCreation: true },
};
// 2.x (used for 2.3–2.7 targets): sys.getsizeof of 2.7.18; dict 280 holds its 8-slot table.
const PY27: PyLayout = { ...PY37, id: '2.7', covers: '2.x', strAscii: 36, int: 24, dict: 280, dictKeys: { kind: 'classic', entry: 24 } };

const LAYOUTS: Record<LayoutId, PyLayout> = { '3.12': PY312, '3.11': PY311, '3.9': PY39, '3.8': PY38, '3.7': PY37, '2.7': PY27 };

export const LAYOUT_CHOICES = ['auto', '3.12', '3.11', '3.9', '3.8', '3.7', '2.7'] as const;

/** The layout for a `python` parameter value and the run's target. */
export function resolveLayout(choice: string, target?: WorkloadTarget): PyLayout {
  if (choice !== 'auto') {
    const l = LAYOUTS[choice as LayoutId];
    if (l === undefined) throw new RangeError(`unknown layout '${choice}'`);
    return l;
  }
  return LAYOUTS[layoutForVersion(target?.python)];
}

export function layoutForVersion(python: string | undefined): LayoutId {
  const m = python === undefined ? null : /^(\d+)\.(\d+)/.exec(python);
  if (!m) return '3.12';
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major < 3) return '2.7';
  if (minor >= 12) return '3.12';
  if (minor === 11) return '3.11';
  if (minor >= 9) return '3.9';
  if (minor === 8) return '3.8';
  return '3.7';
}

/** Request of an ASCII (kind 1) or wider str of `chars` characters. */
export function strBytes(l: PyLayout, chars: number, kind = 1): number {
  return kind === 1 ? l.strAscii + chars + 1 : l.strWide + (chars + 1) * kind;
}

/** The capacity a list of `allocated` slots grows to when an append needs room for `newsize`. */
export function listGrowTo(growth: '3.9+' | '3.8-', newsize: number, allocated: number): number {
  if (growth === '3.9+') {
    let cap = (newsize + (newsize >> 3) + 6) & ~3;
    if (newsize - allocated > cap - newsize) cap = (newsize + 3) & ~3;
    return cap;
  }
  return newsize + (newsize >> 3) + (newsize < 9 ? 3 : 6);
}

/**
 * A dict's key table as the allocator sees it. `insert()` / `remove()` track entries; when
 * `insert()` returns true the table was replaced: the caller ALLOCs `tableBytes` (if > 0) and
 * FREEs the previous table (if there was one). Resizes are ALLOC + FREE, not REALLOC (§2.3).
 */
export class DictTable {
  /** Bytes of the current separate table; 0 when there is none (empty 3.8+ dict, 2.7 inline). */
  tableBytes = 0;
  private slots = 0;
  private used = 0;
  /** Entries consumed since the last resize (3.x) / slots filled (2.7). */
  private filled = 0;

  constructor(
    private readonly keys: DictKeysLayout,
    private readonly strKeys: boolean,
  ) {
    if (keys.kind === 'classic') this.slots = 8;
    else if (keys.tableAtCreation) this.resizeTo(8);
  }

  get entries(): number {
    return this.used;
  }

  /** Adds a new key; true when the table was replaced. */
  insert(): boolean {
    if (this.keys.kind === 'classic') {
      this.used++;
      this.filled++;
      if (this.filled * 3 < this.slots * 2) return false;
      // dictresize(mp, (used > 50000 ? 2 : 4) * used): smallest power of two > that.
      const minused = (this.used > 50000 ? 2 : 4) * this.used;
      let n = 8;
      while (n <= minused) n *= 2;
      this.slots = n;
      this.filled = this.used;
      const before = this.tableBytes;
      this.tableBytes = n > 8 ? n * this.keys.entry : 0;
      return before !== 0 || this.tableBytes !== 0;
    }
    let replaced = false;
    if (this.slots === 0) {
      this.resizeTo(8);
      replaced = true;
    } else if (this.filled >= usable(this.slots)) {
      let n = 8;
      while (n < 3 * this.used) n *= 2;
      this.resizeTo(n);
      replaced = true;
    }
    this.used++;
    this.filled++;
    return replaced;
  }

  remove(): void {
    this.used--;
  }

  private resizeTo(slots: number): void {
    if (this.keys.kind !== 'compact') return;
    this.slots = slots;
    this.filled = this.used;
    const index = slots <= 128 ? 1 : slots <= 32768 ? 2 : slots <= 2 ** 31 ? 4 : 8;
    const entry = this.strKeys ? this.keys.strEntry : this.keys.entry;
    this.tableBytes = this.keys.header + slots * index + usable(slots) * entry;
  }
}

/** USABLE_FRACTION: two thirds of the slots. */
function usable(slots: number): number {
  return Math.floor((2 * slots) / 3);
}
