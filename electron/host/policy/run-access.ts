/**
 * The policy's word on a run before its worker starts: a run that reads a file on the host (today
 * trace-replay's `path`) gets the path the policy resolved, or is refused. Run kinds that start a
 * program (recording a Python program, a real interpreter) must call `policy.startProgram` here too.
 */
import type { RunConfig } from '../../../shared/protocol/run-config';
import type { ResolvedRun } from '../../../shared/run/resolve-run';
import type { HostPolicy } from './capabilities';
import { UPLOAD_REF_PREFIX } from '../../../shared/protocol/uploads';
import { InputError } from '../../../shared/errors';

/** A run names an upload that cannot be resolved here. */
export class UploadRefError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UploadRefError';
  }
}

/**
 * The configuration to hand the worker: the client's, with a file path replaced by the one to open.
 * A path of the form `upload:<id>` names a browser's upload (shared/protocol/uploads.ts): only the
 * connection that sent it can resolve it (`resolveUpload`), and the policy's folders do not apply
 * (the server wrote the file itself).
 */
export async function admitRun(
  policy: HostPolicy,
  config: RunConfig,
  resolved: Pick<ResolvedRun, 'tracePath' | 'workload'>,
  resolveUpload?: (ref: string) => string,
): Promise<RunConfig> {
  if (resolved.tracePath === null) return config;
  if (resolved.tracePath.startsWith(UPLOAD_REF_PREFIX)) {
    if (resolveUpload === undefined)
      throw new UploadRefError(`${resolved.workload.name} path '${resolved.tracePath}' names an upload, and uploads exist only in a browser of serve`);
    return { ...config, params: { ...config.params, path: resolveUpload(resolved.tracePath) } };
  }
  const real = await policy.readablePath(resolved.tracePath, `${resolved.workload.name} path`);
  return real === resolved.tracePath ? config : { ...config, params: { ...config.params, path: real } };
}
