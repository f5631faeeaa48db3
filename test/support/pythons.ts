/**
 * The real interpreters a test can use: pyenv's versions on this machine. Tests that need them
 * skip with a warning where there are none, except under CI, where a missing interpreter is a
 * failure (CI machines have them, and a silent skip would hide a broken install step).
 */
import { locateAgent } from '../../electron/node/agent/locate';
import { discoverInterpreters } from '../../electron/node/python/discover';

export interface TestPython {
  /** '3.11.7' */
  readonly version: string;
  /** (major, minor) */
  readonly line: readonly [number, number];
  readonly path: string;
}

let cached: TestPython[] | undefined;

/** pyenv's interpreters, oldest first (2.7.18, 3.6.15, …). */
export function installedPythons(): TestPython[] {
  cached ??= discoverInterpreters()
    .filter((d) => d.source === 'pyenv' && /^\d+\.\d+\.\d+$/.test(d.label))
    .map((d) => {
      const [maj, min] = d.label.split('.').map(Number) as [number, number];
      return { version: d.label, line: [maj, min] as const, path: d.path };
    });
  return cached;
}

/** The installed interpreters from `min` (major, minor) on; warns (or, under CI, throws) when there are none. */
export function pythonsFrom(min: readonly [number, number], what: string): TestPython[] {
  const all = installedPythons().filter((p) => p.line[0] > min[0] || (p.line[0] === min[0] && p.line[1] >= min[1]));
  if (all.length === 0) {
    const msg = `${what}: no CPython ${min.join('.')}+ found (pyenv versions): these tests are skipped`;
    if (process.env['CI']) throw new Error(msg.replace('are skipped', 'must run in CI'));
    console.warn(msg);
  }
  return all;
}

/**
 * The interpreters from `min` on, when the agent library is built; none (with a warning) where it is
 * not, except under CI, where a missing agent is a failure like a missing interpreter.
 */
export function pythonsWithAgent(min: readonly [number, number], what: string): TestPython[] {
  try {
    locateAgent();
  } catch (error) {
    if (process.env['CI']) throw error;
    console.warn(`${what}: ${(error as Error).message}: these tests are skipped`);
    return [];
  }
  return pythonsFrom(min, what);
}
