// Every schema refusal (bridge request, worker message, run configuration, session record) is told
// by one formatter: the field at fault as a dotted path, and what is wrong with it.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { describeIssues } from '../../../shared/protocol/issues';
import { RunConfigSchema } from '../../../shared/protocol/run-config';
import { parseMessage, WorkerToHostSchema } from '../../../shared/protocol/worker-messages';

function refusal(schema: v.GenericSchema, data: unknown): string {
  const r = v.safeParse(schema, data);
  if (r.success) throw new Error('accepted');
  return describeIssues(r.issues);
}

describe('describeIssues', () => {
  it('names a nested field by its dotted path', () => {
    const schema = v.object({ query: v.object({ maxPoints: v.pipe(v.number(), v.minValue(1, 'at least 1')) }) });
    expect(refusal(schema, { query: { maxPoints: 0 } })).toBe('field query.maxPoints: at least 1');
  });

  it('goes below a variant and a union to the field that is wrong', () => {
    const schema = v.variant('t', [
      v.object({ t: v.literal('a'), inner: v.union([v.object({ x: v.number('x must be a number') }), v.object({ y: v.number('y must be a number') })]) }),
      v.object({ t: v.literal('b') }),
    ]);
    expect(refusal(schema, { t: 'a', inner: { x: 'one' } })).toBe('field inner.x: x must be a number');
  });

  it('names an unknown key of a strict object, and says what is wrong with a value that has no field', () => {
    expect(refusal(v.strictObject({ a: v.number() }), { a: 1, extra: 2 })).toMatch(/^field extra: Invalid key: Expected never but received "extra"/);
    expect(refusal(v.pipe(v.string(), v.minLength(1, 'an empty name')), '')).toBe('an empty name');
  });

  it('is what worker messages and run configurations are refused with', () => {
    const r = parseMessage(RunConfigSchema, { workload: 'steady-churn', params: {}, seed: '1', python: '3.11', sampleEvery: 0 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/^field sampleEvery: /);
    const w = parseMessage(WorkerToHostSchema, { type: 'nonsense' });
    expect(!w.ok && w.reason).toMatch(/type/);
  });
});
