/**
 * Chart.js is tree-shaken: register exactly the pieces the dashboard uses, once.
 */
import { Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { bandColumnsPlugin } from './band-columns-plugin';
import { markersPlugin } from './markers-plugin';

let registered = false;

export function registerCharts(): void {
  if (registered) return;
  Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Legend, Tooltip, zoomPlugin, markersPlugin, bandColumnsPlugin);
  registered = true;
}
