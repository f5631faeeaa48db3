/** Runs a fixture program under the recording agent for tests: output collected, files in a temp folder. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAllocator } from '../../../../shared/engine';
import { applyBatch, HandleTable } from '../../../../shared/engine/replay';
import { readTrace } from '../../../../electron/node/trace-file';
import { ProgramRun, prepareProgram, type ProgramRunRequest, type ProgramRunResult } from '../../../../electron/node/record/program-run';
import { ensureAgentBuilt } from '../../../support/agent-build';

ensureAgentBuilt();

export const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
export const PROGRAMS = join(ROOT, 'test/fixtures/programs');

export interface Recorded {
  result: ProgramRunResult;
  run: ProgramRun;
  stdout: string;
  stderr: string;
  tracePath: string;
}

export function request(python: string, script: string, extra: Partial<ProgramRunRequest> = {}): ProgramRunRequest {
  const dir = mkdtempSync(join(tmpdir(), 'arenascope-record-'));
  return {
    python,
    target: { kind: 'script', path: join(PROGRAMS, script) },
    args: [],
    cwd: PROGRAMS,
    env: { ...process.env, PYTHONHASHSEED: '0' },
    models: [],
    domains: 'obj',
    checkpointEvery: 0,
    maxOps: 0,
    sampleEvery: 10_000,
    stdio: 'pipe',
    tracePath: join(dir, 'trace.pymtrace.gz'),
    ...extra,
  };
}

/** Records; `onStart` sees the run before any output is read (to pause it, say). */
export async function record(req: ProgramRunRequest, onStart?: (run: ProgramRun, stdout: (f: (text: string) => void) => void) => void): Promise<Recorded> {
  const run = new ProgramRun(await prepareProgram(req));
  let stdout = '';
  let stderr = '';
  const watchers: ((text: string) => void)[] = [];
  run.recording.child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of watchers) w(stdout);
  });
  run.recording.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  onStart?.(run, (f) => watchers.push(f));
  const result = await run.finish();
  return { result, run, stdout, stderr, tracePath: req.tracePath };
}

/** Replays a trace file through a fresh engine of `version`: ops applied and the final arena count. */
export async function replayFile(path: string, version: string): Promise<{ ops: number; arenas: number; requested: number; highwater: number }> {
  const a = createAllocator(version);
  const table = new HandleTable();
  await readTrace(path, (batch) => {
    applyBatch(a, table, batch);
  });
  return { ops: a.ops, arenas: a.narenasCurrent, requested: a.requestedBytes, highwater: a.narenasHighwater };
}
