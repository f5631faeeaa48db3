/**
 * The dashboard as a user drives it, in real Chromium against the real browser server: start
 * seed-16b-fill-free under 2.4 and 3.11, watch both grow, pause and resume, zoom, compare, and
 * check that the retained-after-free values shown are the engine's own. Screenshots go to
 * test-results/e2e (artifacts, not committed).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PALETTES, RUN_CHART_IDS, RUN_CHARTS, type ThemeName } from '../../shared/charts';
import { createAllocator, resolveVersion } from '../../shared/engine';
import { RunLoop } from '../../shared/run/run-loop';
import { targetOf } from '../../shared/run/target';
import { getWorkload } from '../../shared/workloads/registry';
import { resolveParams } from '../../shared/workloads/params';
import { ARTIFACTS, e2eAvailable } from './harness';
import { useServedPage } from './served-page';

// Long enough (about 84 M operations per run) that a pause lands while the run goes.
const PARAMS = { N: 10_485_760, repeat: 4 };

/** Arena bytes at the end of the last free phase, computed by the engine in this process. */
function engineRetainedAfterFree(python: string): number {
  const v = resolveVersion(python);
  const arenas = v.preset.defaultArenas;
  const def = getWorkload('seed-16b-fill-free');
  const alloc = createAllocator(v, { arenas });
  const loop = new RunLoop(def.create(resolveParams(def, PARAMS), 1n, targetOf(v, arenas)), alloc, { sampleEvery: 1 << 30, clock: () => 0 });
  while (!loop.done) loop.run(1 << 24);
  return alloc.narenasCurrent * v.preset.ARENA_SIZE;
}

const run = e2eAvailable();

