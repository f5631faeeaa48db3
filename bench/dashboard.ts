/**
 * The dashboard under a long run: a synthetic run sampled 10 times a second (24 hours, 864,000
 * samples of every series, by default; `--hours 168` for a week, 6 M samples) is written as a session
 * file, served by the real browser server (`serve --session`, which streams the file in and spills
 * each run's old rows back to it), and shown in Chromium. We zoom and pan the main chart and time
 * each action to the chart redrawn with the window fetched for it (p95 target ≤ 50 ms), then read the
 * renderer's JavaScript heap after a collection (target ≤ 250 MB) and the host's: its V8 heap plus
 * the array buffers it holds (the store's columns and pyramids), after a collection, read through
 * the inspector of the server's Node (target ≤ 400 MB); its resident memory is printed beside.
 *
 *   npm run bench -- dashboard [--hours 24] [--rate 10] [--actions 40]
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERIES_COUNT, SERIES_INDEX } from '../shared/run/sample';
import { SessionWriter } from '../electron/host/session/file';
import { chromiumPath, launchBrowser, startServe } from '../test/e2e/harness';
import { mulberry32 } from '../test/support/mulberry32';
import { benchOptions, wholeOption } from './options';
import WebSocket from 'ws';

const LATENCY_TARGET_MS = 50;

/**
 * What the page's chart canvas carries (see SeriesChart.vue); typed here without the DOM library.
 * Page functions are passed to Playwright as functions, not strings: the page's CSP has no
 * 'unsafe-eval'.
 */
interface DataElement {
  dataset: Record<string, string | undefined>;
}

const HEAP_TARGET_MB = 250;
const HOST_TARGET_MB = 400;

/** Resident memory of a process (Linux), in MB. */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** A plausible retained-memory story with spikes: a slow random walk, sawtooth phases, rare bursts. */
export async function writeSyntheticSession(file: string, hours: number, rate: number): Promise<number> {
  const total = Math.round(hours * 3600 * rate);
  const writer = await SessionWriter.open(file, { overwrite: true });
  writer.addRun(
    'run-1',
    { workload: 'steady-churn', params: {}, seed: '1', python: '3.11', sampleEvery: 10_000 },
    { name: `synthetic ${hours} h at ${rate}/s` },
  );
  const BATCH = 8192;
  const rand = mulberry32(0x9e3779b9);
  let walk = 64 * 2 ** 20;
  for (let start = 0; start < total; start += BATCH) {
    const n = Math.min(BATCH, total - start);
    const cols = Array.from({ length: SERIES_COUNT }, () => new Array<number>(n).fill(0));
    for (let i = 0; i < n; i++) {
      const k = start + i;
      walk = Math.max(2 ** 20, walk + (rand() - 0.5) * 2 ** 18);
      const spike = rand() < 1e-4 ? 200 * 2 ** 20 : 0;
      const saw = ((k % 36_000) / 36_000) * 32 * 2 ** 20;
      const arena = Math.ceil((walk + saw + spike) / 2 ** 20) * 2 ** 20;
      cols[SERIES_INDEX['op']]![i] = k * 10_000;
      cols[SERIES_INDEX['wall_ms']]![i] = (k * 1000) / rate;
      cols[SERIES_INDEX['arena_bytes']]![i] = arena;
      cols[SERIES_INDEX['pool_bytes']]![i] = Math.round(arena * 0.9);
      cols[SERIES_INDEX['block_bytes']]![i] = Math.round(arena * 0.8);
      cols[SERIES_INDEX['requested_bytes']]![i] = Math.round(arena * 0.75);
      cols[SERIES_INDEX['arenas']]![i] = arena / 2 ** 20;
      cols[SERIES_INDEX['pools_used']]![i] = Math.round(arena / 2 ** 14 / 3);
      cols[SERIES_INDEX['pools_full']]![i] = Math.round(arena / 2 ** 14 / 2);
    }
    writer.appendSamples('run-1', cols);
    // One member per batch, as a live writer's flushes would make: a member never grows huge.
    await writer.flush();
  }
  writer.setStatus('run-1', { state: 'done', ops: (total - 1) * 10_000, wallMs: ((total - 1) * 1000) / rate });
  await writer.close();
  return total;
}

