/**
 * The dashboard's pins job on a recorded program's trace (record --origins): the blocks are grouped
 * by the source lines named at the trace's end, even when the job stops reading early at its op,
 * and the report passes the protocol's schema (origin ids are counts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { readTraceBatches, readTraceSites } from '../../../electron/node/trace-file';
import { runPinsJob } from '../../../electron/worker/pins-job';
import { OpBatch } from '../../../shared/ops/op-batch';
import { PinsReportMessageSchema } from '../../../shared/protocol/pins-message';
import { PROTOCOL_VERSION } from '../../../shared/protocol/worker-messages';
import { TraceWriter } from '../../../shared/trace';

describe('pins job on a trace with sites', () => {
  it('names the keeping line from the #site lines at the end', async () => {
    const N = 100_000;
    const k = 1000;
    const batch = new OpBatch(2 * N);
    const site = batch.sites();
    for (let i = 0; i < N; i++) {
      batch.alloc(i, i, 32);
      site[i] = i % k === 0 ? 2 : 1;
    }
    // One kept block has no site (allocated with no Python frame).
    site[k] = 0;
    for (let i = 0; i < N; i++) if (i % k !== 0) batch.free(i, i);
    const writer = new TraceWriter({ sites: true });
    writer.writeBatch(batch);
    writer.checkpoint('end');
    writer.site(1, [{ file: 'main.py', line: 11, func: 'build' }]);
    writer.site(2, [{ file: 'cache.py', line: 7, func: 'remember' }]);
    const path = join(mkdtempSync(join(tmpdir(), 'arenascope-pins-sites-')), 'trace.pymtrace');
    writeFileSync(path, writer.take());

    const sent: unknown[] = [];
    await runPinsJob(
      {
        type: 'pins',
        protocolVersion: PROTOCOL_VERSION,
        // Stop at the last free: the job leaves the file before the #site lines.
        op: 2 * N - N / k,
        threshold: 0.1,
        config: { workload: 'trace-replay', params: { path }, seed: '1', python: '3.12', sampleEvery: 1000 },
      },
      {
        send: (m) => sent.push(m),
        defer: () => Promise.resolve(),
        now: () => 0,
        openTrace: async function* (p: string) {
          for await (const step of readTraceBatches(p)) yield step.batch;
        },
        readSites: readTraceSites,
      },
    );
    const last = sent.at(-1) as { type: string; message?: string };
    expect(last.type, last.message).toBe('pins-report');
    const parsed = v.safeParse(PinsReportMessageSchema, last);
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    const origins = parsed.output.report.origins;
    expect(origins[0]!.label).toBe('cache.py:7 in remember');
    expect(origins[0]!.blocks).toBe(N / k - 1);
    expect(origins.map((o) => o.label)).toContain("no Python frame: class 1 (32 B), born in phase 'start'");
  });
});
