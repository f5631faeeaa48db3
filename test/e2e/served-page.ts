// A describe block's dashboard: `serve` started and a Chromium page opened before its tests, both
// closed after them. (Apart from harness.ts, which the dashboard bench imports outside vitest.)
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { openPage, startServe, type Served } from './harness';

export interface ServedPage {
  served: Served;
  browser: Browser;
  page: Page;
}

/**
 * Registers the block's hooks; the fields are there once its beforeAll ran. `prepare` runs first
 * (files the test serves, written or saved); `viewport` and `acceptDownloads` are openPage's.
 */
export function useServedPage(
  serveArgs: string[] = [],
  options: { viewport?: { width: number; height: number }; acceptDownloads?: boolean; prepare?: () => void | Promise<void> } = {},
): ServedPage {
  const suite = {} as ServedPage;
  beforeAll(async () => {
    await options.prepare?.();
    suite.served = await startServe(serveArgs);
    Object.assign(suite, await openPage(options.viewport, { acceptDownloads: options.acceptDownloads ?? false }));
  }, 120_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.served?.stop();
  });
  return suite;
}
