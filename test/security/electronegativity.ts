/**
 * Electronegativity (Doyensec's Electron security scanner) over the app's own sources: electron/
 * (main, preload, worker, host, ...) and renderer/ (HTML, TypeScript, and the script and template
 * blocks of the .vue files, which it does not read itself), with the project's Electron version.
 *
 * Every finding must be justified in electronegativity-allowlist.ts; an unjustified finding, an
 * allow-list entry that no longer matches anything, or a file the scanner could not parse fails.
 *
 *   npx tsx test/security/electronegativity.ts     (CI; exit 1 on any of the above)
 *   test/security/electronegativity.test.ts        (the same, inside `npm test`)
 *
 * Offline it works as well: the scanner's translation download fails over to its bundled English
 * in about a second, and the one check that needs the network is excluded (see the allow-list).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ALLOWED_FINDINGS, EXCLUDED_CHECKS, type AllowedFinding } from './electronegativity-allowlist';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What is scanned, relative to the repository. */
export const SCANNED = ['electron', 'renderer'] as const;
const SCANNED_EXTENSIONS = /\.(ts|tsx|js|mjs|cjs|html|htm)$/;

export interface Finding {
  check: string;
  /** Repository-relative, '/'-separated; `.vue` files as `X.vue` (their blocks are scanned apart). */
  file: string;
  line: number;
  severity: string;
  confidence: string;
  sample: string;
  description: string;
  manualReview: boolean;
}

export interface ScanReport {
  electronVersion: string;
  checks: number;
  files: number;
  findings: Finding[];
  /** Findings no allow-list entry justifies. */
  unjustified: Finding[];
  /** Allow-list entries that matched no finding (fixed, or the code moved): remove or update them. */
  stale: AllowedFinding[];
  /** Files the scanner could not parse (so not checked). */
  parseErrors: string[];
}

interface RawIssue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { name: string };
  confidence: { name: string };
  sample?: string;
  description: string;
  manualReview?: boolean;
}

type Runner = (
  options: Record<string, unknown>,
) => Promise<{ globalChecks: number; atomicChecks: number; errors: { file: string; message: string; tolerable: boolean }[]; issues: RawIssue[] }>;

const require = createRequire(import.meta.url);

/** The Electron version the project builds with (the installed one, as the lock file pins it). */
export function projectElectronVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string }).version;
}

/** Copies the scanned sources into `dir`, splitting each .vue file into `X.vue.ts` and `X.vue.html`. */
function stage(dir: string): number {
  let files = 0;
  const walk = (from: string): void => {
    for (const entry of readdirSync(join(ROOT, from), { withFileTypes: true })) {
      const path = join(from, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
        continue;
      }
      const to = join(dir, path);
      if (entry.name.endsWith('.vue')) {
        const source = readFileSync(join(ROOT, path), 'utf8');
        mkdirSync(dirname(to), { recursive: true });
        writeFileSync(`${to}.ts`, vueBlocks(source, 'script'));
        writeFileSync(`${to}.html`, vueBlocks(source, 'template'));
        files++;
      } else if (SCANNED_EXTENSIONS.test(entry.name)) {
        mkdirSync(dirname(to), { recursive: true });
        cpSync(join(ROOT, path), to);
        files++;
      }
    }
  };
  for (const top of SCANNED) walk(top);
  return files;
}

/**
 * The contents of a .vue file's top-level `<script>` (or `<template>`) blocks, every other line
 * blanked so that line numbers stay those of the .vue file.
 */
export function vueBlocks(source: string, block: 'script' | 'template'): string {
  const lines = source.split('\n');
  const out = lines.map(() => '');
  let inside = false;
  let depth = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!inside) {
      if (new RegExp(`^<${block}(\\s|>)`).test(line)) {
        inside = true;
        depth = 1;
        const rest = line.slice(line.indexOf('>') + 1);
        if (rest.trim() !== '') out[i] = rest;
      }
      continue;
    }
    if (block === 'template') {
      depth += (line.match(/<template(\s|>)/g) ?? []).length;
      depth -= (line.match(/<\/template>/g) ?? []).length;
    } else if (/^<\/script>/.test(line)) {
      depth = 0;
    }
    if (depth === 0) {
      inside = false;
      continue;
    }
    out[i] = line;
  }
  return out.join('\n');
}

