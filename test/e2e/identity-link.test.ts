/**
 * A first-time user's two trip-ups, in real Chromium through `serve`: runs that differ only in a
 * parameter are told apart everywhere a run is named (run list, comparison, exported report), and
 * the header says within seconds that the server is gone, runs no longer claiming to run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { e2eAvailable } from './harness';
import { useServedPage } from './served-page';

describe.runIf(e2eAvailable())('run identity and connection state in Chromium', () => {
  const e2e = useServedPage([], { acceptDownloads: true });

  async function startKth(k: number): Promise<void> {
    const { page } = e2e;
    await page.selectOption('[data-testid="workload-select"]', 'keep-every-kth');
    await page.fill('[data-testid="param-N"]', '200000');
    await page.fill('[data-testid="param-k"]', String(k));
    await page.click('[data-testid="start-button"]');
  }

  it('labels two runs that differ only in k by k, in the run list, the comparison and the exported report', async () => {
    const { page } = e2e;
    await page.goto(e2e.served.url);
    await expect.poll(() => page.locator('[data-testid="workload-select"] option[value="keep-every-kth"]').count(), { timeout: 20_000 }).toBe(1);
    await startKth(1000);
    await expect.poll(() => page.locator('[data-testid="run-row"]').count(), { timeout: 30_000 }).toBe(1);
    await startKth(100000);
    const rows = page.locator('[data-testid="run-row"]');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    for (const i of [0, 1]) await expect.poll(() => rows.nth(i).getAttribute('data-state'), { timeout: 90_000 }).toBe('done');

    const names = await page.locator('[data-testid="run-name"]').allTextContents();
    expect(names.map((n) => n.trim())).toEqual([expect.stringContaining('k=1000'), expect.stringContaining('k=100000')]);
    expect(names[0]!.trim()).not.toBe(names[1]!.trim());

    for (const i of [0, 1]) await rows.nth(i).locator('[data-testid="compare-checkbox"]').check();
    const compared = page.locator('[data-testid="compare-name"]');
    await expect.poll(() => compared.count(), { timeout: 20_000 }).toBe(2);
    const comparedNames = (await compared.allTextContents()).map((n) => n.trim());
    expect(comparedNames[0]).toContain('k=1000');
    expect(comparedNames[1]).toContain('k=100000');

    // The report's chart captions carry the charts' subtitles, the same the PNG and SVG draw.
    await page.click('[data-testid="export-open"]');
    await page.click('[data-testid="export-scope-compare"]');
    await page.click('[data-testid="export-format-png"]'); // off: the report alone, one file
    const download = page.waitForEvent('download');
    await page.click('[data-testid="export-save"]');
    const html = readFileSync((await (await download).path())!, 'utf8');
    const captions = [...html.matchAll(/<figcaption>([^<]*)<\/figcaption>/g)].map((m) => m[1]!);
    expect(captions.length).toBeGreaterThan(0);
    for (const c of captions) expect(c).toMatch(/k=1000\b.*k=100000|k=100000.*k=1000\b/);
    await page.keyboard.press('Escape');
  }, 240_000);

  it('says the server is gone within seconds, and a running run no longer claims to run', async () => {
    const { page } = e2e;
    await page.selectOption('[data-testid="workload-select"]', 'steady-churn');
    await page.fill('[data-testid="ops-input"]', '1000000000000');
    await page.click('[data-testid="start-button"]');
    const running = page.locator('[data-testid="run-row"][data-state="running"]');
    await expect.poll(() => running.count(), { timeout: 30_000 }).toBe(1);
    const header = page.locator('[data-testid="connection"]');
    expect(await header.getAttribute('data-link')).toBe('connected');

    e2e.served.process.kill('SIGKILL');
    await expect.poll(() => header.getAttribute('data-link'), { timeout: 15_000 }).toMatch(/^(reconnecting|lost)$/);
    expect(await header.textContent()).not.toMatch(/Connected to the host/);
    await expect.poll(() => running.locator('[data-testid="run-state"]').getAttribute('data-shown'), { timeout: 15_000 }).toBe('unknown');
  }, 120_000);
});
