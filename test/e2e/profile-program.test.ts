// Profiling a Python program from the dashboard (real Chromium through `serve --allow-programs`):
// the dialog starts it, its runs appear at once and grow while it runs, its output reaches the
// console, they end with its exit status, the real process's arenas are drawn beside the model's and
// its RSS with its arenas, and a page opened afterwards shows the same console.
// The program is driven by a file it watches: the test waits for events, never for time.
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonsWithAgent } from '../support/pythons';
import { ARTIFACTS, ROOT, e2eAvailable } from './harness';
import { expectNotOffered, useClosedServer } from './closed-server';
import { useServedPage } from './served-page';

const pythons = e2eAvailable() ? pythonsWithAgent([3, 8], 'e2e profile a program') : [];
const python = pythons.find((p) => p.line[0] === 3 && p.line[1] === 11) ?? pythons.at(-1);
const PROGRAMS = join(ROOT, 'test/fixtures/programs');

describe.runIf(python !== undefined)('profiling a program in Chromium', () => {
  const e2e = useServedPage(['--allow-programs'], { viewport: { width: 1400, height: 1400 } });
  const closed = useClosedServer();

  it('is not offered by a server started without --allow-programs', async () => {
    await expectNotOffered(e2e.page, closed().url, 'program-open');
  });

  it('starts the program from the dialog; its runs grow while it runs, show its output, end with its exit status, and the real arenas are drawn', async () => {
    const page = e2e.page;
    const signal = join(mkdtempSync(join(tmpdir(), 'arenascope-e2e-program-')), 'signal');
    await page.goto(e2e.served.url);
    await page.click('[data-testid="program-open"]');
    const option = page.locator('[data-testid="program-interpreter"] option', { hasText: python!.version });
    await expect.poll(() => option.count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await page.selectOption('[data-testid="program-interpreter"]', (await option.first().getAttribute('value'))!);
    // A browser types its paths: the desktop's Browse buttons are not offered.
    expect(await page.locator('[data-testid^="program-browse"]').count()).toBe(0);

    // A missing script: the host's refusal, naming it, in the dialog.
    await page.fill('[data-testid="program-target"]', 'no_such_script.py');
    await page.fill('[data-testid="program-cwd"]', PROGRAMS);
    await page.click('[data-testid="program-start"]');
    await expect.poll(() => page.locator('[data-testid="program-error"]').textContent(), { timeout: 60_000 }).toMatch(/no_such_script\.py does not exist/);

    await page.fill('[data-testid="program-target"]', 'grow_then_wait.py');
    await page.fill('[data-testid="program-args"]', signal);
    await page.fill('[data-testid="program-models"]', '3.8');
    await page.click('[data-testid="program-start"]');
    await expect.poll(() => page.locator('[data-testid="program-dialog"]').count(), { timeout: 60_000 }).toBe(0);

    // Its runs (the interpreter's model, 3.8, the real process) are listed at once, live.
    const rows = page.locator('[data-testid="run-row"]');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(3);
    const names = await page.locator('[data-testid="run-name"]').allTextContents();
    expect(names.filter((n) => n.includes('grow_then_wait.py'))).toHaveLength(3);
    expect(names.some((n) => n.includes('the real process'))).toBe(true);
    const model = rows.first();
    const ops = async (): Promise<number> => Number(await model.locator('[data-testid="run-ops"]').getAttribute('data-value'));

    // The console shows the program's output; the model grows while the program runs.
    const consoleLines = page.locator('[data-testid="program-console"] pre span');
    await expect.poll(() => consoleLines.allTextContents(), { timeout: 60_000 }).toContain('grown 20000\n');
    await expect.poll(ops, { timeout: 60_000 }).toBeGreaterThan(0);
    const before = await ops();
    expect(await model.getAttribute('data-state')).toBe('running');
    appendFileSync(signal, 'grow\n');
    await expect.poll(() => consoleLines.allTextContents(), { timeout: 60_000 }).toContain('grown 40000\n');
    await expect.poll(ops, { timeout: 60_000 }).toBeGreaterThan(before);
    expect(await model.getAttribute('data-state')).toBe('running');

    // The real process beside the model: both in the comparison, the real one with arenas of its own.
    const compareRows = page.locator('[data-testid="compare-row"]');
    await expect.poll(() => compareRows.count(), { timeout: 30_000 }).toBe(2);
    const realPeak = compareRows.nth(1).locator('[data-testid="compare-peak"]');
    expect(await compareRows.nth(1).locator('[data-testid="compare-name"]').textContent()).toContain('the real process');
    await expect.poll(async () => Number(await realPeak.getAttribute('data-value')), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('[data-testid="program-figures"]').textContent(), { timeout: 30_000 })
      .toMatch(/real arenas \d+ · RSS [\d.]+ MiB \(peak [\d.]+ MiB\)/);
    await page.locator('[data-testid="run-view"]').screenshot({ path: join(ARTIFACTS, 'profile-program-live.png') });

    // It exits with status 3: every run ends, saying so.
    appendFileSync(signal, 'exit 3\n');
    for (let i = 0; i < 3; i++) await expect.poll(() => rows.nth(i).getAttribute('data-state'), { timeout: 60_000 }).toBe('stopped');
    for (let i = 0; i < 3; i++) {
      expect(await rows.nth(i).locator('[data-testid="run-state"]').getAttribute('title')).toBe('the program exited with status 3');
    }
    await expect.poll(() => page.locator('[data-testid="program-console"] pre span.stderr').allTextContents(), { timeout: 30_000 }).toContain('bye\n');
    await page.locator('[data-testid="compare-panel"]').screenshot({ path: join(ARTIFACTS, 'profile-program-compare.png') });

    // The real process's own run charts its RSS with its arenas (a model's does not: it has no process).
    const realRow = rows.filter({ hasText: 'the real process' });
    await realRow.click();
    const view = page.locator('[data-testid="run-view"]');
    await expect.poll(() => view.locator('[data-testid="metric-rss_bytes"]').count(), { timeout: 30_000 }).toBe(1);
    await model.click();
    await expect.poll(() => view.locator('[data-testid="metric-arena_bytes"]').count(), { timeout: 30_000 }).toBe(1);
    expect(await view.locator('[data-testid="metric-rss_bytes"]').count()).toBe(0);
    await realRow.click();
    await expect.poll(() => view.locator('[data-testid="metric-rss_bytes"]').count(), { timeout: 30_000 }).toBe(1);
    await view.screenshot({ path: join(ARTIFACTS, 'profile-program-real-rss.png') });

    // A page opened after it all (a reload, a second browser) shows the same console: the host kept it.
    const late = await e2e.browser.newPage({ viewport: { width: 1400, height: 1400 } });
    try {
      await late.goto(e2e.served.url);
      await late.locator('[data-testid="run-row"]').filter({ hasText: 'the real process' }).click();
      const lateLines = late.locator('[data-testid="program-console"] pre span');
      await expect.poll(() => lateLines.allTextContents(), { timeout: 60_000 }).toEqual(await consoleLines.allTextContents());
      expect(await lateLines.allTextContents()).toEqual(expect.arrayContaining(['grown 20000\n', 'grown 40000\n', 'bye\n']));
      await expect.poll(() => late.locator('[data-testid="program-figures"]').textContent(), { timeout: 30_000 }).toMatch(/real arenas \d+ · RSS/);
    } finally {
      await late.close();
    }
  }, 300_000);
});
