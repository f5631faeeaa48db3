/**
 * Member runs: the sized members a reader inflates in one call are found whole and within bounds,
 * cut back into each member's own text, and any damage gives null (the caller then goes member by member).
 */
import { describe, expect, it } from 'vitest';
import { inflateRun, memberRun, RUN_BYTES, sizedMember } from '../../../../electron/host/session/gzip';

const texts = ['{"t":"a"}\n', '', 'x'.repeat(1000) + '\n', '{"t":"b","n":1}\n', 'é\n'];

async function members(list: string[]): Promise<{ file: Buffer; sizes: number[] }> {
  const parts = await Promise.all(list.map((t) => sizedMember(Buffer.from(t, 'utf8'))));
  return { file: Buffer.concat(parts), sizes: parts.map((p) => p.length) };
}

describe('member runs', () => {
  it('finds every whole member, and inflates them in one call into each one’s text', async () => {
    const { file, sizes } = await members(texts);
    const run = memberRun(file, sizes[0]!, 1 << 20);
    expect(run.map((m) => m.size)).toEqual(sizes);
    expect(run.map((m) => m.isize)).toEqual(texts.map((t) => Buffer.byteLength(t)));
    const out = inflateRun(file, run)!;
    expect(out.parts.map((p) => p.toString('utf8'))).toEqual(texts);
    expect(out.whole).toBe(Buffer.byteLength(texts.join('')));
  });

  it('stops at a member cut off by the end of the buffer, one over the size limit, or past RUN_BYTES', async () => {
    const { file, sizes } = await members(texts);
    expect(memberRun(file.subarray(0, sizes[0]! + sizes[1]! + 5), sizes[0]!, 1 << 20)).toHaveLength(2);
    expect(memberRun(file, sizes[0]!, sizes[2]! - 1)).toHaveLength(2);
    const big = await members(['y'.repeat(RUN_BYTES - 100), 'z'.repeat(200), 'w']);
    // The first member always counts; the second would take the text past RUN_BYTES.
    expect(memberRun(big.file, big.sizes[0]!, 1 << 30)).toHaveLength(1);
  });

  it('any damage in the run gives null, never a wrong cut', async () => {
    const { file, sizes } = await members(texts);
    const run = memberRun(file, sizes[0]!, 1 << 20);
    for (let at = 0; at < file.length; at += 7) {
      const copy = Buffer.from(file);
      copy[at]! ^= 0x10;
      const out = inflateRun(copy, run);
      // A flip zlib cannot see (a header byte it skips, such as MTIME) may still inflate: then the texts are the true ones.
      if (out !== null) expect(out.parts.map((p) => p.toString('utf8'))).toEqual(texts);
    }
    // A size field that spans two members: the text no longer adds up.
    const wrong = [{ size: sizes[0]! + sizes[1]!, isize: run[1]!.isize }, ...run.slice(2)];
    expect(inflateRun(file, wrong)).toBeNull();
  });
});
