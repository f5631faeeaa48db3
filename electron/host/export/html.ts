/**
 * The report: one self-contained HTML file — styles inline, charts as inline SVG, no script, no
 * external asset and no URL at all — so it opens offline, mails as one attachment and prints well
 * (each chart and table kept on one page, colours printed as they are).
 *
 * Sections: the runs (version, family, workload, seed, state, samples, operations, wall time),
 * the figures (peak and final of each series, retained after free), in a comparison the differences
 * from the first run, the charts, the phase markers, the size classes (when the host had a detail
 * snapshot), why each run's arenas are kept at its end (when the pins analysis was run), and each
 * run's configuration.
 */
import {
  type ChartSpec,
  type ChartTheme,
  formatBytes,
  formatCount,
  formatDelta,
  formatDuration,
  formatValue,
  plural,
  type RunFigures,
  type RunInfo,
} from '../../../shared/charts';
import { summaryLine } from '../../../shared/pins/format';
import { SERIES, SERIES_KEYS, type SeriesKey } from '../../../shared/run/sample';
import { escapeXml as esc } from './svg';
import type { ExportRun } from './types';
import type { SampleVerdict } from '../../node/real/sample-verdict';

export interface ReportRun {
  run: ExportRun;
  info: RunInfo;
  figures: RunFigures;
  phases: { op: number; wallMs: number | null; label: string }[];
}

export interface ReportInput {
  title: string;
  app: string | null;
  createdAt: Date;
  mode: 'runs' | 'compare';
  theme: ChartTheme;
  runs: ReportRun[];
  /** Charts with their inline SVG. */
  charts: { spec: ChartSpec; svg: string; run: string | null }[];
  /** Series the comparison table covers. */
  compareKeys: readonly SeriesKey[];
  /** The x window the charts show, when not the whole run. */
  window: { axis: 'op' | 'wall_ms'; range: [number, number] } | null;
  /** Real-interpreter runs against the model (absent: no section). */
  verdicts?: readonly SampleVerdict[];
}

function verdictTable(verdicts: readonly SampleVerdict[]): string {
  return table(
    ['Real run', 'Model run', 'Common samples', 'Identical', 'Verdict', 'Largest difference'],
    verdicts.map((v) => {
      const worst = Object.entries(v.maxDiff)
        .filter(([, d]) => d > 0)
        .sort((a, b) => b[1] - a[1])[0];
      const same = v.compared > 0 && v.identical === v.compared;
      return [
        `<td>${esc(v.real)}</td>`,
        `<td>${esc(v.model)}</td>`,
        num(v.compared),
        num(v.identical),
        `<td data-verdict="${same ? 'identical' : 'different'}">${same ? 'identical' : v.compared === 0 ? 'no common sample' : `different (first ${esc(v.first ?? '')})`}</td>`,
        `<td>${worst ? `${esc(worst[0])}: ${esc(fmt(worst[0], worst[1]))}` : '0'}</td>`,
      ];
    }),
    'verdict',
  );
}

const UNIT: Record<string, string> = Object.fromEntries(SERIES.map((s) => [s.key, s.unit]));
const fmt = (key: string, v: number): string => formatValue(UNIT[key] ?? 'count', v);
const num = (v: number): string => `<td class="num">${esc(String(v))}</td>`;

