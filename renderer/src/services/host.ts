/**
 * The renderer's only I/O: every call to the bridge goes through here, so stores stay plain state
 * and every failure ends up in front of the user (a notice, or the caller's inline message).
 */
import type { ShortcutAction } from '../../../shared/protocol/shortcuts';
import type { PinReport } from '../../../shared/pins/analyze';
import type { Pinia } from 'pinia';
import type {
  Bridge,
  BridgeEvent,
  DetailSnapshot,
  ExportRequest,
  ExportResult,
  InterpreterChoice,
  RunCommand,
  WindowQuery,
  WindowResult,
} from '../../../shared/protocol/bridge';
import { DESKTOP_CAPABILITIES } from '../../../shared/protocol/capabilities';
import type { RunConfig } from '../../../shared/protocol/run-config';
import type { SessionUploaded, TraceUploaded } from '../../../shared/protocol/uploads';
import type { PathPurpose, ProgramRequest, ProgramStarted } from '../../../shared/protocol/program-request';
import { useProgramStore } from '../stores/program';
import { hostReachable, type LinkState } from '../model/link-state';
import type { WsBridge } from '../bridge/ws-bridge';
import { useAppStore } from '../stores/app';
import { useCatalogStore } from '../stores/catalog';
import { useRunsStore } from '../stores/runs';
import { errorMessage } from '../../../shared/errors';

let bridge: Bridge | null = null;
/** Listeners for "this run has new data" (samples and phases): the chart composables. */
const dataListeners = new Set<(runId: string) => void>();

/** Components show a failure's message with this (the one helper, shared with the host and CLI). */
export { errorMessage };

function need(): Bridge {
  if (!bridge) throw new Error('no host connected');
  return bridge;
}

export function onRunData(listener: (runId: string) => void): () => void {
  dataListeners.add(listener);
  return () => dataListeners.delete(listener);
}

/**
 * Listeners for page actions: application-menu items (Electron's File → Export…, …) and, in a
 * browser, the same keyboard shortcuts (shared/protocol/shortcuts.ts), both through `doAction`.
 */
const actionListeners = new Set<(action: ShortcutAction) => void>();

export function onMenu(listener: (action: ShortcutAction) => void): () => void {
  actionListeners.add(listener);
  return () => actionListeners.delete(listener);
}

/** Performs a page action as the menu would. */
export function doAction(action: ShortcutAction): void {
  for (const l of [...actionListeners]) l(action);
}

function handle(pinia: Pinia, event: BridgeEvent): void {
  const runs = useRunsStore(pinia);
  switch (event.type) {
    case 'runs':
      runs.setRuns(event.runs);
      // A whole new list (e.g. after a reconnect): every shown window may be stale, and so may the consoles.
      for (const r of event.runs) for (const l of [...dataListeners]) l(r.runId);
      reloadConsoles(pinia);
      break;
    case 'run':
      runs.upsert(event.run);
      break;
    case 'samples':
      runs.progress(event.runId, event.samples, event.lastOp);
      for (const l of [...dataListeners]) l(event.runId);
      break;
    case 'phase':
      for (const l of [...dataListeners]) l(event.runId);
      break;
    case 'notice':
      useAppStore(pinia).notify(event.level, event.message);
      break;
    case 'menu':
      doAction(event.action);
      break;
    case 'replay':
      for (const l of [...replayListeners]) l(event);
      break;
    case 'output':
      useProgramStore(pinia).append(event.runIds, event.stream, event.lines);
      break;
    case 'program': {
      const { type: _type, runIds, ...figures } = event;
      useProgramStore(pinia).setFigures(runIds, figures);
      break;
    }
  }
}

/** Called once at startup with whatever bridge the page has. */
export function connectHost(b: Bridge | undefined, pinia: Pinia): void {
  const app = useAppStore(pinia);
  app.connect(b);
  if (!b || app.connection !== 'connected') return;
  bridge = b;
  // A browser's bridge says what the server allows (its hello); the desktop's preload allows everything.
  useCatalogStore(pinia).capabilities = (b as Partial<WsBridge>).capabilities ?? DESKTOP_CAPABILITIES;
  b.subscribe((event) => handle(pinia, event));
  void loadCatalog(pinia);
  b.runs().then(
    (list) => useRunsStore(pinia).setRuns(list),
    (e: unknown) => app.notify('error', `Could not list the runs: ${errorMessage(e)}`),
  );
  reloadConsoles(pinia);
}

/** The profiled programs' consoles as the host kept them, in place of the page's (stores/program.ts replaceConsoles). */
function reloadConsoles(pinia: Pinia): void {
  if (!bridge) return;
  bridge.programConsoles().then(
    (states) => useProgramStore(pinia).replaceConsoles(states),
    (e: unknown) => useAppStore(pinia).notify('error', `Could not load the programs' output: ${errorMessage(e)}`),
  );
}

