/**
 * A chart spec drawn as SVG, directly (no canvas): the same layout as the screen — title and
 * subtitle, a legend, nice ticks formatted like the dashboard's, each series as a min/max band, and
 * dashed phase marks — in a file a browser, an editor or the HTML report shows as it is.
 *
 * Every series is exactly one `<path>` (its maxima forward, its minima back, closed, filled at 25 %
 * and stroked); grid lines, axes and marks are `<line>`s and the legend's swatches `<rect>`s, so a
 * reader can find the series by their paths (each carries `data-series`).
 */
import {
  BAND_FILL_ALPHA,
  BAND_LINE_WIDTH,
  CHART_FONT,
  type ChartSpec,
  type ChartTheme,
  formatBytes,
  formatCount,
  formatDuration,
  binaryTicks,
  niceTicks,
  yExtent,
} from '../../../shared/charts';

export interface SvgOptions {
  width: number;
  height: number;
  theme: ChartTheme;
  /** Leave the title and subtitle out (the HTML report prints them as a caption). */
  omitTitle?: boolean;
  /**
   * A standalone file carries the XML declaration and the SVG namespace; inline SVG in HTML needs
   * neither (and the report must not name any URL, namespaces included).
   */
  standalone?: boolean;
  /** Id of the clip path, unique within the document (several charts inline in one report). */
  clipId?: string;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Rough width of a text in the chart font (no font metrics without a canvas): enough for layout. */
function textWidth(text: string, size: number): number {
  return text.length * size * 0.58;
}

const r1 = (v: number): string => (Math.round(v * 10) / 10).toString();

export function renderSvg(spec: ChartSpec, options: SvgOptions): string {
  const { width: W, height: H, theme } = options;
  const pad = 10;
  const tickFont = 11;
  const out: string[] = [];
  const ns = options.standalone === false ? '' : ' xmlns="http://www.w3.org/2000/svg"';
  out.push(
    `<svg${ns} width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(spec.description)}" font-family="${escapeXml(CHART_FONT)}" data-chart="${escapeXml(spec.id)}">`,
    `<title>${escapeXml(`${spec.title} — ${spec.subtitle}`)}</title>`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="${theme.background}"/>`,
  );

  // Title, subtitle, legend: top down.
  let top = pad;
  if (!options.omitTitle) {
    out.push(`<text x="${W / 2}" y="${top + 14}" text-anchor="middle" font-size="16" font-weight="bold" fill="${theme.text}">${escapeXml(spec.title)}</text>`);
    top += 20;
    out.push(`<text x="${W / 2}" y="${top + 12}" text-anchor="middle" font-size="12" fill="${theme.muted}">${escapeXml(spec.subtitle)}</text>`);
    top += 18;
  }
  // Legend: centred rows of swatch + label.
  const items = spec.bands.map((b) => ({ b, w: 12 + 6 + textWidth(b.label, 12) + 14 }));
  const rows: (typeof items)[] = [];
  let row: typeof items = [];
  let rowW = 0;
  for (const it of items) {
    if (row.length > 0 && rowW + it.w > W - 2 * pad) {
      rows.push(row);
      row = [];
      rowW = 0;
    }
    row.push(it);
    rowW += it.w;
  }
  if (row.length > 0) rows.push(row);
  for (const r of rows) {
    let x = (W - r.reduce((s, it) => s + it.w, 0)) / 2;
    for (const { b, w } of r) {
      out.push(`<rect x="${r1(x)}" y="${top + 3}" width="12" height="12" fill="${b.color}" fill-opacity="${BAND_FILL_ALPHA + 0.25}" stroke="${b.color}"/>`);
      out.push(`<text x="${r1(x + 18)}" y="${top + 13}" font-size="12" fill="${theme.text}">${escapeXml(b.label)}</text>`);
      x += w;
    }
    top += 18;
  }
  top += 6;

  // Scales.
  const yExt = yExtent(spec) ?? [0, 1];
  const bottomReserve = tickFont + 6 + 14 + pad; // tick labels, axis title
  const plotH0 = Math.max(20, H - top - bottomReserve);
  const yCount = Math.max(2, Math.min(11, Math.floor(plotH0 / 40) + 1));
  // Bytes at binary steps (1, 2, 4 … MiB), as on screen.
  const yt = spec.yUnit === 'bytes' ? binaryTicks(yExt[0], yExt[1], Math.min(yCount, 6)) : niceTicks(yExt[0], yExt[1], yCount, false, 1);
  const yLabel = (v: number): string => (spec.yUnit === 'bytes' ? formatBytes(v) : formatCount(v));
  const xLabel = (v: number): string => (spec.axis === 'op' ? formatCount(v) : formatDuration(v));
  const left = pad + Math.max(...yt.values.map((v) => textWidth(yLabel(v), tickFont))) + 8;
  const right = W - pad - 8;
  const bottom = H - bottomReserve;
  const plotW = Math.max(20, right - left);
  const plotH = Math.max(20, bottom - top);
  const xr = spec.xRange ?? [0, 1];
  const x0 = xr[0];
  const x1 = xr[1] > xr[0] ? xr[1] : xr[0] + 1;
  const xt = niceTicks(x0, x1, Math.max(2, Math.min(12, Math.floor(plotW / 110) + 1)), true);
  const px = (x: number): number => left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y: number): number => bottom - ((y - yt.min) / (yt.max - yt.min || 1)) * plotH;

  // Grid and ticks.
  out.push(`<g stroke="${theme.grid}" stroke-width="1">`);
  for (const v of yt.values) out.push(`<line x1="${r1(left)}" y1="${r1(py(v))}" x2="${r1(right)}" y2="${r1(py(v))}"/>`);
  for (const v of xt.values) out.push(`<line x1="${r1(px(v))}" y1="${r1(top)}" x2="${r1(px(v))}" y2="${r1(bottom)}"/>`);
  out.push('</g>');
  out.push(`<g font-size="${tickFont}" fill="${theme.muted}">`);
  for (const v of yt.values) out.push(`<text x="${r1(left - 6)}" y="${r1(py(v) + 4)}" text-anchor="end">${escapeXml(yLabel(v))}</text>`);
  for (const v of xt.values) out.push(`<text x="${r1(px(v))}" y="${r1(bottom + tickFont + 5)}" text-anchor="middle">${escapeXml(xLabel(v))}</text>`);
  out.push(`<text x="${r1(left + plotW / 2)}" y="${r1(H - pad)}" text-anchor="middle" font-size="12">${escapeXml(spec.xTitle)}</text>`);
  out.push('</g>');

  // Bands, clipped to the plot area.
  const clip = options.clipId ?? `clip-${spec.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  out.push(`<defs><clipPath id="${clip}"><rect x="${r1(left)}" y="${r1(top)}" width="${r1(plotW)}" height="${r1(plotH)}"/></clipPath></defs>`);
  out.push(`<g clip-path="url(#${clip})" stroke-width="${BAND_LINE_WIDTH}" stroke-linejoin="round">`);
  for (const b of spec.bands) {
    const n = b.x.length;
    const d: string[] = [];
    for (let i = 0; i < n; i++) d.push(`${i === 0 ? 'M' : 'L'}${r1(px(b.x[i]!))} ${r1(py(b.max[i]!))}`);
    for (let i = n - 1; i >= 0; i--) d.push(`L${r1(px(b.x[i]!))} ${r1(py(b.min[i]!))}`);
    if (n > 0) d.push('Z');
    out.push(
      `<path data-series="${escapeXml(b.key)}" d="${d.join('')}" fill="${b.color}" fill-opacity="${BAND_FILL_ALPHA}" stroke="${b.color}"><title>${escapeXml(b.label)}</title></path>`,
    );
  }
  out.push('</g>');

  // Phase marks: dashed lines, labels that do not overlap the previous one.
  let lastLabelEnd = -Infinity;
  out.push(`<g stroke="${theme.muted}" stroke-dasharray="4 3" stroke-width="1">`);
  const labels: string[] = [];
  for (const m of spec.phases) {
    const x = px(m.x);
    if (!(x >= left - 0.5 && x <= right + 0.5)) continue;
    out.push(`<line x1="${r1(x)}" y1="${r1(top)}" x2="${r1(x)}" y2="${r1(bottom)}"/>`);
    const w = textWidth(m.label, 11);
    if (x + 3 > lastLabelEnd && x + 3 + w <= right + 20) {
      labels.push(`<text x="${r1(x + 3)}" y="${r1(top + 12)}">${escapeXml(m.label)}</text>`);
      lastLabelEnd = x + 3 + w + 4;
    }
  }
  out.push('</g>');
  out.push(`<g font-size="11" fill="${theme.muted}">${labels.join('')}</g>`);

  // The axes themselves.
  out.push(
    `<g stroke="${theme.muted}" stroke-width="1"><line x1="${r1(left)}" y1="${r1(bottom)}" x2="${r1(right)}" y2="${r1(bottom)}"/><line x1="${r1(left)}" y1="${r1(top)}" x2="${r1(left)}" y2="${r1(bottom)}"/></g>`,
  );
  out.push('</svg>');
  const body = out.join('\n');
  return options.standalone === false ? body : `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
}
