/**
 * Draws the arena occupancy map on a canvas (see arena-map-model.ts for the geometry and colours).
 */
import type { DetailSnapshot } from '../../../shared/protocol/bridge';
import { CELL, cellColor, GAP, mapSize } from './arena-map-model';
import type { MapColors } from './arena-map-model';

export function drawArenaMap(ctx: CanvasRenderingContext2D, detail: DetailSnapshot, colors: MapColors): void {
  const { width, height, rows } = mapSize(detail);
  ctx.clearRect(0, 0, width, height);
  ctx.lineWidth = 1;
  ctx.strokeStyle = colors.uncarved;
  for (let r = 0; r < rows; r++) {
    const pools = detail.arenas[r]!.pools;
    const y = GAP + r * (CELL + GAP);
    for (let p = 0; p < pools.length; p++) {
      const x = GAP + p * (CELL + GAP);
      const color = cellColor(pools[p]!, colors);
      if (color === null) ctx.strokeRect(x + 0.5, y + 0.5, CELL - 1, CELL - 1);
      else {
        ctx.fillStyle = color;
        ctx.fillRect(x, y, CELL, CELL);
      }
    }
  }
}
