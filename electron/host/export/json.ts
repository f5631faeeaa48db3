/**
 * Everything about the exported runs as one JSON document: format and version, the app, the sample
 * columns (key, unit, meaning), and per run its configuration, what the worker resolved (engine and
 * workload versions, CPython version, family, arenas, effective parameters), its last status, its
 * figures (peak and final of every series, retained after free), its phase markers, why its arenas
 * are kept at its end (the pins analysis, when the exporter ran it) and every sample,
 * one array per series. `readExportJson` reads one back (tests, and anyone scripting on exports).
 */
import { runFigures } from '../../../shared/charts';
import type { PinReport } from '../../../shared/pins';
import { SERIES } from '../../../shared/run/sample';
import type { ExportSource } from './types';

export const EXPORT_JSON_FORMAT = 'arenascope-export';
export const EXPORT_JSON_VERSION = 1;

export interface ExportJsonRun {
  id: string;
  name: string | null;
  createdAt: string | null;
  config: unknown;
  started: unknown;
  status: unknown;
  coalesced: number;
  figures: ReturnType<typeof runFigures>;
  phases: { op: number; wallMs: number | null; label: string }[];
  /** Why its arenas are kept at its last operation (shared/pins; docs/pins.md), when analysed. */
  pins: PinReport | null;
  /** Every sample, one array per series key. */
  series: Record<string, number[]>;
}

export interface ExportJson {
  format: typeof EXPORT_JSON_FORMAT;
  version: number;
  createdAt: string;
  app: string | null;
  columns: { key: string; unit: string; description: string }[];
  runs: ExportJsonRun[];
}

export function exportJson(source: ExportSource, now: Date): ExportJson {
  return {
    format: EXPORT_JSON_FORMAT,
    version: EXPORT_JSON_VERSION,
    createdAt: now.toISOString(),
    app: source.app ?? null,
    columns: SERIES.map((s) => ({ key: s.key, unit: s.unit, description: s.description })),
    runs: source.runs.map((r) => {
      const cols = source.store.read(r.id);
      const series: Record<string, number[]> = {};
      SERIES.forEach((s, i) => (series[s.key] = Array.from(cols[i]!)));
      return {
        id: r.id,
        name: r.name ?? null,
        createdAt: r.createdAt ?? null,
        config: r.config,
        started: r.started ?? null,
        status: r.status ?? null,
        coalesced: r.coalesced ?? 0,
        figures: runFigures(source.store, r.id),
        phases: source.store.phases(r.id).map((p) => ({ op: p.op, wallMs: source.store.wallAtOp(r.id, p.op), label: p.label })),
        pins: r.pins ?? null,
        series,
      };
    }),
  };
}

/** Indented for reading, except the number arrays (the samples), which stay on one line each. */
export function toJson(source: ExportSource, now: Date): string {
  const arrays: number[][] = [];
  const text = JSON.stringify(
    exportJson(source, now),
    (_key, value: unknown) => {
      if (Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === 'number')) {
        arrays.push(value as number[]);
        return `\u0000${arrays.length - 1}`;
      }
      return value;
    },
    2,
  );
  return `${text.replace(/"\\u0000(\d+)"/g, (_m, i: string) => JSON.stringify(arrays[Number(i)]))}\n`;
}

/** Parses an export and checks its format and version (not every field). */
export function readExportJson(text: string): ExportJson {
  const doc = JSON.parse(text) as Partial<ExportJson>;
  if (doc.format !== EXPORT_JSON_FORMAT) throw new Error(`not an Arenascope export (format ${JSON.stringify(doc.format)})`);
  if (doc.version !== EXPORT_JSON_VERSION) throw new Error(`export version ${String(doc.version)} is not supported (this build reads ${EXPORT_JSON_VERSION})`);
  return doc as ExportJson;
}
