/**
 * What the run form offers, given what the host lets this page do (shared/protocol/capabilities.ts):
 * a browser of a server started without `--allow-files` cannot name a file on it, so workloads that
 * read one (trace-replay) are not offered; with `--allow-files` their path fields say which folders
 * the server allows. The desktop app is offered everything.
 */
import type { WorkloadInfo } from '../../../shared/protocol/bridge';
import type { HostCapabilities } from '../../../shared/protocol/capabilities';

export function offeredWorkloads(workloads: readonly WorkloadInfo[], capabilities: HostCapabilities): WorkloadInfo[] {
  const readsFiles = (w: WorkloadInfo): boolean => w.params.some((p) => p.kind === 'path');
  if (capabilities.files === 'any') return [...workloads];
  if (capabilities.files === 'none') return workloads.filter((w) => !readsFiles(w));
  const where = `A path on the server inside ${capabilities.fileRoots.join(' or ')} (the folders it allows).`;
  return workloads.map((w) =>
    readsFiles(w) ? ({ ...w, params: w.params.map((p) => (p.kind === 'path' ? { ...p, description: `${p.description} ${where}` } : p)) } as WorkloadInfo) : w,
  );
}

/** A line for the run form when something is held back, or null. */
export function withheldNote(capabilities: HostCapabilities): string | null {
  return capabilities.files === 'none' ? 'Trace replay is not offered: this server does not read its files for the browser (it was started without --allow-files).' : null;
}
