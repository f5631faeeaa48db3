/**
 * The one object the renderer talks to: `window.arenascope`.
 *
 * The preload provides it in Electron (over IPC); a WebSocket client provides the same shape in a
 * plain browser (electron/serve). The renderer never learns which one it has, so everything it
 * needs is expressible here. Its methods are the table of bridge-methods.ts; every request crossing
 * a trust boundary is validated with that table's schemas before the host acts on it.
 */
import type { SeriesKey } from '../run/sample';
import type { ParamSpec } from '../workloads/workload';
import type { BridgeMethods } from './bridge-methods';
import type { RunConfig } from './run-config';
import type { RunState } from './run-record';
import { PROTOCOL_VERSION } from './version';

export { PROTOCOL_VERSION };

/** The global name the bridge is exposed under (`window[BRIDGE_GLOBAL]`). */
export const BRIDGE_GLOBAL = 'arenascope';

/** A profiled program's real process as last measured: RSS and its peak, real arena count, operations the models have not applied yet. */
export interface ProgramFigures {
  rssBytes: number | null;
  rssPeakBytes: number;
  realArenas: number | null;
  behindOps: number;
}

/**
 * What a page that connects late is given of a profiled program (bridge.programConsoles): its runs,
 * the tail of its output (the lines that left it counted) and its last figures.
 */
export interface ProgramConsoleState {
  runIds: string[];
  lines: { stream: 'stdout' | 'stderr'; text: string }[];
  dropped: number;
  figures: ProgramFigures | null;
}

/** A CPython version family as the version picker shows it. */
export interface VersionInfo {
  family: string;
  covers: string;
  /** One line on its policy ("arenas are never returned", "one empty arena kept", …). */
  policy: string;
  /** Versions to offer in the picker, newest first (e.g. "3.13", "3.12", …). */
  examples: string[];
  /** The release each example stands for ("2.7" is 2.7.18, the newest 2.7), in the same order. */
  releases: string[];
  defaultArenas: 'aligned' | 'misaligned';
}

/** A workload as the run form shows it: its schema drives the generated form. */
export interface WorkloadInfo {
  name: string;
  id: string;
  title: string;
  description: string;
  finite: boolean;
  params: readonly ParamSpec[] | readonly { kind: 'path'; name: string; description: string }[];
}

/** What the run list shows of a run. */
export interface RunSummary {
  runId: string;
  /** A short name: "3.11.14 steady-churn". */
  name: string;
  config: RunConfig;
  state: RunState;
  ops: number;
  /** Wall time since the run began, pauses included (the wall-time axis). */
  wallMs: number;
  /** Wall time spent running, pauses left out: what elapsed time and operations per second count. */
  runningMs: number;
  /** Its pauses on the wall-time axis (the current one ends at `wallMs`). */
  pauses: { op: number; fromMs: number; toMs: number }[];
  /** Resolved version and family, once the worker started. */
  python: { version: string; family: string; arenas: 'aligned' | 'misaligned' } | null;
  /** Effective parameters (defaults filled in), once started. */
  params: Record<string, number | string> | null;
  /** Why it failed or crashed. */
  reason: string | null;
  samples: number;
  /**
   * Set while the run is paused at its worker's memory budget: where, the budget (MB), why, and a
   * larger budget to offer (`resume` with `budgetMB` continues it; `stop` keeps what it recorded).
   */
  budgetPause: {
    ops: number;
    megabytes: number;
    message: string;
    /** The budget to offer (null: the host allows no more than the run has). */
    suggestedMB: number | null;
    /** The host's limit in words ("at most 1024 MB a run here (serve --run-memory)"), when it has one. */
    limit: string | null;
  } | null;
}

export type Axis = 'op' | 'wall_ms';

export interface WindowQuery {
  runId: string;
  /** Series keys of shared/run/sample.ts SERIES (the schema checks them on the wire). */
  series: SeriesKey[];
  /** ±Infinity for "from the first" / "to the last" sample. */
  from: number;
  to: number;
  /** Usually the chart's width in pixels. */
  maxPoints: number;
  axis: Axis;
  /**
   * Also each sample's own value (`samples` per series), when the window holds at most `maxPoints`
   * samples: what a sample-by-sample comparison needs (the points' min/max carry each sample's window).
   */
  values?: boolean;
  /**
   * false: no `last` per series. Finding it may read a spilled row back from the session file
   * (milliseconds a request on a week-long run), and the charts do not show it. Default true.
   */
  last?: boolean;
}

/** Min/max-decimated points: per x bucket, the true minimum and maximum of each series. */
export interface WindowResult {
  runId: string;
  axis: Axis;
  /** First and last x of the whole run (for the overview and the zoom limits); null with no samples. */
  range: [number, number] | null;
  /**
   * Per series: bucket x, minima and maxima (each sample's window envelope included), and `last`,
   * the sampled value at the window's last sample (null when it has none; absent when the query
   * said `last: false`): not an envelope.
   */
  series: Record<string, { x: number[]; min: number[]; max: number[]; last?: number | null; samples?: { x: number[]; y: number[] } }>;
  phases: { op: number; wallMs: number | null; label: string }[];
}

