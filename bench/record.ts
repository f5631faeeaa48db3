/**
 * Overhead of `record`: each program's wall time recorded vs plain, median of 5, interleaved (plain,
 * recorded live, recorded deferred, plain, …: machine load hits all alike):
 *
 *   npm run bench -- record [--python EXE] [--runs 5] [--models 3.8,3.12] [--modes live,deferred,origins] [--frames N]
 *
 * "Recorded" is the whole of `record`'s path, as the command line runs it: the bootstrap, the agent's
 * hooks and writer thread, the host reading the stream. In mode `live` (the command's default) the
 * host decodes it, writes the gzip trace and runs the models as the records arrive (by default the
 * interpreter's own version only, as `record` does without --model); in mode `deferred`
 * (`record --deferred`) it only stores the records while the program runs and does all that once the
 * program has exited; in mode `origins` (`record --origins`, live, `--frames N` deep, default 1) each
 * allocation also carries its Python site, and its cost is printed against plain and against `live`
 * (the same recording without origins). The figure is the program's wall time: its process lifetime, start-up
 * included, seen from the host (the host's work after the exit is not in it). Target: ≤ 1.5×.
 *
 * On a machine with few cores the host's work competes with the program for CPU, so the program's
 * own CPU time (all its threads, the agent's writer included) and the host's CPU time while the
 * program ran are printed beside the wall ratio; the agent's cost in instructions, which no load
 * changes, is `npm run bench -- record-instructions`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ProgramRun, prepareProgram, type ProgramRunResult } from '../electron/node/record/program-run';
import { benchOptions, wholeOption } from './options';

const ROOT = resolve(import.meta.dirname, '..');
/** The fixture programs the record benches run. */
export const PROGRAMS_DIR = join(ROOT, 'test/fixtures/programs');
const DIR = PROGRAMS_DIR;
const PROGRAMS: Record<string, string[]> = { json_docs: ['3000'], server_sim: ['60000'], ast_work: ['150'] };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The plain program, run by runpy as the bootstrap runs it; its CPU time read at the same point (after the script). */
export const PLAIN = [
  'import resource, runpy, sys, os',
  'script = sys.argv[1]; sys.argv = sys.argv[1:]; sys.path[0] = os.path.dirname(script)',
  'runpy.run_path(script, run_name="__main__")',
  'r = resource.getrusage(resource.RUSAGE_SELF)',
  'sys.stderr.write("cpu %d\\n" % ((r.ru_utime + r.ru_stime) * 1000))',
].join('\n');

