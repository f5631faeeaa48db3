/**
 * Where the native agent library and its Python bootstraps are. In a checkout they are under
 * agent/ (the library built into agent/build/ by `npm run build`); in an installed app they are
 * extra resources beside the asar (electron.builder.yml copies agent/build and agent/python).
 * ARENASCOPE_AGENT_DIR overrides both (a folder holding build/ and python/).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../../shared/errors';

export const AGENT_LIBRARY_NAME = process.platform === 'darwin' ? 'libarenascope-agent.dylib' : 'libarenascope-agent.so';

export interface AgentFiles {
  /** The shared library to load into an interpreter (ctypes.CDLL). */
  readonly library: string;
  /** The folder of the Python bootstraps (agent/python). */
  readonly pythonDir: string;
}

/** The agent is not there: the message says where it was looked for and how to build it. Bad input to the feature, not a fault. */
export class AgentMissingError extends InputError {
  override readonly name = 'AgentMissingError';
}

/** Candidate agent/ folders, most specific first. */
function agentDirs(env: NodeJS.ProcessEnv): string[] {
  // The override is the only place looked at: a user who points elsewhere must not get another build silently.
  if (env['ARENASCOPE_AGENT_DIR']) return [resolve(env['ARENASCOPE_AGENT_DIR'])];
  const dirs: string[] = [];
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources) dirs.push(join(resources, 'agent'));
  // From the sources (electron/node/agent/) or from a bundle (out/main/): walk up to a folder that holds agent/.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    dirs.push(join(dir, 'agent'));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dirs;
}

/** The agent's files, or AgentMissingError naming what is missing and the command that builds it. */
export function locateAgent(env: NodeJS.ProcessEnv = process.env): AgentFiles {
  const dirs = agentDirs(env);
  for (const dir of dirs) {
    const library = join(dir, 'build', AGENT_LIBRARY_NAME);
    const pythonDir = join(dir, 'python');
    if (existsSync(library) && existsSync(pythonDir)) return { library, pythonDir };
  }
  throw new AgentMissingError(
    `the native agent library (${AGENT_LIBRARY_NAME}) is missing: it is built by \`npm run build\` with a C compiler ` +
      `(install gcc or set CC). Looked in: ${dirs.map((d) => join(d, 'build')).join(', ')}`,
  );
}
