/**
 * The sites extension of pymtrace (shared/trace/sites.ts): `#@` and `#site` lines carry a recorded
 * program's allocation sites as comments, so the ops of a trace with sites read the same as
 * without, and a reader that knows the extension gets each ALLOC's site and the sites' names.
 */
import { describe, expect, it } from 'vitest';
import { bytes, readBatches } from './read-batches';
import { OP_ALLOC, OpBatch } from '../../../shared/ops/op-batch';
import type { TraceReader } from '../../../shared/trace';
import { parseSiteFrames, readTraceBytes, SITES_EXTENSION, TraceWriter } from '../../../shared/trace';

function read(text: string, capacity = 64): { reader: TraceReader; batches: OpBatch[] } {
  return readBatches(text, capacity, 't');
}

/** [id, site] of every ALLOC, in order. */
function allocSites(batches: OpBatch[]): [number, number][] {
  const out: [number, number][] = [];
  for (const b of batches) for (let i = 0; i < b.length; i++) if (b.kind[i] === OP_ALLOC) out.push([b.id[i]!, b.site ? b.site[i]! : -1]);
  return out;
}

describe('pymtrace sites extension', () => {
  it('writes #@ only when the site changes, names sites with #site, and reads both back', () => {
    const batch = new OpBatch(16);
    const sites = batch.sites();
    batch.alloc(0, 0, 16);
    sites[0] = 3;
    batch.alloc(1, 1, 16);
    sites[1] = 3;
    batch.free(1, 1);
    batch.alloc(2, 2, 32);
    sites[3] = 0;
    batch.alloc(3, 3, 48);
    sites[4] = 7;
    const writer = new TraceWriter({ sites: true });
    writer.writeBatch(batch);
    writer.site(3, [{ file: 'app.py', line: 12, func: 'load' }]);
    writer.site(7, [
      { file: 'dir with space/x.py', line: 4, func: 'f' },
      { file: 'app.py', line: 30, func: '<module>' },
    ]);
    const text = writer.take();
    expect(text).toBe(
      [
        '#pymtrace 1',
        SITES_EXTENSION,
        '#@ 3',
        'a 0 16',
        'a 1 16',
        'f 1',
        '#@ 0',
        'a 2 32',
        '#@ 7',
        'a 3 48',
        '#site 3 [["app.py",12,"load"]]',
        '#site 7 [["dir with space/x.py",4,"f"],["app.py",30,"<module>"]]',
        '',
      ].join('\n'),
    );
    // Small batches: the site survives batch boundaries.
    const { reader, batches } = read(text, 2);
    expect(reader.hasSites).toBe(true);
    expect(allocSites(batches)).toEqual([
      [0, 3],
      [1, 3],
      [2, 0],
      [3, 7],
    ]);
    expect(reader.sites.get(3)).toEqual([{ file: 'app.py', line: 12, func: 'load' }]);
    expect(reader.sites.get(7)![1]).toEqual({ file: 'app.py', line: 30, func: '<module>' });
  });

  it("a plain v1 writer leaves a batch's sites out", () => {
    const batch = new OpBatch(4);
    batch.alloc(0, 0, 16);
    batch.sites()[0] = 5;
    const writer = new TraceWriter();
    writer.writeBatch(batch);
    writer.site(5, [{ file: 'a.py', line: 1, func: 'f' }]);
    expect(writer.take()).toBe('#pymtrace 1\na 0 16\n');
  });

  it('the ops of a trace with sites are exactly those of the same trace without them', () => {
    const plain = 'a 0 16\na 1 20\nf 0\nr 1 40\nc mid\na 2 8\n';
    const sited = '#@ 1\na 0 16\n#@ 2\na 1 20\nf 0\nr 1 40\nc mid\n#site 1 [["a.py",1,"f"]]\n#@ 1\na 2 8\n';
    const a = readTraceBytes(bytes(plain));
    const b = readTraceBytes(bytes(sited));
    expect(b.kind).toEqual(a.kind);
    expect(b.id).toEqual(a.id);
    expect(b.size).toEqual(a.size);
    expect(b.slot).toEqual(a.slot);
    expect(b.checkpoints.label).toEqual(a.checkpoints.label);
    expect(a.checkpoints.label).toEqual(['mid', 'end']);
    expect(b.checkpoints.op).toEqual(a.checkpoints.op);
    expect(b.applied).toBe(a.applied);
  });

  it('a trace without sites has no site column; malformed site comments are plain comments', () => {
    const { reader, batches } = read('#pymtrace 1\n# a comment\na 0 16\n#@\n#@ x\n#@ 99999999999\n#site 1 not json\n#site 2 [["f",1]]\n#sitex 3 []\na 1 16\n');
    expect(reader.hasSites).toBe(false);
    expect(batches[0]!.site).toBeNull();
    expect(reader.sites.size).toBe(0);
    expect(reader.appliedCount).toBe(2);
  });

  it('site frames must be [file, line, function] triples', () => {
    expect(parseSiteFrames('[["a.py", 3, "f"]]')).toEqual([{ file: 'a.py', line: 3, func: 'f' }]);
    expect(parseSiteFrames('[]')).toEqual([]);
    expect(parseSiteFrames('[["a.py", 3.5, "f"]]')).toBeNull();
    expect(parseSiteFrames('[["a.py", "3", "f"]]')).toBeNull();
    expect(parseSiteFrames('{"file": "a.py"}')).toBeNull();
    expect(parseSiteFrames('[["a.py", 3, "f"]')).toBeNull();
  });
});
