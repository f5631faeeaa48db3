/**
 * Runs a Python program under the recording agent and hands its records on as they come: the
 * interpreter runs agent/python/record_bootstrap.py, which loads the native library and then runs
 * the user's script or module; the records arrive on an extra pipe (fd 3 in the program).
 *
 * The program's stdin/stdout/stderr are passed through (`stdio: 'inherit'`, the command line) or
 * piped to the caller (`'pipe'`, the app's console panel). When the reader falls behind, the agent
 * buffers and then spills to a file: the program never waits long for the host, the host lags.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { locateAgent } from '../agent/locate';
import type { InterpreterInfo } from '../python/interpreter';
import { FrameDecoder, type AgentSummary, type RecordsFrame } from './agent-frames';
import type { RecordTarget } from './refusals';

/** The bootstrap's exit status when it refused before the program started (record_bootstrap.py). */
export const EXIT_BOOTSTRAP_REFUSED = 97;

export interface RecorderOptions {
  readonly interpreter: InterpreterInfo;
  readonly target: RecordTarget;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly domains: 'obj' | 'mem' | 'both';
  /** A bare checkpoint after every N ops (0: none). */
  readonly checkpointEvery: number;
  /** Stop recording after N ops (0: no limit); the program runs on. */
  readonly maxOps: number;
  readonly stdio: 'inherit' | 'pipe';
  /** Records per chunk and chunks held in memory before the agent spills (tests make these small). */
  readonly chunkRecords?: number;
  readonly maxMemChunks?: number;
  /** RSS sampling period in ms (0: none). Default 100. */
  readonly rssMs?: number;
  /**
   * Deferred: while the program runs, its stream's bytes only go to this file (the host does no
   * other work that could take CPU from the program); they are decoded and handed on, in order,
   * once it has exited. `arrivedAt` then tells when each part had arrived.
   */
  readonly spoolPath?: string;
  /**
   * Origins (record --origins): the agent tags each allocation with its Python site, `frames` deep;
   * the bootstrap names the sites into `sitesPath` (JSON lines `[site, [[file, line, function], ...]]`) after the program.
   */
  readonly origins?: { readonly frames: number; readonly sitesPath: string };
}

export interface RecordingEnd {
  /** The program's exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The agent's last word, or null when the program died before it could say it. */
  readonly summary: AgentSummary | null;
  /** Bytes of a frame cut short by the program's death (dropped). */
  readonly leftoverBytes: number;
  /** The bootstrap refused before the program started (its reason went to stderr). */
  readonly refused: boolean;
}

export interface Recording {
  readonly pid: number | undefined;
  readonly child: ChildProcess;
  /** Resolves when the program has exited and every record it sent was handed on. */
  readonly ended: Promise<RecordingEnd>;
  /** Asks the program to stop: SIGINT (KeyboardInterrupt), then SIGTERM, then SIGKILL, `graceMs` apart. */
  stop(graceMs?: number): void;
  /** Stop reading records for a while (the agent buffers, then spills): for a slow consumer. */
  pause(): void;
  resume(): void;
  /** When the records being handed on arrived (performance.now()): now, unless they were spooled (spoolPath). */
  readonly arrivedAt: number;
}

const DOMAINS = { obj: 1, mem: 2, both: 3 } as const;

