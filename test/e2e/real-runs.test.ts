// A workload on a real interpreter beside the model, from the dashboard (real Chromium through
// `serve --allow-programs`): the form offers the host's interpreters, both runs chart, the real one
// dashed in the compare overlay, and the compare panel gives the verdict: identical.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonsWithAgent } from '../support/pythons';
import { ARTIFACTS, e2eAvailable } from './harness';
import { expectNotOffered, useClosedServer } from './closed-server';
import { useServedPage } from './served-page';

const pythons = e2eAvailable() ? pythonsWithAgent([3, 8], 'e2e real runs') : [];
const python = pythons.find((p) => p.line[0] === 3 && p.line[1] === 12) ?? pythons.at(-1);

describe.runIf(python !== undefined)('real runs in Chromium', () => {
  const e2e = useServedPage(['--allow-programs'], { viewport: { width: 1400, height: 1200 } });
  const closed = useClosedServer();

  it('is not offered by a server started without --allow-programs', async () => {
    await expectNotOffered(e2e.page, closed().url, 'real-checkbox');
  });

  it('runs a workload on the interpreter beside the model; both chart; the verdict is identical', async () => {
    await e2e.page.goto(e2e.served.url);
    await expect.poll(() => e2e.page.locator('[data-testid="real-checkbox"]').count(), { timeout: 60_000 }).toBe(1);
    await e2e.page.selectOption('[data-testid="workload-select"]', 'seed-16b-fill-free');
    await e2e.page.fill('[data-testid="param-N"]', '30000');
    await e2e.page.check('[data-testid="real-checkbox"]');
    const option = e2e.page.locator('[data-testid="real-select"] option', { hasText: python!.version });
    await e2e.page.selectOption('[data-testid="real-select"]', (await option.first().getAttribute('value'))!);
    expect(await e2e.page.textContent('[data-testid="real-note"]')).toContain(`The model then runs ${python!.version}`);
    await e2e.page.click('[data-testid="start-button"]');

    const rows = e2e.page.locator('[data-testid="run-row"]');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    for (let i = 0; i < 2; i++) await expect.poll(() => rows.nth(i).getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    const names = await e2e.page.locator('[data-testid="run-name"]').allTextContents();
    expect(names.some((n) => n.includes('real'))).toBe(true);
    expect(Number(await rows.nth(0).locator('[data-testid="run-ops"]').getAttribute('data-value'))).toBe(60_000);
    expect(Number(await rows.nth(1).locator('[data-testid="run-ops"]').getAttribute('data-value'))).toBe(60_000);

    for (let i = 0; i < 2; i++) await rows.nth(i).locator('[data-testid="compare-checkbox"]').check();
    const verdict = e2e.page.locator('[data-testid="compare-verdict"]');
    await expect.poll(() => verdict.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => verdict.getAttribute('data-identical'), { timeout: 30_000 }).toBe('true');
    expect(await verdict.textContent()).toMatch(/identical at (\d+) of \1 common samples/);
    await expect.poll(() => e2e.page.locator('[data-testid="compare-row"]').count(), { timeout: 30_000 }).toBe(2);
    await e2e.page.locator('[data-testid="compare-panel"]').screenshot({ path: join(ARTIFACTS, 'real-verdict.png') });
  }, 240_000);
});
