// Files in the browser (real Chromium through `serve` without --allow-files): a trace picked from
// this computer is uploaded and replayed, and charts; a broken one is refused with its name and
// line; every run is downloaded as a session, and that session opened again by upload.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, e2eAvailable } from './harness';
import { useServedPage } from './served-page';

const run = e2eAvailable();

describe.runIf(run)('uploads in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arenascope-e2e-uploads-'));
  const e2e = useServedPage([], {
    acceptDownloads: true,
    prepare: () => {
      // A fill and free of 3,000 blocks with a checkpoint between: something to chart.
      const lines: string[] = [];
      for (let i = 1; i <= 3000; i++) lines.push(`a ${i} ${16 + (i % 8) * 8}`);
      lines.push('c filled');
      for (let i = 1; i <= 3000; i++) lines.push(`f ${i}`);
      writeFileSync(join(dir, 'fill-free.pymtrace'), `${lines.join('\n')}\n`);
      writeFileSync(join(dir, 'broken.pymtrace'), 'a 1 8\nthis is not a trace line\n');
    },
  });

  it('uploads a trace, replays it, refuses a broken one, and downloads and reopens the session', async () => {
    await e2e.page.goto(e2e.served.url);
    await expect.poll(() => e2e.page.locator('[data-testid="workload-select"] option[value="trace-replay"]').count(), { timeout: 20_000 }).toBe(1);
    expect(await e2e.page.textContent('[data-testid="withheld-note"]')).toMatch(/upload a trace to replay it/);
    await e2e.page.selectOption('[data-testid="workload-select"]', 'trace-replay');
    // No server path to type: only an upload.
    expect(await e2e.page.locator('input[type="text"][data-testid="param-path"]').count()).toBe(0);

    await e2e.page.setInputFiles('[data-testid="param-path-upload"]', join(dir, 'broken.pymtrace'));
    await expect.poll(() => e2e.page.locator('[data-testid="param-path-upload-error"]').count(), { timeout: 20_000 }).toBe(1);
    expect(await e2e.page.textContent('[data-testid="param-path-upload-error"]')).toMatch(
      /^upload 'broken\.pymtrace' is not a valid trace: broken\.pymtrace:2: /,
    );

    await e2e.page.setInputFiles('[data-testid="param-path-upload"]', join(dir, 'fill-free.pymtrace'));
    await expect
      .poll(() => e2e.page.textContent('[data-testid="param-path-upload-status"]'), { timeout: 20_000 })
      .toBe('uploaded fill-free.pymtrace: 6,001 trace lines');
    await e2e.page.click('[data-testid="start-button"]');
    const row = e2e.page.locator('[data-testid="run-row"]').first();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    expect(Number(await row.locator('[data-testid="run-ops"]').getAttribute('data-value'))).toBe(6000);
    await e2e.page.screenshot({ path: join(ARTIFACTS, 'upload-replayed.png'), fullPage: true });

    // The session, downloaded as the browser saves it, then opened again by upload: a second run with the same figures.
    const [download] = await Promise.all([e2e.page.waitForEvent('download'), e2e.page.click('[data-testid="session-download"]')]);
    const saved = join(dir, download.suggestedFilename());
    await download.saveAs(saved);
    expect(download.suggestedFilename()).toBe('session.arenascope.gz');
    await e2e.page.setInputFiles('[data-testid="session-upload"]', saved);
    await expect.poll(() => e2e.page.locator('[data-testid="run-row"]').count(), { timeout: 30_000 }).toBe(2);
    const reopened = e2e.page.locator('[data-testid="run-row"]').nth(1);
    expect(await reopened.getAttribute('data-state')).toBe('done');
    expect(Number(await reopened.locator('[data-testid="run-ops"]').getAttribute('data-value'))).toBe(6000);
  }, 180_000);
});
