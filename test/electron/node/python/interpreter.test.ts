import { writeFileSync, mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverInterpreters } from '../../../../electron/node/python/discover';
import { InterpreterError, parseProbeOutput, probeInterpreter, requireUsable, type InterpreterInfo } from '../../../../electron/node/python/interpreter';
import { installedPythons, pythonsFrom } from '../../../support/pythons';

const pythons = pythonsFrom([2, 7], 'interpreter probe');

describe.runIf(pythons.length > 0)('probeInterpreter on the installed interpreters', () => {
  it.each(pythons.map((p) => [p.version, p] as const))('describes %s', async (_v, p) => {
    const info = await probeInterpreter(p.path);
    expect(info.implementation).toBe('CPython');
    expect(info.version).toBe(p.version);
    expect(info.freeThreaded).toBe(false);
    expect(info.debugBuild).toBe(false);
    expect(info.pointerBits).toBe(64);
  });

  it('discovery lists every pyenv version once', () => {
    const labels = discoverInterpreters()
      .filter((d) => d.source === 'pyenv')
      .map((d) => d.label);
    expect(labels).toEqual(installedPythons().map((p) => p.version));
    expect(new Set(labels).size).toBe(labels.length);
  });
});

describe('probeInterpreter refuses what is not a Python', () => {
  it('a missing path', async () => {
    await expect(probeInterpreter('/nonexistent/python9')).rejects.toThrow(/\/nonexistent\/python9: no such file/);
  });

  it('a program that is not Python', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-'));
    const fake = join(dir, 'notpython');
    writeFileSync(fake, '#!/bin/sh\necho hello\n');
    chmodSync(fake, 0o755);
    await expect(probeInterpreter(fake)).rejects.toThrow(InterpreterError);
    await expect(probeInterpreter(fake)).rejects.toThrow(/notpython: is not a Python interpreter/);
  });

  it('a file that is not executable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-'));
    const file = join(dir, 'script.py');
    writeFileSync(file, 'print(1)\n');
    await expect(probeInterpreter(file)).rejects.toThrow(/script\.py: not executable/);
  });

  it('a malformed answer', () => {
    expect(() => parseProbeOutput('x', '{"marker":"other"}')).toThrow(/unexpected answer/);
    expect(() => parseProbeOutput('x', 'Python 3.11')).toThrow(/not JSON/);
  });
});

describe('requireUsable', () => {
  const base: InterpreterInfo = {
    path: '/usr/bin/python3',
    executable: '/usr/bin/python3.12',
    implementation: 'CPython',
    versionInfo: [3, 12, 1, 'final', 0],
    version: '3.12.1',
    debugBuild: false,
    freeThreaded: false,
    withPymalloc: true,
    pointerBits: 64,
    platform: 'linux',
  };
  const need = { minVersion: [3, 8] as const, purpose: 'recording a program' };

  it('accepts a release CPython', () => {
    expect(requireUsable(base, need)).toBe(base);
  });
  it.each([
    [{ implementation: 'PyPy' }, /needs CPython; this is PyPy/],
    [{ versionInfo: [3, 7, 16, 'final', 0] as const }, /needs CPython 3\.8 or newer/],
    [{ versionInfo: [2, 7, 18, 'final', 0] as const }, /needs CPython 3\.8 or newer/],
    [{ freeThreaded: true }, /free-threaded build/],
    [{ debugBuild: true }, /debug build pads/],
    [{ withPymalloc: false }, /without pymalloc/],
  ])('refuses %j', (patch, message) => {
    expect(() => requireUsable({ ...base, ...patch } as InterpreterInfo, need)).toThrow(message);
  });
});
