/** What an export is made from and what it makes. */
import type { Axis, DetailSnapshot } from '../../../shared/protocol/bridge';
import type { ThemeName } from '../../../shared/charts';
import type { RunConfig } from '../../../shared/protocol/run-config';
import type { PinReport } from '../../../shared/pins';
import type { SeriesStore } from '../../../shared/series';
import type { RunStatus, StartedInfo } from '../session/records';
import type { SampleVerdict } from '../../node/real/sample-verdict';

import { EXPORT_MAX_SIZE, EXPORT_MIN_SIZE, type ExportFormat } from '../../../shared/protocol/bridge';

export { EXPORT_FORMATS, type ExportFormat } from '../../../shared/protocol/bridge';

/** One run to export; its samples and phases are in `ExportSource.store` under `id`. */
export interface ExportRun {
  id: string;
  name?: string;
  config: RunConfig;
  started?: StartedInfo | null;
  status?: RunStatus | null;
  createdAt?: string | null;
  /** Samples the worker dropped because the host was slow. */
  coalesced?: number;
  /** The engine's per-size-class state (the latest detail snapshot), when the host has one. */
  detail?: DetailSnapshot | null;
  /** Why its arenas are kept at its last operation (shared/pins), when the exporter analysed it. */
  pins?: PinReport | null;
}

export interface ExportSource {
  store: SeriesStore;
  runs: readonly ExportRun[];
  /** Application name and version ("Arenascope 0.1.0"), for the JSON and the report. */
  app?: string;
  /** Real-interpreter runs checked against the model run of their version: a section of the report. */
  verdicts?: readonly SampleVerdict[];
}

export interface ExportOptions {
  formats: readonly ExportFormat[];
  /**
   * `runs`: each run's charts (memory, arenas, pools); `compare`: one chart per series with every
   * run overlaid, and a table of differences from the first run in the report.
   */
  mode?: 'runs' | 'compare';
  /** Which charts: run chart ids (`memory`, `arenas`, `pools`) or, comparing, series keys. Default: all. */
  charts?: readonly string[];
  axis?: Axis;
  /** The x window [from, to] on `axis`; null or absent: the whole run. */
  range?: [number, number] | null;
  /** Size of PNG and SVG charts, in pixels. */
  width?: number;
  height?: number;
  theme?: ThemeName;
  /** The time of the export (tests fix it). */
  now?: Date;
}

/** One output file: a name relative to the export folder, and its bytes or text. */
export interface ExportFile {
  name: string;
  mime: string;
  data: Uint8Array | string;
}

export const DEFAULT_SIZE = { width: 1200, height: 500 } as const;
export const MIN_SIZE = EXPORT_MIN_SIZE;
export const MAX_SIZE = EXPORT_MAX_SIZE;
