// The memory-budget pause in the dashboard (real Chromium through `serve`): a run served with a
// tiny --run-memory pauses at its budget, its row says why and what the server allows, and Stop
// ends it with its samples kept and the reason shown.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, e2eAvailable } from './harness';
import { useServedPage } from './served-page';

const run = e2eAvailable();

describe.runIf(run)('memory-budget pause in Chromium', () => {
  // 1 MB a run: below any worker's resident set, so a run pauses at its first look.
  const e2e = useServedPage(['--run-memory', '1']);

  it('pauses a run at its budget with the reason, offers no more than the server allows, and stops it keeping its samples', async () => {
    await e2e.page.goto(e2e.served.url);
    await expect.poll(() => e2e.page.locator('[data-testid="workload-select"] option[value="steady-churn"]').count(), { timeout: 20_000 }).toBe(1);
    await e2e.page.selectOption('[data-testid="workload-select"]', 'steady-churn');
    await e2e.page.click('[data-testid="start-button"]');
    const row = e2e.page.locator('[data-testid="run-row"]').first();
    const notice = e2e.page.locator('[data-testid="run-budget"]');
    await expect.poll(() => notice.count(), { timeout: 60_000 }).toBe(1);
    expect(await row.getAttribute('data-state')).toBe('paused');
    expect(await notice.textContent()).toMatch(
      /^Paused at its memory budget: memory budget of 1 MB reached at op \d+ \(live set: .*\)\. What it recorded stays\. This host allows at most 1 MB a run here \(serve --run-memory\)\.$/,
    );
    // The run already has all the server allows: no larger budget is offered.
    expect(await e2e.page.locator('[data-testid="run-budget-continue"]').count()).toBe(0);
    const ops = Number(await row.locator('[data-testid="run-ops"]').getAttribute('data-value'));
    await e2e.page.screenshot({ path: join(ARTIFACTS, 'budget-paused.png'), fullPage: true });

    await e2e.page.click('[data-testid="run-stop"]');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('stopped');
    expect(await e2e.page.textContent('[data-testid="run-reason"]')).toMatch(/^stopped at its memory budget: memory budget of 1 MB reached at op \d+/);
    expect(Number(await row.locator('[data-testid="run-ops"]').getAttribute('data-value'))).toBe(ops);
    expect(await notice.count()).toBe(0);
  }, 180_000);
});
