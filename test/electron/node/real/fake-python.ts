/**
 * Executables that answer the interpreter probe as some other Python would (too old, a debug or
 * free-threaded build, not CPython), so refusals are tested end to end without those builds.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeAnswer {
  implementation?: string;
  version?: [number, number, number];
  debugBuild?: boolean;
  freeThreaded?: boolean;
}

/** A shell script at a fresh path that prints one probe answer and exits 0. */
export function fakePython(name: string, a: FakeAnswer): string {
  const dir = mkdtempSync(join(tmpdir(), 'arenascope-fake-python-'));
  const v = a.version ?? [3, 12, 1];
  const answer = JSON.stringify({
    marker: 'arenascope-probe-1',
    implementation: a.implementation ?? 'CPython',
    version: [v[0], v[1], v[2], 'final', 0],
    fullVersion: v.join('.'),
    executable: join(dir, name),
    debugBuild: a.debugBuild ?? false,
    freeThreaded: a.freeThreaded ?? false,
    withPymalloc: 1,
    pointerBits: 64,
    platform: 'linux',
  });
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho '${answer}'\n`);
  chmodSync(path, 0o755);
  return path;
}