/** The engine's state at one moment, for the size-class table and the arena map. */
export interface DetailSnapshot {
  runId: string;
  op: number;
  wallMs: number;
  /** Per size class (index = szidx): block size, used and full pools, blocks in use, available blocks. */
  classes: { blockSize: number[]; usedPools: number[]; fullPools: number[]; blocks: number[]; availableBlocks: number[] };
  /**
   * Arenas in slot order: `pools` holds per pool of the arena one code: −1 never carved, 0 empty,
   * otherwise 1…100, the percentage of its blocks in use (100 = full); `szidx` the pool's class (−1 none).
   */
  arenas: { slot: number; totalPools: number; pools: number[]; szidx: number[] }[];
}

export type BridgeEvent =
  | { type: 'runs'; runs: RunSummary[] }
  | { type: 'run'; run: RunSummary }
  /** New samples arrived: the renderer asks for the window it shows when it wants them. */
  | { type: 'samples'; runId: string; samples: number; lastOp: number }
  | { type: 'phase'; runId: string; op: number; label: string }
  /** A `stateAt` replay of a run is under way: `applied` of `op` operations (equal: finished). */
  | { type: 'replay'; runId: string; op: number; applied: number }
  | { type: 'notice'; level: 'info' | 'error'; message: string }
  /**
   * Lines a profiled program wrote (bridge.profileProgram), for its runs' console: `runIds` are the
   * program's runs; at most a bounded number of lines a notice, long lines cut.
   */
  | { type: 'output'; runIds: string[]; stream: 'stdout' | 'stderr'; lines: string[] }
  /**
   * A profiled program's real process as last measured (at most every half second while it runs):
   * its RSS and peak RSS (the agent samples it every 100 ms), its real arena count, and how many of
   * its operations the models have not applied yet.
   */
  | ({ type: 'program'; runIds: string[] } & ProgramFigures)
  /** An application-menu item the renderer acts on (Electron only; see electron/main/menu-template.ts). */
  | { type: 'menu'; action: MenuAction };

/**
 * Menu items handled by the page. Opening and saving sessions are not here: main shows the native
 * dialogs itself and reports the outcome with `runs` and `notice` events; zoom is Electron's own.
 */
export const MENU_ACTIONS = [
  'new-run',
  'profile-program',
  'export',
  'theme-light',
  'theme-dark',
  'theme-system',
  'toggle-run-list',
  'toggle-detail',
  'about',
  'metric-definitions',
] as const;
export type MenuAction = (typeof MENU_ACTIONS)[number];

/** File formats of an export (docs/exports.md). */
export const EXPORT_FORMATS = ['png', 'svg', 'csv', 'json', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** Smallest and largest chart side, in pixels. */
export const EXPORT_MIN_SIZE = 200;
export const EXPORT_MAX_SIZE = 8000;

/** What to export: the host renders the files (the command line's exports come from the same code). */
export interface ExportRequest {
  runIds: string[];
  /** `runs`: each run's charts; `compare`: one chart per series with the runs overlaid, and a delta table. */
  mode: 'runs' | 'compare';
  /** Run chart ids (`memory`, `arenas`, `pools`) or, comparing, series keys; absent: all. */
  charts?: string[];
  formats: ExportFormat[];
  axis: Axis;
  /** The x window on `axis`; ±Infinity for the run's first / last sample (the whole run). */
  from: number;
  to: number;
  /** Chart size in pixels (PNG and SVG). */
  width: number;
  height: number;
  theme: 'light' | 'dark';
  /** Several files come back as one `.zip`, so that the page saves one download. */
  archive: boolean;
}

/** One file of an export, its bytes in base64 (JSON carries no binary). */
export interface ExportedFile {
  name: string;
  mime: string;
  base64: string;
}

export interface ExportResult {
  files: ExportedFile[];
  /** How long the host took to render them, ms. */
  ms: number;
}

/** `resume` with `budgetMB`: continue a run paused at its memory budget with this budget (MB). */
export type RunCommand = { type: 'pause' } | { type: 'resume'; budgetMB?: number } | { type: 'step'; ops: number } | { type: 'stop' } | { type: 'remove' };

/** An installed interpreter a real run may use (electron/node/python/discover.ts, probed). */
export interface InterpreterChoice {
  /** What to put in a run's `real.interpreter`. */
  path: string;
  /** Its version ("3.11.14"): the real run's, and the model run's to compare it with. */
  version: string;
  /** "3.11.14 (pyenv: 3.11.14)". */
  label: string;
}

/**
 * The bridge: every method of the table in bridge-methods.ts (where each is documented), the
 * protocol version, and the host's events.
 */
export interface Bridge extends BridgeMethods {
  /** The `PROTOCOL_VERSION` the host side of this bridge was built with. */
  readonly protocolVersion: number;
  /** Events as they happen; returns the unsubscribe function. */
  subscribe(listener: (event: BridgeEvent) => void): () => void;
}
