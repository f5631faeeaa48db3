// Files the OS asks us to open: command lines (first and second launch), sorting, queueing, opening.
import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fileKind, filesFromArgv, OpenQueue, openFiles, sortFiles, traceRunConfig, type OpenTarget } from '../../../electron/main/open-files';
import type { VersionInfo } from '../../../shared/protocol/bridge';
import type { RunConfig } from '../../../shared/protocol/run-config';

const cwd = resolve('/home/u/work');
const abs = (p: string): string => resolve(cwd, p);

describe('fileKind', () => {
  it.each([
    ['a.arenascope', 'session'],
    ['a.arenascope.gz', 'session'],
    ['/x/RUN.ARENASCOPE.GZ', 'session'],
    ['t.pymtrace', 'trace'],
    ['t.pymtrace.gz', 'trace'],
    ['t.PyMTrace.Gz', 'trace'],
    ['t.gz', null],
    ['t.txt', null],
    ['arenascope', null],
    ['t.pymtrace.gz.bak', null],
  ])('%s is %s', (path, kind) => expect(fileKind(path)).toBe(kind));
});

describe('filesFromArgv', () => {
  it('skips the executable of a packaged app and resolves relative paths', () => {
    expect(filesFromArgv(['/opt/Arenascope/arenascope', 'a.arenascope.gz', '/t/b.pymtrace'], { cwd, defaultApp: false })).toEqual([
      abs('a.arenascope.gz'),
      '/t/b.pymtrace',
    ]);
  });

  it('skips the app path too when Electron runs as a default app (development)', () => {
    expect(filesFromArgv(['/x/electron', '.', 'run.arenascope'], { cwd, defaultApp: true })).toEqual([abs('run.arenascope')]);
    expect(filesFromArgv(['/x/electron', '/repo/out/main/index.js'], { cwd, defaultApp: true })).toEqual([]);
  });

  it('skips switches, including the ones Chromium adds to a second instance', () => {
    const argv = ['arenascope', '--allow-file-access-from-files', '--original-process-start-time=13370000', '-v', 'x.pymtrace', '--no-sandbox'];
    expect(filesFromArgv(argv, { cwd, defaultApp: false })).toEqual([abs('x.pymtrace')]);
  });

  it('takes everything after -- as a file, even names starting with a dash', () => {
    expect(filesFromArgv(['arenascope', '--flag', '--', '-odd.pymtrace', '--'], { cwd, defaultApp: false })).toEqual([abs('-odd.pymtrace'), abs('--')]);
  });

  it("turns file URLs (a desktop entry's %U) into paths and drops other URLs", () => {
    const file = join(resolve('/tmp'), 'my run.arenascope.gz');
    const argv = ['arenascope', pathToFileURL(file).href, 'https://example.com/x.pymtrace', 'arenascope://open?x', 'file://remote-host/share/x.pymtrace'];
    const files = filesFromArgv(argv, { cwd, defaultApp: false });
    expect(files[0]).toBe(file);
    // A file URL naming another host is not a local path on POSIX (and a UNC path on Windows).
    expect(files.slice(1).every((f) => !f.startsWith('https') && !f.startsWith('arenascope:'))).toBe(true);
  });

  it('ignores empty arguments', () => {
    expect(filesFromArgv(['arenascope', '', 'a.pymtrace'], { cwd, defaultApp: false })).toEqual([abs('a.pymtrace')]);
  });
});

describe('sortFiles', () => {
  it('keeps sessions and traces in order, without duplicates, and sets the rest apart', () => {
    expect(sortFiles(['/a.pymtrace', '/b.arenascope.gz', '/c.txt', '/a.pymtrace'])).toEqual({
      open: [
        { kind: 'trace', path: '/a.pymtrace' },
        { kind: 'session', path: '/b.arenascope.gz' },
      ],
      unknown: ['/c.txt'],
    });
  });
});

describe('OpenQueue', () => {
  it('holds paths until a consumer attaches, then passes them straight through', () => {
    const queue = new OpenQueue();
    const got: string[][] = [];
    queue.add(['/a']);
    queue.add([]);
    queue.add(['/b', '/c']);
    queue.attach((paths) => got.push(paths));
    expect(got).toEqual([['/a', '/b', '/c']]);
    queue.add(['/d']);
    expect(got).toEqual([['/a', '/b', '/c'], ['/d']]);
    queue.detach();
    queue.add(['/e']);
    expect(got).toHaveLength(2);
    queue.attach((paths) => got.push(paths));
    expect(got.at(-1)).toEqual(['/e']);
  });
});

class FakeTarget implements OpenTarget {
  sessions: string[] = [];
  runs: RunConfig[] = [];
  notices: [string, string][] = [];
  failSession = false;
  async openSession(path: string): Promise<unknown> {
    if (this.failSession) throw new Error('not an Arenascope session (the first record is not JSON)');
    this.sessions.push(path);
    return {};
  }
  async startRun(config: RunConfig): Promise<{ runId: string }> {
    this.runs.push(config);
    return { runId: `r${this.runs.length}` };
  }
  async versions(): Promise<VersionInfo[]> {
    return [{ family: 'G5', covers: '3.10 – 3.14', policy: '', examples: ['3.14', '3.13'], releases: ['3.14.0', '3.13.12'], defaultArenas: 'misaligned' }];
  }
  notify(level: 'info' | 'error', message: string): void {
    this.notices.push([level, message]);
  }
}

describe('openFiles', () => {
  it('opens sessions, replays traces with the newest version, and explains the rest', async () => {
    const target = new FakeTarget();
    await openFiles(['/s.arenascope.gz', '/t.pymtrace.gz', '/x.csv'], target);
    expect(target.sessions).toEqual(['/s.arenascope.gz']);
    expect(target.runs).toEqual([{ workload: 'trace-replay', params: { path: '/t.pymtrace.gz' }, seed: '0', python: '3.14', sampleEvery: 10_000 }]);
    expect(target.notices).toEqual([['error', expect.stringMatching(/^cannot open \/x\.csv: not an Arenascope session .* or a pymalloc trace/)]]);
  });

  it('turns a failure into an error notice and goes on with the next file', async () => {
    const target = new FakeTarget();
    target.failSession = true;
    await openFiles(['/bad.arenascope', '/t.pymtrace'], target);
    expect(target.notices).toEqual([['error', 'cannot open /bad.arenascope: not an Arenascope session (the first record is not JSON)']]);
    expect(target.runs).toHaveLength(1);
  });

  it('refuses a trace when the host offers no version', async () => {
    await expect(traceRunConfig('/t.pymtrace', { versions: async () => [] })).rejects.toThrow(/no CPython version/);
  });
});
