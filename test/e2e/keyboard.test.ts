/**
 * The keyboard in a browser of serve, as in the app's menu: the shortcuts act, Help lists them,
 * dialogs take the focus when they open and close on Esc.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, e2eAvailable, openPage, startServe, type Served } from './harness';

describe.runIf(e2eAvailable())('keyboard in Chromium', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    served = await startServe();
    ({ browser, page } = await openPage());
    await page.goto(served.url);
    await page.locator('[data-testid="connection"][data-connection="connected"]').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  const focusedTestid = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') ?? null);

  it('opens Help with Shift+?, focused, listing the shortcuts, and closes it on Esc', async () => {
    await page.keyboard.press('Shift+?');
    await page.locator('[data-testid="help-dialog"]').waitFor();
    expect(await focusedTestid()).toBe('help-dialog');
    expect(await page.locator('[data-testid="help-shortcuts"] tr[data-action="new-run"] kbd').textContent()).toBe('Alt+N');
    expect(await page.locator('[data-testid="help-shortcuts"] tr[data-action="export"] kbd').textContent()).toBe('Ctrl+E');
    await page.screenshot({ path: join(ARTIFACTS, 'help.png') });
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="help-dialog"]').waitFor({ state: 'detached' });
  });

  it('acts on the shortcuts: export dialog, run list, new run', async () => {
    await page.keyboard.press('Control+e');
    await page.locator('[data-testid="export-dialog"]').waitFor();
    expect(await focusedTestid()).toBe('export-dialog');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="export-dialog"]').waitFor({ state: 'detached' });

    await page.keyboard.press('Control+b');
    await page.locator('[data-testid="side"]').waitFor({ state: 'hidden' });
    await page.keyboard.press('Alt+n');
    await page.locator('[data-testid="side"]').waitFor({ state: 'visible' });
    await expect.poll(focusedTestid).toBe('version-select');
  });
});
