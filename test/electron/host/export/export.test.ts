// Every export format from one in-process run (and a synthetic one for the visual reference):
// decodable PNGs of the requested size, well-formed SVG with one path per series, the documented
// CSV, JSON equal to what the session loader reads, a self-contained report, atomic writes.
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync, crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildExport,
  csvHeader,
  ExportError,
  ExportWriteError,
  readExportJson,
  renderPng,
  renderSvg,
  toJson,
  writeExportFiles,
  zip,
} from '../../../../electron/host/export';
import { openSession, saveSession } from '../../../../electron/host/session/file';
import { buildRunChart, RUN_CHARTS, runInfo, storeWindow, THEMES } from '../../../../shared/charts';
import { SERIES } from '../../../../shared/run/sample';
import { realSource, syntheticSource } from './fixture';
import { checkXml } from './xml';

const tmp = mkdtempSync(join(tmpdir(), 'arenascope-export-'));
const REFERENCE = fileURLToPath(new URL('../../../fixtures/export/reference.png', import.meta.url));
const text = (d: Uint8Array | string): string => (typeof d === 'string' ? d : Buffer.from(d).toString('utf8'));
const source = realSource(['3.11']);
const pair = realSource(['2.4', '3.11']);
const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((f) => f()));

describe('PNG', () => {
  it('decodes at the requested size, in both themes', async () => {
    for (const [theme, width, height] of [
      ['light', 640, 320],
      ['dark', 1000, 700],
    ] as const) {
      const { files } = await buildExport(source, { formats: ['png'], width, height, theme });
      expect(files.map((f) => f.name)).toEqual(['memory.png', 'arenas.png', 'pools.png']);
      for (const f of files) {
        const img = await loadImage(Buffer.from(f.data as Uint8Array));
        expect([img.width, img.height]).toEqual([width, height]);
      }
      // The background is the theme's.
      const img = await loadImage(Buffer.from(files[0]!.data as Uint8Array));
      const ctx = createCanvas(width, height).getContext('2d');
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(1, 1, 1, 1).data;
      const bg = THEMES[theme].background;
      expect([px[0], px[1], px[2]]).toEqual([1, 3, 5].map((i) => parseInt(bg.slice(i, i + 2), 16)));
    }
  });

  it('refuses sizes out of range by name', async () => {
    await expect(buildExport(source, { formats: ['png'], width: 10 })).rejects.toThrow(ExportError);
    await expect(buildExport(source, { formats: ['png'], height: 1e6 })).rejects.toThrow(/height must be an integer/);
  });

  it('matches the committed reference picture within a small tolerance', async () => {
    // No text in the reference: fonts differ between machines, lines and fills do not.
    const syn = syntheticSource();
    const spec = buildRunChart(
      RUN_CHARTS.memory,
      storeWindow(syn.store, { runId: 'run-1', series: [...RUN_CHARTS.memory.keys], from: -Infinity, to: Infinity, maxPoints: 520, axis: 'op' }),
      runInfo('run-1', syn.runs[0]!.config),
    );
    const png = await renderPng(spec, { width: 600, height: 300, theme: THEMES.light, text: false });
    // UPDATE_EXPORT_REFERENCE=1 rewrites the reference (after a deliberate change of the look).
    if (process.env['UPDATE_EXPORT_REFERENCE'] === '1') {
      mkdirSync(join(REFERENCE, '..'), { recursive: true });
      writeFileSync(REFERENCE, png);
    }
    expect(existsSync(REFERENCE)).toBe(true);
    const want = await pixels(readFileSync(REFERENCE));
    expect(differing(await pixels(png), want)).toBeLessThan(0.005);
    // The check is not blind: the same chart on the dark theme is far off.
    const dark = await renderPng(spec, { width: 600, height: 300, theme: THEMES.dark, text: false });
    expect(differing(await pixels(dark), want)).toBeGreaterThan(0.5);
  });
});

async function pixels(data: Uint8Array): Promise<{ w: number; h: number; data: Uint8ClampedArray }> {
  const img = await loadImage(Buffer.from(data));
  const ctx = createCanvas(img.width, img.height).getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { w: img.width, h: img.height, data: ctx.getImageData(0, 0, img.width, img.height).data };
}

/** The fraction of pixels with a channel off by more than 48 of 255 (more than anti-aliasing moves). */
function differing(a: Awaited<ReturnType<typeof pixels>>, b: Awaited<ReturnType<typeof pixels>>): number {
  expect([a.w, a.h]).toEqual([b.w, b.h]);
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 4; c++) {
      if (Math.abs(a.data[i + c]! - b.data[i + c]!) > 48) {
        n++;
        break;
      }
    }
  }
  return n / (a.w * a.h);
}

