/**
 * The overview strip's drawing: the whole run's arena bytes as one vertical min–max stroke per
 * bucket, and the selected window as a shaded box. Canvas 2D only; Chart.js is overkill here.
 */
import type { WindowResult } from '../../../shared/protocol/bridge';

export interface StripScale {
  x0: number;
  x1: number;
  width: number;
}

export function toPixel(s: StripScale, x: number): number {
  return s.x1 > s.x0 ? ((x - s.x0) / (s.x1 - s.x0)) * s.width : 0;
}

export function fromPixel(s: StripScale, px: number): number {
  const t = Math.max(0, Math.min(1, px / Math.max(1, s.width)));
  return s.x0 + t * (s.x1 - s.x0);
}

export function drawOverview(
  ctx: CanvasRenderingContext2D,
  size: { width: number; height: number },
  result: WindowResult | null,
  key: string,
  selection: [number, number] | null,
  colors: { line: string; area: string; shade: string; border: string },
): StripScale | null {
  ctx.clearRect(0, 0, size.width, size.height);
  const s = result?.series[key];
  if (!result?.range || !s || s.x.length === 0) return null;
  const scale: StripScale = { x0: result.range[0], x1: result.range[1], width: size.width };
  let top = 0;
  for (const v of s.max) top = Math.max(top, v);
  const y = (v: number): number => size.height - 2 - (top > 0 ? (v / top) * (size.height - 4) : 0);
  // The area under the maxima, lightly, so the run's shape reads at a glance; then the min–max
  // strokes on top, so spikes stay visible.
  ctx.fillStyle = colors.area;
  ctx.beginPath();
  ctx.moveTo(toPixel(scale, s.x[0]!), size.height);
  for (let i = 0; i < s.x.length; i++) ctx.lineTo(toPixel(scale, s.x[i]!), y(s.max[i]!));
  ctx.lineTo(toPixel(scale, s.x[s.x.length - 1]!), size.height);
  ctx.closePath();
  ctx.fill();
  ctx.strokeStyle = colors.line;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let i = 0; i < s.x.length; i++) {
    const px = Math.round(toPixel(scale, s.x[i]!)) + 0.5;
    ctx.moveTo(px, y(s.min[i]!) + 0.5);
    ctx.lineTo(px, y(s.max[i]!) - 0.5);
  }
  ctx.stroke();
  if (selection) {
    const a = toPixel(scale, selection[0]);
    const b = toPixel(scale, selection[1]);
    ctx.fillStyle = colors.shade;
    ctx.fillRect(a, 0, b - a, size.height);
    ctx.strokeStyle = colors.border;
    ctx.strokeRect(a + 0.5, 0.5, Math.max(1, b - a - 1), size.height - 1);
  }
  return scale;
}
