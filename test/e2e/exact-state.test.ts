/**
 * The detail panel shows the exact state at the clicked operation, for a run reopened from a
 * session file (which holds no snapshots): a click in keep-every-kth's fill phase shows that very
 * operation's size classes and arena map, equal to the engine driven to it in this process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppHost } from '../../electron/host/app-host';
import { NodeLauncher } from '../../electron/host/workers/node-launcher';
import { createAllocator } from '../../shared/engine';
import { analyzePins, driveTo, PinReplay, type PinReport, summaryLine } from '../../shared/pins';
import { takeDetail } from '../../shared/run/detail';
import { resolveRun } from '../../shared/run/resolve-run';
import { RunLoop } from '../../shared/run/run-loop';
import { kthRun } from '../support/kth-run';
import { ARTIFACTS, e2eAvailable } from './harness';
import { useServedPage } from './served-page';

const CONFIG = kthRun({ N: 300_000, k: 1000, hold_live: 20_000, hold_ops: 200_000 }, '9');
const FILL_END = 300_000;

/** The engine in this process, driven to exactly `op`: blocks per size class and the arena count. */
function engineAt(op: number): { blocks: number[]; arenas: number } {
  const run = resolveRun(CONFIG);
  const alloc = createAllocator(run.version, { arenas: run.arenas });
  const loop = new RunLoop(run.generator, alloc, { sampleEvery: 1 << 30, clock: () => 0 });
  while (loop.ops < op) loop.run(op - loop.ops);
  const d = takeDetail(alloc, 0);
  return { blocks: d.classes.blocks, arenas: d.arenas.slots.length };
}

/** The pins analysis at `op`, in this process. */
function pinsAt(op: number): PinReport {
  const run = resolveRun(CONFIG);
  const replay = new PinReplay(createAllocator(run.version, { arenas: run.arenas }));
  driveTo(run.generator, replay, op);
  return analyzePins(replay.alloc, { births: replay });
}

/** A finished run saved as a session file, the way the app saves one. */
async function savedSession(file: string): Promise<void> {
  const host = new AppHost({ launcher: new NodeLauncher({ onStderrLine: () => undefined }), log: () => undefined, graceMs: 1000 });
  try {
    const done = new Promise<void>((resolve) => host.subscribe((e) => e.type === 'run' && e.run.state === 'done' && resolve()));
    await host.startRun(CONFIG);
    await done;
    await host.saveSession(file);
  } finally {
    await host.dispose();
  }
}