function toFinding(issue: RawIssue, stagedRoot: string): Finding {
  let file = issue.file === 'N/A' ? 'N/A' : relative(stagedRoot, issue.file).split(sep).join('/');
  file = file.replace(/\.vue\.(ts|html)$/, '.vue');
  return {
    check: issue.id,
    file,
    line: issue.location.line,
    severity: issue.severity.name,
    confidence: issue.confidence.name,
    sample: (issue.sample ?? '').trim(),
    description: issue.description,
    manualReview: issue.manualReview === true,
  };
}

export function allows(entry: AllowedFinding, finding: Finding): boolean {
  return entry.check === finding.check && entry.file === finding.file && (entry.sample === undefined || finding.sample.includes(entry.sample));
}

/** Runs the scanner on a directory as it is (no staging, no allow-list). */
export async function runElectronegativity(input: string): Promise<{ checks: number; findings: Finding[]; parseErrors: string[] }> {
  const run = require('@doyensec/electronegativity') as Runner;
  const result = await run({
    input,
    customScan: [],
    excludeFromScan: EXCLUDED_CHECKS.map((c) => c.className),
    isRelative: false,
    electronVersionOverride: projectElectronVersion(),
    parserPlugins: [],
  });
  return {
    checks: result.globalChecks + result.atomicChecks,
    findings: result.issues.map((issue) => toFinding(issue, input)),
    parseErrors: result.errors.filter((e) => !e.tolerable).map((e) => `${relative(input, e.file)}: ${e.message}`),
  };
}

/** The scan of electron/ and renderer/, judged against the allow-list. */
export async function scan(): Promise<ScanReport> {
  const staged = mkdtempSync(join(tmpdir(), 'arenascope-electronegativity-'));
  try {
    const files = stage(staged);
    const { checks, findings, parseErrors } = await runElectronegativity(staged);
    const unjustified = findings.filter((f) => !ALLOWED_FINDINGS.some((entry) => allows(entry, f)));
    const stale = ALLOWED_FINDINGS.filter((entry) => !findings.some((f) => allows(entry, f)));
    return { electronVersion: projectElectronVersion(), checks, files, findings, unjustified, stale, parseErrors };
  } finally {
    rmSync(staged, { recursive: true, force: true });
  }
}

export function describeReport(report: ScanReport): string {
  const lines = [
    `electronegativity: ${report.checks} checks on ${report.files} files of ${SCANNED.join('/, ')}/ (Electron ${report.electronVersion}); ` +
      `excluded: ${EXCLUDED_CHECKS.map((c) => c.check).join(', ') || 'none'}`,
  ];
  for (const f of report.findings) {
    const entry = ALLOWED_FINDINGS.find((e) => allows(e, f));
    lines.push(`  ${entry ? 'justified  ' : 'UNJUSTIFIED'} ${f.check} ${f.severity}/${f.confidence} ${f.file}:${f.line} ${f.sample.slice(0, 100)}`);
    lines.push(`              ${entry ? entry.why : f.description}`);
  }
  for (const e of report.stale) lines.push(`  STALE allow-list entry (matches nothing): ${e.check} ${e.file}${e.sample ? ` "${e.sample}"` : ''}`);
  for (const e of report.parseErrors) lines.push(`  NOT PARSED ${e}`);
  const bad = report.unjustified.length + report.stale.length + report.parseErrors.length;
  lines.push(
    bad === 0
      ? `electronegativity: ${report.findings.length} findings, all justified in test/security/electronegativity-allowlist.ts`
      : `electronegativity: ${report.unjustified.length} unjustified findings, ${report.stale.length} stale allow-list entries, ${report.parseErrors.length} files not parsed`,
  );
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  scan().then(
    (report) => {
      console.log(describeReport(report));
      if (report.unjustified.length + report.stale.length + report.parseErrors.length > 0) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error('electronegativity: the scan failed:', error);
      process.exitCode = 1;
    },
  );
}
