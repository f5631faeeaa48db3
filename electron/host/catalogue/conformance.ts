/**
 * Conformance: replay each trace of `DIR/traces` against every expected output recorded from a
 * real interpreter in `DIR/expected/<interpreter>/<trace>.<mode>.jsonl`, and compare checkpoint by
 * checkpoint (the fields listed in shared/replay/checkpoint-report.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAllocator, resolveVersion, type AllocatorOptions, type ResolvedVersion } from '../../../shared/engine';
import { checkpointRecord, compareRecord, type CheckpointRecord } from '../../../shared/replay/checkpoint-report';
import { TrackedReplay } from '../../../shared/replay/tracked-replay';
import type { TraceColumns } from '../../../shared/trace';
import { sha256Hasher } from '../../node/sha256';
import { loadTrace } from '../../node/trace-file';
import { errorMessage } from '../../../shared/errors';

/**
 * Interpreters whose build differs from upstream: the 3.6.15 builds we record from carry the
 * bpo-27987 16-byte alignment backport, so they behave as G3, not as upstream 3.6 (G2).
 */
const INTERPRETER_PRESET: Readonly<Record<string, string>> = { '3.6.15': 'G3' };

export interface ConformanceCase {
  trace: string;
  interpreter: string;
  /** `native` (the family's default arenas), `aligned` or `misaligned`. */
  mode: string;
  expectedFile: string;
  tracePath: string | null;
}

export interface ConformanceResult extends ConformanceCase {
  preset: string;
  checkpoints: number;
  mismatched: number;
  /** First differences, for the report. */
  diffs: string[];
  /** Set when the case could not run (no trace, unknown interpreter, bad file). */
  skipped?: string;
}

const TRACE_SUFFIXES = ['.pymtrace.gz', '.pymtrace', '.txt.gz', '.txt'];

export function findCases(dir: string): ConformanceCase[] {
  const expectedDir = join(dir, 'expected');
  if (!existsSync(expectedDir)) throw new Error(`${dir}: no expected/ folder (expected/<interpreter>/<trace>.<mode>.jsonl)`);
  const cases: ConformanceCase[] = [];
  for (const interpreter of readdirSync(expectedDir).sort()) {
    const sub = join(expectedDir, interpreter);
    for (const file of readdirSync(sub).sort()) {
      const m = /^(.+)\.([a-z]+)\.jsonl$/.exec(file);
      if (!m) continue;
      const trace = m[1]!;
      const tracePath = TRACE_SUFFIXES.map((s) => join(dir, 'traces', trace + s)).find((p) => existsSync(p)) ?? null;
      cases.push({ trace, interpreter, mode: m[2]!, expectedFile: join(sub, file), tracePath });
    }
  }
  return cases;
}

export function presetFor(interpreter: string): ResolvedVersion {
  return resolveVersion(INTERPRETER_PRESET[interpreter] ?? interpreter);
}

/** What a case replays: the preset and arena option (cases that share them share the replay). */
function replayKey(c: ConformanceCase): { version: ResolvedVersion; options: AllocatorOptions; key: string } {
  const version = presetFor(c.interpreter);
  const options: AllocatorOptions = c.mode === 'aligned' || c.mode === 'misaligned' ? { arenas: c.mode } : {};
  return { version, options, key: `${version.preset.family}/${options.arenas ?? 'default'}` };
}

/** The checkpoint records of a replay of `columns`. */
export function replayRecords(columns: TraceColumns, version: ResolvedVersion, options: AllocatorOptions): CheckpointRecord[] {
  const replay = new TrackedReplay(createAllocator(version, options));
  const records: CheckpointRecord[] = [];
  replay.apply(columns, (i, op, applied) => {
    const k = columns.size[i]!;
    records.push(checkpointRecord(replay, { label: columns.checkpoints.label[k] ?? null, op, applied, version: version.version }, sha256Hasher));
  });
  return records;
}

function readExpected(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`${file}:${i + 1}: not a JSON line`);
      }
    });
}

/** Replays `columns` under one interpreter's preset and compares with the expected lines. */
export function checkCase(c: ConformanceCase, columns: TraceColumns, cache = new Map<string, CheckpointRecord[]>(), maxDiffs = 5): ConformanceResult {
  const { version, options, key } = replayKey(c);
  let records = cache.get(key);
  if (!records) cache.set(key, (records = replayRecords(columns, version, options)));
  const want = readExpected(c.expectedFile);
  const result: ConformanceResult = { ...c, preset: version.preset.family, checkpoints: records.length, mismatched: 0, diffs: [] };
  records.forEach((rec, k) => {
    const expected = want[k];
    const diffs = expected ? compareRecord(rec, expected) : ['no expected line for this checkpoint'];
    if (diffs.length > 0) {
      result.mismatched++;
      for (const d of diffs) if (result.diffs.length < maxDiffs) result.diffs.push(`checkpoint ${k} (${rec.label ?? 'null'}): ${d}`);
    }
  });
  if (records.length !== want.length) {
    result.mismatched++;
    result.diffs.push(`${records.length} checkpoints replayed, ${want.length} expected`);
  }
  return result;
}

/** Runs every case, loading each trace once. */
export async function runConformance(dir: string, onResult: (r: ConformanceResult) => void): Promise<ConformanceResult[]> {
  const cases = findCases(dir);
  const byTrace = new Map<string, ConformanceCase[]>();
  for (const c of cases) byTrace.set(c.trace, [...(byTrace.get(c.trace) ?? []), c]);
  const results: ConformanceResult[] = [];
  const push = (r: ConformanceResult): void => {
    results.push(r);
    onResult(r);
  };
  const skip = (c: ConformanceCase, why: string): ConformanceResult => ({ ...c, preset: '-', checkpoints: 0, mismatched: 0, diffs: [], skipped: why });
  for (const [, group] of byTrace) {
    const path = group[0]!.tracePath;
    if (path === null) {
      for (const c of group) push(skip(c, 'trace not found in traces/'));
      continue;
    }
    const columns = await loadTrace(path);
    const cache = new Map<string, CheckpointRecord[]>();
    for (const c of group) {
      try {
        presetFor(c.interpreter);
      } catch (error) {
        push(skip(c, errorMessage(error)));
        continue;
      }
      push(checkCase(c, columns, cache));
    }
  }
  return results;
}
