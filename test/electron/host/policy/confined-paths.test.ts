// Path confinement for --allow-files, on a real folder tree with symlinks: inside is the real path,
// anything outside (by `..`, by a symlink, by a sibling's name) reads the same.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confinedFile, fileRoots, isInside, PathRefusedError, type FileRoot } from '../../../../electron/host/policy/confined-paths';
import { CapabilityError, DESKTOP_POLICY, servePolicy } from '../../../../electron/host/policy/capabilities';

let tmp: string;
let roots: FileRoot[];

beforeAll(async () => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'arenascope-confine-')));
  mkdirSync(join(tmp, 'allowed', 'sub'), { recursive: true });
  mkdirSync(join(tmp, 'outside'));
  writeFileSync(join(tmp, 'allowed', 'a.pymtrace'), 'a 1 8\n');
  writeFileSync(join(tmp, 'outside', 'secret'), 'x');
  symlinkSync(join(tmp, 'outside', 'secret'), join(tmp, 'allowed', 'out'));
  symlinkSync(join(tmp, 'allowed', 'a.pymtrace'), join(tmp, 'allowed', 'sub', 'in'));
  // The folder itself given through a symlink: paths through either name are inside.
  symlinkSync(join(tmp, 'allowed'), join(tmp, 'alias'));
  roots = await fileRoots([join(tmp, 'alias')]);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const refusal = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'accepted',
    (e: unknown) => (e instanceof PathRefusedError ? e.message : `other: ${String(e)}`),
  );

describe('confinedFile', () => {
  it('gives the real path of a file inside, by either name of the folder and through symlinks that stay inside', async () => {
    const real = join(tmp, 'allowed', 'a.pymtrace');
    expect(await confinedFile(join(tmp, 'alias', 'a.pymtrace'), roots, 'p')).toBe(real);
    expect(await confinedFile(join(tmp, 'allowed', 'a.pymtrace'), roots, 'p')).toBe(real);
    expect(await confinedFile(join(tmp, 'alias', 'sub', 'in'), roots, 'p')).toBe(real);
    expect(await confinedFile(`${tmp}/alias/sub/../a.pymtrace`, roots, 'p')).toBe(real);
  });

  it('refuses everything outside with one message, whether or not it exists', async () => {
    const messages = new Set<string>();
    for (const p of [
      join(tmp, 'outside', 'secret'),
      join(tmp, 'outside', 'missing'),
      `${tmp}/alias/../outside/secret`,
      join(tmp, 'alias', 'out'),
      `${tmp}/alias-x/a`,
      '/',
    ]) {
      messages.add(await refusal(confinedFile(p, roots, 'trace')));
    }
    expect([...messages]).toEqual([`trace: not inside a folder this server allows (it was started with --allow-files ${join(tmp, 'alias')})`]);
  });

  it('refuses NUL bytes, relative paths, folders and missing files inside, each saying so', async () => {
    expect(await refusal(confinedFile(`${join(tmp, 'alias', 'a.pymtrace')}\0x`, roots, 'p'))).toBe('p: a path cannot hold a NUL byte');
    expect(await refusal(confinedFile('a.pymtrace', roots, 'p'))).toMatch(/^p: expected an absolute path inside /);
    expect(await refusal(confinedFile(join(tmp, 'alias', 'sub'), roots, 'p'))).toBe('p: not a file');
    expect(await refusal(confinedFile(join(tmp, 'alias', 'nope'), roots, 'p'))).toBe('p: no such file in the allowed folders');
    expect(await refusal(confinedFile(join(tmp, 'alias', 'a.pymtrace', 'x'), roots, 'p'))).toBe('p: no such file in the allowed folders');
  });

  it('isInside compares whole path components', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
    expect(isInside('/a/b', '/a/b/../c')).toBe(false);
    expect(isInside('/', '/x')).toBe(true);
  });
});