describe('SVG', () => {
  it('is well-formed XML with exactly one path per series', async () => {
    const { files, charts } = await buildExport(source, { formats: ['svg'] });
    expect(files).toHaveLength(3);
    files.forEach((f, i) => {
      const svg = text(f.data);
      const { elements, root } = checkXml(svg);
      expect(root).toBe('svg');
      expect(elements.filter((e) => e === 'path')).toHaveLength(charts[i]!.bands.length);
      for (const b of charts[i]!.bands) expect(svg).toContain(`data-series="${b.key}"`);
    });
    // Retained memory: arena, pool, block, requested and pinned bytes.
    expect(charts.map((c) => c.bands.length)).toEqual([5, 4, 3]);
  });

  it('overlays one path per run when comparing, titled with versions, workload and seed', async () => {
    const { files } = await buildExport(pair, { formats: ['svg'], mode: 'compare', charts: ['arena_bytes', 'arenas'] });
    expect(files.map((f) => f.name)).toEqual(['compare-arena_bytes.svg', 'compare-arenas.svg']);
    const svg = text(files[0]!.data);
    expect(checkXml(svg).elements.filter((e) => e === 'path')).toHaveLength(2);
    expect(svg).toMatch(/CPython 2\.4\.\d+ vs 3\.11\.\d+ · ramp-cycles v\d+ · seed 7/);
  });

  it('escapes what it prints', () => {
    const syn = syntheticSource();
    const spec = buildRunChart(
      RUN_CHARTS.pools,
      storeWindow(syn.store, { runId: 'run-1', series: [...RUN_CHARTS.pools.keys], from: -Infinity, to: Infinity, maxPoints: 100, axis: 'wall_ms' }),
      runInfo('run-1', { ...syn.runs[0]!.config, seed: '<&"1">' }),
    );
    spec.phases.push({ x: 10, label: 'a < b & "c"' });
    expect(() => checkXml(renderSvg(spec, { width: 400, height: 300, theme: THEMES.dark }))).not.toThrow();
  });
});

describe('CSV', () => {
  it('has the documented header (units in it) and one row per sample', async () => {
    const { files } = await buildExport(source, { formats: ['csv'] });
    expect(files.map((f) => f.name)).toEqual(['samples.csv']);
    const [header, ...rows] = text(files[0]!.data).trimEnd().split('\n');
    expect(header).toBe(csvHeader());
    expect(header).toMatch(/^op \(ops\),wall_ms \(ms\),requested_bytes \(bytes\),/);
    expect(header!.split(',')).toHaveLength(SERIES.length);
    expect(rows).toHaveLength(source.store.stats('run-1').samples);
    const cols = source.store.read('run-1');
    rows.forEach((r, i) => expect(r.split(',').map(Number)).toEqual(cols.map((c) => c[i])));
  });

  it('writes one file per run when there are several', async () => {
    const { files } = await buildExport(pair, { formats: ['csv'] });
    expect(files.map((f) => f.name)).toEqual([expect.stringMatching(/^samples-2\.4\.\d+\.csv$/), expect.stringMatching(/^samples-3\.11\.\d+\.csv$/)]);
  });
});

describe('JSON', () => {
  it('round-trips through the session loader: its series are what openSession reads', async () => {
    const file = join(tmp, 'rt.arenascope.gz');
    await saveSession(file, {
      runs: pair.runs.map((r) => ({ id: r.id, config: r.config, meta: { name: r.name! }, started: r.started!, status: r.status!, coalesced: 0 })),
      store: pair.store,
    });
    const { session, warnings } = await openSession(file);
    expect(warnings).toEqual([]);
    const exported = readExportJson(
      toJson(
        { store: session.store, runs: session.runs.map((r) => ({ id: r.id, config: r.config, started: r.started ?? null, status: r.status ?? null })) },
        new Date(0),
      ),
    );
    expect(exported.runs.map((r) => r.id)).toEqual(session.runs.map((r) => r.id));
    for (const run of exported.runs) {
      const cols = session.store.read(run.id);
      SERIES.forEach((s, i) => expect(run.series[s.key]).toEqual(Array.from(cols[i]!)));
      expect(run.phases.map((p) => ({ op: p.op, label: p.label }))).toEqual(session.store.phases(run.id));
      expect(run.config).toEqual(session.runs.find((r) => r.id === run.id)!.config);
      expect(run.started).toEqual(session.runs.find((r) => r.id === run.id)!.started);
      expect(run.figures.series['arena_bytes']!.peak).toBe(Math.max(...cols[SERIES.findIndex((s) => s.key === 'arena_bytes')]!));
    }
    expect(exported.columns.map((c) => c.key)).toEqual(SERIES.map((s) => s.key));
  });
});

