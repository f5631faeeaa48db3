// The app's way in: a bridge `export` request, validated like every request, rendered by the host
// with the command line's code; files come back in base64 (several as one zip when asked).
import { loadImage } from '@napi-rs/canvas';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppHost } from '../../../../electron/host/app-host';
import { handleBridgeRequest } from '../../../../electron/host/bridge-dispatch';
import { NodeLauncher } from '../../../../electron/host/workers/node-launcher';
import { saveSession } from '../../../../electron/host/session/file';
import type { ExportResult } from '../../../../shared/protocol/bridge';
import { createBridgeClient } from '../../../../shared/protocol/bridge-client';
import { realSource } from './fixture';
import { readExportJson } from '../../../../electron/host/export/json';
import { createAllocator } from '../../../../shared/engine';
import { analyzePins, driveTo, PinReplay, summaryLine } from '../../../../shared/pins';
import type { RunConfig } from '../../../../shared/protocol/run-config';
import { resolveRun } from '../../../../shared/run/resolve-run';

const tmp = mkdtempSync(join(tmpdir(), 'arenascope-bridge-export-'));
const host = new AppHost({ launcher: new NodeLauncher({ onStderrLine: () => undefined }), log: () => undefined });
afterAll(() => host.dispose());

async function loaded(): Promise<string[]> {
  const src = realSource(['2.4', '3.11']);
  const file = join(tmp, `s-${Math.random()}.arenascope.gz`);
  await saveSession(file, {
    runs: src.runs.map((r) => ({ id: r.id, config: r.config, meta: { name: r.name! }, started: r.started!, status: r.status!, coalesced: 0 })),
    store: src.store,
  });
  return (await host.openSession(file)).runIds;
}

// The client in front of the host, as the preload and the WebSocket page have it.
const client = createBridgeClient(
  { request: (req) => handleBridgeRequest(host, JSON.parse(JSON.stringify(req)), () => undefined), subscribe: () => () => undefined },
  host.protocolVersion,
);
const base = { mode: 'runs' as const, axis: 'op' as const, from: -Infinity, to: Infinity, width: 480, height: 240, theme: 'dark' as const, archive: false };

describe('bridge export', () => {
  it('renders the requested chart as PNG through the wire format', async () => {
    const [id] = await loaded();
    const r: ExportResult = await client.export({ ...base, runIds: [id!], charts: ['arenas'], formats: ['png'] });
    expect(r.files.map((f) => [f.name, f.mime])).toEqual([['arenas.png', 'image/png']]);
    const img = await loadImage(Buffer.from(r.files[0]!.base64, 'base64'));
    expect([img.width, img.height]).toEqual([480, 240]);
  });

  it('bundles several files into one zip when asked, and honours a window', async () => {
    const ids = await loaded();
    const r = await client.export({ ...base, runIds: ids, mode: 'compare', formats: ['svg', 'csv', 'html'], from: 1000, to: 50_000, archive: true });
    expect(r.files).toHaveLength(1);
    expect(r.files[0]!.name).toMatch(/^arenascope-export-.*\.zip$/);
    expect(Buffer.from(r.files[0]!.base64, 'base64').readUInt32LE(0)).toBe(0x04034b50);
    const plain = await client.export({ ...base, runIds: ids, mode: 'compare', charts: ['arena_bytes'], formats: ['html'], from: 1000, to: 50_000 });
    expect(Buffer.from(plain.files[0]!.base64, 'base64').toString('utf8')).toContain('charts show operations 1000 – 50k');
  });

  it("says why each run's arenas are kept at its end, in the JSON and the report, as the analysis in this process does", async () => {
    const [id] = await loaded();
    const r = await client.export({ ...base, runIds: [id!], formats: ['json', 'html'] });
    const json = readExportJson(Buffer.from(r.files.find((f) => f.name.endsWith('.json'))!.base64, 'base64').toString('utf8'));
    const cfg = json.runs[0]!.config as RunConfig;
    const ops = (json.runs[0]!.status as { ops: number }).ops;
    const resolved = resolveRun(cfg);
    const replay = new PinReplay(createAllocator(resolved.version, { arenas: resolved.arenas }));
    driveTo(resolved.generator, replay, ops);
    const expected = analyzePins(replay.alloc, { births: replay });
    expect(json.runs[0]!.pins).toEqual(expected);
    const html = Buffer.from(r.files.find((f) => f.name.endsWith('.html'))!.base64, 'base64').toString('utf8');
    expect(html).toContain('<section id="pins">');
    expect(html).toContain(summaryLine(expected).replace(/'/g, '&#39;'));
  });

  it('refuses malformed requests by field, and unknown runs or charts by name', async () => {
    const [id] = await loaded();
    await expect(client.export({ ...base, runIds: [id!], formats: ['gif' as 'png'] })).rejects.toThrow(/field params\.request\.formats\.0/);
    await expect(client.export({ ...base, runIds: [id!], formats: ['png'], width: 50 })).rejects.toThrow(/params\.request\.width/);
    await expect(client.export({ ...base, runIds: ['run-999'], formats: ['png'] })).rejects.toThrow(/no run 'run-999'/);
    await expect(client.export({ ...base, runIds: [id!], formats: ['png'], charts: ['nope'] })).rejects.toThrow(/unknown chart 'nope'/);
  });
});