describe.runIf(e2eAvailable())('exact state in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arenascope-e2e-exact-'));
  const file = join(dir, 'kth.arenascope.gz');
  // Registered first, so that it runs last (after hooks run in reverse), once serve has stopped.
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const e2e = useServedPage(['--session', file], { viewport: { width: 1400, height: 1100 }, prepare: () => savedSession(file) });

  it('shows the clicked operation of a reopened run, not a snapshot before it', async () => {
    await e2e.page.goto(e2e.served.url);
    await e2e.page.locator('[data-testid="run-name"]').first().click();
    const chart = e2e.page.locator('[data-testid="chart-main"]');
    // Until the chart has drawn the run's samples it has no x scale to map a click to an operation.
    await expect.poll(async () => Number((await chart.getAttribute('data-draws')) ?? '0'), { timeout: 60_000 }).toBeGreaterThan(0);
    const box = (await chart.boundingBox())!;
    // A fifth of the way in: inside the fill (the fill is about a third of the run's operations).
    await e2e.page.mouse.click(box.x + box.width * 0.2, box.y + box.height / 2);
    // Before the click the panel already shows the run's end, exactly; while the replay runs it may
    // show a snapshot before the click. Wait for the exact state at an operation inside the fill.
    const opShown = async (): Promise<number> => Number(await e2e.page.locator('[data-testid="detail-op"]').getAttribute('data-op'));
    const exactInFill = async (): Promise<boolean> => {
      const shown = await opShown();
      return shown < FILL_END && shown % CONFIG.sampleEvery !== 0 && (await e2e.page.locator('[data-testid="detail-exact"]').isVisible());
    };
    await expect.poll(exactInFill, { timeout: 60_000 }).toBe(true);
    const op = await opShown();
    expect(await e2e.page.locator('[data-testid="detail-exact"]').textContent()).toContain(`after operation ${op.toLocaleString('en-US')}`);
    expect(op).toBeGreaterThan(0);
    expect(op).toBeLessThan(FILL_END);
    expect(op % CONFIG.sampleEvery).not.toBe(0); // not a sample's snapshot: the operation clicked
    await e2e.page.screenshot({ path: join(ARTIFACTS, 'exact-state.png'), fullPage: true });

    const engine = engineAt(op);
    // During the fill every operation allocates one 16-byte block: class 0 holds exactly `op` blocks.
    expect(engine.blocks[0]).toBe(op);
    const rows = await e2e.page
      .locator('[data-testid="size-class-row"]')
      .evaluateAll((trs) =>
        trs.map((tr) =>
          Array.from(
            (tr as unknown as { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }).querySelectorAll('td'),
            (td) => td.textContent?.trim() ?? '',
          ),
        ),
      );
    const shown = new Map(rows.map((cells) => [Number(cells[0]), Number(cells[4]!.replace(/,/g, ''))]));
    for (const [szidx, blocks] of engine.blocks.entries()) if (blocks > 0) expect(shown.get(szidx)).toBe(blocks);
    expect(Number(await e2e.page.locator('[data-testid="arena-count"]').textContent())).toBe(engine.arenas);

    // Hovering the map's first cell names it.
    await e2e.page.locator('[data-testid="arena-map"]').hover({ position: { x: 4, y: 4 } });
    await expect
      .poll(() => e2e.page.locator('[data-testid="arena-hover"]').textContent())
      .toMatch(/^\s*arena slot 0, pool 1 of \d+: class 0 \(16-byte blocks\)/);

    // A click on that arena: the host replays the run with births and names what keeps it.
    await e2e.page.locator('[data-testid="arena-map"]').click({ position: { x: 4, y: 4 } });
    const row = e2e.page.locator('[data-testid="pins-arena"][data-slot="0"]');
    await row.waitFor({ timeout: 60_000 });
    const pins = pinsAt(op);
    const first = pins.arenas.find((a) => a.slot === 0)!;
    expect(await row.locator('td').nth(2).textContent()).toBe(first.liveBlocks.toLocaleString('en-US'));
    expect(await row.getAttribute('data-pinned')).toBe(String(first.pinned));
    expect(await e2e.page.locator('[data-testid="pins-summary"]').textContent()).toContain(summaryLine(pins));
    await e2e.page.screenshot({ path: join(ARTIFACTS, 'pins.png'), fullPage: true });
  }, 180_000);

  it('compares the end of every phase of keep-every-kth, not only a phase named free', async () => {
    await e2e.page.locator('[data-testid="compare-checkbox"]').first().check();
    const phases = e2e.page.locator('[data-testid="compare-phases"] [data-testid="compare-phase"]');
    await expect.poll(() => phases.count(), { timeout: 30_000 }).toBe(4);
    expect(await phases.evaluateAll((tds) => tds.map((td) => (td as unknown as { dataset: Record<string, string> }).dataset['phase']))).toEqual([
      'fill',
      'thin',
      'hold',
      'release',
    ]);
    const values = await phases.evaluateAll((tds) => tds.map((td) => Number((td as unknown as { dataset: Record<string, string> }).dataset['value'])));
    // Thinning pins every arena (k = 1000 < blocks per arena): the end of thin holds what the fill did.
    expect(values[1]).toBe(values[0]);
    expect(values[0]).toBeGreaterThan(0);
    await e2e.page.screenshot({ path: join(ARTIFACTS, 'compare-phases.png'), fullPage: true });
  }, 120_000);
});