export function startRecording(options: RecorderOptions, onFrame: (frame: RecordsFrame) => void): Recording {
  const agent = locateAgent();
  const bootstrap = join(agent.pythonDir, 'record_bootstrap.py');
  // Where the program leaves, at exit, whatever we have not read yet: it never waits for us to exit.
  const handoff = join(tmpdir(), `arenascope-handoff-${process.pid}-${randomBytes(6).toString('hex')}`);
  const config = {
    library: agent.library,
    fd: 3,
    domains: DOMAINS[options.domains],
    checkpointEvery: options.checkpointEvery,
    maxOps: options.maxOps,
    chunkRecords: options.chunkRecords ?? 1 << 16,
    maxMemChunks: options.maxMemChunks ?? 64,
    rssMs: options.rssMs ?? 100,
    spillDir: null,
    handoffPath: handoff,
    origins: options.origins ?? null,
  };
  const target = options.target.kind === 'script' ? [resolve(options.cwd, options.target.path)] : ['-m', options.target.name];
  // The user's script keeps its name in sys.argv[0] as they typed it; the bootstrap resolves it.
  if (options.target.kind === 'script') target[0] = options.target.path;
  const child = spawn(options.interpreter.path, [bootstrap, JSON.stringify(config), '--', ...target, ...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: [options.stdio, options.stdio, options.stdio, 'pipe'],
    windowsHide: true,
  });
  const records = child.stdio[3] as NodeJS.ReadableStream & { pause(): void; resume(): void };
  const decoder = new FrameDecoder(onFrame);
  let sawAnyFrame = false;
  records.once('data', () => {
    sawAnyFrame = true;
  });
  let decodeError: Error | null = null;
  // Spooled: the bytes, and when each piece of them arrived (byte offset, time), for after the exit.
  const spool = options.spoolPath === undefined ? null : { fd: openSync(options.spoolPath, 'w'), bytes: 0, arrivals: [] as [number, number][] };
  let spooledAt: number | null = null;
  records.on('data', (chunk: Buffer) => {
    if (decodeError) return;
    try {
      if (spool) {
        writeSync(spool.fd, chunk);
        spool.arrivals.push([spool.bytes, performance.now()]);
        spool.bytes += chunk.length;
      } else {
        decoder.push(chunk);
      }
    } catch (error) {
      decodeError = error as Error;
    }
  });
  // A consumer's pause() holds the reading of the spool and handoff files too, not only the pipe.
  let paused = false;
  let unpaused: (() => void) | null = null;
  const whilePaused = async (): Promise<void> => {
    while (paused) await new Promise<void>((done) => (unpaused = done));
  };
  /** Hands on the file's bytes in order, then removes it; `at(offset)` says when the bytes at offset arrived (null: now). */
  const decodeFile = async (path: string, at: (offset: number) => number | null): Promise<void> => {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      let offset = 0;
      for (;;) {
        await whilePaused();
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        spooledAt = at(offset);
        decoder.push(Buffer.from(buf.subarray(0, bytesRead)));
        offset += bytesRead;
      }
    } finally {
      spooledAt = null;
      await fh.close();
      await unlink(path).catch(() => undefined);
    }
  };
  const streamEnded = new Promise<void>((done) => {
    records.on('end', () => done());
    records.on('close', () => done());
    records.on('error', () => done());
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError: Error | null }>((done) => {
    child.on('error', (error) => done({ code: null, signal: null, spawnError: error }));
    child.on('exit', (code, signal) => done({ code, signal, spawnError: null }));
  });
  const ended = (async (): Promise<RecordingEnd> => {
    const exit = await exited;
    if (exit.spawnError) {
      if (spool) {
        closeSync(spool.fd);
        await unlink(options.spoolPath!).catch(() => undefined);
      }
      throw exit.spawnError;
    }
    // Every record the program sent is read before the run ends (the agent closes its end after the
    // summary; a forked child closes its copy at once, an exec'd one never had it).
    records.resume();
    await streamEnded;
    const exitedAt = performance.now();
    // Spooled: now that the program is gone, the stream as it arrived (each 1 MiB read is dated by
    // the arrival of its first byte: the real figures' times are that coarse, 20 ms at most apart).
    if (spool) {
      closeSync(spool.fd);
      if (!decodeError) {
        const arrivals = spool.arrivals;
        let k = 0;
        try {
          await decodeFile(options.spoolPath!, (offset) => {
            while (k + 1 < arrivals.length && arrivals[k + 1]![0] <= offset) k++;
            return arrivals[k]?.[1] ?? exitedAt;
          });
        } catch (error) {
          decodeError = error as Error;
        }
      }
    }
    // The stream's continuation, if the program left it in a file at exit: read it now, in order.
    if (existsSync(handoff) && !decodeError) {
      try {
        await decodeFile(handoff, () => (spool ? exitedAt : null));
      } catch (error) {
        decodeError = error as Error;
      }
    }
    if (decodeError) throw decodeError;
    return {
      code: exit.code,
      signal: exit.signal,
      summary: decoder.summary,
      leftoverBytes: decoder.leftover,
      refused: exit.code === EXIT_BOOTSTRAP_REFUSED && decoder.summary === null && !sawAnyFrame,
    };
  })();
  const stop = (graceMs = 3000): void => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    const term = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }, graceMs);
    const kill = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, graceMs * 2);
    term.unref();
    kill.unref();
    void exited.then(() => {
      clearTimeout(term);
      clearTimeout(kill);
    });
  };
  return {
    pid: child.pid,
    child,
    ended,
    stop,
    pause: () => {
      paused = true;
      records.pause();
    },
    resume: () => {
      paused = false;
      unpaused?.();
      unpaused = null;
      records.resume();
    },
    get arrivedAt(): number {
      return spooledAt ?? performance.now();
    },
  };
}
