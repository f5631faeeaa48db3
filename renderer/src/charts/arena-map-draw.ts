/**
 * Draws the arena occupancy map on a canvas (see arena-map-model.ts for the layout and colours).
 */
import { CELL, cellColor, GAP, type MapColors, type MapLayout } from './arena-map-model';

export function drawArenaMap(ctx: CanvasRenderingContext2D, layout: MapLayout, colors: MapColors): void {
  ctx.clearRect(0, 0, layout.width, layout.height);
  ctx.lineWidth = 1;
  ctx.strokeStyle = colors.uncarved;
  for (let r = 0; r < layout.rows.length; r++) {
    const codes = layout.rows[r]!.codes;
    const y = GAP + r * (CELL + GAP);
    for (let p = 0; p < codes.length; p++) {
      const x = GAP + p * (CELL + GAP);
      const color = cellColor(codes[p]!, colors);
      if (color === null) ctx.strokeRect(x + 0.5, y + 0.5, CELL - 1, CELL - 1);
      else {
        ctx.fillStyle = color;
        ctx.fillRect(x, y, CELL, CELL);
      }
    }
  }
}
