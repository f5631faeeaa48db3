/**
 * Which installed interpreter a real-allocator run uses, refused up front and by name when it
 * cannot serve: not a Python, not CPython, 3.0–3.5 or older than 2.7, a debug build (its allocator
 * pads every request), a free-threaded build (mimalloc), no pymalloc, or a version the engine has
 * no model for. Also how its arenas can be placed: 2.7 has no arena-allocator hook; `misaligned`
 * needs pools bigger than a page (3.10+).
 */
import { resolveVersion, UnknownVersionError, type ResolvedVersion } from '../../../shared/engine';
import { InterpreterError, probeInterpreter, requireUsable, type InterpreterInfo } from '../python/interpreter';

export const REAL_RUN_PURPOSE = 'a real-allocator run';

/** How the helper places arenas: `none` is 2.7 (no hook); `native` watches the interpreter's own mmap. */
export type RealArenaMode = 'none' | 'native' | 'aligned' | 'misaligned';

export interface RealInterpreter {
  readonly info: InterpreterInfo;
  /** The engine's version for this interpreter (before the measured-geometry check of the helper). */
  readonly version: ResolvedVersion;
  /** `3.11.7 (/root/.pyenv/versions/3.11.7/bin/python3)`: how runs and reports name it. */
  readonly label: string;
}

/** Refuses what a real-allocator run cannot use; the message names the interpreter. */
export function checkRealInterpreter(info: InterpreterInfo): RealInterpreter {
  requireUsable(info, { minVersion: [2, 7], purpose: REAL_RUN_PURPOSE });
  const [maj, min] = info.versionInfo;
  const label = `${info.path} (${info.implementation} ${info.version})`;
  if (maj === 3 && min < 6) {
    throw new InterpreterError(label, `${REAL_RUN_PURPOSE} supports CPython 2.7 and 3.6 or newer; 3.0–3.5 are not supported`);
  }
  if (maj > 3) throw new InterpreterError(label, `${REAL_RUN_PURPOSE} supports CPython 2.7 and 3.6–3.14`);
  let version: ResolvedVersion;
  try {
    version = resolveVersion(info.version);
  } catch (error) {
    if (error instanceof UnknownVersionError) throw new InterpreterError(label, `the engine has no model of CPython ${info.version}`);
    throw error;
  }
  return { info, version, label: `${info.version} (${info.executable})` };
}

/** Probes `path` and checks it (InterpreterError naming the path otherwise). */
export async function openRealInterpreter(path: string, env: NodeJS.ProcessEnv = process.env): Promise<RealInterpreter> {
  return checkRealInterpreter(await probeInterpreter(path, env));
}

/** The arena mode for a requested alignment, or InterpreterError when this interpreter cannot. */
export function arenaModeFor(real: RealInterpreter, arenas: 'aligned' | 'misaligned' | undefined): RealArenaMode {
  const [maj, min] = real.info.versionInfo;
  const hasHook = maj === 3; // PyObject_SetArenaAllocator: 3.4+
  const bigPools = maj === 3 && min >= 10; // 16 KiB pools: an arena's base may or may not be pool-aligned
  if (arenas === undefined) return hasHook ? 'native' : 'none';
  if (!bigPools) {
    // Pools of one page: every page-aligned arena already holds 64 pools; only `aligned` means anything.
    if (arenas === 'aligned') return hasHook ? 'native' : 'none';
    throw new InterpreterError(
      real.label,
      `--arenas misaligned applies to CPython 3.10+ (16 KiB pools); ${real.info.version}'s 4 KiB pools always fill 64 per arena`,
    );
  }
  return arenas;
}
