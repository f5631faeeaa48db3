/** The command line's HTML report and JSON hold each run's pins, as analyzePins says at the run's end. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main';
import { SessionWriter } from '../../../electron/host/session/file';
import { createAllocator } from '../../../shared/engine';
import { analyzePins, driveTo, PinReplay, summaryLine } from '../../../shared/pins';
import { ARTIFACTS, e2eAvailable, openPage } from '../../e2e/harness';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { SERIES_COUNT } from '../../../shared/run/sample';
import { createGenerator, getWorkload } from '../../../shared/workloads/registry';

const dir = mkdtempSync(join(tmpdir(), 'arenascope-export-pins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const params = { N: 300_000, k: 256, hold_live: 2000, hold_ops: 50_000 };
const config: RunConfig = { workload: 'keep-every-kth', params, seed: '1', python: '3.11', sampleEvery: 1000 };
const LAST_OP = 550_000;
/** What the first test exported, for the browser to open. */
let report: { file: string; slots: number[]; summary: string } | null = null;

/** The cells of the table `data-table="ID"` of an HTML document, row by row (tags stripped). */
function tableCells(html: string, id: string): string[][] {
  const at = html.indexOf(`data-table="${id}"`);
  expect(at, `table ${id}`).toBeGreaterThan(0);
  const body = html.slice(html.indexOf('<tbody>', at) + 7, html.indexOf('</tbody>', at));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => c[1]!.replace(/<[^>]+>/g, '').trim()));
}

describe('export SESSION --format html,json', () => {
  it("the report's pins table and the JSON's pins are analyzePins of the run replayed to its last operation", async () => {
    const session = join(dir, 's.arenascope');
    const w = await SessionWriter.open(session, { fsync: false });
    w.addRun('run-1', config);
    w.appendSamples(
      'run-1',
      Array.from({ length: SERIES_COUNT }, (_, s) => (s === 0 ? [0, LAST_OP] : s === 1 ? [0, 10] : [0, 0])),
    );
    await w.close();
    const out = join(dir, 'out');
    const lines: string[] = [];
    expect(await main(['export', session, '--out', out, '--format', 'html,json'], (l) => lines.push(l))).toBe(0);

    const replay = new PinReplay(createAllocator('3.11'));
    driveTo(createGenerator('keep-every-kth', params, 1), replay, LAST_OP);
    const want = analyzePins(replay.alloc, { births: replay, workload: getWorkload('keep-every-kth') });
    const pinned = want.arenas.filter((a) => a.pinned);
    expect(pinned.length).toBeGreaterThan(1);

    const files = readdirSync(out);
    const html = readFileSync(
      join(
        out,
        files.find((f) => f.endsWith('.html'))!,
      ),
      'utf8',
    );
    const rows = tableCells(html, 'pins-run-1');
    expect(rows.map((r) => Number(r[0]))).toEqual(pinned.slice(0, 20).map((a) => a.slot));
    expect(rows.map((r) => Number(r[2]!.replace(/,/g, '')))).toEqual(pinned.slice(0, 20).map((a) => a.liveBlocks));
    expect(rows.map((r) => Number(r[1]))).toEqual(pinned.slice(0, 20).map((a) => a.usedPools));
    const origins = tableCells(html, 'pin-origins-run-1');
    expect(origins.map((r) => r[0])).toEqual(want.origins.slice(0, 20).map((o) => o.label));
    expect(html).toContain(`at operation ${LAST_OP}`);

    const json = JSON.parse(
      readFileSync(
        join(
          out,
          files.find((f) => f.endsWith('.json'))!,
        ),
        'utf8',
      ),
    ) as { runs: { id: string; pins: unknown }[] };
    expect(json.runs.find((r) => r.id === 'run-1')!.pins).toEqual(JSON.parse(JSON.stringify(want)));
    report = {
      file: join(
        out,
        files.find((f) => f.endsWith('.html'))!,
      ),
      slots: pinned.slice(0, 20).map((a) => a.slot),
      summary: summaryLine(want),
    };
  });

  // The same report as a reader sees it: opened in Chromium, the pinning table is there, row for row.
  it.runIf(e2eAvailable())(
    'shows the pinning table in a browser',
    async () => {
      expect(report, 'the report of the test above').not.toBeNull();
      const { browser, page } = await openPage();
      try {
        await page.goto(pathToFileURL(report!.file).href);
        const table = page.locator('[data-table="pins-run-1"]');
        await table.scrollIntoViewIfNeeded();
        const slots = await table
          .locator('tbody tr')
          .evaluateAll((trs) => trs.map((tr) => Number((tr as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells[0]!.textContent)));
        expect(slots).toEqual(report!.slots);
        expect(await page.locator('[data-testid="pins-summary-run-1"]').textContent()).toBe(`${report!.summary}.`);
        await page.screenshot({ path: join(ARTIFACTS, 'report-pins.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
