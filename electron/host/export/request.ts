/**
 * A bridge `export` request rendered: the runs as the host holds them, the pins analysis where the
 * report or the JSON is asked for, the formats built by the command line's code (./build.ts), an
 * open end of the window read from the store, and several files zipped when the page wants one
 * download. Bad input (an unknown chart, a window past the runs) is refused with `export: …`.
 */
import type { PinReport } from '../../../shared/pins';
import type { ExportRequest, ExportResult } from '../../../shared/protocol/bridge';
import type { SeriesStore } from '../../../shared/series';
import { InputError } from '../../../shared/errors';
import { buildExport } from './build';
import type { ExportRun } from './types';
import { zip } from './zip';

export interface ExportRequestSource {
  store: SeriesStore;
  app?: string;
  /** The requested runs, in the request's order. */
  runs: ExportRun[];
  /** Why a run's arenas are kept at its end, or null (asked only for HTML and JSON). */
  pinsOf(runId: string): Promise<PinReport | null>;
}

/** A refused export request: its message says which field or run is at fault. */
export class ExportRequestError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'ExportRequestError';
  }
}

export async function renderExportRequest(request: ExportRequest, source: ExportRequestSource): Promise<ExportResult> {
  const started = performance.now();
  const { store } = source;
  const withPins = request.formats.includes('html') || request.formats.includes('json');
  const runs = withPins ? await Promise.all(source.runs.map(async (r) => ({ ...r, pins: await source.pinsOf(r.id) }))) : source.runs;
  const edge = (end: 0 | 1): number | null => {
    const xs = request.runIds.map((id) => store.stats(id).range?.[request.axis][end]).filter((x): x is number => x !== undefined);
    return xs.length === 0 ? null : end === 0 ? Math.min(...xs) : Math.max(...xs);
  };
  const whole = request.from === -Infinity && request.to === Infinity;
  let built;
  try {
    built = await buildExport(
      { store, runs, ...(source.app !== undefined ? { app: source.app } : {}) },
      {
        formats: request.formats,
        mode: request.mode,
        ...(request.charts ? { charts: request.charts } : {}),
        axis: request.axis,
        range: whole ? null : [Number.isFinite(request.from) ? request.from : (edge(0) ?? 0), Number.isFinite(request.to) ? request.to : (edge(1) ?? 0)],
        width: request.width,
        height: request.height,
        theme: request.theme,
      },
    );
  } catch (error) {
    if (error instanceof InputError) throw new ExportRequestError(`export: ${error.message}`);
    throw error;
  }
  let files = built.files;
  if (request.archive && files.length > 1) {
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    files = [{ name: `arenascope-export-${stamp}.zip`, mime: 'application/zip', data: zip(files) }];
  }
  return {
    files: files.map((f) => ({
      name: f.name,
      mime: f.mime,
      base64: Buffer.from(typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : f.data).toString('base64'),
    })),
    ms: Math.round(performance.now() - started),
  };
}