/** The WebSocket's link changed: the header says so, and runs stop claiming to run while it is down. */
export function linkChanged(state: LinkState, pinia: Pinia): void {
  useAppStore(pinia).link = state;
  useRunsStore(pinia).setHostReachable(hostReachable(state));
}

/** Called instead of `connectHost` when the host refused or could not be reached. */
export function hostUnreachable(error: unknown, pinia: Pinia): void {
  useAppStore(pinia).fail(errorMessage(error));
}

export async function loadCatalog(pinia?: Pinia): Promise<void> {
  const catalog = useCatalogStore(pinia);
  catalog.loading = true;
  try {
    const b = need();
    const [versions, workloads] = await Promise.all([b.versions(), b.workloads()]);
    catalog.setCatalog(versions, workloads);
  } catch (e) {
    catalog.error = errorMessage(e);
  } finally {
    catalog.loading = false;
  }
  // Probing interpreters starts each one: it must not hold up the form.
  if (catalog.capabilities.programs) void loadInterpreters(pinia).then((list) => (catalog.interpreters = list));
}

/** Starts a run and shows it; the host's refusal (naming the field) is thrown for the form to show. */
export async function startRun(config: RunConfig): Promise<string> {
  const { runId } = await need().startRun(config);
  useRunsStore().select(runId);
  return runId;
}

/**
 * Profiles a Python program on the host: its runs are shown at once, the interpreter's own model
 * selected and compared with the real process (drawn over the same axis). The host's refusal
 * (naming the field) is thrown for the dialog to show.
 */
/** A path from the desktop's native dialog, or null when cancelled (only where nativePathDialogs says so). */
export function choosePath(purpose: PathPurpose, current?: string): Promise<string | null> {
  return need().choosePath(purpose, current);
}

export async function profileProgram(request: ProgramRequest): Promise<ProgramStarted> {
  const started = await need().profileProgram(request);
  const runs = useRunsStore();
  const model = started.runIds[0]!;
  runs.select(model);
  runs.compareIds = [];
  runs.toggleCompare(model, true);
  runs.toggleCompare(started.realRunId, true);
  return started;
}

export async function runCommand(runId: string, command: RunCommand): Promise<void> {
  try {
    await need().command(runId, command);
  } catch (e) {
    useAppStore().notify('error', `Could not ${command.type} ${runId}: ${errorMessage(e)}`);
  }
}

export function fetchWindow(query: WindowQuery): Promise<WindowResult> {
  return need().window(query);
}

export function fetchDetail(runId: string, op: number): Promise<DetailSnapshot | null> {
  return need().detail(runId, op);
}

/** The exact state at `op`, replayed on the host when it kept no snapshot there (`onReplay` reports progress). */
export function fetchStateAt(runId: string, op: number): Promise<DetailSnapshot> {
  return need().stateAt(runId, op);
}

/** Why the run's arenas are kept at `op` (replayed on the host; `onReplay` reports progress). */
export function fetchPins(runId: string, op: number): Promise<PinReport> {
  return need().pinsAt(runId, op);
}

type ReplayEvent = Extract<BridgeEvent, { type: 'replay' }>;
const replayListeners = new Set<(event: ReplayEvent) => void>();

/** Progress of the host's replays for `stateAt`. */
export function onReplay(listener: (event: ReplayEvent) => void): () => void {
  replayListeners.add(listener);
  return () => replayListeners.delete(listener);
}

/** Renders an export on the host (the same code as the command line's); the caller saves the files. */
export function exportRuns(request: ExportRequest): Promise<ExportResult> {
  return need().export(request);
}

export function currentBridge(): Bridge {
  return need();
}

/**
 * Sends a file to a browser server (shared/protocol/uploads.ts): a trace, resolved with the value
 * a path field takes (`upload:<id>`), or a session, which the server opens as finished runs.
 * Rejects with the server's reason (or "this page cannot upload" on the desktop).
 */
export async function uploadFile(
  kind: 'trace' | 'session',
  file: File,
  onProgress?: (sent: number, total: number) => void,
): Promise<TraceUploaded | SessionUploaded> {
  const b = need() as Partial<WsBridge>;
  if (typeof b.upload !== 'function') throw new Error("this page cannot upload: open files with the application's own dialogs");
  return b.upload(kind, file.name, new Uint8Array(await file.arrayBuffer()), onProgress);
}

/** Interpreters a run may also use for real (none where the host starts no programs; errors become a notice). */
export async function loadInterpreters(pinia?: Pinia): Promise<InterpreterChoice[]> {
  if (!bridge) return [];
  try {
    return await bridge.interpreters();
  } catch (e) {
    useAppStore(pinia).notify('error', `Could not list the interpreters: ${errorMessage(e)}`);
    return [];
  }
}
