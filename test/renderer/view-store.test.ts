// The shown window: the same range reported again (the zoom plugin's settle after a wheel zoom)
// changes nothing, so no chart fetches and draws its window twice; an empty range means the whole run.
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { watch } from 'vue';
import { useViewStore } from '../../renderer/src/stores/view';

describe('view.setRange', () => {
  it('ignores the same range reported again, takes a new one, and reads an empty one as the whole run', async () => {
    setActivePinia(createPinia());
    const view = useViewStore();
    let changes = 0;
    watch(
      () => view.range,
      () => changes++,
      { flush: 'sync' },
    );
    view.setRange([10, 20]);
    view.setRange([10, 20]);
    expect(changes).toBe(1);
    view.setRange([10, 30]);
    expect(changes).toBe(2);
    expect(view.range).toEqual([10, 30]);
    view.setRange([5, 5]);
    expect(view.range).toBeNull();
    expect(changes).toBe(3);
  });
});
