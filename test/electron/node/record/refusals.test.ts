/** Each refusal of `record`, before anything starts, names the interpreter, script, module or option. */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareProgram } from '../../../../electron/node/record/program-run';
import { RecordRefusal } from '../../../../electron/node/record/refusals';
import { installedPythons, pythonsFrom } from '../../../support/pythons';
import { request } from './record-harness';

const usable = pythonsFrom([3, 8], 'record refusals');
const py = usable[usable.length - 1];
const dir = mkdtempSync(join(tmpdir(), 'arenascope-refusals-'));

/** A stand-in interpreter answering the probe as the described build would. */
function fakePython(name: string, answer: Record<string, unknown>): string {
  const path = join(dir, name);
  const json = JSON.stringify({
    marker: 'arenascope-probe-1',
    implementation: 'CPython',
    version: [3, 13, 0, 'final', 0],
    fullVersion: '3.13.0',
    executable: path,
    debugBuild: false,
    freeThreaded: false,
    withPymalloc: 1,
    pointerBits: 64,
    platform: 'linux',
    ...answer,
  });
  writeFileSync(path, `#!/bin/sh\necho '${json}'\n`);
  chmodSync(path, 0o755);
  return path;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RecordRefusal);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('record refuses', () => {
  it('an interpreter that cannot be started', async () => {
    const msg = await refusal(prepareProgram(request('/nonexistent/bin/python3', 'threads.py')));
    expect(msg).toContain('/nonexistent/bin/python3');
    expect(msg).toContain('no such file');
  });

  it('a file that is not a Python', async () => {
    const path = join(dir, 'not-python');
    writeFileSync(path, '#!/bin/sh\necho hello\n');
    chmodSync(path, 0o755);
    const msg = await refusal(prepareProgram(request(path, 'threads.py')));
    expect(msg).toContain(path);
    expect(msg).toContain('not a Python interpreter');
  });

  it('--origins on a CPython whose frames it cannot read (3.14), naming the interpreter and its version', async () => {
    const path = fakePython('python3.14', { version: [3, 14, 0, 'final', 0], fullVersion: '3.14.0' });
    const msg = await refusal(prepareProgram(request(path, 'threads.py', { origins: { frames: 1 } })));
    expect(msg).toContain('--origins');
    expect(msg).toContain(path);
    expect(msg).toContain('3.14.0');
    expect(msg).toContain('3.8 to 3.13');
  });

  it('--frames outside 1 to 16', async () => {
    const path = fakePython('python3.12', { version: [3, 12, 1, 'final', 0], fullVersion: '3.12.1' });
    for (const frames of [0, 17, 2.5]) {
      const msg = await refusal(prepareProgram(request(path, 'threads.py', { origins: { frames } })));
      expect(msg).toBe(`--frames must be a whole number from 1 to 16, not ${frames}`);
    }
  });

  it('a free-threaded build', async () => {
    const path = fakePython('python3.13t', { freeThreaded: true });
    const msg = await refusal(prepareProgram(request(path, 'threads.py')));
    expect(msg).toContain(path);
    expect(msg).toContain('free-threaded');
  });

  it('an implementation other than CPython', async () => {
    const path = fakePython('pypy3', { implementation: 'PyPy', version: [3, 10, 14, 'final', 0], fullVersion: '3.10.14' });
    const msg = await refusal(prepareProgram(request(path, 'threads.py')));
    expect(msg).toContain(path);
    expect(msg).toContain('PyPy');
  });

  it.each(
    installedPythons()
      .filter((p) => p.line[0] === 2 || (p.line[0] === 3 && p.line[1] < 8))
      .map((p) => [p.version, p] as const),
  )('CPython %s (older than 3.8)', async (version, old) => {
    const msg = await refusal(prepareProgram(request(old.path, 'threads.py')));
    expect(msg).toContain(old.path);
    expect(msg).toContain(version);
    expect(msg).toContain('3.8 or newer');
  });

  describe.skipIf(!py)('with a usable interpreter', () => {
    it('a script that does not exist', async () => {
      const msg = await refusal(prepareProgram(request(py!.path, 'no_such_program.py')));
      expect(msg).toContain('no_such_program.py');
      expect(msg).toContain('does not exist');
    });

    it('a module the interpreter cannot find', async () => {
      const msg = await refusal(prepareProgram(request(py!.path, 'x', { target: { kind: 'module', name: 'pkg.no_such_module' } })));
      expect(msg).toContain('pkg.no_such_module');
      expect(msg).toContain(py!.path);
    });

    it.each(['malloc', 'mimalloc', 'debug', 'pymalloc_debug', 'malloc_debug'])("PYTHONMALLOC=%s in the program's environment", async (value) => {
      const msg = await refusal(prepareProgram(request(py!.path, 'threads.py', { env: { ...process.env, PYTHONMALLOC: value } })));
      expect(msg).toContain(`PYTHONMALLOC=${value}`);
    });

    it('a --model version the engine does not know', async () => {
      const msg = await refusal(prepareProgram(request(py!.path, 'threads.py', { models: ['4.2'] })));
      expect(msg).toContain('--model 4.2');
    });

    it('accepts PYTHONMALLOC=pymalloc', async () => {
      const prepared = await prepareProgram(request(py!.path, 'threads.py', { env: { ...process.env, PYTHONMALLOC: 'pymalloc' } }));
      expect(prepared.interpreter.version).toBe(py!.version);
    });
  });
});
