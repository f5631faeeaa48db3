/**
 * Axis ticks at "nice" values (1, 2, 5 × 10ⁿ), the way Chart.js' linear scale picks them, for
 * charts drawn without Chart.js (SVG exports).
 */

function niceNum(range: number, round: boolean): number {
  const exponent = Math.floor(Math.log10(range));
  const fraction = range / 10 ** exponent;
  let nice: number;
  if (round) nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  else nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * 10 ** exponent;
}

export interface Ticks {
  /** The axis' extent: nice bounds around the data (or the given bounds when `fixed`). */
  min: number;
  max: number;
  values: number[];
}

/**
 * About `count` ticks over [min, max]. With `fixed` the axis keeps exactly [min, max] and only the
 * ticks inside it are returned; otherwise the extent grows to the ticks around the data.
 * `minSpacing`: 1 for counts (arenas, pools), so a small range reads 0, 1, 2 and never 0, 0.5, 1.
 */
export function niceTicks(min: number, max: number, count: number, fixed = false, minSpacing = 0): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 1, values: [0, 1] };
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    if (!fixed) return niceTicks(min - pad, max + pad, count, false, minSpacing);
    return { min, max, values: [min] };
  }
  const spacing = Math.max(minSpacing, niceNum(niceNum(max - min, false) / Math.max(1, count - 1), true));
  const first = Math.ceil(min / spacing - 1e-9) * spacing;
  // Rounding may land a hair inside the data: then one step further out.
  let lo = fixed ? min : Math.floor(min / spacing) * spacing;
  if (lo > min) lo -= spacing;
  let hi = fixed ? max : Math.ceil(max / spacing) * spacing;
  if (hi < max) hi += spacing;
  const values: number[] = [];
  for (let v = fixed ? first : lo, i = 0; v <= hi + spacing * 1e-9 && i < 1000; i++, v = (fixed ? first : lo) + i * spacing) {
    // Rounded to the spacing's precision, so 0.1 + 0.2 prints as 0.3.
    values.push(Number(v.toPrecision(12)));
  }
  return { min: lo, max: hi, values };
}

/**
 * Ticks for a byte axis at binary steps: a power of two times a binary unit (1, 2, 4 … KiB, MiB),
 * so they read "8 MiB, 16 MiB", never "9.54 MiB, 19.1 MiB". About `count` ticks from `min` (0 for
 * byte charts) over [min, max]; the extent is widened to the ticks around the data unless `fixed`.
 */
export function binaryTicks(min: number, max: number, count: number, fixed = false): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 1, values: [0, 1] };
  if (max < min) [min, max] = [max, min];
  if (max === min) max = min + Math.max(1, Math.abs(min));
  const raw = (max - min) / Math.max(1, count - 1);
  const spacing = 2 ** Math.max(0, Math.ceil(Math.log2(raw)));
  const lo = fixed ? min : Math.floor(min / spacing) * spacing;
  const hi = fixed ? max : Math.ceil(max / spacing) * spacing;
  const values: number[] = [];
  for (let v = Math.ceil(lo / spacing) * spacing, i = 0; v <= hi && i < 1000; v += spacing, i++) values.push(v);
  return { min: lo, max: hi, values };
}

/** The part of a Chart.js scale the binary-tick hooks touch (structural: shared does not import Chart.js). */
interface ScaleLike {
  min: number;
  max: number;
  ticks: { value: number }[];
}

/** About this many ticks on a byte axis. */
const BYTE_TICKS = 6;

/** Chart.js scale hooks that put a byte axis on binary steps (the screen's and the PNG's charts). */
export const binaryScaleHooks = {
  afterDataLimits(scale: ScaleLike): void {
    scale.max = binaryTicks(Math.min(0, scale.min), scale.max, BYTE_TICKS).max;
  },
  afterBuildTicks(scale: ScaleLike): void {
    scale.ticks = binaryTicks(scale.min, scale.max, BYTE_TICKS, true).values.map((value) => ({ value }));
  },
};
