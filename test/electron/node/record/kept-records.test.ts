/**
 * The records a live recording keeps for its trace: handed back in order whether they stayed in
 * memory or went to the file past the budget, in whole records, and the file gone afterwards.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeptRecords } from '../../../../electron/node/record/kept-records';

const UNIT = 16;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'arenascope-kept-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** `n` records whose bytes count up from `from` (mod 256), so order and loss both show. */
function records(from: number, n: number): Uint8Array {
  return Uint8Array.from({ length: n * UNIT }, (_, i) => (from * UNIT + i) & 0xff);
}

async function drained(kept: KeptRecords, pieceBytes?: number): Promise<{ bytes: number[]; pieces: number[] }> {
  const bytes: number[] = [];
  const pieces: number[] = [];
  for await (const piece of kept.drain(UNIT, pieceBytes)) {
    pieces.push(piece.length);
    bytes.push(...piece);
  }
  return { bytes, pieces };
}

describe('KeptRecords', () => {
  it('keeps everything in memory under the budget, and makes no file', async () => {
    const path = join(dir, 'r');
    const kept = new KeptRecords(path, 1 << 20);
    const a = records(0, 10);
    kept.add(a);
    a.fill(0); // the caller's memory is reused: the kept copy must not change
    kept.add(records(10, 5));
    expect(kept.spilledBytes).toBe(0);
    expect(existsSync(path)).toBe(false);
    const out = await drained(kept);
    expect(out.bytes).toEqual([...records(0, 15)]);
  });

  it('past the budget, the rest goes to the file, and it all comes back in order, in whole records', async () => {
    const path = join(dir, 'r');
    const kept = new KeptRecords(path, 20 * UNIT);
    for (let k = 0; k < 12; k++) kept.add(records(k * 7, 7)); // 84 records: 2 pieces in memory (14), the rest in the file
    expect(kept.spilledBytes).toBe(70 * UNIT);
    expect(existsSync(path)).toBe(true);
    const out = await drained(kept, 100); // pieces of 96 bytes: 6 records
    expect(out.bytes).toEqual([...records(0, 84)]);
    for (const n of out.pieces) expect(n % UNIT).toBe(0);
    expect(out.pieces.slice(2).every((n) => n <= 96)).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('once one piece has gone to the file, a later small one does not jump the queue into memory', async () => {
    const kept = new KeptRecords(join(dir, 'r'), 10 * UNIT);
    kept.add(records(0, 8));
    kept.add(records(8, 8)); // over the budget: file
    kept.add(records(16, 1)); // would fit in memory, but must follow the file's
    expect((await drained(kept)).bytes).toEqual([...records(0, 17)]);
  });

  it('a consumer that stops early still removes the file', async () => {
    const path = join(dir, 'r');
    const kept = new KeptRecords(path, 0);
    kept.add(records(0, 100));
    for await (const piece of kept.drain(UNIT, 64)) {
      expect(piece.length).toBe(64);
      break;
    }
    expect(existsSync(path)).toBe(false);
  });
});
