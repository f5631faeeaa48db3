/**
 * The keyboard in a browser of serve, as in the app's menu: the shortcuts act, Help lists them,
 * dialogs take the focus when they open and close on Esc.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, e2eAvailable } from './harness';
import { useServedPage } from './served-page';

describe.runIf(e2eAvailable())('keyboard in Chromium', () => {
  const e2e = useServedPage();
  beforeAll(async () => {
    await e2e.page.goto(e2e.served.url);
    await e2e.page.locator('[data-testid="connection"][data-connection="connected"]').waitFor();
  }, 120_000);

  const focusedTestid = () =>
    e2e.page.evaluate(
      () =>
        (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute(
          'data-testid',
        ) ?? null,
    );

  it('opens Help with Shift+?, focused, listing the shortcuts, and closes it on Esc', async () => {
    await e2e.page.keyboard.press('Shift+?');
    await e2e.page.locator('[data-testid="help-dialog"]').waitFor();
    expect(await focusedTestid()).toBe('help-dialog');
    expect(await e2e.page.locator('[data-testid="help-shortcuts"] tr[data-action="new-run"] kbd').textContent()).toBe('Alt+N');
    expect(await e2e.page.locator('[data-testid="help-shortcuts"] tr[data-action="export"] kbd').textContent()).toBe('Ctrl+E');
    await e2e.page.screenshot({ path: join(ARTIFACTS, 'help.png') });
    await e2e.page.keyboard.press('Escape');
    await e2e.page.locator('[data-testid="help-dialog"]').waitFor({ state: 'detached' });
  });

  it('acts on the shortcuts: export dialog, run list, new run', async () => {
    await e2e.page.keyboard.press('Control+e');
    await e2e.page.locator('[data-testid="export-dialog"]').waitFor();
    expect(await focusedTestid()).toBe('export-dialog');
    await e2e.page.keyboard.press('Escape');
    await e2e.page.locator('[data-testid="export-dialog"]').waitFor({ state: 'detached' });

    await e2e.page.keyboard.press('Control+b');
    await e2e.page.locator('[data-testid="side"]').waitFor({ state: 'hidden' });
    await e2e.page.keyboard.press('Alt+n');
    await e2e.page.locator('[data-testid="side"]').waitFor({ state: 'visible' });
    await expect.poll(focusedTestid).toBe('version-select');
  });
});
