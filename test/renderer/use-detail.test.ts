/**
 * The detail panel's questions to the host: a picked time is rebuilt at once; the window's end is not
 * rebuilt while the view moves (the nearest snapshot meanwhile), only once it has been still, and
 * never on its own when the replay would be long.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import type { DetailSnapshot } from '../../shared/protocol/bridge';

const calls: { method: 'stateAt' | 'detail'; op: number }[] = [];
const snapshot = (op: number): DetailSnapshot => ({ op }) as unknown as DetailSnapshot;

vi.mock('../../renderer/src/services/host', () => ({
  errorMessage: (e: unknown) => String(e),
  fetchStateAt: vi.fn(async (_runId: string, op: number) => {
    calls.push({ method: 'stateAt', op });
    return snapshot(op);
  }),
  fetchDetail: vi.fn(async (_runId: string, op: number) => {
    calls.push({ method: 'detail', op });
    return snapshot(op - 1);
  }),
  onReplay: () => () => undefined,
}));

const { AUTO_EXACT_MAX_OPS, SETTLE_MS, useDetail } = await import('../../renderer/src/composables/useDetail');
type Target = Parameters<typeof useDetail>[0] extends () => infer T ? T : never;

/** useDetail on a target the test moves; waits for the fetches a step starts. */
function detailOf(start: Target) {
  const target = ref(start);
  const scope = effectScope();
  const state = scope.run(() => useDetail(() => target.value))!;
  return { target, state, stop: () => scope.stop() };
}

async function settle(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await nextTick();
}

beforeEach(() => {
  calls.length = 0;
  vi.useFakeTimers();
  vi.spyOn(console, 'warn').mockImplementation(() => undefined); // onBeforeUnmount outside a component
});
afterEach(() => vi.useRealTimers());

describe('useDetail', () => {
  it('rebuilds a picked time at once', async () => {
    const d = detailOf({ runId: 'r', op: 5000, exact: true, picked: true });
    await settle(0);
    expect(calls).toEqual([{ method: 'stateAt', op: 5000 }]);
    expect(d.state.detail.value?.op).toBe(5000);
    d.stop();
  });

  it("shows the window end's nearest snapshot while the view moves, and rebuilds it once still", async () => {
    const d = detailOf({ runId: 'r', op: 1000, exact: true, picked: false });
    await settle(0);
    expect(calls).toEqual([{ method: 'detail', op: 1000 }]);
    // Zooming: a new end every 300 ms, never still for SETTLE_MS.
    for (const op of [2000, 3000, 4000]) {
      d.target.value = { runId: 'r', op, exact: true, picked: false };
      await settle(300);
    }
    expect(calls.some((c) => c.method === 'stateAt')).toBe(false);
    await settle(SETTLE_MS);
    expect(calls.filter((c) => c.method === 'stateAt')).toEqual([{ method: 'stateAt', op: 4000 }]);
    expect(d.state.detail.value?.op).toBe(4000);
    d.stop();
  });

  it('never replays on its own to a far window end, and says a click asks for it', async () => {
    const far = AUTO_EXACT_MAX_OPS + 1;
    const d = detailOf({ runId: 'r', op: far, exact: true, picked: false });
    await settle(SETTLE_MS * 3);
    expect(calls).toEqual([{ method: 'detail', op: far }]);
    expect(d.state.inexact.value).toMatch(/click the chart at this time/);
    d.target.value = { runId: 'r', op: far, exact: true, picked: true };
    await settle(SETTLE_MS);
    expect(calls.at(-1)).toEqual({ method: 'stateAt', op: far });
    d.stop();
  });
});
