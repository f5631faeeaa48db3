/**
 * The recording agent's cost in instructions, counted by `valgrind --tool=callgrind` (repeatable
 * whatever else the machine does, unlike `record`'s wall and CPU times on a shared machine):
 *
 *   npm run bench -- record-instructions [--python EXE] [--origins [--frames N]]
 *
 * For each program (the `record` bench's three, smaller: callgrind runs them about 50 times slower)
 * the interpreter runs four times under callgrind: the program plain (as `record`'s bench runs it),
 * the program under the recording bootstrap and agent, and both again with an empty script, whose
 * counts are the start-up each side pays once (the bootstrap's imports, the stats dump). Printed:
 * the whole-process ratio, the ratio without start-up, the extra instructions per recorded op
 * (a/f/r), and the part of them in the agent's own code (its functions, summed from callgrind's
 * per-function counts). The records go to a file, not to a host: the host's work is not counted
 * here (it is `record`'s "host CPU"). With `--origins`, each program (and the empty script) runs a
 * third time recorded with origins (`record --origins`, `--frames N` deep, default 1), and the extra
 * instructions per allocation over recording without origins are printed.
 */
import { probeInterpreter } from '../electron/node/python/interpreter';
import { execFile, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { locateAgent } from '../electron/node/agent/locate';
import { PLAIN, PROGRAMS_DIR } from './record';

const run = promisify(execFile);
const PROGRAMS: Record<string, string[]> = { json_docs: ['600'], server_sim: ['12000'], ast_work: ['30'] };

interface Count {
  ir: number;
  /** Instructions in the agent's own code (agent/src), from callgrind's per-function counts. */
  agentIr: number;
  /** a/f/r records the agent wrote (recorded runs only). */
  ops: number;
  /** a records (the ops that read the frame when origins are on). */
  allocs?: number;
}

async function callgrind(args: string[], outFile: string, recordsFd: number | null): Promise<number> {
  const child = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${outFile}`, ...args], {
    cwd: PROGRAMS_DIR,
    env: { ...process.env, PYTHONHASHSEED: '0' },
    stdio: ['ignore', 'ignore', 'pipe', ...(recordsFd === null ? [] : [recordsFd])],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
  const m = /Collected\s*:\s*(\d+)/.exec(err);
  if (code !== 0 || !m) throw new Error(`callgrind ${args.join(' ')} failed (exit ${code}):\n${err.slice(-2000)}`);
  return Number(m[1]);
}

/** The agent's own instructions: every function (inlined header code included) of a file under agent/src. */
async function agentInstructions(outFile: string): Promise<number> {
  // The per-function table only (--auto=no: no annotated source, whose `=>` lines count callees inclusively).
  const { stdout } = await run('callgrind_annotate', ['--auto=no', '--threshold=100', outFile], { maxBuffer: 1 << 26 });
  let sum = 0;
  for (const line of stdout.split('\n')) {
    const m = /^\s*([\d,]+) \([^)]*\)\s+\S*agent\/src\/agent_\w+\.[ch]:/.exec(line);
    if (m) sum += Number(m[1]!.replace(/,/g, ''));
  }
  return sum;
}

/** Recording with origins: how many frames per site (0: without origins). */
async function count(python: string, script: string, args: string[], recordedRun: boolean, dir: string, frames = 0): Promise<Count> {
  const out = join(dir, 'callgrind.out');
  if (!recordedRun) return { ir: await callgrind([python, '-c', PLAIN, script, ...args], out, null), agentIr: 0, ops: 0 };
  const agent = locateAgent();
  const recordsPath = join(dir, 'records.bin');
  const config = {
    library: agent.library,
    fd: 3,
    domains: 1,
    checkpointEvery: 0,
    maxOps: 0,
    chunkRecords: 1 << 16,
    maxMemChunks: 64,
    rssMs: 100,
    spillDir: null,
    handoffPath: null,
    origins: frames > 0 ? { frames, sitesPath: join(dir, 'sites.jsonl') } : null,
  };
  const fd = openSync(recordsPath, 'w');
  let ir: number;
  try {
    ir = await callgrind([python, join(agent.pythonDir, 'record_bootstrap.py'), JSON.stringify(config), '--', script, ...args], out, fd);
  } finally {
    closeSync(fd);
  }
  // The agent's summary is the stream's last frame: its JSON holds the op counts.
  const bytes = readFileSync(recordsPath);
  const at = bytes.lastIndexOf('{"ops_alloc"');
  if (at < 0) throw new Error(`no agent summary in the records of ${script}`);
  const s = JSON.parse(bytes.subarray(at).toString('utf8')) as { ops_alloc: number; ops_free: number; ops_realloc: number };
  return { ir, agentIr: await agentInstructions(out), ops: s.ops_alloc + s.ops_free + s.ops_realloc, allocs: s.ops_alloc };
}

const M = (n: number): string => `${(n / 1e6).toFixed(1)} M`;

export async function recordInstructionsBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { python: { type: 'string' }, origins: { type: 'boolean' }, frames: { type: 'string' } } });
  // The interpreter itself, not a launcher in front of it (a pyenv shim execs it, and callgrind does not follow exec).
  const python = (await probeInterpreter(values.python ?? 'python3')).executable;
  const frames = values.origins ? Number(values.frames ?? 1) : 0;
  if (values.origins && !(Number.isInteger(frames) && frames >= 1 && frames <= 16))
    throw new Error(`--frames: "${values.frames}" is not a whole number from 1 to 16`);
  try {
    await run('valgrind', ['--version']);
  } catch {
    process.stderr.write('bench record-instructions: valgrind is not installed (Debian: apt-get install valgrind)\n');
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'arenascope-bench-record-ir-'));
  try {
    const empty = join(dir, 'empty.py');
    writeFileSync(empty, '');
    const plain0 = await count(python, empty, [], false, dir);
    const rec0 = await count(python, empty, [], true, dir);
    process.stdout.write(
      `record instructions (callgrind), ${python}: start-up with an empty script: plain ${M(plain0.ir)}, recorded ${M(rec0.ir)} (+${M(rec0.ir - plain0.ir)}: the bootstrap)\n`,
    );
    const orig0 = frames > 0 ? await count(python, empty, [], true, dir, frames) : null;
    if (orig0)
      process.stdout.write(
        `  with origins (--frames ${frames}): start-up ${M(orig0.ir)} (+${M(orig0.ir - rec0.ir)} over recording without: the frame probe and naming the sites)\n`,
      );
    for (const [name, args] of Object.entries(PROGRAMS)) {
      const script = join(PROGRAMS_DIR, `${name}.py`);
      const plain = await count(python, script, args, false, dir);
      const rec = await count(python, script, args, true, dir);
      const plainWork = plain.ir - plain0.ir;
      const recWork = rec.ir - rec0.ir;
      process.stdout.write(
        `${name} ${args.join(' ')}: ${rec.ops.toLocaleString('en')} ops; plain ${M(plain.ir)}, recorded ${M(rec.ir)} instructions, ratio ${(rec.ir / plain.ir).toFixed(3)}x; ` +
          `without start-up ${M(plainWork)} vs ${M(recWork)}, ratio ${(recWork / plainWork).toFixed(3)}x; ` +
          `${((recWork - plainWork) / rec.ops).toFixed(0)} extra instructions per op, ${(rec.agentIr / rec.ops).toFixed(0)} of them in the agent's code (${M(rec.agentIr)})\n`,
      );
      if (orig0) {
        const orig = await count(python, script, args, true, dir, frames);
        const origWork = orig.ir - orig0.ir;
        process.stdout.write(
          `  with origins (--frames ${frames}): ${M(orig.ir)} instructions, ratio ${(orig.ir / plain.ir).toFixed(3)}x plain, ${(orig.ir / rec.ir).toFixed(3)}x recording without; ` +
            `without start-up ${(origWork / plainWork).toFixed(3)}x plain, ${(origWork / recWork).toFixed(3)}x recording without; ` +
            `${((origWork - recWork) / orig.allocs!).toFixed(0)} extra instructions per allocation over recording without, agent's code ${(orig.agentIr / orig.ops).toFixed(0)} per op\n`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}