describe('policies', () => {
  it('serve: nothing by default, each refusal naming its flag; the desktop: everything', async () => {
    const none = await servePolicy();
    expect(none.capabilities).toEqual({ files: 'none', fileRoots: [], programs: false, uploads: null });
    expect(none.quoteFileContent).toBe(false);
    await expect(none.readablePath(join(tmp, 'allowed', 'a.pymtrace'), 'trace-replay path')).rejects.toThrow(CapabilityError);
    await expect(none.readablePath('/etc/passwd', 'trace-replay path')).rejects.toThrow(
      'trace-replay path: this server does not read its files for clients (start it with --allow-files DIR to allow a folder)',
    );
    expect(() => none.startProgram('recording')).toThrow('recording: this server does not start programs for clients (start it with --allow-programs)');

    const some = await servePolicy({ allowFiles: [join(tmp, 'allowed')], allowPrograms: true });
    expect(some.capabilities).toEqual({ files: 'confined', fileRoots: [join(tmp, 'allowed')], programs: true, uploads: null });
    expect(await some.readablePath(join(tmp, 'allowed', 'sub', 'in'), 'p')).toBe(join(tmp, 'allowed', 'a.pymtrace'));
    expect(() => some.startProgram('recording')).not.toThrow();

    expect(DESKTOP_POLICY.capabilities.files).toBe('any');
    expect(DESKTOP_POLICY.quoteFileContent).toBe(true);
    expect(await DESKTOP_POLICY.readablePath('relative/x', 'p')).toBe('relative/x');
  });

  it('starts only discovered interpreters, or ones inside an allowed folder, and only with --allow-programs', async () => {
    const python = join(tmp, 'bin', 'python3.11');
    mkdirSync(join(tmp, 'bin'), { recursive: true });
    writeFileSync(python, '#!/bin/sh\n', { mode: 0o755 });
    symlinkSync(python, join(tmp, 'bin', 'python3'));
    const inside = join(tmp, 'allowed', 'python-inside');
    writeFileSync(inside, '#!/bin/sh\n', { mode: 0o755 });
    const what = 'profiling a program: interpreter';
    const refusal = `${what}: this server starts only the interpreters it found (on PATH and in pyenv); start it with --allow-files DIR to allow interpreters inside a folder`;

    const closed = await servePolicy();
    await expect(closed.interpreterPath(python, [python], what)).rejects.toThrow(
      `${what}: this server does not start programs for clients (start it with --allow-programs)`,
    );
    const programs = await servePolicy({ allowPrograms: true });
    // A discovered one, by any name that resolves to it: the discovered path is what starts.
    expect(await programs.interpreterPath(join(tmp, 'bin', 'python3'), [python], what)).toBe(python);
    // Anything else, existing or not, with one message.
    await expect(programs.interpreterPath('/bin/sh', [python], what)).rejects.toThrow(refusal);
    await expect(programs.interpreterPath(join(tmp, 'nope'), [python], what)).rejects.toThrow(refusal);
    await expect(programs.interpreterPath(inside, [python], what)).rejects.toThrow(refusal);
    // With --allow-files, a file inside the folder too; outside still refused.
    const folder = await servePolicy({ allowPrograms: true, allowFiles: [join(tmp, 'allowed')] });
    expect(await folder.interpreterPath(inside, [python], what)).toBe(inside);
    await expect(folder.interpreterPath('/bin/sh', [python], what)).rejects.toThrow(PathRefusedError);
    expect(await DESKTOP_POLICY.interpreterPath('/any/python', [], what)).toBe('/any/python');
  });

  it('refuses an --allow-files folder that is missing, not a folder, or named with a NUL', async () => {
    await expect(servePolicy({ allowFiles: [join(tmp, 'nope')] })).rejects.toThrow(/--allow-files .*nope: no such folder/);
    await expect(servePolicy({ allowFiles: [join(tmp, 'allowed', 'a.pymtrace')] })).rejects.toThrow(/not a folder/);
    await expect(servePolicy({ allowFiles: ['x\0y'] })).rejects.toThrow(/NUL/);
  });
});
