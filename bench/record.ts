/**
 * Overhead of `record`: each program's wall time recorded vs plain, median of 5 (interleaved, so
 * machine load hits both alike), and whether the live models keep up:
 *
 *   npm run bench -- record [--python EXE] [--runs 5] [--models 3.8,3.12]
 *
 * "recorded" is the whole of `record`'s path: the bootstrap, the agent's hooks and writer thread,
 * and the host reading the stream, writing the gzip trace and running every model live (the
 * interpreter's own version and each --models one). Wall time is the program's process lifetime,
 * start-up included, seen from the host. Target: ≤ 1.5×.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ProgramRun, prepareProgram, type ProgramRunResult } from '../electron/node/record/program-run';

const ROOT = resolve(import.meta.dirname, '..');
const DIR = join(ROOT, 'test/fixtures/programs');
const PROGRAMS: Record<string, string[]> = { json_docs: ['3000'], server_sim: ['60000'], ast_work: ['150'] };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The plain program, run by runpy as the bootstrap runs it; its CPU time read at the same point (after the script). */
const PLAIN = [
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

async function recorded(python: string, script: string, args: string[], models: string[], work: string): Promise<{ ms: number; result: ProgramRunResult }> {
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
  });
  // Timed from the spawn (the checks before it are not the program's time) to the process's exit.
  const run = new ProgramRun(prepared);
  const t0 = run.startedAt;
  run.recording.child.stdout!.resume();
  run.recording.child.stderr!.resume();
  let exitedAt = 0;
  run.recording.child.once('exit', () => (exitedAt = performance.now()));
  const result = await run.finish();
  if (result.end.code !== 0) throw new Error(`${script} exited with ${result.end.code} when recorded`);
  return { ms: exitedAt - t0, result };
}

export async function recordBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { python: { type: 'string' }, runs: { type: 'string' }, models: { type: 'string' } } });
  const python = values.python ?? 'python3';
  const runs = Number(values.runs ?? 5);
  const models = values.models ? values.models.split(',') : ['3.8', '3.12'];
  const work = mkdtempSync(join(tmpdir(), 'arenascope-bench-record-'));
  const ratios: number[] = [];
  try {
    process.stdout.write(`record overhead, ${python}, median of ${runs}, models: its own version + ${models.join(', ')}\n`);
    for (const [name, args] of Object.entries(PROGRAMS)) {
      const script = join(DIR, `${name}.py`);
      const p: number[] = [];
      const r: number[] = [];
      const pc: number[] = [];
      const rc: number[] = [];
      let last: ProgramRunResult | null = null;
      for (let i = 0; i < runs; i++) {
        const pl = await plain(python, script, args);
        p.push(pl.ms);
        pc.push(pl.cpuMs);
        const rec = await recorded(python, script, args, models, work);
        r.push(rec.ms);
        rc.push(rec.result.summary!.cpu_user_ms + rec.result.summary!.cpu_sys_ms);
        last = rec.result;
      }
      const ratio = median(r) / median(p);
      ratios.push(ratio);
      const res = last!;
      process.stdout.write(
        `${name}: wall plain ${median(p).toFixed(0)} ms, recorded ${median(r).toFixed(0)} ms, ratio ${ratio.toFixed(2)}x; ` +
          `program CPU plain ${median(pc)} ms, recorded ${median(rc)} ms, ratio ${(median(rc) / median(pc)).toFixed(2)}x; ` +
          `${res.ops.toLocaleString('en')} ops, program ${Math.round(res.ops / (median(r) / 1000)).toLocaleString('en')} ops/s; ` +
          `models ${res.models.map((m) => `${m.version.version} ${Math.round(m.rate).toLocaleString('en')} ops/s`).join(', ')}; ` +
          `lag at exit ${res.lagAtExit.toLocaleString('en')} ops (max ${res.maxLag.toLocaleString('en')}), spilled ${res.spilledBytes} bytes\n`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const worst = Math.max(...ratios);
  process.stdout.write(`worst wall ratio ${worst.toFixed(2)}x (target 1.5x): ${worst <= 1.5 ? 'met' : 'NOT met'}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores\n`);
  return 0;
}
