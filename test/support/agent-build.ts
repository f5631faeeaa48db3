/**
 * The agent library for tests: `npm run build` makes it (CI runs that first); a checkout where it was
 * never built gets it built here once, so `npm test` alone is enough.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentMissingError, locateAgent, type AgentFiles } from '../../electron/node/agent/locate';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function ensureAgentBuilt(): AgentFiles {
  try {
    return locateAgent();
  } catch (error) {
    if (!(error instanceof AgentMissingError)) throw error;
    const r = spawnSync(process.execPath, [join(ROOT, 'agent/build.mjs')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building the agent failed: ${r.stderr}`);
    return locateAgent();
  }
}
