/** `serve` as a user runs it: the URL first on stdout, a working server, Ctrl-C ends it cleanly. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectNodeBridge } from '../serve/node-bridge';
import { waitFor } from '../wait';
import { cli, startCli } from './cli-process';

const tmp = mkdtempSync(join(tmpdir(), 'arenascope-serve-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('serve command', () => {
  it('exits 2 telling to build when the renderer is missing', () => {
    const r = cli('serve', '--renderer', join(tmp, 'nothing'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/the renderer is not built .*run `npm run build` first/);
  });

  it('prints the URL with its token first, serves, autosaves, and stops on SIGINT', async () => {
    const renderer = join(tmp, 'renderer');
    mkdirSync(renderer, { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
    const sessions = join(tmp, 'sessions');
    const { child, out, exited } = startCli('serve', '--port', '0', '--renderer', renderer, '--autosave', sessions);
    try {
      await waitFor('the URL', () => out.stdout.includes('\n'), 60_000);
      const url = out.stdout.split('\n')[0]!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
      const page = new URL(url);
      expect((await fetch(url)).status).toBe(200);
      expect((await fetch(`${page.origin}/`)).status).toBe(401);

      const { bridge } = await connectNodeBridge(`ws://${page.host}/bridge${page.search}`);
      const { runId } = await bridge.startRun({ workload: 'steady-churn', params: { L: 1000 }, seed: '1', python: '3.11', ops: 1e12, sampleEvery: 10_000 });
      let state = '';
      bridge.subscribe((e) => {
        if (e.type === 'run' && e.run.runId === runId) state = e.run.state;
      });
      await waitFor('the run to go', () => state === 'running', 30_000);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out.stderr).toMatch(/stopping the runs/);
      expect(out.stderr).toMatch(/session saved in /);
      expect(readdirSync(sessions)).toHaveLength(1);
      bridge.close();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses to listen beyond loopback without --allow-remote (exit 2, with the reason)', () => {
    const renderer = join(tmp, 'renderer-remote');
    mkdirSync(renderer, { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
    for (const host of ['0.0.0.0', '::', '192.0.2.1']) {
      const r = cli('serve', '--renderer', renderer, '--host', host);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`serve: --host ${host} listens beyond this machine: add --allow-remote to confirm`);
      expect(r.stderr).toMatch(/SSH tunnel/);
    }
  });

  it('exits 2 when an --allow-files folder is missing or a limit is unusable', () => {
    const renderer = join(tmp, 'renderer-remote');
    const cases: [string[], RegExp][] = [
      [['--allow-files', join(tmp, 'no-such-folder')], /--allow-files .*no-such-folder: no such folder/],
      [['--allow-files', join(renderer, 'index.html')], /--allow-files .*index\.html: not a folder/],
      [['--max-runs', '0'], /--max-runs must be an integer from 1/],
      [['--run-memory', '900', '--max-worker-memory', '800'], /--run-memory 900 is more than --max-worker-memory 800/],
    ];
    for (const [args, message] of cases) {
      const r = cli('serve', '--renderer', renderer, ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('with --allow-remote, prints the risks and serves; the hello tells the capabilities it was given', async () => {
    const renderer = join(tmp, 'renderer-remote');
    const allowed = join(tmp, 'traces');
    mkdirSync(allowed, { recursive: true });
    const { child, out, exited } = startCli('serve', '--port', '0', '--renderer', renderer, '--host', '0.0.0.0', '--allow-remote', '--allow-files', allowed);
    try {
      await waitFor('the URL', () => out.stdout.includes('\n'), 60_000);
      expect(out.stderr).toMatch(/beyond this machine \(--allow-remote\)\. Risks:/);
      expect(out.stderr).toMatch(/ssh -N -L 8080:127\.0\.0\.1:PORT/);
      expect(out.stderr).toContain(`clients may read files in ${allowed} (--allow-files)`);
      const page = new URL(out.stdout.split('\n')[0]!);
      const ws = new WebSocket(`ws://127.0.0.1:${page.port}/bridge${page.search}`);
      const hello = await new Promise<unknown>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
      expect(hello).toMatchObject({ hello: { capabilities: { files: 'confined', fileRoots: [allowed], programs: false } } });
      ws.close();
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
