/**
 * Exports: charts as PNG (Chart.js on @napi-rs/canvas) and SVG, samples as CSV, everything as JSON,
 * and a self-contained HTML report, built in memory by `buildExport` and written atomically by
 * `writeExportFiles` (docs/exports.md). Used by the app's host (bridge `export`) and the command line.
 */
export { buildExport, ExportError, runSlugs, slug, type BuiltExport } from './build';
export { csvHeader, toCsv } from './csv';
export { EXPORT_JSON_FORMAT, EXPORT_JSON_VERSION, exportJson, readExportJson, toJson, type ExportJson, type ExportJsonRun } from './json';
export { escapeXml, renderSvg, type SvgOptions } from './svg';
export { DEFAULT_SIZE, EXPORT_FORMATS, type ExportFile, type ExportFormat, type ExportOptions, type ExportRun, type ExportSource } from './types';
export { ExportWriteError, writeExportFiles } from './write';
export { zip, type ZipEntry } from './zip';

import type { ChartSpec } from '../../../shared/charts';
import type { PngOptions } from './png';
import { ExportError } from './build';
import { EXPORT_FORMATS, type ExportFormat } from './types';

export type { PngOptions };

/**
 * A chart as PNG. Chart.js and the native canvas load on the first call, not with the host: the app
 * starts without them, and a platform whose canvas binary is missing loses PNG export, nothing else.
 */
export async function renderPng(spec: ChartSpec, options: PngOptions): Promise<Uint8Array> {
  return (await import('./png')).renderPng(spec, options);
}

/** `png,svg` → ['png', 'svg']; an unknown format is refused by name (ExportError). */
export function parseFormats(text: string): ExportFormat[] {
  const out: ExportFormat[] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '')) {
    if (part === 'all') {
      for (const f of EXPORT_FORMATS) if (!out.includes(f)) out.push(f);
      continue;
    }
    if (!(EXPORT_FORMATS as readonly string[]).includes(part))
      throw new ExportError(`unknown format '${part}' (formats: ${EXPORT_FORMATS.join(', ')}, or all)`);
    if (!out.includes(part as ExportFormat)) out.push(part as ExportFormat);
  }
  if (out.length === 0) throw new ExportError(`no format given (formats: ${EXPORT_FORMATS.join(', ')}, or all)`);
  return out;
}
