// The detail and compare views' fetches: only the latest request's outcome is shown.
import { describe, expect, it } from 'vitest';
import { latestOnly } from '../../renderer/src/composables/useLatestFetch';

/** A promise the test settles by hand, so the replies can arrive in any order. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Two loads made one after the other, their replies left for the test to settle. */
function twoRequests(): { replies: ReturnType<typeof deferred<string>>[]; seen: unknown[]; first: Promise<void>; second: Promise<void> } {
  const replies = [deferred<string>(), deferred<string>()];
  let call = 0;
  const seen: unknown[] = [];
  const load = latestOnly(
    () => replies[call++]!.promise,
    (o) => seen.push(o),
  );
  const first = load();
  const second = load();
  return { replies, seen, first, second };
}

describe('latestOnly', () => {
  it('drops a reply that arrives after a newer request was made', async () => {
    const { replies, seen, first, second } = twoRequests();
    replies[1]!.resolve('new');
    await second;
    replies[0]!.resolve('old');
    await first;
    expect(seen).toEqual([{ value: 'new' }]);
  });

  it('drops a stale failure, and reports the latest one', async () => {
    const { replies, seen, first, second } = twoRequests();
    replies[0]!.reject(new Error('stale'));
    await first;
    expect(seen).toEqual([]);
    const fault = new Error('host gone');
    replies[1]!.reject(fault);
    await second;
    expect(seen).toEqual([{ error: fault }]);
  });

  it('reports a fetch that throws before its first await', async () => {
    const seen: unknown[] = [];
    const fault = new Error('no host connected');
    await latestOnly(
      () => Promise.reject(fault),
      (o) => seen.push(o),
    )();
    expect(seen).toEqual([{ error: fault }]);
  });
});
