/**
 * Everything `record` checks before it starts a program, each refusal naming the interpreter, the
 * script or the option: an interpreter that cannot be started, that is not CPython 3.8+, that is
 * free-threaded or a debug build; a script that does not exist or a module the interpreter cannot
 * find; PYTHONMALLOC set to an allocator other than pymalloc in the program's environment; a model
 * version the engine does not know.
 */
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveVersion, UnknownVersionError, type ResolvedVersion } from '../../../shared/engine';
import { InterpreterError, probeInterpreter, requireUsable, type InterpreterInfo } from '../python/interpreter';
import { InputError } from '../../../shared/errors';

/** Recording cannot go ahead: the message says what (interpreter, script, option) and why. */
export class RecordRefusal extends InputError {
  override readonly name = 'RecordRefusal';
}

export type RecordTarget = { readonly kind: 'script'; readonly path: string } | { readonly kind: 'module'; readonly name: string };

export const RECORD_NEEDS = { minVersion: [3, 8] as const, purpose: 'recording a program' };

/** PYTHONMALLOC values that leave pymalloc in place (and unpadded). */
const PYMALLOC_VALUES = new Set(['', 'pymalloc', 'default']);

export async function checkInterpreter(python: string, env: NodeJS.ProcessEnv): Promise<InterpreterInfo> {
  try {
    return requireUsable(await probeInterpreter(python, env), RECORD_NEEDS);
  } catch (error) {
    if (error instanceof InterpreterError) throw new RecordRefusal(`--python ${error.message}`);
    throw error;
  }
}

export function checkEnvironment(env: NodeJS.ProcessEnv): void {
  const value = env['PYTHONMALLOC'];
  if (value !== undefined && !PYMALLOC_VALUES.has(value)) {
    throw new RecordRefusal(
      `PYTHONMALLOC=${value} is set in the program's environment: ${value.startsWith('pymalloc') ? "its debug hooks pad every request, so the blocks would not be the program's" : 'the program would not use pymalloc, so there would be no arenas to watch'}; unset it (or set PYTHONMALLOC=pymalloc) to record`,
    );
  }
}

export async function checkTarget(target: RecordTarget, cwd: string, info: InterpreterInfo, env: NodeJS.ProcessEnv): Promise<void> {
  if (target.kind === 'script') {
    const path = resolve(cwd, target.path);
    if (!existsSync(path)) throw new RecordRefusal(`the script ${target.path} does not exist (looked in ${cwd})`);
    if (!statSync(path).isFile()) throw new RecordRefusal(`the script ${target.path} is not a file`);
    return;
  }
  if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(target.name)) throw new RecordRefusal(`-m ${target.name}: not a module name`);
  // find_spec imports the parent packages, as `python -m` would: a missing module is named now.
  const found = await new Promise<boolean>((done) => {
    execFile(
      info.path,
      ['-c', 'import importlib.util, sys\nsys.path.insert(0, "")\nsys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 3)', target.name],
      { cwd, env, timeout: 60_000, windowsHide: true },
      (error) => done(error === null),
    );
  });
  if (!found) throw new RecordRefusal(`-m ${target.name}: ${info.path} cannot find that module (from ${cwd})`);
}

/** The models: the interpreter's own version first, then each --model not already there. */
export function modelVersions(info: InterpreterInfo, extra: readonly string[]): ResolvedVersion[] {
  const out: ResolvedVersion[] = [];
  const add = (v: string, what: string): void => {
    let r: ResolvedVersion;
    try {
      r = resolveVersion(v);
    } catch (error) {
      if (error instanceof UnknownVersionError) throw new RecordRefusal(`${what}: ${error.message}`);
      throw error;
    }
    // 3.8 and 3.8.18 are one release line: one model of it is enough.
    const line = (x: ResolvedVersion): string => x.version.split('.').slice(0, 2).join('.');
    if (!out.some((o) => line(o) === line(r))) out.push(r);
  };
  add(info.version, `the interpreter's version ${info.version} (${info.path})`);
  for (const v of extra) add(v, `--model ${v}`);
  return out;
}

/** `record --origins` reads CPython's frames as raw memory, with offsets probed for 3.8 to 3.13 (docs/recording.md). */
export const ORIGINS_VERSIONS = { min: [3, 8] as const, max: [3, 13] as const };
export const MAX_FRAMES = 16;

export function checkOrigins(info: InterpreterInfo, frames: number): void {
  if (!Number.isInteger(frames) || frames < 1 || frames > MAX_FRAMES) {
    throw new RecordRefusal(`--frames must be a whole number from 1 to ${MAX_FRAMES}, not ${frames}`);
  }
  const [major, minor] = info.version.split('.').map(Number) as [number, number];
  const below = major < ORIGINS_VERSIONS.min[0] || (major === ORIGINS_VERSIONS.min[0] && minor < ORIGINS_VERSIONS.min[1]);
  const above = major > ORIGINS_VERSIONS.max[0] || (major === ORIGINS_VERSIONS.max[0] && minor > ORIGINS_VERSIONS.max[1]);
  if (below || above) {
    throw new RecordRefusal(
      `--origins: ${info.path} is CPython ${info.version}; origins are read from CPython 3.8 to 3.13 frames only (record without --origins, or use one of those)`,
    );
  }
}
