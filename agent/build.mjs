#!/usr/bin/env node
/**
 * Builds the in-process agent: every agent/src/*.c into one shared library,
 * agent/build/libarenascope-agent.so (.dylib on macOS), with the system C compiler ($CC, else cc).
 *
 * The library is loaded into a user's interpreter by a Python bootstrap (ctypes), so it is built
 * without Python headers: every CPython symbol it needs is resolved at run time (dlsym), and one
 * build serves every interpreter version.
 *
 * A machine without a C compiler still gets a working product: everything but recording programs
 * and running real interpreters. The build says so and exits 0; the features that need the library
 * say where it is missing when they are asked for.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const srcDir = join(here, 'src');
const outDir = join(here, 'build');
const libName = process.platform === 'darwin' ? 'libarenascope-agent.dylib' : 'libarenascope-agent.so';

const sources = existsSync(srcDir)
  ? readdirSync(srcDir)
      .filter((name) => name.endsWith('.c'))
      .sort()
      .map((name) => join(srcDir, name))
  : [];
if (sources.length === 0) {
  console.log('agent: no sources to build');
  process.exit(0);
}

const cc = process.env.CC || 'cc';
const probe = spawnSync(cc, ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.warn(
    `agent: no C compiler found (tried "${cc}"): the agent library is not built, so recording a ` +
      'Python program and running a real interpreter are unavailable. Install a C compiler ' +
      '(e.g. gcc) or set CC, then run `npm run build` again.',
  );
  process.exit(0);
}

mkdirSync(outDir, { recursive: true });
const out = join(outDir, libName);
const flags = ['-O2', '-g', '-std=c11', '-Wall', '-Wextra', '-Werror', '-fPIC', '-shared', '-pthread', '-fvisibility=hidden', '-D_GNU_SOURCE'];
const args = [...flags, '-I', srcDir, '-o', out, ...sources, '-ldl'];
const result = spawnSync(cc, args, { stdio: 'inherit' });
if (result.status !== 0) {
  console.error(`agent: ${cc} failed building ${libName} (exit ${result.status ?? result.signal})`);
  process.exit(1);
}
console.log(`agent: built ${join('agent', 'build', libName)} from ${sources.length} source(s)`);
