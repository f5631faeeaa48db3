/**
 * What the run form offers, given what the host lets this page do (shared/protocol/capabilities.ts):
 * a browser of a server started without `--allow-files` cannot name a file on it, so a workload that
 * reads one (trace-replay) takes an upload instead (shared/protocol/uploads.ts), or is not offered
 * when the server takes no uploads either; with `--allow-files` its path field says which folders
 * the server allows, and an upload works too. The desktop app is offered everything.
 */
import type { WorkloadInfo } from '../../../shared/protocol/bridge';
import type { HostCapabilities } from '../../../shared/protocol/capabilities';

export function offeredWorkloads(workloads: readonly WorkloadInfo[], capabilities: HostCapabilities): WorkloadInfo[] {
  const readsFiles = (w: WorkloadInfo): boolean => w.params.some((p) => p.kind === 'path');
  if (capabilities.files === 'any') return [...workloads];
  if (capabilities.files === 'none' && capabilities.uploads === null) return workloads.filter((w) => !readsFiles(w));
  const where =
    capabilities.files === 'none'
      ? 'Upload a trace file (plain or .gz): the server keeps it until this page closes.'
      : `A path on the server inside ${capabilities.fileRoots.join(' or ')} (the folders it allows)${capabilities.uploads !== null ? ', or upload a trace file' : ''}.`;
  return workloads.map((w) =>
    readsFiles(w) ? ({ ...w, params: w.params.map((p) => (p.kind === 'path' ? { ...p, description: `${p.description} ${where}` } : p)) } as WorkloadInfo) : w,
  );
}

/** A line for the run form when something is held back, or null. */
export function withheldNote(capabilities: HostCapabilities): string | null {
  if (capabilities.files !== 'none') return null;
  return capabilities.uploads === null
    ? 'Trace replay is not offered: this server does not read its files for the browser (it was started without --allow-files).'
    : 'This server does not read its files for the browser (it was started without --allow-files): upload a trace to replay it.';
}

/**
 * Whether the host can show a native path dialog (bridge.choosePath): the desktop app, whose host
 * runs on the user's own screen. A browser of serve types its paths (its hello offers uploads instead).
 */
export function nativePathDialogs(capabilities: HostCapabilities): boolean {
  return capabilities.uploads === null && capabilities.files === 'any';
}

/** Whether a path field takes a typed server path (else only an upload). */
export function typedPaths(capabilities: HostCapabilities): boolean {
  return capabilities.files !== 'none';
}
