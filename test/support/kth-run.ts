import type { RunConfig } from '../../shared/protocol/run-config';

/** keep-every-kth under 3.11 with a sample every 50,000 operations: the run the exact-state and pins tests replay. */
export function kthRun(params: Record<string, number>, seed: string): RunConfig {
  return { workload: 'keep-every-kth', params, seed, python: '3.11', sampleEvery: 50_000 };
}
