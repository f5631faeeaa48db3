/**
 * Does a long run hold its memory? Starts the real host the way a user does (`serve`, under plain
 * Node), connects to its bridge like the page does, starts each workload's defaults (two runs at
 * once by default: CPython 3.11 and 2.7, as a user comparing versions would), and reads the host's
 * and every worker's resident memory (/proc/PID/status VmRSS) every `--every` seconds. Per workload
 * it prints the least-squares RSS slopes after the warm-up (MB per minute), the rate at which
 * samples reached the client, and a verdict against the limit of 1 MB per minute. A fresh host per
 * workload, so that one workload's runs do not weigh on the next one's figures.
 *
 *   npm run bench -- soak [--minutes 10] [--workloads a,b] [--runs 2] [--every 20] [--warmup M] [--pythons 3.11,2.7] [--restart]
 *
 * `--restart` runs a finite workload again whenever it ends (removing the ended run, as a user
 * going on would), so that a long soak covers it too.
 *
 * Exit 1 when a slope is over the limit. Linux only (it reads /proc).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectNodeBridge } from '../test/electron/serve/node-bridge';
import { childPids } from '../test/support/proc';
import type { Bridge, RunSummary } from '../shared/protocol/bridge';
import { DEFAULT_MAX_SAMPLE_INTERVAL_MS, DEFAULT_SAMPLE_EVERY } from '../shared/protocol/run-config';
import { WORKLOADS } from '../shared/workloads/registry';
import { benchOptions, wholeOption } from './options';

/** The verdict's limit: RSS may not grow faster than this after the warm-up. */
const LIMIT_MB_PER_MIN = 1;
/** Fewer readings after the warm-up than this give no slope (a finite run that ended early). */
const MIN_READINGS = 4;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'electron/cli/main.ts');
/** What identifies a run's worker among the host's children (the forked entry, see node-launcher.ts). */
const WORKER_ENTRY = /worker[/\\]index\.[cm]?[jt]s/;

// ---- /proc -------------------------------------------------------------------------------------

/** Resident memory of a process in MB, or null once it is gone. */
export function rssMB(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Children of `parent` whose command line names the worker entry. */
function workerPids(parent: number): number[] {
  return childPids(parent).filter((pid) => {
    try {
      return WORKER_ENTRY.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false; // The process ended while we looked.
    }
  });
}

// ---- numbers -----------------------------------------------------------------------------------

/** Restarted slots: the worker's RSS is fitted by its peak in windows of this many minutes. */
const PEAK_WINDOW_MIN = 5;

/** The largest reading of each window of `minutes` (at the window's middle): a slot's peaks over time. */
export function windowPeaks(points: readonly (readonly [number, number])[], minutes: number): [number, number][] {
  const peaks = new Map<number, number>();
  for (const [t, y] of points) {
    const w = Math.floor(t / minutes);
    peaks.set(w, Math.max(peaks.get(w) ?? -Infinity, y));
  }
  return [...peaks].sort(([a], [b]) => a - b).map(([w, y]) => [(w + 0.5) * minutes, y]);
}

/** Least-squares slope of y over x; null with fewer than two distinct x. */
export function slope(points: readonly (readonly [number, number])[]): number | null {
  const n = points.length;
  if (n < 2) return null;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) * (x - mx);
    sxy += (x - mx) * (y - my);
  }
  return sxx === 0 ? null : sxy / sxx;
}

// ---- the host ----------------------------------------------------------------------------------

interface Host {
  child: ChildProcess;
  pid: number;
  url: URL;
  stderrTail: () => string;
  exited: Promise<number | null>;
}

async function startHost(rendererDir: string): Promise<Host> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', '0', '--renderer', rendererDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    stderr = (stderr + c).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<URL>((resolve, reject) => {
    const check = (): void => {
      if (stdout.includes('\n')) resolve(new URL(stdout.split('\n')[0]!));
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`serve exited (${code}) before printing its URL: ${stderr.trim()}`)));
  });
  return { child, pid: child.pid!, url, stderrTail: () => stderr.trim().split('\n').slice(-3).join(' | '), exited };
}

