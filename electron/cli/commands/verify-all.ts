/**
 * `verify-all [--real EXE]... [--ops N] [--sample-every N] [--only NAME,...] [--traces DIR]`
 *
 * The whole verification matrix: every catalogue workload (W01–W15, a bounded number of operations
 * each) and every trace of DIR (default: the repository's conformance traces), on every interpreter
 * given (default: every pyenv version found), in every arena mode that applies (3.10+: aligned and
 * misaligned; older: the interpreter's own, whose arenas always hold 64 pools). Prints one line
 * per case as it finishes, then a table and "N of N cases identical". Exit 0 when all are.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { discoverInterpreters } from '../../node/python/discover';
import { openRealInterpreter, type RealInterpreter } from '../../node/real/real-interpreter';
import { verify } from '../../node/real/verify';
import type { StreamSource } from '../../node/real/op-stream';
import { WORKLOADS } from '../../../shared/workloads/registry';
import { DEFAULT_SAMPLE_EVERY } from '../../../shared/protocol/run-config';
import { parse, positiveIntOption } from '../options';
import { UsageError } from '../usage-error';
import { errorMessage } from '../../../shared/errors';

export const verifyAllUsage = 'verify-all [--real EXE]... [--ops N] [--sample-every N] [--only NAME,...] [--traces DIR]';

const DEFAULT_OPS = 100_000;
const DEFAULT_TRACES = 'test/fixtures/conformance/traces';

interface Case {
  name: string;
  source: (python: string) => StreamSource;
}

export async function verifyAllCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parse('verify-all', argv, {
    options: {
      real: { type: 'string', multiple: true },
      ops: { type: 'string' },
      'sample-every': { type: 'string' },
      only: { type: 'string' },
      traces: { type: 'string' },
    },
    allowPositionals: false,
  });
  const ops = positiveIntOption('verify-all', 'ops', values.ops, DEFAULT_OPS, Number.MAX_SAFE_INTEGER);
  const every = positiveIntOption('verify-all', 'sample-every', values['sample-every'], DEFAULT_SAMPLE_EVERY);
  const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null;

  const cases: Case[] = [];
  for (const w of [...WORKLOADS].sort((a, b) => a.id.localeCompare(b.id))) {
    if (only && !only.has(w.name) && !only.has(w.id)) continue;
    cases.push({
      name: `${w.id} ${w.name}`,
      source: (python) => ({ kind: 'workload', config: { workload: w.name, params: {}, seed: '1', python, sampleEvery: every }, ops }),
    });
  }
  const traceDir = resolve(values.traces ?? DEFAULT_TRACES);
  if (values.traces !== undefined && !existsSync(traceDir)) throw new UsageError(`verify-all: --traces ${values.traces}: no such folder`);
  if (existsSync(traceDir)) {
    for (const f of readdirSync(traceDir).sort()) {
      if (!/\.(pymtrace|txt)(\.gz)?$/.test(f)) continue;
      const name = f.replace(/\.(pymtrace|txt)(\.gz)?$/, '');
      if (only && !only.has(name)) continue;
      cases.push({ name: `trace ${name}`, source: () => ({ kind: 'trace', path: join(traceDir, f) }) });
    }
  }
  if (cases.length === 0) throw new UsageError('verify-all: --only matched no workload or trace');

  const paths =
    values.real ??
    discoverInterpreters()
      .filter((d) => d.source === 'pyenv')
      .map((d) => d.path);
  if (paths.length === 0) throw new UsageError('verify-all: no interpreter found (give --real EXE)');
  const interpreters: RealInterpreter[] = [];
  for (const p of paths) {
    try {
      interpreters.push(await openRealInterpreter(p));
    } catch (error) {
      out(`skipped ${p}: ${errorMessage(error)}`);
    }
  }
  const columns: { interpreter: RealInterpreter; arenas: 'aligned' | 'misaligned' | undefined; name: string }[] = [];
  for (const i of interpreters) {
    const [maj, min] = i.info.versionInfo;
    if (maj === 3 && min >= 10) {
      columns.push(
        { interpreter: i, arenas: 'aligned', name: `${i.info.version} al` },
        { interpreter: i, arenas: 'misaligned', name: `${i.info.version} mis` },
      );
    } else columns.push({ interpreter: i, arenas: undefined, name: i.info.version });
  }

  const table = new Map<string, string[]>();
  let identical = 0;
  let total = 0;
  let realNs = 0;
  let modelMs = 0;
  let realMs = 0;
  let appliedSum = 0;
  for (const c of cases) {
    const cells: string[] = [];
    for (const col of columns) {
      total++;
      let cell: string;
      try {
        const r = await verify({ source: c.source(col.interpreter.version.version), interpreter: col.interpreter, arenas: col.arenas, every });
        const same = r.identical === r.rows.length;
        if (same) identical++;
        cell = same ? `ok ${r.rows.length}` : `DIFF ${r.rows.length - r.identical}/${r.rows.length}`;
        realNs += r.end.ops_ns;
        realMs += r.realMs;
        modelMs += r.modelMs;
        appliedSum += r.applied;
        if (!same) {
          const first = r.rows.find((row) => row.diffs.length > 0)!;
          out(
            `  ${c.name} on ${col.name}: checkpoint ${first.index} (${first.model.label ?? '-'}, op ${first.model.op}): ${first.diffs.slice(0, 3).join('; ')}`,
          );
        }
      } catch (error) {
        cell = 'ERROR';
        out(`  ${c.name} on ${col.name}: ${errorMessage(error)}`);
      }
      cells.push(cell);
      out(`${c.name.padEnd(28)} ${col.name.padEnd(12)} ${cell}`);
    }
    table.set(c.name, cells);
  }
  out('');
  out(`${'case'.padEnd(28)} ${columns.map((c) => c.name.padStart(10)).join(' ')}`);
  for (const [name, cells] of table) out(`${name.padEnd(28)} ${cells.map((c) => c.padStart(10)).join(' ')}`);
  out(
    `real allocator ${(realNs / Math.max(appliedSum, 1)).toFixed(1)} ns/op in its calls; real passes ${(realMs / 1000).toFixed(1)} s, model passes ${(modelMs / 1000).toFixed(1)} s for ${appliedSum.toLocaleString('en')} ops`,
  );
  out(`${identical} of ${total} cases identical`);
  return identical === total ? 0 : 1;
}
