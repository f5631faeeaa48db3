/**
 * Interpreters a user is likely to mean: the pythons on PATH and pyenv's versions. Discovery only
 * lists candidate paths (cheap, no process started); `probeInterpreter` says what each one is.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface DiscoveredInterpreter {
  /** The path to start. */
  readonly path: string;
  /** Where it was found: 'PATH' or 'pyenv'. */
  readonly source: 'PATH' | 'pyenv';
  /** For pyenv, the version folder's name (e.g. '3.11.7'); for PATH, the command name. */
  readonly label: string;
}

const PATH_NAME = /^python(\d(\.\d+)?)?$/;

function isExecutableFile(path: string): boolean {
  try {
    const s = statSync(path);
    return s.isFile() && (s.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Candidates from PATH (python, python3, python3.N, python2.N) and $PYENV_ROOT/versions/*, deduplicated by real path. */
export function discoverInterpreters(env: NodeJS.ProcessEnv = process.env): DiscoveredInterpreter[] {
  const found: DiscoveredInterpreter[] = [];
  const seen = new Set<string>();
  const add = (candidate: DiscoveredInterpreter): void => {
    if (!isExecutableFile(candidate.path)) return;
    let real: string;
    try {
      real = realpathSync(candidate.path);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    found.push(candidate);
  };
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir || dir.includes(`${join('.pyenv', 'shims')}`)) continue; // pyenv's shims are listed by version below
    for (const name of listDir(dir)
      .filter((n) => PATH_NAME.test(n))
      .sort())
      add({ path: join(dir, name), source: 'PATH', label: name });
  }
  const pyenvRoot = env['PYENV_ROOT'] || join(env['HOME'] || homedir(), '.pyenv');
  const versions = listDir(join(pyenvRoot, 'versions')).sort(compareVersionNames);
  for (const version of versions) {
    const bin = join(pyenvRoot, 'versions', version, 'bin');
    const exe = ['python3', 'python2', 'python'].map((n) => join(bin, n)).find(isExecutableFile);
    if (exe) add({ path: exe, source: 'pyenv', label: version });
  }
  return found;
}

/** '3.9.18' before '3.10.13': numeric where the parts are numbers. */
function compareVersionNames(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isInteger(nx) && Number.isInteger(ny) && x !== '' && y !== '' ? nx - ny : x.localeCompare(y);
    if (c !== 0) return c;
  }
  return 0;
}