async function stopHost(host: Host): Promise<void> {
  host.child.kill('SIGINT');
  const timer = setTimeout(() => host.child.kill('SIGKILL'), 60_000);
  await host.exited;
  clearTimeout(timer);
}

// ---- one workload ------------------------------------------------------------------------------

interface RunTrack {
  runId: string;
  python: string;
  worker: number | null;
  summary: RunSummary | null;
  /** Samples the host holds for the run, from its latest `samples` event. */
  received: number;
  /** Samples of the earlier runs of this slot (`--restart`). */
  receivedBefore: number;
  /** Runs started in this slot after the first (`--restart`). */
  restarts: number;
  /** Minutes since the start when the run was first seen ended by itself (null: it ran throughout). */
  endedAt: number | null;
  /** [minutes since start, MB] */
  rss: [number, number][];
  /** [minutes since start, samples the host announced so far] */
  samples: [number, number][];
  /** A restart of this slot is under way (`--restart`). */
  restarting: Promise<void> | null;
}

export interface WorkloadResult {
  workload: string;
  runs: {
    python: string;
    workerSlope: number | null;
    workerEndMB: number | null;
    samplesPerS: number | null;
    state: string;
    endedAtMin: number | null;
    restarts: number;
  }[];
  hostSlope: number | null;
  hostEndMB: number | null;
  /** No slope went over the limit and no run failed. */
  pass: boolean;
  /** Every slope had enough readings after the warm-up (else the verdict is "too short"). */
  measured: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (!test()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface SoakOptions {
  minutes: number;
  runs: number;
  everyS: number;
  warmupMin: number;
  pythons: string[];
  /** Run a finite workload again when it ends (removing the ended run). */
  restart: boolean;
  rendererDir: string;
}

async function soakWorkload(workload: string, o: SoakOptions): Promise<WorkloadResult> {
  const host = await startHost(o.rendererDir);
  const tracks: RunTrack[] = [];
  const hostRss: [number, number][] = [];
  let bridge: (Bridge & { close(): void }) | null = null;
  try {
    bridge = (await connectNodeBridge(`ws://${host.url.host}/bridge${host.url.search}`)).bridge;
    const byId = new Map<string, RunTrack>();
    let stopping = false;
    /**
     * A finite workload that ended is run again at once, and the ended run removed, as a user going
     * on working would: the soak then measures the host across runs, not an idle host, and a reading
     * finds the slot's worker running, not between two runs (a short run ends within seconds).
     */
    const restartIfDone = (track: RunTrack): void => {
      if (!o.restart || stopping || track.restarting !== null || track.summary?.state !== 'done') return;
      const ended = track.summary;
      track.restarting = (async () => {
        await bridge!.command(track.runId, { type: 'remove' }).catch(() => undefined);
        byId.delete(track.runId);
        track.receivedBefore += Math.max(track.received, ended.samples);
        track.restarts++;
        await launch(track, tracks.indexOf(track) + 1 + o.runs * track.restarts);
      })().finally(() => {
        track.restarting = null;
        restartIfDone(track); // it may have ended again while it was being found
      });
    };
    bridge.subscribe((e) => {
      if (e.type === 'run') {
        const t = byId.get(e.run.runId);
        if (t) {
          t.summary = e.run;
          restartIfDone(t);
        }
      } else if (e.type === 'samples') {
        const t = byId.get(e.runId);
        if (t) t.received = e.samples;
      } else if (e.type === 'runs') {
        for (const r of e.runs) {
          const t = byId.get(r.runId);
          if (t) t.summary = r;
        }
      }
    });
    const t0 = Date.now();
    const minutes = (): number => (Date.now() - t0) / 60_000;
    /** Starts the slot's run (again, after a restart) and finds its worker among the host's children. */
    const launch = async (track: RunTrack, seed: number): Promise<void> => {
      const before = new Set(workerPids(host.pid));
      const { runId } = await bridge!.startRun({
        workload,
        params: {},
        seed: String(seed),
        python: track.python,
        // A little past the soak, so that no run ends by its budget while we measure.
        durationMs: (o.minutes + 1) * 60_000,
        sampleEvery: DEFAULT_SAMPLE_EVERY,
        maxSampleIntervalMs: DEFAULT_MAX_SAMPLE_INTERVAL_MS,
      });
      Object.assign(track, { runId, worker: null, summary: null, received: 0, endedAt: null });
      byId.set(runId, track);
      await until(`run ${track.runId} (${track.python}) to start`, () => track.summary !== null && track.summary.state !== 'starting', 120_000);
      track.worker = workerPids(host.pid).find((pid) => !before.has(pid)) ?? null;
    };
    for (let k = 0; k < o.runs; k++) {
      const track: RunTrack = {
        runId: '',
        python: o.pythons[k % o.pythons.length]!,
        worker: null,
        summary: null,
        received: 0,
        receivedBefore: 0,
        restarts: 0,
        endedAt: null,
        rss: [],
        samples: [],
        restarting: null,
      };
      tracks.push(track);
      await launch(track, k + 1);
    }

    const deadline = t0 + o.minutes * 60_000;
    for (;;) {
      const t = minutes();
      const h = rssMB(host.pid);
      if (h !== null) hostRss.push([t, h]);
      const parts = [`${t.toFixed(1)} min`, `host ${h?.toFixed(0) ?? '—'} MB`];
      for (const r of tracks) {
        const w = r.worker === null ? null : rssMB(r.worker);
        if (w !== null) r.rss.push([t, w]);
        const received = r.receivedBefore + Math.max(r.received, r.summary?.samples ?? 0);
        if (r.endedAt === null && r.summary !== null && !['running', 'paused'].includes(r.summary.state)) r.endedAt = t;
        r.samples.push([t, received]);
        parts.push(`${r.python}: ${w?.toFixed(0) ?? '—'} MB, ${r.summary?.state ?? '?'}, ${received} samples`);
      }
      process.stderr.write(`  ${workload} ${parts.join(' · ')}\n`);
      if (Date.now() >= deadline) break;
      for (const r of tracks) restartIfDone(r);
      await sleep(Math.min(o.everyS * 1000, Math.max(0, deadline - Date.now())));
    }
    stopping = true;
    await Promise.all(tracks.map((r) => r.restarting));
    for (const r of tracks) {
      if (r.summary?.state === 'running' || r.summary?.state === 'paused') await bridge.command(r.runId, { type: 'stop' }).catch(() => undefined);
    }
  } finally {
    bridge?.close();
    await stopHost(host);
  }

  const after = <T extends [number, number]>(xs: T[]): T[] => xs.filter(([t]) => t >= o.warmupMin);
  const fit = (xs: [number, number][]): number | null => (after(xs).length >= MIN_READINGS ? slope(after(xs)) : null);
  const hostSlope = fit(hostRss);
  const runs = tracks.map((r) => {
    // Readings while it ran (the one that saw it ended is past its end): after the warm-up, or all
    // of them for a run that ended before.
    const running = r.samples.filter(([t]) => t < (r.endedAt ?? Infinity));
    const s = after(running).length >= 2 ? after(running) : running;
    const first = s[0];
    const last = s[s.length - 1];
    const samplesPerS = first && last && last[0] > first[0] ? (last[1] - first[1]) / ((last[0] - first[0]) * 60) : null;
    return {
      python: r.python,
      // A slot whose runs ended and started again holds a new worker each time, read at any point
      // of its short life: the slope is that of each window's peak (a fixed point of every run).
      workerSlope: fit(r.restarts > 0 ? windowPeaks(r.rss, Math.min(PEAK_WINDOW_MIN, o.minutes / 12)) : r.rss),
      workerEndMB: r.rss.length > 0 ? r.rss[r.rss.length - 1]![1] : null,
      samplesPerS,
      state: r.summary?.state ?? 'unknown',
      endedAtMin: r.endedAt,
      restarts: r.restarts,
    };
  });
  const within = (x: number | null): boolean => x === null || x < LIMIT_MB_PER_MIN;
  const failed = runs.some((r) => r.state === 'failed' || r.state === 'crashed');
  const measured = hostSlope !== null && runs.every((r) => r.workerSlope !== null);
  return {
    workload,
    runs,
    hostSlope,
    hostEndMB: hostRss.length > 0 ? hostRss[hostRss.length - 1]![1] : null,
    pass: !failed && within(hostSlope) && runs.every((r) => within(r.workerSlope)),
    measured,
  };
}

// ---- the table ---------------------------------------------------------------------------------

const fmt = (x: number | null, digits = 2): string => (x === null ? '—' : x.toFixed(digits));

export function formatTable(results: readonly WorkloadResult[]): string {
  const lines = [
    '| workload | run | worker RSS end (MB) | worker slope (MB/min) | samples/s | host RSS end (MB) | host slope (MB/min) | verdict |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    r.runs.forEach((run, i) => {
      const state =
        (run.endedAtMin !== null ? ` (${run.state} at ${run.endedAtMin.toFixed(1)} min)` : '') +
        (run.restarts > 0 ? ` (${run.restarts + 1} runs in turn)` : '');
      const host = i === 0 ? [`${fmt(r.hostEndMB, 0)}`, fmt(r.hostSlope)] : ['', ''];
      const verdict = i === 0 ? (!r.pass ? 'FAIL' : r.measured ? 'pass' : 'too short') : '';
      lines.push(
        `| ${i === 0 ? r.workload : ''} | ${run.python}${state} | ${fmt(run.workerEndMB, 0)} | ${fmt(run.workerSlope)} | ${fmt(run.samplesPerS, 1)} | ${host.join(' | ')} | ${verdict} |`,
      );
    });
  }
  return lines.join('\n');
}

