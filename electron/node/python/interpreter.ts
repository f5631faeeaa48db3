/**
 * Which Python a path is: started once with a probe script, its answer checked and described, so
 * that recording a program and replaying through a real allocator can refuse, up front and by name,
 * an interpreter they cannot serve (not CPython, too old, a debug or free-threaded build, no
 * pymalloc) instead of failing deep inside a run.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { PROBE_SCRIPT } from './probe-script';
import { InputError } from '../../../shared/errors';

export interface InterpreterInfo {
  /** The path as the user gave it (or as discovery found it). */
  readonly path: string;
  /** sys.executable with links resolved. */
  readonly executable: string;
  /** platform.python_implementation(): 'CPython', 'PyPy', … */
  readonly implementation: string;
  /** sys.version_info (major, minor, micro, releaselevel, serial). */
  readonly versionInfo: readonly [number, number, number, string, number];
  /** '3.11.7' — the version string the engine's version resolution takes. */
  readonly version: string;
  /** A --with-pydebug build (sys.gettotalrefcount exists): its allocator pads every request. */
  readonly debugBuild: boolean;
  /** A free-threaded build (Py_GIL_DISABLED, 3.13t+): objects come from mimalloc, not pymalloc. */
  readonly freeThreaded: boolean;
  /** WITH_PYMALLOC from the build configuration (null where the interpreter cannot say: 2.7 on some builds). */
  readonly withPymalloc: boolean | null;
  readonly pointerBits: number;
  readonly platform: string;
}

/** The interpreter cannot be used: the message names it and says why. Bad input, not a fault. */
export class InterpreterError extends InputError {
  override readonly name = 'InterpreterError';
  constructor(
    readonly interpreter: string,
    reason: string,
  ) {
    super(`${interpreter}: ${reason}`);
  }
}

const PROBE_TIMEOUT_MS = 30_000;

/** Starts `path` with the probe script and describes it; InterpreterError if it is not a Python. */
export async function probeInterpreter(path: string, env: NodeJS.ProcessEnv = process.env): Promise<InterpreterInfo> {
  const { stdout, stderr, error } = await new Promise<{ stdout: string; stderr: string; error: ExecFileException | null }>((resolve) => {
    // -E: the user's PYTHON* variables must not change what we learn (PYTHONMALLOC is checked
    // separately, where a program's environment is known). -S would hide sysconfig on some builds.
    execFile(path, ['-E', '-c', PROBE_SCRIPT], { env, timeout: PROBE_TIMEOUT_MS, maxBuffer: 1 << 20, windowsHide: true }, (err, out, errOut) =>
      resolve({ stdout: String(out), stderr: String(errOut), error: err }),
    );
  });
  if (error) {
    if (error.code === 'ENOENT') throw new InterpreterError(path, 'no such file or command');
    if (error.code === 'EACCES') throw new InterpreterError(path, 'not executable (permission denied)');
    if (error.killed) throw new InterpreterError(path, `did not answer within ${PROBE_TIMEOUT_MS / 1000} s`);
    const last = stderr.trim().split('\n').pop() ?? '';
    throw new InterpreterError(
      path,
      `is not a Python interpreter we can use (it exited with ${String(error.code ?? error.signal)}${last ? `: ${last.slice(0, 200)}` : ''})`,
    );
  }
  return parseProbeOutput(path, stdout);
}

/** Reads the probe's one JSON line; exported for tests of malformed answers. */
export function parseProbeOutput(path: string, stdout: string): InterpreterInfo {
  const line = stdout.trim().split('\n').pop() ?? '';
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new InterpreterError(path, 'is not a Python interpreter (its answer to the probe was not JSON)');
  }
  const r = raw as Record<string, unknown>;
  const v = r['version'];
  if (
    r['marker'] !== 'arenascope-probe-1' ||
    typeof r['implementation'] !== 'string' ||
    !Array.isArray(v) ||
    v.length !== 5 ||
    typeof r['fullVersion'] !== 'string'
  ) {
    throw new InterpreterError(path, 'is not a Python interpreter (unexpected answer to the probe)');
  }
  const pymalloc = r['withPymalloc'];
  return {
    path,
    executable: typeof r['executable'] === 'string' ? r['executable'] : path,
    implementation: r['implementation'],
    versionInfo: [Number(v[0]), Number(v[1]), Number(v[2]), String(v[3]), Number(v[4])],
    version: `${Number(v[0])}.${Number(v[1])}.${Number(v[2])}`,
    debugBuild: r['debugBuild'] === true,
    freeThreaded: r['freeThreaded'] === true,
    withPymalloc: pymalloc === null || pymalloc === undefined ? null : Boolean(pymalloc),
    pointerBits: Number(r['pointerBits']),
    platform: String(r['platform']),
  };
}

/** What a feature needs from an interpreter; each unmet need is a refusal naming it. */
export interface InterpreterRequirements {
  /** Lowest (major, minor) accepted. */
  readonly minVersion: readonly [number, number];
  /** What the feature is, for the message: 'recording a program', 'a real-allocator run'. */
  readonly purpose: string;
}

/** Refuses what cannot be served, by name; returns the info unchanged otherwise. */
export function requireUsable(info: InterpreterInfo, need: InterpreterRequirements): InterpreterInfo {
  const label = `${info.path} (${info.implementation} ${info.version})`;
  if (info.implementation !== 'CPython') {
    throw new InterpreterError(label, `${need.purpose} needs CPython; this is ${info.implementation}, which has no pymalloc`);
  }
  const [maj, min] = info.versionInfo;
  if (maj < need.minVersion[0] || (maj === need.minVersion[0] && min < need.minVersion[1])) {
    throw new InterpreterError(label, `${need.purpose} needs CPython ${need.minVersion.join('.')} or newer`);
  }
  if (info.freeThreaded) {
    throw new InterpreterError(label, `a free-threaded build allocates objects with mimalloc, not pymalloc: ${need.purpose} is not possible`);
  }
  if (info.debugBuild) {
    throw new InterpreterError(label, `a debug build pads every request (its debug allocator hooks): ${need.purpose} would not match a release build`);
  }
  if (info.withPymalloc === false) {
    throw new InterpreterError(label, `built without pymalloc (--without-pymalloc): ${need.purpose} is not possible`);
  }
  return info;
}
