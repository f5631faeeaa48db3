/**
 * The dashboard's memory chart: a profiled program's real process also draws its RSS; no other run
 * does (a model has no process, a real-interpreter replay measures no program), so none gets a line of zeros.
 */
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../shared/protocol/run-config';
import { memoryKeysOf, SCREEN_MEMORY_KEYS } from '../../renderer/src/model/metrics';

const model: RunConfig = { workload: 'trace-replay', params: { path: 'trace.pymtrace.gz' }, seed: '1', python: '3.11', sampleEvery: 10_000 };

describe('memoryKeysOf', () => {
  it.each([
    ['a model run', model, [...SCREEN_MEMORY_KEYS]],
    ['a real-interpreter replay', { ...model, real: { interpreter: '/usr/bin/python3' } }, [...SCREEN_MEMORY_KEYS]],
    [
      "a profiled program's real process",
      { ...model, real: { interpreter: '/usr/bin/python3', recorded: true as const } },
      [...SCREEN_MEMORY_KEYS, 'rss_bytes'],
    ],
  ])('%s', (_what, config, keys) => {
    expect(memoryKeysOf(config)).toEqual(keys);
  });
});
