/**
 * The real allocator against the model, on the interpreters installed here (a representative
 * subset of `npm run verify-all`): a conformance trace on every interpreter, a workload on each
 * arena mode of one 3.10+ interpreter, and checks that the helper measures the real heap (aligned
 * and misaligned arenas really differ) rather than echoing anything.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateAgent } from '../../../../electron/node/agent/locate';
import { openRealInterpreter } from '../../../../electron/node/real/real-interpreter';
import { diffCheckpoint, verify } from '../../../../electron/node/real/verify';
import { pythonsFrom } from '../../../support/pythons';

const ROOT = join(__dirname, '../../../..');
const TRACE = join(ROOT, 'test/fixtures/conformance/traces/realloc-mix.pymtrace.gz');

function agentBuilt(): boolean {
  try {
    locateAgent();
    return true;
  } catch (error) {
    if (process.env['CI']) throw error;
    console.warn(`real-allocator tests skipped: ${(error as Error).message}`);
    return false;
  }
}

const pythons = agentBuilt() ? pythonsFrom([2, 7], 'real-allocator verification') : [];

describe.skipIf(pythons.length === 0)('verify against installed interpreters', () => {
  for (const py of pythons) {
    it(`${py.version}: a conformance trace is identical at every checkpoint`, async () => {
      const interpreter = await openRealInterpreter(py.path);
      const r = await verify({ source: { kind: 'trace', path: TRACE }, interpreter, arenas: py.line[1] >= 10 ? 'misaligned' : undefined, every: 5000 });
      expect(r.rows.length).toBeGreaterThan(10);
      for (const row of r.rows) expect(row.diffs).toEqual([]);
      expect(r.identical).toBe(r.rows.length);
      expect(new Set(r.rows.map((row) => row.real.fingerprint)).size).toBeGreaterThan(5);
      expect(r.rows.at(-1)!.real.label).toBe('end');
      expect(r.ready.slate.fillers).toBeGreaterThan(0);
    });
  }

  const modern = pythons.find((p) => p.line[0] === 3 && p.line[1] >= 10);
  it.skipIf(!modern)('3.10+: a workload is identical with aligned and with misaligned arenas, which place blocks differently', async () => {
    const interpreter = await openRealInterpreter(modern!.path);
    const source = {
      kind: 'workload' as const,
      config: { workload: 'seed-16b-fill-free', params: {}, seed: '3', python: interpreter.version.version, sampleEvery: 20_000 },
      ops: 120_000,
    };
    const aligned = await verify({ source, interpreter, arenas: 'aligned', every: 20_000 });
    const misaligned = await verify({ source, interpreter, arenas: 'misaligned', every: 20_000 });
    expect(aligned.identical).toBe(aligned.rows.length);
    expect(misaligned.identical).toBe(misaligned.rows.length);
    // The measurement is the real heap's: 64-pool and 63-pool arenas group the same blocks differently.
    const differs = aligned.rows.some((row, k) => row.real.fingerprint !== misaligned.rows[k]!.real.fingerprint);
    expect(differs).toBe(true);
    expect(aligned.rows.at(-1)!.real.pools_per_arena['64']).toBeGreaterThan(0);
    expect(misaligned.rows.at(-1)!.real.pools_per_arena['63']).toBeGreaterThan(0);
    // Samples on the model's cadence: the same applied-operation x axis.
    expect(aligned.rows.filter((r) => r.real.label === 'sample').map((r) => r.real.applied)).toEqual([20_000, 40_000, 60_000, 80_000, 100_000, 120_000]);
  });

  it('a difference is reported, field by field', async () => {
    const interpreter = await openRealInterpreter(pythons[pythons.length - 1]!.path);
    const r = await verify({ source: { kind: 'trace', path: TRACE }, interpreter, every: 100_000 });
    expect(r.identical).toBe(r.rows.length); // native arenas: the model is given the pools each real arena had
    const row = r.rows[3]!;
    const tampered = { ...row.real, pools: row.real.pools + 1, fingerprint: 'f'.repeat(64) };
    const diffs = diffCheckpoint(row.model, tampered);
    expect(diffs.some((d) => d.startsWith('pools:'))).toBe(true);
    expect(diffs.some((d) => d.startsWith('fingerprint:'))).toBe(true);
  });
});

it('the conformance trace used here exists', () => {
  expect(existsSync(TRACE)).toBe(true);
});
