/**
 * A second server, started without --allow-programs, beside the page's own: what a user of a server
 * without that capability sees. `expectNotOffered` loads it and checks that a control is absent.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { startServe, type Served } from './harness';

export function useClosedServer(): () => Served {
  let closed: Served | undefined;
  beforeAll(async () => {
    closed = await startServe();
  }, 120_000);
  afterAll(() => closed?.stop());
  return () => closed!;
}

/** Once the page at `url` has its workload list (it is loaded and connected), it has no `testid` element. */
export async function expectNotOffered(page: Page, url: string, testid: string): Promise<void> {
  await page.goto(url);
  await expect.poll(() => page.locator('[data-testid="workload-select"] option').count(), { timeout: 20_000 }).toBeGreaterThan(3);
  expect(await page.locator(`[data-testid="${testid}"]`).count()).toBe(0);
}
