/**
 * Fidelity of `record` against the reference tools (a check, not a timing):
 *
 *   npm run bench -- record-fidelity --oracle DIR --capture DIR [--pythons PATH,PATH...] [--programs json_docs,...]
 *
 * For each fixture program (test/fixtures/programs) and each interpreter:
 * 1. records it with `record`'s own code (PYTHONHASHSEED=0, a checkpoint every 20,000 ops);
 * 2. replays the trace through the reference oracle (the real PyObject_Malloc of the recording
 *    interpreter and of one interpreter of the other pool geometry, `--arenas aligned`) and through
 *    the engine for the same versions, and compares every checkpoint (placement fingerprints, size
 *    classes, arenas, pools, large blocks);
 * 3. records the same program with the reference capture tool on the same interpreter and compares
 *    the op counts (a, f, r): the target is within 1 % (threads.py is shown but not judged: thread
 *    scheduling makes two runs of the same tool differ).
 * DIR are copies of the reference tools (copied again to a temporary folder and built there).
 * Exit status 1 when a checkpoint differs or a count is off by more than 1 %.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAllocator } from '../shared/engine';
import { canonicalJson, checkpointRecord } from '../shared/replay/checkpoint-report';
import { TrackedReplay } from '../shared/replay/tracked-replay';
import { readTrace } from '../electron/node/trace-file';
import { sha256Hasher } from '../electron/node/sha256';
import { ProgramRun, prepareProgram } from '../electron/node/record/program-run';
import { discoverInterpreters } from '../electron/node/python/discover';
import { benchOptions } from './options';

const PROGRAMS: Record<string, string[]> = { json_docs: ['400'], server_sim: ['6000'], ast_work: ['30'], threads: ['4', '2000'] };
const KEYS = ['label', 'op', 'applied', 'classes', 'arenas', 'pools', 'pools_per_arena', 'large', 'fingerprint'];
const ROOT = resolve(import.meta.dirname, '..');

async function engineLines(trace: string, version: string): Promise<Record<string, unknown>[]> {
  const replay = new TrackedReplay(createAllocator(version, { arenas: 'aligned' }));
  const out: Record<string, unknown>[] = [];
  await readTrace(trace, (batch, checkpoints) => {
    let k = 0;
    replay.apply(batch, (_i, op, applied) => {
      const cp = checkpoints[k++]!;
      out.push(JSON.parse(canonicalJson(checkpointRecord(replay, { label: cp.label, op, applied, version }, sha256Hasher))) as Record<string, unknown>);
    });
  });
  return out;
}

export async function recordFidelityBench(argv: string[]): Promise<number> {
  const values = benchOptions(argv, { oracle: null, capture: null, pythons: null, programs: null });
  if (!values.oracle || !values.capture) {
    process.stderr.write('bench record-fidelity: --oracle DIR and --capture DIR (copies of the reference tools) are required\n');
    return 2;
  }
  const pyenv = discoverInterpreters().filter((d) => d.source === 'pyenv' && /^3\.(8|9|1\d)\.\d+$/.test(d.label));
  const pythons = values.pythons
    ? values.pythons.split(',').map((p) => ({ path: p, label: p }))
    : pyenv.filter((d) => ['3.8', '3.11', '3.13'].some((l) => d.label.startsWith(`${l}.`)));
  const programs = values.programs ? values.programs.split(',') : Object.keys(PROGRAMS);
  const work = mkdtempSync(join(tmpdir(), 'arenascope-fidelity-'));
  let failures = 0;
  try {
    const oracle = join(work, 'oracle');
    const capture = join(work, 'capture');
    cpSync(resolve(values.oracle), oracle, { recursive: true });
    cpSync(resolve(values.capture), capture, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', oracle, capture]);
    execFileSync('sh', [join(oracle, 'build.sh')], { stdio: 'ignore' });
    execFileSync('sh', [join(capture, 'build.sh'), ...pythons.map((p) => p.path)], { stdio: 'ignore' });
    // The other pool geometry's interpreter: 3.9 for 3.10+, 3.11 for 3.8/3.9.
    const other = (version: string): (typeof pyenv)[number] | undefined => {
      const minor = Number(version.split('.')[1]);
      return pyenv.find((d) => d.label.startsWith(minor >= 10 ? '3.9.' : '3.11.'));
    };
    process.stdout.write('program | interpreter | record ops (a/f/r) | capture ops (a/f/r) | diff | checkpoints equal (oracle vs engine)\n');
    for (const py of pythons) {
      for (const name of programs) {
        const script = join(ROOT, 'test/fixtures/programs', `${name}.py`);
        const trace = join(work, `${name}-${py.label.replace(/\W/g, '_')}.pymtrace.gz`);
        const prepared = await prepareProgram({
          python: py.path,
          target: { kind: 'script', path: script },
          args: PROGRAMS[name] ?? [],
          cwd: join(ROOT, 'test/fixtures/programs'),
          env: { ...process.env, PYTHONHASHSEED: '0' },
          models: [],
          domains: 'obj',
          checkpointEvery: 20_000,
          maxOps: 0,
          sampleEvery: 100_000,
          stdio: 'pipe',
          tracePath: trace,
        });
        const run = new ProgramRun(prepared);
        run.recording.child.stdout!.resume();
        run.recording.child.stderr!.resume();
        const rec = await run.finish();
        const s = rec.summary!;
        const capOut = join(work, `${name}-cap.pymtrace.gz`);
        execFileSync(py.path, [join(capture, 'capture.py'), '--out', capOut, script, ...(PROGRAMS[name] ?? [])], {
          stdio: 'ignore',
          cwd: join(ROOT, 'test/fixtures/programs'),
        });
        const cap = (JSON.parse(readFileSync(capOut.replace(/\.pymtrace\.gz$/, '.json'), 'utf8')) as { ops: Record<string, number> }).ops;
        const ours = s.ops_alloc + s.ops_free + s.ops_realloc;
        const theirs = cap['a']! + cap['f']! + cap['r']!;
        const diff = (100 * (ours - theirs)) / theirs;
        // threads.py interleaves by the scheduler: two runs of either tool differ; it is shown, not judged.
        if (Math.abs(diff) > 1 && name !== 'threads') failures++;
        // Checkpoints: the oracle under the recording interpreter and one of the other geometry, vs the engine.
        const versions = [{ path: py.path, version: prepared.interpreter.version }];
        const o = other(prepared.interpreter.version);
        if (o) versions.push({ path: o.path, version: o.label });
        const equal: string[] = [];
        for (const v of versions) {
          const oracleOut = execFileSync(v.path, [join(oracle, 'oracle.py'), '--arenas', 'aligned', '--no-cache', trace], { maxBuffer: 1 << 28 }).toString();
          const want = oracleOut
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as Record<string, unknown>);
          const got = await engineLines(trace, v.version);
          let same = got.length === want.length;
          for (let i = 0; same && i < got.length; i++) for (const k of KEYS) if (JSON.stringify(got[i]![k]) !== JSON.stringify(want[i]![k])) same = false;
          if (!same) failures++;
          equal.push(`${v.version}: ${same ? `${got.length}/${want.length} equal` : 'DIFFER'}`);
        }
        process.stdout.write(
          `${name} | ${prepared.interpreter.version} | ${ours} (${s.ops_alloc}/${s.ops_free}/${s.ops_realloc}) | ${theirs} (${cap['a']}/${cap['f']}/${cap['r']}) | ${diff >= 0 ? '+' : ''}${diff.toFixed(3)} % | ${equal.join(', ')}\n`,
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(failures === 0 ? 'all within 1 % and every checkpoint equal\n' : `${failures} failure(s)\n`);
  return failures === 0 ? 0 : 1;
}
