// A workload's generator on its own thread writes the very stream it writes on the run loop's thread.
import { describe, expect, it } from 'vitest';
import { resolveVersion } from '../../../shared/engine';
import { OpBatch } from '../../../shared/ops/op-batch';
import { GeneratorThreadError } from '../../../shared/ops/op-ring';
import { targetOf } from '../../../shared/run/target';
import { getWorkload } from '../../../shared/workloads/registry';
import { resolveParams } from '../../../shared/workloads/params';
import type { Generator, ParamValue } from '../../../shared/workloads/workload';
import { startGeneratorThread, type GeneratorRequest } from '../../../electron/worker/generator-thread';

/** Every operation a generator writes, as one string per column, read `capacity` ops at a time. */
function drain(g: Generator, capacity: number): { ops: number; text: string; labels: string[] } {
  const b = new OpBatch(capacity);
  const parts: string[] = [];
  const labels: string[] = [];
  let ops = 0;
  for (let guard = 0; !g.done; guard++) {
    if (guard > 1e7) throw new Error('the generator never ended');
    b.clear();
    g.fill(b);
    for (let i = 0; i < b.length; i++) {
      parts.push(`${b.kind[i]} ${b.slot[i]} ${b.id[i]} ${b.kind[i] === 3 ? b.labels[b.size[i]!] : b.size[i]} ${b.origin[i]}`);
    }
    labels.push(...b.labels);
    ops += b.length;
  }
  return { ops, text: parts.join('\n'), labels };
}

function request(workload: string, params: Record<string, ParamValue>, seed = 7n): GeneratorRequest {
  const version = resolveVersion('3.11');
  return { workload, params: resolveParams(getWorkload(workload), params), seed, target: targetOf(version, version.preset.defaultArenas) };
}

describe('a generator on its own thread', () => {
  it.each([
    ['int-list-del', { N: 30000, stride: 1000 }],
    ['seed-16b-fill-free', { N: 50000, order: 'random' }],
    ['arena-edge-thrash', {}],
  ] as const)('%s writes the same stream, byte for byte, whatever the batch size', (workload, params) => {
    const r = request(workload, params);
    const def = getWorkload(workload);
    const local = drain(def.create(r.params, r.seed, r.target), 1 << 14);
    expect(local.ops).toBeGreaterThan(1000);
    for (const capacity of [1 << 14, 999]) {
      const threaded = startGeneratorThread(r);
      try {
        const remote = drain(threaded, capacity);
        expect(remote.ops).toBe(local.ops);
        expect(remote.text === local.text).toBe(true);
        expect(remote.labels).toEqual(local.labels);
      } finally {
        threaded.close();
      }
    }
  });

  it('ends a run with the thread’s error when its generator cannot be made', () => {
    const r = { ...request('int-list-del', { N: 100 }), workload: 'no-such-workload' };
    const threaded = startGeneratorThread(r);
    try {
      const b = new OpBatch(64);
      let error: unknown = null;
      for (let i = 0; i < 1000 && error === null; i++) {
        try {
          threaded.fill(b);
        } catch (e) {
          error = e;
        }
      }
      expect(error).toBeInstanceOf(GeneratorThreadError);
      expect(String((error as Error).message)).toMatch(/generator thread failed: .*no-such-workload/);
    } finally {
      threaded.close();
    }
  });

  it('drains when asked to finish: the frees of every live object, then the end', () => {
    const r = request('steady-churn', {});
    const threaded = startGeneratorThread(r);
    try {
      const b = new OpBatch(1 << 14);
      let ops = 0;
      while (ops < 100000) {
        b.clear();
        threaded.fill(b);
        ops += b.length;
      }
      threaded.finish();
      const rest = drain(threaded, 1 << 14);
      expect(threaded.done).toBe(true);
      expect(rest.labels).toContain('drain');
      expect(threaded.liveCount).toBe(0);
    } finally {
      threaded.close();
    }
  });
});