function table(head: string[], rows: string[][], testid: string): string {
  return [
    `<table data-table="${testid}"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>`,
    ...rows.map((r) => `<tr>${r.join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
}

function runsTable(runs: ReportRun[]): string {
  return table(
    ['Run', 'CPython', 'Family', 'Arenas', 'Workload', 'Seed', 'Engine', 'State', 'Samples', 'Operations', 'Wall time'],
    runs.map(({ run, info, figures }) => [
      `<td>${esc(info.name)} <small>${esc(run.id)}</small></td>`,
      `<td>${esc(info.python)}</td>`,
      `<td>${esc(info.family ?? '—')}</td>`,
      `<td>${esc(info.arenas ?? '—')}</td>`,
      `<td>${esc(info.workload)}${info.workloadVersion !== null ? ` v${info.workloadVersion}` : ''}</td>`,
      `<td>${esc(info.seed)}</td>`,
      `<td>${esc(info.engineVersion ?? '—')}</td>`,
      `<td>${esc(run.status?.state ?? 'unknown')}${run.status?.reason ? `: ${esc(run.status.reason)}` : ''}</td>`,
      num(figures.samples),
      `<td class="num">${esc(formatCount(figures.ops?.[1] ?? 0))}</td>`,
      `<td class="num">${esc(formatDuration(figures.wallMs))}</td>`,
    ]),
    'runs',
  );
}

function figuresTable(r: ReportRun): string {
  const keys = SERIES_KEYS.filter((k) => k !== 'op' && k !== 'wall_ms');
  const rows = keys.map((k) => {
    const f = r.figures.series[k];
    return [
      `<td>${esc(k)}</td>`,
      `<td class="num">${esc(fmt(k, f.peak))}</td>`,
      `<td class="num">${esc(fmt(k, f.final))}</td>`,
      `<td class="num raw">${f.peak}</td>`,
      `<td class="num raw">${f.final}</td>`,
    ];
  });
  const after = r.figures.retainedAfterFree;
  rows.push([
    `<td>arena_bytes retained after free <small>(${r.figures.retainedSource === 'free-phase' ? 'end of the last free phase' : 'final: no free phase'})</small></td>`,
    '<td></td>',
    `<td class="num">${after === null ? '—' : esc(formatBytes(after))}</td>`,
    '<td></td>',
    `<td class="num raw">${after ?? ''}</td>`,
  ]);
  return table(['Series', 'Peak', 'Final', 'Peak (raw)', 'Final (raw)'], rows, `figures-${r.run.id}`);
}

function deltaTable(runs: ReportRun[], keys: readonly SeriesKey[]): string {
  const base = runs[0];
  if (!base) return '';
  const head = ['Series', 'Figure', ...runs.map((r, i) => `${esc(r.info.python)}${i === 0 ? ' <small>(baseline)</small>' : ''}`)];
  const rows: string[][] = [];
  const cell = (key: string, v: number | null, b: number | null, baseline: boolean): string => {
    if (v === null) return '<td class="num">—</td>';
    const delta =
      baseline || b === null
        ? ''
        : ` <span class="delta${v > b ? ' up' : v < b ? ' down' : ''}">${esc(formatDelta(UNIT[key] ?? 'count', v - b))}${b !== 0 ? ` (${v >= b ? '+' : '−'}${Math.abs(((v - b) / b) * 100).toFixed(1)} %)` : ''}</span>`;
    return `<td class="num" data-value="${v}">${esc(fmt(key, v))}${delta}</td>`;
  };
  for (const key of keys) {
    for (const which of ['peak', 'final'] as const) {
      rows.push([
        `<td>${esc(key)}</td>`,
        `<td>${which}</td>`,
        ...runs.map((r, i) => cell(key, r.figures.series[key][which], base.figures.series[key][which], i === 0)),
      ]);
    }
  }
  rows.push([
    '<td>arena_bytes</td>',
    '<td>retained after free</td>',
    ...runs.map((r, i) => cell('arena_bytes', r.figures.retainedAfterFree, base.figures.retainedAfterFree, i === 0)),
  ]);
  return table(head, rows, 'delta');
}

function phasesTable(r: ReportRun): string {
  if (r.phases.length === 0) return `<p class="muted">${esc(r.info.name)}: no phase markers.</p>`;
  return table(
    ['Operation', 'Wall time', 'Phase'],
    r.phases.map((p) => [
      `<td class="num">${p.op}</td>`,
      `<td class="num">${p.wallMs === null ? '—' : esc(formatDuration(p.wallMs))}</td>`,
      `<td>${esc(p.label)}</td>`,
    ]),
    `phases-${r.run.id}`,
  );
}

function sizeClassTable(r: ReportRun): string {
  const d = r.run.detail;
  if (!d) return '';
  const c = d.classes;
  const rows: string[][] = [];
  for (let i = 0; i < c.blockSize.length; i++) {
    if (c.usedPools[i] === 0 && c.fullPools[i] === 0 && c.blocks[i] === 0) continue;
    rows.push([num(i), num(c.blockSize[i]!), num(c.usedPools[i]!), num(c.fullPools[i]!), num(c.blocks[i]!), num(c.availableBlocks[i]!)]);
  }
  const caption = `<h3>${esc(r.info.name)} <small>at operation ${d.op} (${esc(formatDuration(d.wallMs))}), ${plural(d.arenas.length, 'arena')}</small></h3>`;
  if (rows.length === 0) return `${caption}<p class="muted">No size class holds a pool.</p>`;
  return caption + table(['Class', 'Block size', 'Used pools', 'Full pools', 'Blocks in use', 'Available blocks'], rows, `size-classes-${r.run.id}`);
}

/** Pinned arenas and origins shown per run (the JSON export has them all). */
const PIN_ROWS = 20;

function pinsSection(r: ReportRun): string {
  const p = r.run.pins;
  if (!p) return '';
  const s = p.summary;
  const parts = [
    `<h3>${esc(r.info.name)} <small>at operation ${s.op}</small></h3>`,
    `<p data-testid="pins-summary-${esc(r.run.id)}">${esc(summaryLine(p))}.</p>`,
  ];
  const pinned = p.arenas.filter((a) => a.pinned).slice(0, PIN_ROWS);
  if (pinned.length === 0) parts.push('<p class="muted">No arena is pinned: every arena with live blocks is more than the threshold full.</p>');
  else {
    parts.push(
      table(
        ['Arena', 'Used pools', 'Live blocks', 'Live bytes', 'Fill', 'Gives back', 'Age min / median (ops)', 'Blocks by size'],
        pinned.map((a) => [
          num(a.slot),
          num(a.usedPools),
          num(a.liveBlocks),
          `<td class="num">${esc(formatBytes(a.liveBytes))}</td>`,
          `<td class="num">${(100 * a.fill).toFixed(2)} %</td>`,
          `<td class="num">${esc(formatBytes(a.releasable))}</td>`,
          `<td class="num">${a.minAge === null ? '—' : `${a.minAge} / ${a.medianAge ?? '—'}`}</td>`,
          `<td>${esc(a.classes.map((c) => `${c.blockSize} B × ${c.blocks}`).join(', '))}</td>`,
        ]),
        `pins-${r.run.id}`,
      ),
    );
  }
  if (p.origins.length > 0) {
    parts.push(
      table(
        ['Origin', 'Arena bytes pinned', 'Arenas', 'Blocks', 'Bytes'],
        p.origins
          .slice(0, PIN_ROWS)
          .map((o) => [
            `<td>${esc(o.file ? `${o.file}:${o.line ?? '?'} ${o.func ?? ''}` : o.label)}</td>`,
            `<td class="num">${esc(formatBytes(o.arenaBytes))}</td>`,
            num(o.arenas),
            num(o.blocks),
            `<td class="num">${esc(formatBytes(o.bytes))}</td>`,
          ]),
        `pin-origins-${r.run.id}`,
      ),
    );
  }
  return parts.join('\n');
}

function style(t: ChartTheme): string {
  return `
:root { color-scheme: light dark; }
body { margin: 0 auto; max-width: 1240px; padding: 1.5rem; background: ${t.background}; color: ${t.text};
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; border-bottom: 1px solid ${t.grid}; }
h3 { font-size: 1rem; margin: 1rem 0 .35rem; } small, .muted { color: ${t.muted}; font-weight: normal; }
table { border-collapse: collapse; margin: .5rem 0; font-size: 13px; }
th, td { border: 1px solid ${t.grid}; padding: .2rem .5rem; text-align: left; vertical-align: top; }
th { background: ${t.grid}; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.raw { color: ${t.muted}; font-size: 12px; } .delta { color: ${t.muted}; font-size: 12px; } .delta.up { color: ${t.error}; } .delta.down { color: ${t.ok}; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 13px; color: ${t.muted}; }
pre { background: ${t.grid}; padding: .5rem; overflow-x: auto; font-size: 12px; white-space: pre-wrap; word-break: break-all; }
@media print {
  body { max-width: none; padding: 0; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  figure, table, pre { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
}
@page { size: A4 landscape; margin: 12mm; }`;
}

export function toHtml(input: ReportInput): string {
  const { runs } = input;
  const parts: string[] = [];
  parts.push(
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(input.title)}</title>`,
    `<style>${style(input.theme)}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${esc(input.title)}</h1>`,
    `<p class="muted">Generated ${esc(input.createdAt.toISOString())}${input.app ? ` by ${esc(input.app)}` : ''}. ` +
      `${runs.length} run${runs.length === 1 ? '' : 's'}${input.window ? `; charts show ${input.window.axis === 'op' ? 'operations' : 'wall time'} ${esc(input.window.axis === 'op' ? formatCount(input.window.range[0]) : formatDuration(input.window.range[0]))} – ${esc(input.window.axis === 'op' ? formatCount(input.window.range[1]) : formatDuration(input.window.range[1]))}` : ''}.</p></header>`,
    '<section id="runs"><h2>Runs</h2>',
    runsTable(runs),
    '</section>',
  );
  if (input.mode === 'compare' && runs.length > 1) {
    parts.push(
      '<section id="compare"><h2>Differences from the first run</h2>',
      `<p class="muted">Each cell: the run's value, then its difference from ${esc(runs[0]!.info.name)}.</p>`,
      deltaTable(runs, input.compareKeys),
      '</section>',
    );
  }
  if (input.verdicts && input.verdicts.length > 0) {
    parts.push(
      '<section id="verification"><h2>Real interpreter vs model</h2>',
      '<p class="muted">Each real run replayed the same operations through the installed interpreter\'s own allocator; its samples, measured from real block addresses, are compared with the model run of the same version at the same operation counts (wall time aside).</p>',
      verdictTable(input.verdicts),
      '</section>',
    );
  }
  parts.push('<section id="figures"><h2>Summary</h2>');
  for (const r of runs) parts.push(`<h3>${esc(r.info.name)} <small>${esc(r.run.id)}</small></h3>`, figuresTable(r));
  parts.push('</section>');
  if (input.charts.length > 0) {
    parts.push('<section id="charts"><h2>Charts</h2>');
    parts.push(
      '<p class="muted">Each series is drawn as a band from the minimum to the maximum of the samples in each pixel column, so no spike is averaged away; dashed lines mark the workload\'s phases.</p>',
    );
    for (const c of input.charts) {
      parts.push(`<figure data-chart="${esc(c.spec.id)}">`, c.svg, `<figcaption>${esc(c.spec.title)} — ${esc(c.spec.subtitle)}</figcaption>`, '</figure>');
    }
    parts.push('</section>');
  }
  parts.push('<section id="phases"><h2>Phase markers</h2>');
  for (const r of runs) parts.push(runs.length > 1 ? `<h3>${esc(r.info.name)}</h3>` : '', phasesTable(r));
  parts.push('</section>');
  const classes = runs.map(sizeClassTable).filter((s) => s !== '');
  if (classes.length > 0)
    parts.push(
      '<section id="size-classes"><h2>Size classes</h2>',
      '<p class="muted">The engine\'s last detail snapshot of each run: classes holding at least one pool.</p>',
      ...classes,
      '</section>',
    );
  const pins = runs.map(pinsSection).filter((s) => s !== '');
  if (pins.length > 0) {
    parts.push(
      '<section id="pins"><h2>Why is this memory kept?</h2>',
      '<p class="muted">At each run\'s last operation: the arenas whose live blocks fill at most the threshold (freeing those blocks would give the whole arena back), the blocks that hold them, and where those blocks came from (docs/pins.md).</p>',
      ...pins,
      '</section>',
    );
  }
  parts.push('<section id="configurations"><h2>Run configurations</h2>');
  for (const r of runs) {
    const config = { config: r.run.config, resolved: r.run.started ?? null, status: r.run.status ?? null, coalescedSamples: r.run.coalesced ?? 0 };
    parts.push(`<h3>${esc(r.info.name)} <small>${esc(r.run.id)}</small></h3>`, `<pre>${esc(JSON.stringify(config, null, 2))}</pre>`);
  }
  parts.push('</section>', '</body>', '</html>', '');
  return parts.join('\n');
}
