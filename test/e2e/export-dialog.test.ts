// The export dialog in real Chromium through `serve`: it opens on what the page shows, its radio
// rows, format checkboxes, chart picker and size fields change what it exports, and a bad size
// disables Export until fixed.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, e2eAvailable } from './harness';
import { useServedPage } from './served-page';

describe.runIf(e2eAvailable())('export dialog in Chromium', () => {
  const e2e = useServedPage([], { acceptDownloads: true });

  it('starts from the shown run, follows its choices, and saves the chosen formats as one zip', async () => {
    const { page } = e2e;
    const checked = (id: string) => page.isChecked(`[data-testid="${id}"]`);
    await page.goto(e2e.served.url);
    await expect.poll(() => page.locator('[data-testid="workload-select"] option[value="steady-churn"]').count(), { timeout: 20_000 }).toBe(1);
    await page.selectOption('[data-testid="workload-select"]', 'steady-churn');
    await page.fill('[data-testid="ops-input"]', '100000');
    await page.click('[data-testid="start-button"]');
    await expect.poll(() => page.locator('[data-testid="run-row"]').getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    await page.locator('[data-testid="run-row"]').click();

    await page.click('[data-testid="export-open"]');
    await expect.poll(() => page.locator('[data-testid="export-dialog"]').count()).toBe(1);
    await page.locator('[data-testid="export-dialog"]').screenshot({ path: join(ARTIFACTS, 'export-dialog.png') });
    // One run shown, none compared, no time selected: that run, all charts, the whole run, PNG and HTML.
    expect(await checked('export-scope-run')).toBe(true);
    expect(await page.isDisabled('[data-testid="export-scope-compare"]')).toBe(true);
    expect(await checked('export-all-charts')).toBe(true);
    expect(await checked('export-whole')).toBe(true);
    expect(await page.isDisabled('[data-testid="export-visible"]')).toBe(true);
    expect(await Promise.all(['png', 'svg', 'csv', 'json', 'html'].map((f) => checked(`export-format-${f}`)))).toEqual([true, false, false, false, true]);

    await page.click('[data-testid="export-format-png"]');
    await page.click('[data-testid="export-format-csv"]');
    expect(await Promise.all(['png', 'csv', 'html'].map((f) => checked(`export-format-${f}`)))).toEqual([false, true, true]);
    await page.click('[data-testid="export-dark"]');
    expect([await checked('export-light'), await checked('export-dark')]).toEqual([false, true]);
    await page.click('[data-testid="export-current-chart"]');
    expect(await page.locator('[data-testid="export-chart"] option').allTextContents()).toEqual(['Retained memory', 'Arenas', 'Pools']);
    await page.selectOption('[data-testid="export-chart"]', 'arenas');

    await page.fill('[data-testid="export-width"]', '10');
    expect(await page.isDisabled('[data-testid="export-save"]')).toBe(true);
    await page.fill('[data-testid="export-width"]', '800');
    expect(await page.isDisabled('[data-testid="export-save"]')).toBe(false);

    const download = page.waitForEvent('download');
    await page.click('[data-testid="export-save"]');
    expect((await download).suggestedFilename()).toMatch(/^arenascope-export-[\d-]+\.zip$/);
    await expect
      .poll(() => page.textContent('[data-testid="export-status"]'), { timeout: 30_000 })
      .toMatch(/^Saved arenascope-export-[\d-]+\.zip \(rendered in \d+ ms\)\.$/);
    expect(await page.locator('[data-testid="export-error"]').count()).toBe(0);
  }, 120_000);
});
