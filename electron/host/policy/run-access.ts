/**
 * The policy's word on a run before its worker starts: a run that reads a file on the host (today
 * trace-replay's `path`) gets the path the policy resolved, or is refused. Run kinds that start a
 * program (recording a Python program, a real interpreter) must call `policy.startProgram` here too.
 */
import type { RunConfig } from '../../../shared/protocol/run-config';
import type { ResolvedRun } from '../../../shared/run/resolve-run';
import type { HostPolicy } from './capabilities';

/** The configuration to hand the worker: the client's, with a file path replaced by the one to open. */
export async function admitRun(policy: HostPolicy, config: RunConfig, resolved: Pick<ResolvedRun, 'tracePath' | 'workload'>): Promise<RunConfig> {
  if (resolved.tracePath === null) return config;
  const real = await policy.readablePath(resolved.tracePath, `${resolved.workload.name} path`);
  return real === resolved.tracePath ? config : { ...config, params: { ...config.params, path: real } };
}