describe('HTML report', () => {
  it('embeds every chart as SVG with the tables, and names no URL', async () => {
    const { files, charts } = await buildExport(pair, { formats: ['html'], mode: 'compare' });
    expect(files.map((f) => f.name)).toEqual(['report.html']);
    const html = text(files[0]!.data);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/http/i);
    expect(html).not.toMatch(/<script|<link|src=|url\((?!#)/i);
    expect(html.match(/<svg /g)).toHaveLength(charts.length);
    for (const c of charts) {
      expect(html).toContain(`data-chart="${c.id}"`);
      expect(html).toContain(`data-series="${c.bands[0]!.key}"`);
    }
    for (const t of ['runs', 'delta', 'figures-run-1', 'figures-run-2']) expect(html).toContain(`data-table="${t}"`);
    expect(html).toContain('@media print');
    expect(html).toContain('id="configurations"');
    // Each inline SVG is well-formed on its own, with clip paths unique in the page.
    const svgs = html.match(/<svg [\s\S]*?<\/svg>/g)!;
    for (const s of svgs) checkXml(s);
    const clips = [...html.matchAll(/clipPath id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(clips).size).toBe(clips.length);
  });

  it('shows the size classes when the run has a detail snapshot', async () => {
    const detail = {
      runId: 'run-1',
      op: 5,
      wallMs: 1,
      classes: { blockSize: [16, 32], usedPools: [1, 0], fullPools: [2, 0], blocks: [300, 0], availableBlocks: [6, 0] },
      arenas: [],
    };
    const { files } = await buildExport({ ...source, runs: [{ ...source.runs[0]!, detail }] }, { formats: ['html'] });
    const html = text(files[0]!.data);
    expect(html).toContain('data-table="size-classes-run-1"');
    expect(html).toContain('data-table="phases-run-1"');
  });
});

describe('writing', () => {
  it('writes every file whole, and nothing else', async () => {
    const dir = join(tmp, 'ok');
    const { files } = await buildExport(source, { formats: ['png', 'svg', 'csv', 'json', 'html'] });
    const paths = await writeExportFiles(dir, files);
    expect(readdirSync(dir).sort()).toEqual(files.map((f) => f.name).sort());
    expect(paths).toHaveLength(files.length);
    expect(readFileSync(join(dir, 'samples.csv'), 'utf8')).toBe(files.find((f) => f.name === 'samples.csv')!.data);
  });

  it('reports the path and leaves nothing behind in a read-only folder', async () => {
    const dir = join(tmp, 'read-only');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    cleanups.push(() => chmodSync(dir, 0o755));
    // root ignores permissions: make the folder immutable instead (or skip where that is not allowed).
    if (process.getuid?.() === 0) {
      if (spawnSync('chattr', ['+i', dir]).status !== 0) return;
      cleanups.unshift(() => spawnSync('chattr', ['-i', dir]));
    }
    const { files } = await buildExport(source, { formats: ['csv', 'html'] });
    const error = await writeExportFiles(dir, files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportWriteError);
    expect((error as ExportWriteError).path).toBe(join(dir, 'samples.csv'));
    expect((error as Error).message).toContain(join(dir, 'samples.csv'));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a failure at the last file removes the others it had staged', async () => {
    const dir = join(tmp, 'blocked');
    mkdirSync(join(dir, 'report.html', 'occupied'), { recursive: true });
    const { files } = await buildExport(source, { formats: ['csv', 'json', 'html'] });
    const error = await writeExportFiles(dir, files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportWriteError);
    expect((error as ExportWriteError).path).toBe(join(dir, 'report.html'));
    // Nothing half-written and no temporary file; files renamed before the failure are whole.
    for (const name of readdirSync(dir)) {
      expect(name.endsWith('.tmp')).toBe(false);
      if (name !== 'report.html') expect(readFileSync(join(dir, name), 'utf8')).toBe(files.find((f) => f.name === name)!.data);
    }
  });
});

describe('zip (the app saves several files as one download)', () => {
  it('holds every file, deflated, with its CRC', () => {
    const entries = [
      { name: 'a.txt', data: 'hello '.repeat(100) },
      { name: 'b.bin', data: new Uint8Array([1, 2, 3]) },
    ];
    const z = Buffer.from(zip(entries));
    const eocd = z.length - 22;
    expect(z.readUInt32LE(eocd)).toBe(0x06054b50);
    expect(z.readUInt16LE(eocd + 10)).toBe(2);
    let at = z.readUInt32LE(eocd + 16);
    for (const e of entries) {
      expect(z.readUInt32LE(at)).toBe(0x02014b50);
      const method = z.readUInt16LE(at + 10);
      const crc = z.readUInt32LE(at + 16);
      const size = z.readUInt32LE(at + 20);
      const nameLen = z.readUInt16LE(at + 28);
      const local = z.readUInt32LE(at + 42);
      expect(z.toString('utf8', at + 46, at + 46 + nameLen)).toBe(e.name);
      const dataAt = local + 30 + z.readUInt16LE(local + 26) + z.readUInt16LE(local + 28);
      const body = z.subarray(dataAt, dataAt + size);
      const raw = method === 8 ? inflateRawSync(body) : body;
      const want = typeof e.data === 'string' ? Buffer.from(e.data) : Buffer.from(e.data);
      expect(raw.equals(want)).toBe(true);
      expect(crc).toBe(crc32(want));
      at += 46 + nameLen;
    }
  });
});