export async function soakBench(argv: string[]): Promise<number> {
  // The warm-up may be 0, so it is read as text and checked here.
  const values = benchOptions(argv, { minutes: 10, workloads: null, runs: 2, every: 20, warmup: null, pythons: '3.11,2.7', restart: false });
  const atLeast = (name: string, x: number, min: number): number => {
    if (!Number.isFinite(x) || x < min) throw new Error(`--${name} ${x}: expected a number of at least ${min}`);
    return x;
  };
  const minutes = atLeast('minutes', values.minutes, 0.5);
  const known = WORKLOADS.filter((w) => w.name !== 'trace-replay').map((w) => w.name);
  const workloads = values.workloads?.split(',').map((w) => w.trim()) ?? known;
  for (const w of workloads) if (!known.includes(w)) throw new Error(`--workloads: unknown workload "${w}" (one of ${known.join(', ')})`);
  const options: SoakOptions = {
    minutes,
    runs: wholeOption('runs', values.runs),
    everyS: atLeast('every', values.every, 1),
    // The first third of the run, at most 5 minutes: the live set and the host's caches build up.
    warmupMin: values.warmup === undefined ? Math.min(5, minutes / 3) : atLeast('warmup', Number(values.warmup), 0),
    pythons: values.pythons.split(','),
    restart: values.restart,
    rendererDir: mkdtempSync(join(tmpdir(), 'arenascope-soak-')),
  };
  // The bench is the page's bridge client; the page itself is not loaded, so a placeholder is enough.
  writeFileSync(join(options.rendererDir, 'index.html'), '<!doctype html><title>soak</title>');
  process.stdout.write(
    `soak: ${workloads.length} workload(s) × ${options.runs} run(s) at once (${options.pythons.join(', ')}), ${minutes} min each, ` +
      `RSS every ${options.everyS} s, slopes after ${options.warmupMin.toFixed(1)} min; limit ${LIMIT_MB_PER_MIN} MB/min\n`,
  );
  const results: WorkloadResult[] = [];
  try {
    for (const w of workloads) results.push(await soakWorkload(w, options));
  } finally {
    rmSync(options.rendererDir, { recursive: true, force: true });
  }
  process.stdout.write(`${formatTable(results)}\n`);
  const failed = results.filter((r) => !r.pass).map((r) => r.workload);
  const short = results.filter((r) => r.pass && !r.measured).map((r) => r.workload);
  process.stdout.write(failed.length === 0 ? 'every slope under the limit\n' : `over the limit: ${failed.join(', ')}\n`);
  if (short.length > 0) process.stdout.write(`too few readings after the warm-up (ended early): ${short.join(', ')}\n`);
  return failed.length === 0 ? 0 : 1;
}