describe.runIf(run)('dashboard in Chromium', () => {
  const e2e = useServedPage([], { viewport: { width: 1400, height: 1100 } });
  const shot = (name: string) => e2e.page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  // A row is found by the version its name starts with: other cells' figures (ops, rate, elapsed)
  // can read "3.11" too, which made a text match on the whole row find two rows.
  const escaped = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const rowOf = (python: string) =>
    e2e.page.locator('[data-testid="run-row"]', {
      has: e2e.page.locator('[data-testid="run-name"]', { hasText: new RegExp(`^\\s*${escaped(resolveVersion(python).version)}\\s`) }),
    });
  const opsOf = async (python: string): Promise<number> => Number(await rowOf(python).locator('[data-testid="run-ops"]').getAttribute('data-value'));

  async function startRun(python: string): Promise<void> {
    await e2e.page.selectOption('[data-testid="version-select"]', python);
    await e2e.page.selectOption('[data-testid="workload-select"]', 'seed-16b-fill-free');
    await e2e.page.fill('[data-testid="param-N"]', String(PARAMS.N));
    await e2e.page.fill('[data-testid="param-repeat"]', String(PARAMS.repeat));
    await e2e.page.click('[data-testid="start-button"]');
  }

  it('runs, pauses, resumes, zooms and compares', async () => {
    await e2e.page.goto(e2e.served.url);
    await expect.poll(() => e2e.page.locator('[data-testid="version-select"] option').count(), { timeout: 20_000 }).toBeGreaterThan(5);
    await expect.poll(() => e2e.page.textContent('[data-testid="version-policy"]')).toMatch(/family/);
    // Served without --allow-files: the e2e.page cannot name a file on the server, so trace replay takes an upload, and it says why.
    expect(await e2e.page.locator('[data-testid="workload-select"] option[value="trace-replay"]').count()).toBe(1);
    expect(await e2e.page.locator('[data-testid="workload-select"] option[value="steady-churn"]').count()).toBe(1);
    expect(await e2e.page.textContent('[data-testid="withheld-note"]')).toMatch(/started without --allow-files\): upload a trace to replay it/);
    await shot('1-setup');

    await startRun('2.4');
    await startRun('3.11');
    await expect.poll(() => e2e.page.locator('[data-testid="run-row"]').count(), { timeout: 20_000 }).toBe(2);

    // Both grow.
    await expect.poll(() => opsOf('2.4'), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => opsOf('3.11'), { timeout: 30_000 }).toBeGreaterThan(0);

    // Pause 3.11 while it runs, see its count hold (a step of exactly S operations lands it at
    // held + S: nothing ran on its own in between), then resume.
    const row = rowOf('3.11');
    await row.locator('[data-testid="run-pause"]').click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('paused');
    const held = await opsOf('3.11');
    expect(held).toBeLessThan(2 * PARAMS.N * PARAMS.repeat);
    const step = Number(await e2e.page.inputValue('[data-testid="step-ops"]'));
    await row.locator('[data-testid="run-step"]').click();
    await expect.poll(() => opsOf('3.11'), { timeout: 10_000 }).toBe(held + step);
    expect(await row.getAttribute('data-state')).toBe('paused');
    await shot('2-paused');
    await row.locator('[data-testid="run-resume"]').click();
    await expect.poll(() => opsOf('3.11'), { timeout: 10_000 }).toBeGreaterThan(held);
    for (const py of ['2.4', '3.11']) {
      await expect.poll(() => rowOf(py).getAttribute('data-state'), { timeout: 90_000 }).toBe('done');
    }
    const total = 2 * PARAMS.N * PARAMS.repeat;
    expect(await opsOf('2.4')).toBe(total);
    expect(await opsOf('3.11')).toBe(total);
    await shot('3-done');

    // The charts' titles are the exports' (RUN_CHARTS); the page's colours are the palette's, in either theme.
    expect(await e2e.page.locator('[data-testid="run-view"] .chart-title h3').allTextContents()).toEqual(RUN_CHART_IDS.map((id) => RUN_CHARTS[id].title));
    const pageColors = (): Promise<string[]> =>
      e2e.page.evaluate('[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color, document.documentElement.dataset.theme]');
    const rgb = (hex: string): string => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
    const inTheme = (t: ThemeName): string[] => [rgb(PALETTES[t].bg), rgb(PALETTES[t].text), t];
    const first = (await pageColors())[2] === 'dark' ? 'dark' : 'light';
    expect(await pageColors()).toEqual(inTheme(first));
    await e2e.page.click('[data-testid="theme-toggle"]');
    await expect.poll(pageColors).toEqual(inTheme(first === 'dark' ? 'light' : 'dark'));
    await shot('3-other-theme');
    await e2e.page.click('[data-testid="theme-toggle"]');
    await expect.poll(pageColors).toEqual(inTheme(first));

    // Zoom the main chart with the wheel: the chart refetches its window; the e2e.page stays healthy.
    const chart = e2e.page.locator('[data-testid="chart-main"]');
    const box = (await chart.boundingBox())!;
    await e2e.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    expect(await e2e.page.isEnabled('[data-testid="reset-zoom"]')).toBe(false);
    const charts = ['chart-main', 'chart-arenas', 'chart-pools'].map((id) => e2e.page.locator(`[data-testid="${id}"]`));
    const counts = (name: 'draws' | 'renders'): Promise<number[]> =>
      Promise.all(charts.map(async (c) => Number((await c.getAttribute(`data-${name}`)) ?? '0')));
    const drawsBefore = await counts('draws');
    const rendersBefore = await counts('renders');
    await e2e.page.mouse.wheel(0, -600);
    // Zoomed: the page now has a window of its own, which "Whole run" resets.
    await expect.poll(() => e2e.page.isEnabled('[data-testid="reset-zoom"]'), { timeout: 10_000 }).toBe(true);
    // Each chart is redrawn once, with its new window: not first with its stale points stretched,
    // nor again when another chart's window arrives.
    await expect.poll(async () => (await counts('draws')).map((n, i) => n - drawsBefore[i]!), { timeout: 10_000 }).toEqual([1, 1, 1]);
    expect((await counts('renders')).map((n, i) => n - rendersBefore[i]!)).toEqual([1, 1, 1]);
    await shot('4-zoomed');

    // Compare both runs: retained after free as the engine computes it.
    for (const py of ['2.4', '3.11']) await rowOf(py).locator('[data-testid="compare-checkbox"]').check();
    await expect.poll(() => e2e.page.locator('[data-testid="compare-row"]').count(), { timeout: 20_000 }).toBe(2);
    for (const py of ['2.4', '3.11']) {
      const cell = e2e.page.locator('[data-testid="compare-row"]', { hasText: resolveVersion(py).version }).locator('[data-testid="retained-after-free"]');
      await expect.poll(async () => Number(await cell.getAttribute('data-value')), { timeout: 20_000 }).toBe(engineRetainedAfterFree(py));
      expect(await cell.getAttribute('data-source')).toBe('free-phase');
    }
    await shot('5-compare');
  }, 240_000);
});