/** The server's memory after a collection, through its Node inspector (`--inspect`): bytes. */
async function hostMemory(stderr: string): Promise<{ heapUsed: number; arrayBuffers: number; external: number; rss: number }> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
  if (url === undefined) throw new Error(`the server printed no inspector address; stderr:\n${stderr}`);
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const answers = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const m = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (m.id !== undefined) answers.get(m.id)?.(m.result);
  });
  let next = 0;
  const call = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve) => {
      const id = ++next;
      answers.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    const r = (await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as { result: { value: string } };
    return JSON.parse(r.result.value) as { heapUsed: number; arrayBuffers: number; external: number; rss: number };
  } finally {
    socket.close();
  }
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

export async function dashboardBench(argv: string[]): Promise<number> {
  const values = benchOptions(argv, { hours: 24, rate: 10, actions: 40 });
  if (!chromiumPath()) {
    process.stderr.write('bench dashboard: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)\n');
    return 2;
  }
  const work = mkdtempSync(join(tmpdir(), 'arenascope-dash-'));
  const file = join(work, 'synthetic.arenascope.gz');
  const t0 = performance.now();
  const samples = await writeSyntheticSession(file, values.hours, values.rate);
  console.log(
    `synthetic session: ${samples.toLocaleString('en')} samples × ${SERIES_COUNT} series, ${(statSync(file).size / 2 ** 20).toFixed(1)} MB, written in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const s0 = performance.now();
  // The inspector on a port of its own (loopback): the bench reads the host's heap through it.
  const served = await startServe(['--session', file], 600_000, ['--inspect=127.0.0.1:0']);
  console.log(
    `serve opened it (streamed, spilling) and listened in ${((performance.now() - s0) / 1000).toFixed(1)} s; host RSS ${rssMb(served.process.pid!).toFixed(0)} MB`,
  );
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(served.url);
    await page.locator('[data-testid="run-row"]').first().click();
    const canvas = page.locator('[data-testid="chart-main"]');
    await page.waitForFunction(
      (n) =>
        Number(
          (globalThis as unknown as { document: { querySelector(selector: string): DataElement | null } }).document.querySelector('[data-testid="chart-main"]')
            ?.dataset['draws'] ?? '0',
        ) > n,
      0,
      { timeout: 60_000 },
    );
    await page.waitForTimeout(1000);
    // Latency is measured in the page, from the gesture's last input event (the wheel notch, or the
    // button release that ends a pan) to the redraw with the fetched window.
    await page.evaluate(() => {
      const w = globalThis as unknown as {
        __inputAt: number;
        performance: { now(): number };
        addEventListener(type: string, fn: () => void, options: object): void;
      };
      // No named inner functions: the module loader would wrap them in a helper the page lacks.
      for (const type of ['wheel', 'pointerup', 'mouseup'])
        w.addEventListener(type, () => void (w.__inputAt = w.performance.now()), { capture: true, passive: true });
    });
    const box = (await canvas.boundingBox())!;
    const latencies: number[] = [];
    const actions = wholeOption('actions', values.actions);
    const prof = process.env['DASH_PROFILE'] ? await page.context().newCDPSession(page) : null;
    if (prof) {
      await prof.send('Profiler.enable');
      await prof.send('Profiler.setSamplingInterval', { interval: 100 });
      await prof.send('Profiler.start');
    }
    for (let i = 0; i < actions; i++) {
      const before = await canvas.evaluate((el) => Number((el as unknown as DataElement).dataset['draws'] ?? '0'));
      const x = box.x + box.width * (0.2 + 0.6 * ((i * 0.37) % 1));
      const y = box.y + box.height / 2;
      if (i % 4 === 3) {
        // Pan: drag a quarter of the width.
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(x + (i % 8 === 3 ? 1 : -1) * box.width * 0.25, y, { steps: 4 });
        await page.mouse.up();
      } else {
        await page.mouse.move(x, y);
        await page.mouse.wheel(0, i % 8 < 4 ? -300 : 300);
      }
      await page.waitForFunction(
        (n) =>
          Number(
            (globalThis as unknown as { document: { querySelector(selector: string): DataElement | null } }).document.querySelector(
              '[data-testid="chart-main"]',
            )?.dataset['draws'] ?? '0',
          ) > n,
        before,
        { timeout: 10_000 },
      );
      const drawnAt = await canvas.evaluate((el) => Number((el as unknown as DataElement).dataset['drawnAt']));
      const inputAt = await page.evaluate(() => (globalThis as unknown as { __inputAt: number }).__inputAt);
      latencies.push(drawnAt - inputAt);
      await page.waitForTimeout(150);
    }
    if (prof) {
      const { profile } = (await prof.send('Profiler.stop')) as {
        profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[] };
      };
      const self = new Map<string, number>();
      for (const n of profile.nodes) {
        const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
        self.set(k, (self.get(k) ?? 0) + (n.hitCount ?? 0));
      }
      const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
      for (const [k, v] of top) console.log(String(v).padStart(6), k);
    }
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    const p50 = percentile(latencies, 0.5);
    const p95 = percentile(latencies, 0.95);
    const heapMb = heap.usedSize / 2 ** 20;
    console.log(
      `zoom/pan → redrawn chart over ${latencies.length} actions: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms (target p95 ≤ ${LATENCY_TARGET_MS} ms): ${p95 <= LATENCY_TARGET_MS ? 'met' : 'NOT met'}`,
    );
    console.log(`renderer JS heap after gc: ${heapMb.toFixed(1)} MB (target ≤ ${HEAP_TARGET_MB} MB): ${heapMb <= HEAP_TARGET_MB ? 'met' : 'NOT met'}`);
    const host = await hostMemory(served.stderr());
    // The V8 heap and the array buffers beside it (the store's typed columns and pyramids): what the host holds.
    const hostHeapMb = (host.heapUsed + host.external) / 2 ** 20;
    console.log(
      `host (serve) heap after gc: ${hostHeapMb.toFixed(0)} MB (V8 heap ${(host.heapUsed / 2 ** 20).toFixed(0)} MB + external ${(host.external / 2 ** 20).toFixed(0)} MB, of which array buffers ${(host.arrayBuffers / 2 ** 20).toFixed(0)} MB) (target ≤ ${HOST_TARGET_MB} MB): ${hostHeapMb <= HOST_TARGET_MB ? 'met' : 'NOT met'}; resident ${rssMb(served.process.pid!).toFixed(0)} MB`,
    );
    await page.screenshot({ path: join(work, 'dashboard.png') });
  } finally {
    await browser.close();
    await served.stop();
    rmSync(work, { recursive: true, force: true });
  }
  return 0;
}
