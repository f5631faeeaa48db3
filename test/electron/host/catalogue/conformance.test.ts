/**
 * Fidelity: the engine against real interpreters' recorded checkpoint lines (test/fixtures/conformance:
 * the small traces, and the 10 × 2^20 × 16-byte trace, which is regenerated here in memory rather
 * than stored).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkCase, findCases, runConformance, type ConformanceCase } from '../../../../electron/host/catalogue/conformance';
import { OpBatch } from '../../../../shared/ops/op-batch';
import type { TraceColumns } from '../../../../shared/trace';

const DIR = fileURLToPath(new URL('../../../fixtures/conformance', import.meta.url));

describe('conformance fixtures', () => {
  it('every small trace matches every interpreter and arena mode', async () => {
    const results = await runConformance(DIR, () => {});
    const ran = results.filter((r) => !r.skipped);
    // 3 traces × (5 native + 4 × 2 arena modes).
    expect(ran).toHaveLength(39);
    for (const r of ran)
      expect({ case: `${r.trace} ${r.interpreter} ${r.mode}`, diffs: r.diffs }).toEqual({ case: `${r.trace} ${r.interpreter} ${r.mode}`, diffs: [] });
    expect(ran.reduce((n, r) => n + r.checkpoints, 0)).toBe(468);
  });

  it('seed-16b (10 × 2^20 blocks of 16 bytes, then free all) matches every interpreter', () => {
    // The trace as the oracle's generator writes it: ids 0..N-1, checkpoints `peak` and `freed`.
    const n = 10 * 1024 * 1024;
    const batch = new OpBatch(2 * n + 3);
    for (let i = 0; i < n; i++) batch.alloc(i, i, 16);
    batch.mark('peak');
    for (let i = 0; i < n; i++) batch.free(i, i);
    batch.mark('freed');
    batch.mark('end');
    const labels = ['peak', 'freed', 'end'];
    let k = 0;
    for (let i = 0; i < batch.length; i++) if (batch.kind[i] === 3) batch.size[i] = k++;
    const columns: TraceColumns = {
      ...batch,
      length: batch.length,
      kind: batch.kind,
      slot: batch.slot,
      size: batch.size,
      id: batch.id,
      checkpoints: { label: labels, op: new Float64Array([n, 2 * n + 1, 2 * n + 2]), applied: new Float64Array([n, 2 * n, 2 * n]) },
      slotCount: n,
      applied: 2 * n,
      lines: 2 * n + 4,
      badLineCount: 0,
      badLines: [],
    };
    const cases = findCases(DIR).filter((c) => c.trace === 'seed-16b');
    expect(cases).toHaveLength(13);
    const cache = new Map();
    for (const c of cases) {
      const r = checkCase(c as ConformanceCase, columns, cache);
      expect({ case: `${c.interpreter} ${c.mode}`, checkpoints: r.checkpoints, diffs: r.diffs }).toEqual({
        case: `${c.interpreter} ${c.mode}`,
        checkpoints: 3,
        diffs: [],
      });
    }
  });

  it('reports a difference when the expected output disagrees', () => {
    const c = findCases(DIR).find((x) => x.trace === 'interleave' && x.interpreter === '3.9.18')!;
    // Compare 3.9's recording with the 3.11 preset: different pool geometry, so it must fail.
    const lines = readFileSync(c.expectedFile, 'utf8');
    expect(lines.length).toBeGreaterThan(0);
    const wrong: ConformanceCase = { ...c, interpreter: '3.11.7', mode: 'aligned' };
    return import('../../../../electron/node/trace-file').then(async ({ loadTrace }) => {
      const r = checkCase(wrong, await loadTrace(c.tracePath!));
      expect(r.mismatched).toBeGreaterThan(0);
      expect(r.diffs.join('\n')).toMatch(/pools/);
    });
  });
});
