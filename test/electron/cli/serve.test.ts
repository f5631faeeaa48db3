/** `serve` as a user runs it: the URL first on stdout, a working server, Ctrl-C ends it cleanly. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectSocketBridge, type SocketLike } from '../../../shared/protocol/bridge-client';
import { waitFor } from '../wait';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = join(ROOT, 'electron/cli/main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'arenascope-serve-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('serve command', () => {
  it('exits 2 telling to build when the renderer is missing', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--renderer', join(tmp, 'nothing')], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/the renderer is not built .*run `npm run build` first/);
  });

  it('prints the URL with its token first, serves, autosaves, and stops on SIGINT', async () => {
    const renderer = join(tmp, 'renderer');
    mkdirSync(renderer, { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
    const sessions = join(tmp, 'sessions');
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0', '--renderer', renderer, '--autosave', sessions], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor('the URL', () => stdout.includes('\n'), 60_000);
      const url = stdout.split('\n')[0]!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
      const page = new URL(url);
      expect((await fetch(url)).status).toBe(200);
      expect((await fetch(`${page.origin}/`)).status).toBe(401);

      const ws = new WebSocket(`ws://${page.host}/bridge${page.search}`);
      const bridge = await connectSocketBridge(ws as unknown as SocketLike);
      const { runId } = await bridge.startRun({ workload: 'steady-churn', params: { L: 1000 }, seed: '1', python: '3.11', ops: 1e12, sampleEvery: 10_000 });
      let state = '';
      bridge.subscribe((e) => {
        if (e.type === 'run' && e.run.runId === runId) state = e.run.state;
      });
      await waitFor('the run to go', () => state === 'running', 30_000);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/stopping the runs/);
      expect(stderr).toMatch(/session saved in /);
      expect(readdirSync(sessions)).toHaveLength(1);
      ws.close();
    } finally {
      child.kill('SIGKILL');
    }
  });
});
