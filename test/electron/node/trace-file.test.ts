import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { OP_ALLOC, OP_FREE, OP_MARK } from '../../../shared/ops/op-batch';
import { TraceError } from '../../../shared/trace';
import { loadTrace, readTrace, readTraceBatches, traceBytes } from '../../../electron/node/trace-file';

const FIXTURE = fileURLToPath(new URL('../../fixtures/conformance/traces/interleave.pymtrace.gz', import.meta.url));

const TEXT = '#pymtrace 1\na 1 16\nc x\nf 1\nc\na 1 8\r\n';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trace-file-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('trace files', () => {
  it('reads a plain and a gzip file alike', async () => {
    const plain = join(dir, 'small.pymtrace');
    const gz = join(dir, 'small.pymtrace.gz');
    await writeFile(plain, TEXT);
    await writeFile(gz, gzipSync(TEXT));
    const a = await loadTrace(plain);
    const b = await loadTrace(gz);
    expect(b).toEqual(a);
    expect(a.length).toBe(6);
    expect([...a.kind]).toEqual([OP_ALLOC, OP_MARK, OP_FREE, OP_MARK, OP_ALLOC, OP_MARK]);
    expect(a.checkpoints.label).toEqual(['x', null, 'end']);
    expect([...a.checkpoints.op]).toEqual([1, 3, 5]);
    expect([...a.checkpoints.applied]).toEqual([1, 2, 3]);
    expect(a.slotCount).toBe(1);
  });

  it('streams batches with their checkpoints', async () => {
    const path = join(dir, 'stream.pymtrace.gz');
    await writeFile(path, gzipSync(TEXT));
    const seen: string[] = [];
    for await (const { batch, checkpoints } of readTraceBatches(path, { batchSize: 2 })) {
      expect(batch.length).toBeGreaterThan(0);
      for (const cp of checkpoints) {
        expect(batch.kind[cp.index]).toBe(OP_MARK);
        seen.push(`${cp.label}@${cp.op}/${cp.applied}`);
      }
    }
    expect(seen).toEqual(['x@1/1', 'null@3/2', 'end@5/3']);
    let ops = 0;
    const summary = await readTrace(path, (batch) => {
      ops += batch.length;
    });
    expect(ops).toBe(6);
    expect(summary).toMatchObject({ lines: 6, ops: 5, applied: 3, live: 1, slotCount: 1, badLineCount: 0 });
  });

  it('stops reading when the consumer leaves early', async () => {
    let batches = 0;
    for await (const step of readTraceBatches(FIXTURE, { batchSize: 1000 })) {
      expect(step.batch.length).toBe(1000);
      if (++batches === 3) break;
    }
    expect(batches).toBe(3);
  });

  it('names the file in line errors', async () => {
    const path = join(dir, 'bad.pymtrace.gz');
    await writeFile(path, gzipSync('a 1 8\n# note\nf 2\n'));
    const error = await loadTrace(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceError);
    expect((error as TraceError).message).toBe(`${path}:3: id 2 is not live (got: "f 2")`);
    const skipped = await loadTrace(path, { skipBadLines: true });
    expect(skipped.badLineCount).toBe(1);
    expect(skipped.badLines).toEqual([{ line: 3, text: 'f 2', reason: 'id 2 is not live' }]);
  });

  it('names a missing file', async () => {
    const path = join(dir, 'missing.pymtrace.gz');
    await expect(loadTrace(path)).rejects.toThrow(`${path}: cannot read trace: no such file`);
  });

  it('names a file that is not gzip or is cut short', async () => {
    const path = join(dir, 'fake.pymtrace.gz');
    await writeFile(path, TEXT);
    await expect(loadTrace(path)).rejects.toThrow(`${path}: cannot read trace: not a valid gzip file`);
    const cut = join(dir, 'cut.pymtrace.gz');
    const whole = gzipSync(Array.from({ length: 1000 }, (_, i) => `a ${i} 8\n`).join(''));
    await writeFile(cut, whole.subarray(0, whole.length - 20));
    await expect(loadTrace(cut)).rejects.toThrow(`${cut}: cannot read trace:`);
  });

  it('names a directory given as a trace', async () => {
    await expect(loadTrace(dir)).rejects.toThrow(`${dir}: cannot read trace: is a directory, not a trace file`);
  });

  it('yields the decompressed bytes', async () => {
    const path = join(dir, 'bytes.pymtrace.gz');
    await writeFile(path, gzipSync(TEXT));
    const parts: Uint8Array[] = [];
    for await (const chunk of traceBytes(path)) parts.push(chunk);
    expect(Buffer.concat(parts).toString()).toBe(TEXT);
  });

  it('loads the interleave fixture into columns', async () => {
    // Expected counts come from the text itself (4 rounds of 5000 × two allocs, a checkpoint,
    // 2500 × two frees, a checkpoint).
    const lines = gunzipSync(await readFile(FIXTURE))
      .toString()
      .split('\n');
    let allocs = 0;
    let frees = 0;
    let live = 0;
    let peak = 0;
    let ops = 0;
    const expected: { label: string; op: number; applied: number }[] = [];
    for (const line of lines) {
      if (line === '' || line.startsWith('#')) continue;
      if (line.startsWith('a ')) {
        allocs++;
        peak = Math.max(peak, ++live);
      } else if (line.startsWith('f ')) {
        frees++;
        live--;
      } else if (line.startsWith('c')) {
        expected.push({ label: line.slice(1).trim(), op: ops, applied: allocs + frees });
      }
      ops++;
    }
    expected.push({ label: 'end', op: ops, applied: allocs + frees });
    expect(allocs + frees).toBe(60000);

    const t = await loadTrace(FIXTURE);
    expect(t.length).toBe(ops + 1);
    expect(t.applied).toBe(60000);
    expect(t.kind.filter((k) => k === OP_ALLOC).length).toBe(allocs);
    expect(t.kind.filter((k) => k === OP_FREE).length).toBe(frees);
    expect(t.slotCount).toBe(peak);
    expect(t.checkpoints.label).toEqual(expected.map((c) => c.label));
    expect([...t.checkpoints.op]).toEqual(expected.map((c) => c.op));
    expect([...t.checkpoints.applied]).toEqual(expected.map((c) => c.applied));
    expect(t.checkpoints.label.slice(0, 2)).toEqual(['round1-alloc', 'round1-free']);
    for (let k = 0; k < t.checkpoints.label.length; k++) {
      const at = t.checkpoints.op[k]!;
      expect(t.kind[at]).toBe(OP_MARK);
      expect(t.size[at]).toBe(k);
    }
  });
});
