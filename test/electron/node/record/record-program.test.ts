/**
 * The recording agent in real interpreters (every CPython 3.8+ installed): a program's records
 * arrive complete and in order, the trace file replays to the state the live model reached, the
 * real arena count is there, the stream spills instead of blocking, a killed program keeps what
 * it recorded, forks and subinterpreters are handled as documented.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { waitFor } from '../../wait';
import { describe, expect, it } from 'vitest';
import { pythonsFrom } from '../../../support/pythons';
import { record, replayFile, request } from './record-harness';

const pythons = pythonsFrom([3, 8], 'recording agent');
const newest = pythons[pythons.length - 1];

describe.each(pythons.map((p) => [p.version, p] as const))('record under CPython %s', (_v, py) => {
  it("records every op of a threaded program, and the trace replays to the live model's state", async () => {
    const r = await record(request(py.path, 'threads.py', { args: ['4', '1500'], models: ['3.8', '3.12'] }));
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('threads 4 1500');
    expect(r.result.end.code).toBe(0);
    const s = r.result.summary!;
    expect(s).not.toBeNull();
    expect(r.result.ops).toBe(s.ops_alloc + s.ops_free + s.ops_realloc);
    expect(s.ops_alloc).toBeGreaterThan(10_000);
    expect(s.truncated).toBe(0);
    // The real arena count comes from the stats dump plus the hook: a positive number.
    expect(s.arenas_start).toBeGreaterThan(0);
    expect(r.result.realArenasFinal).toBe(s.arenas_final);
    for (const m of r.result.models) {
      const replayed = await replayFile(r.tracePath, m.version.version);
      expect(replayed.ops, m.version.version).toBe(m.alloc.ops);
      expect(replayed.arenas, m.version.version).toBe(m.alloc.narenasCurrent);
      expect(replayed.requested, m.version.version).toBe(m.alloc.requestedBytes);
      expect(replayed.highwater, m.version.version).toBe(m.alloc.narenasHighwater);
    }
    expect(r.result.models.map((m) => m.version.version.split('.').slice(0, 2).join('.'))).toEqual(
      [py.version.split('.').slice(0, 2).join('.'), '3.8', '3.12'].filter((v, i, a) => a.indexOf(v) === i),
    );
    // Live, the trace is made from the records kept while the program ran: that file is gone after.
    expect(existsSync(`${r.tracePath}.records`)).toBe(false);
  }, 120_000);
});

describe.skipIf(!newest)('the stream', () => {
  it('spills to a file when the host stops reading, and loses nothing', async () => {
    // Tiny chunks, one in memory: with the reader paused until the program has printed, the rest must spill.
    const r = await record(request(newest!.path, 'json_docs.py', { args: ['200'], chunkRecords: 256, maxMemChunks: 1 }), (run, onStdout) => {
      run.recording.pause();
      onStdout((text) => {
        if (text.includes('json_docs')) run.recording.resume();
      });
    });
    expect(r.result.end.code).toBe(0);
    const s = r.result.summary!;
    expect(s.spilled_bytes).toBeGreaterThan(0);
    expect(r.result.ops).toBe(s.ops_alloc + s.ops_free + s.ops_realloc);
    const replayed = await replayFile(r.tracePath, newest!.version);
    expect(replayed.ops).toBe(r.result.ops);
  }, 120_000);

  it('exits without waiting for a host that stopped reading: the rest of the stream is handed off in a file', async () => {
    const r = await record(request(newest!.path, 'json_docs.py', { args: ['200'], chunkRecords: 4096, maxMemChunks: 4 }), (run) => {
      run.recording.pause();
      // Not a byte is read until the program has exited: it must get there on its own.
      run.recording.child.once('exit', () => run.recording.resume());
    });
    expect(r.result.end.code).toBe(0);
    const s = r.result.summary!;
    expect(r.result.ops).toBe(s.ops_alloc + s.ops_free + s.ops_realloc);
    expect(r.result.lagAtExit).toBe(r.result.ops);
    expect((await replayFile(r.tracePath, newest!.version)).ops).toBe(r.result.ops);
  }, 120_000);

  it('keeps the records for the trace past its memory budget in a file: the trace is whole, its ids dense, the file gone', async () => {
    const r = await record(request(newest!.path, 'json_docs.py', { args: ['200'], keptRecordsBytes: 4096 }));
    expect(r.result.end.code).toBe(0);
    const m = r.result.models[0]!;
    const replayed = await replayFile(r.tracePath, m.version.version);
    expect(replayed).toEqual({ ops: m.alloc.ops, arenas: m.alloc.narenasCurrent, requested: m.alloc.requestedBytes, highwater: m.alloc.narenasHighwater });
    expect(existsSync(`${r.tracePath}.records`)).toBe(false);
    // A new id only when every one given out is live: the largest is the peak live count less one.
    const ids = [
      ...gunzipSync(readFileSync(r.tracePath))
        .toString('latin1')
        .matchAll(/^a (\d+) /gm),
    ].map((x) => Number(x[1]));
    expect(Math.max(...ids)).toBe(r.result.summary!.peak_live_blocks - 1);
  }, 120_000);

  it('stops recording at --max-ops, the program running on, and the trace still ends with c end', async () => {
    const r = await record(request(newest!.path, 'json_docs.py', { args: ['100'], maxOps: 5000 }));
    expect(r.stdout).toContain('json_docs 100');
    expect(r.result.end.code).toBe(0);
    expect(r.result.summary!.truncated).toBe(1);
    expect(r.result.summary!.truncated_reason).toBe('--max-ops reached');
    expect(r.result.ops).toBe(5000);
    const text = gunzipSync(readFileSync(r.tracePath)).toString();
    expect(text.trimEnd().split('\n').at(-1)).toBe('c end');
  }, 120_000);

  it('writes a bare checkpoint after every N ops and stops at --max-ops between two of them', async () => {
    const r = await record(request(newest!.path, 'json_docs.py', { args: ['100'], checkpointEvery: 1000, maxOps: 5500 }));
    expect(r.result.end.code).toBe(0);
    expect(r.result.ops).toBe(5500);
    expect(r.result.summary!.truncated_reason).toBe('--max-ops reached');
    // Each bare `c` comes after exactly 1000 a/f/r lines, and there are five of them before op 5500.
    const lines = gunzipSync(readFileSync(r.tracePath)).toString().split('\n');
    const opsAtBare: number[] = [];
    let ops = 0;
    for (const line of lines) {
      if (/^[afr] /.test(line)) ops++;
      else if (line === 'c') opsAtBare.push(ops);
    }
    expect(opsAtBare).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(ops).toBe(5500);
  }, 120_000);

  it('deferred: stores the records while the program runs, then makes the trace and the models, dated by arrival', async () => {
    let atExit = { applied: [] as number[], decoded: -1 };
    const req = request(newest!.path, 'json_docs.py', { args: ['200'], models: ['3.8'], deferred: true });
    const r = await record(req, (run) => {
      run.recording.child.once('exit', () => (atExit = { applied: run.models.map((m) => m.alloc.ops), decoded: run.stream.ops }));
    });
    expect(r.result.end.code).toBe(0);
    // Nothing was decoded or modelled while the program ran; all of it after, to the state the trace replays to.
    expect(atExit).toEqual({ applied: [0, 0], decoded: 0 });
    expect(r.result.lagAtExit).toBe(r.result.ops);
    const s = r.result.summary!;
    expect(r.result.ops).toBe(s.ops_alloc + s.ops_free + s.ops_realloc);
    expect(r.result.models.length).toBe(2);
    for (const m of r.result.models) {
      expect(m.alloc.ops, m.version.version).toBe(r.result.ops);
      const replayed = await replayFile(r.tracePath, m.version.version);
      expect(replayed.ops, m.version.version).toBe(m.alloc.ops);
      expect(replayed.arenas, m.version.version).toBe(m.alloc.narenasCurrent);
      expect(replayed.highwater, m.version.version).toBe(m.alloc.narenasHighwater);
      expect(replayed.requested, m.version.version).toBe(m.alloc.requestedBytes);
    }
    // The spool is gone; the real figures are dated within the program's lifetime, not the decoding after it.
    expect(existsSync(`${req.tracePath}.spool`)).toBe(false);
    expect(r.result.realArenasFinal).toBe(s.arenas_final);
    expect(r.result.wallMs).toBeGreaterThan(0);
  }, 120_000);

  it('keeps what a killed program recorded and reports the signal', async () => {
    // Killed once it has printed (its 20,000 strings made) and their records have reached the host
    // (the agent flushes every 20 ms while the program waits): events, not time, on a loaded machine.
    const r = await record(request(newest!.path, 'killed.py'), (run, onStdout) => {
      let killing = false;
      onStdout((text) => {
        if (killing || !text.includes('before the kill')) return;
        killing = true;
        void waitFor("the strings' records", () => run.stream.ops > 20_000, 60_000).then(() => run.recording.child.kill('SIGKILL'));
      });
    });
    expect(r.stdout).toContain('before the kill');
    expect(r.result.end.signal).toBe('SIGKILL');
    expect(r.result.summary).toBeNull();
    expect(r.result.ops).toBeGreaterThan(20_000);
    // What arrived is a consistent prefix: it replays.
    expect((await replayFile(r.tracePath, newest!.version)).ops).toBe(r.result.ops);
  }, 120_000);

  it('counts a fork and does not trace the child', async () => {
    const r = await record(request(newest!.path, 'forks.py'));
    expect(r.stdout).toContain('forks parent done');
    expect(r.result.end.code).toBe(0);
    expect(r.result.forks).toBe(1);
    expect(r.result.summary!.forks).toBe(1);
    // The child's 50,000 strings are not in the trace: it holds the parent's allocations only.
    expect(r.result.summary!.ops_alloc).toBeLessThan(40_000);
  }, 120_000);

  it('runs -m package.module with its arguments', async () => {
    const req = request(newest!.path, 'unused', { target: { kind: 'module', name: 'pkg.work' }, args: ['x', 'y'] });
    const r = await record(req);
    expect(r.stdout.trim()).toBe("__main__ ['x', 'y'] 5000");
    expect(r.result.end.code).toBe(0);
    expect(r.result.ops).toBeGreaterThan(5000);
  }, 120_000);

  it('passes the exit status and a traceback through', async () => {
    const r = await record(request(newest!.path, 'echo_stdin.py', { args: ['7'] }), (run) => run.recording.child.stdin!.end('abc'));
    expect(r.stdout).toBe('ABC');
    expect(r.stderr).toBe('to stderr\n');
    expect(r.result.end.code).toBe(7);
    expect(r.result.summary).not.toBeNull();
  }, 120_000);
});

const subinterpreterPythons = pythons.filter((p) => p.line[0] === 3 && p.line[1] >= 12);
describe.skipIf(subinterpreterPythons.length === 0)('subinterpreters (3.12+)', () => {
  it.each(subinterpreterPythons.map((p) => [p.version, p] as const))(
    'refuses a program that starts one, on %s',
    async (_v, py) => {
      const r = await record(request(py.path, 'subinterp.py'));
      expect(r.result.end.code).toBe(1);
      expect(r.stderr).toContain('starts a subinterpreter');
      expect(r.stderr).toContain('subinterp.py');
      expect(r.stdout).not.toContain('created');
    },
    120_000,
  );
});
