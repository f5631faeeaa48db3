// Real-interpreter runs started through the app host (as the dashboard does): the same workload on
// the engine and on an installed CPython's own allocator, side by side, with identical figures at
// every common sample; and each refusal (not an interpreter, the agent missing, the serve policy)
// named, with nothing started.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppHost } from '../../../electron/host/app-host';
import { servePolicy } from '../../../electron/host/policy/capabilities';
import type { RunSummary } from '../../../shared/protocol/bridge';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { SERIES } from '../../../shared/run/sample';
import { UNMEASURED_SERIES } from '../../../shared/run/sample-verdict';
import { fakePython } from '../node/real/fake-python';
import { waitFor } from '../wait';
import { hostFixture } from './host-fixture';

const fixture = hostFixture('app host real runs', 'arenascope-host-real-');
const { python, tmp } = fixture;

function host(policy?: Awaited<ReturnType<typeof servePolicy>>): AppHost {
  return fixture.host(policy ? { policy } : {});
}

// Every checkpoint sampled (no rate cap), as the dashboard asks beside a real run.
const config = (version: string): RunConfig => ({
  workload: 'seed-16b-fill-free',
  params: { N: 20_000 },
  seed: '1',
  python: version,
  sampleEvery: 2000,
  maxSampleRate: 0,
});

async function finished(h: AppHost, runId: string): Promise<RunSummary> {
  let run: RunSummary | undefined;
  await waitFor(
    `${runId} to finish`,
    () => {
      void h.runs().then((rs) => (run = rs.find((r) => r.runId === runId)));
      return run !== undefined && ['done', 'failed', 'crashed', 'stopped'].includes(run.state);
    },
    120_000,
  );
  return run!;
}

describe.runIf(python !== undefined)('real-interpreter runs through the app host', () => {
  it('offers the discovered interpreters with their versions, and runs one beside the model with identical figures', async () => {
    const h = host();
    const offered = await h.interpreters();
    expect(offered.some((i) => i.version === python!.version)).toBe(true);
    const choice = offered.find((i) => i.version === python!.version)!;
    const model = await h.startRun(config(choice.version));
    const real = await h.startRun({ ...config(choice.version), real: { interpreter: choice.path } });
    const [m, r] = [await finished(h, model.runId), await finished(h, real.runId)];
    expect(m).toMatchObject({ state: 'done', ops: 40_000 });
    expect(r).toMatchObject({ state: 'done', ops: 40_000, name: `${choice.version} real seed-16b-fill-free`, config: { real: { interpreter: choice.path } } });
    // Every series but wall time, at every sample: the model put everything where the interpreter did.
    const keys = SERIES.map((s) => s.key).filter((k) => k !== 'wall_ms' && k !== 'op' && !UNMEASURED_SERIES.has(k));
    // Each sample's own value (a model point's max also carries its window's envelope; a real run has none).
    const window = (runId: string) => h.window({ runId, series: keys, from: -Infinity, to: Infinity, maxPoints: 10_000, axis: 'op', values: true });
    const [wm, wr] = [await window(model.runId), await window(real.runId)];
    const byOp = (s: { x: number[]; y: number[] }): Map<number, number> => new Map(s.x.map((x, i) => [x, s.y[i]!]));
    for (const k of keys) {
      const m = byOp(wm.series[k]!.samples!);
      const r = byOp(wr.series[k]!.samples!);
      expect([...r.keys()], k).toEqual([...m.keys()]);
      expect([...r.values()], k).toEqual([...m.values()]);
    }
    expect(wm.series['arenas']!.samples!.x.length).toBeGreaterThan(10);
  });
});

describe('real-interpreter runs refused by the app host', () => {
  it('names a path that is not an interpreter, and starts nothing', async () => {
    const h = host();
    const fake = join(tmp, 'not-python');
    writeFileSync(fake, '#!/bin/sh\necho hello\n');
    chmodSync(fake, 0o755);
    await expect(h.startRun({ ...config('3.11'), real: { interpreter: fake } })).rejects.toThrow(/^invalid run configuration: real: .*not-python/);
    expect(await h.runs()).toEqual([]);
  });

  it('names too old a Python and other unusable builds, and starts nothing', async () => {
    const h = host();
    for (const [name, answer, why] of [
      ['python2.6', { version: [2, 6, 9] }, /needs CPython 2\.7 or newer/],
      ['python3.5', { version: [3, 5, 10] }, /3\.0–3\.5 are not supported/],
      ['python3.13t', { version: [3, 13, 0], freeThreaded: true }, /free-threaded build/],
    ] as const) {
      const exe = fakePython(name, { version: [...answer.version] as [number, number, number], ...('freeThreaded' in answer ? { freeThreaded: true } : {}) });
      await expect(h.startRun({ ...config('3.11'), real: { interpreter: exe } })).rejects.toThrow(why);
    }
    expect(await h.runs()).toEqual([]);
  });

  it('says the agent is missing, and starts nothing', async () => {
    const h = host();
    const saved = process.env['ARENASCOPE_AGENT_DIR'];
    process.env['ARENASCOPE_AGENT_DIR'] = join(tmp, 'no-agent-here');
    try {
      await expect(h.startRun({ ...config('3.11'), real: { interpreter: python?.path ?? '/usr/bin/python3' } })).rejects.toThrow(
        /^invalid run configuration: real: .*agent/i,
      );
    } finally {
      if (saved === undefined) delete process.env['ARENASCOPE_AGENT_DIR'];
      else process.env['ARENASCOPE_AGENT_DIR'] = saved;
    }
    expect(await h.runs()).toEqual([]);
  });

  it('in serve mode: refused without --allow-programs (naming it), and an interpreter the host did not discover refused with it', async () => {
    const closed = host(await servePolicy());
    expect(await closed.interpreters()).toEqual([]);
    await expect(closed.startRun({ ...config('3.11'), real: { interpreter: '/usr/bin/python3' } })).rejects.toThrow(/--allow-programs/);
    const open = host(await servePolicy({ allowPrograms: true }));
    await expect(open.startRun({ ...config('3.11'), real: { interpreter: '/bin/sh' } })).rejects.toThrow(/starts only the interpreters it found/);
    expect(await open.runs()).toEqual([]);
  });
});