async function plain(python: string, script: string, args: string[]): Promise<{ ms: number; cpuMs: number }> {
  const t0 = performance.now();
  const child = spawn(python, ['-c', PLAIN, script, ...args], { cwd: DIR, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PYTHONHASHSEED: '0' } });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((done, fail) => {
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${script} exited with ${code}: ${err}`))));
  });
  return { ms: performance.now() - t0, cpuMs: Number(/cpu (\d+)/.exec(err)?.[1] ?? NaN) };
}

type Mode = 'live' | 'deferred' | 'origins';
const MODES: readonly Mode[] = ['live', 'deferred', 'origins'];

interface Recorded {
  ms: number;
  /** This process's CPU time (user + system) from the spawn to the program's exit: the host's work competing with the program. */
  hostCpuMs: number;
  /** From the program's exit to the run finished: the models' lag and the trace written (live: all of the trace text). */
  afterMs: number;
  result: ProgramRunResult;
}

async function recorded(python: string, script: string, args: string[], models: string[], mode: Mode, work: string, frames: number): Promise<Recorded> {
  const prepared = await prepareProgram({
    python,
    target: { kind: 'script', path: script },
    args,
    cwd: DIR,
    env: { ...process.env, PYTHONHASHSEED: '0' },
    models,
    domains: 'obj',
    checkpointEvery: 0,
    maxOps: 0,
    sampleEvery: 10_000,
    stdio: 'pipe',
    tracePath: join(work, 'trace.pymtrace.gz'),
    deferred: mode === 'deferred',
    ...(mode === 'origins' ? { origins: { frames } } : {}),
  });
  // Timed from the spawn (the checks before it are not the program's time) to the process's exit.
  const cpu0 = process.cpuUsage();
  const run = new ProgramRun(prepared);
  const t0 = run.startedAt;
  run.recording.child.stdout!.resume();
  run.recording.child.stderr!.resume();
  let exitedAt = 0;
  let hostCpuMs = 0;
  run.recording.child.once('exit', () => {
    exitedAt = performance.now();
    const c = process.cpuUsage(cpu0);
    hostCpuMs = (c.user + c.system) / 1000;
  });
  const result = await run.finish();
  if (result.end.code !== 0) throw new Error(`${script} exited with ${result.end.code} when recorded`);
  return { ms: exitedAt - t0, hostCpuMs, afterMs: performance.now() - exitedAt, result };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en');

const MODE_TEXT: Record<Mode, (frames: number) => string> = {
  live: () => 'live (models as the records arrive)',
  deferred: () => 'deferred (records stored, decoded and modelled after the exit)',
  origins: (frames) => `origins (live, each allocation's Python site, ${frames} frame(s))`,
};

export async function recordBench(argv: string[]): Promise<number> {
  const values = benchOptions(argv, { python: 'python3', runs: 5, models: null, modes: null, frames: 1 });
  const frames = wholeOption('frames', values.frames);
  if (frames > 16) throw new Error(`--frames: "${frames}" is more than 16`);
  const python = values.python;
  const runs = wholeOption('runs', values.runs);
  const models = values.models ? values.models.split(',').filter((m) => m !== '') : [];
  const modes = (values.modes ?? MODES.join(',')).split(',') as Mode[];
  for (const m of modes) if (!MODES.includes(m)) throw new Error(`--modes: unknown mode "${m}" (known: ${MODES.join(', ')})`);
  const work = mkdtempSync(join(tmpdir(), 'arenascope-bench-record-'));
  const worst: Record<Mode, number> = { live: 0, deferred: 0, origins: 0 };
  /** Origins' wall time over live's (the same recording without origins), per program. */
  const originsOverLive: number[] = [];
  const load0 = loadavg();
  try {
    process.stdout.write(
      `record overhead, ${python}, median of ${runs}, models: its own version${models.length ? ` + ${models.join(', ')}` : ''}; ` +
        `modes: ${modes.map((m) => MODE_TEXT[m](frames)).join(', ')}; ` +
        `load average ${load0.map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores\n`,
    );
    for (const [name, args] of Object.entries(PROGRAMS)) {
      const script = join(DIR, `${name}.py`);
      const plainMs: number[] = [];
      const plainCpu: number[] = [];
      const rec = new Map<Mode, Recorded[]>(modes.map((m) => [m, []]));
      for (let i = 0; i < runs; i++) {
        const pl = await plain(python, script, args);
        plainMs.push(pl.ms);
        plainCpu.push(pl.cpuMs);
        for (const mode of modes) rec.get(mode)!.push(await recorded(python, script, args, models, mode, work, frames));
      }
      const pw = median(plainMs);
      const pc = median(plainCpu);
      process.stdout.write(`${name} ${args.join(' ')}: plain wall ${fmt(pw)} ms, program CPU ${fmt(pc)} ms\n`);
      for (const mode of modes) {
        const rs = rec.get(mode)!;
        const rw = median(rs.map((r) => r.ms));
        const rc = median(rs.map((r) => r.result.summary!.cpu_user_ms + r.result.summary!.cpu_sys_ms));
        const hc = median(rs.map((r) => r.hostCpuMs));
        const after = median(rs.map((r) => r.afterMs));
        const res = rs[rs.length - 1]!.result;
        worst[mode] = Math.max(worst[mode], rw / pw);
        const live = rec.get('live');
        const vsLive = mode === 'origins' && live ? rw / median(live.map((r) => r.ms)) : null;
        if (vsLive !== null) originsOverLive.push(vsLive);
        const sites = mode === 'origins' ? `; ${fmt(res.summary!.sites ?? 0)} sites, ${vsLive === null ? '' : `${vsLive.toFixed(2)}x live's wall`}` : '';
        process.stdout.write(
          `  ${mode.padEnd(8)}: wall ${fmt(rw)} ms, ratio ${(rw / pw).toFixed(2)}x; program CPU ${fmt(rc)} ms, ratio ${(rc / pc).toFixed(2)}x; ` +
            `host CPU while it ran ${fmt(hc)} ms; ${fmt(res.ops)} ops, program ${fmt(res.ops / (rw / 1000))} ops/s; ` +
            `models ${res.models.map((m) => `${m.version.version} ${fmt(m.rate)} ops/s`).join(', ')}; ` +
            `models behind at exit ${fmt(res.lagAtExit)} ops (max ${fmt(res.maxLag)}), spilled ${fmt(res.spilledBytes)} bytes; ` +
            `done ${fmt(after)} ms after the exit${sites}\n`,
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  for (const mode of modes) {
    process.stdout.write(`worst wall ratio, ${mode}: ${worst[mode].toFixed(2)}x (target 1.5x): ${worst[mode] <= 1.5 ? 'met' : 'NOT met'}\n`);
  }
  if (originsOverLive.length > 0) {
    process.stdout.write(
      `origins (--frames ${frames}) over recording without them: ${originsOverLive.map((x) => `${x.toFixed(2)}x`).join(', ')} (worst ${Math.max(...originsOverLive).toFixed(2)}x)\n`,
    );
  }
  process.stdout.write(
    `load average ${load0.map((l) => l.toFixed(1)).join(' ')} at the start, ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end, on ${cpus().length} cores\n`,
  );
  return 0;
}
