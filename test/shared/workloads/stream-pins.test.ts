/**
 * Each workload's stream, pinned: the same seed gives the same operations whatever the code's shape
 * (docs/workloads.md, "Versions"). A change that alters a stream fails here; if the change is meant,
 * bump the workload's `version` and pin its new stream, so a result file's version still says which
 * stream it came from.
 *
 * The pin is an FNV-1a hash over the first OPS operations (kind, slot, size, id) and the mark labels,
 * at seed 1 and default parameters, in batches of 4096. Origin tags are outside a stream's identity
 * (docs/workloads.md) and not hashed.
 */
import { describe, expect, it } from 'vitest';
import { OpBatch } from '../../../shared/ops/op-batch';
import { createGenerator, WORKLOADS } from '../../../shared/workloads/registry';

const OPS = 300_000;

/** Workload → [version, hash] as of the version named. */
const PINS: Record<string, readonly [number, string]> = {
  'seed-16b-fill-free': [1, '686c26dd'],
  'steady-churn': [2, '02ff946e'],
  'ramp-cycles': [2, 'd2ec9b87'],
  'keep-every-kth': [1, '686c26dd'],
  'pareto-lifetimes': [3, 'c35bcfb5'],
  'lru-cache-server': [2, 'd3442cf5'],
  'larson-server': [1, '81d4a15e'],
  'dict-of-lists-etl': [2, '94c20cc1'],
  'string-builder': [2, '3a881258'],
  'mixed-large-small': [2, 'e290db7c'],
  'int-list-del': [1, 'ad0d92ef'],
  'arena-edge-thrash': [1, 'a5ffd727'],
  'interpreter-mix': [3, '1bdfe02f'],
  'refcount-temporaries': [2, 'b013dc5e'],
  'size-sweep-window': [1, 'e6d8fb59'],
};

function streamHash(name: string): string {
  const g = createGenerator(name, {}, 1);
  const b = new OpBatch(4096);
  let h = 0x811c9dc5;
  const mix = (v: number) => {
    h = Math.imul(h ^ (v | 0), 0x01000193);
  };
  let ops = 0;
  while (ops < OPS && !g.done) {
    b.clear();
    g.fill(b);
    for (let i = 0; i < b.length; i++) {
      mix(b.kind[i]!);
      mix(b.slot[i]!);
      mix(b.size[i]!);
      mix(b.id[i]!);
      mix(Math.floor(b.id[i]! / 4294967296));
    }
    for (const label of b.labels) for (let k = 0; k < label.length; k++) mix(label.charCodeAt(k));
    ops += b.length - b.labels.length;
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

describe.each(WORKLOADS.map((w) => [w.name, w.version] as const))('%s', (name, version) => {
  it(`writes the stream pinned for its version ${version}`, () => {
    const pin = PINS[name];
    expect(pin, `no pin for ${name}: add [${version}, '${streamHash(name)}']`).toBeDefined();
    expect(version, `${name} is at version ${version}, its pin at ${pin![0]}: pin the new version's stream`).toBe(pin![0]);
    expect(streamHash(name), `${name}'s stream changed: if meant, bump its version and pin the new stream`).toBe(pin![1]);
  });
});
