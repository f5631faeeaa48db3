/** The pins report as text: the summary line, the arena table and the origin table. */
import type { PinReport } from './analyze';

export function mib(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

export function summaryLine(r: PinReport): string {
  const s = r.summary;
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return (
    `retained arena bytes ${mib(s.retainedBytes)}; ${mib(s.pinnedArenaBytes)} of it is held by ${s.pinningBlocks} blocks ` +
    `(${pct(s.pinningShare)} of live blocks) in arenas under ${Number((s.threshold * 100).toPrecision(3))} % full`
  );
}

export function formatPins(r: PinReport, top = 20): string[] {
  const s = r.summary;
  const lines = [
    `at op ${s.op}: ${s.arenas} arenas (${s.emptyArenas} empty), ${s.liveBlocks} live blocks (${mib(s.liveBytes)})`,
    summaryLine(r),
    '',
    `pinned arenas (${s.pinnedArenas}; top ${Math.min(top, s.pinnedArenas)}):`,
    '  arena  pools  blocks   live bytes  fill %  gives back  min age  median age  classes (class:blocks)',
  ];
  for (const a of r.arenas.filter((x) => x.pinned).slice(0, top)) {
    lines.push(
      `  ${String(a.slot).padStart(5)}  ${String(a.usedPools).padStart(5)}  ${String(a.liveBlocks).padStart(6)}  ${String(a.liveBytes).padStart(11)}  ` +
        `${(100 * a.fill).toFixed(2).padStart(6)}  ${mib(a.releasable).padStart(10)}  ${String(a.minAge ?? '-').padStart(7)}  ${String(a.medianAge ?? '-').padStart(10)}  ` +
        a.classes.map((c) => `${c.szidx}:${c.blocks}`).join(' '),
    );
  }
  lines.push(
    '',
    `origins of the pinning blocks (${r.origins.length}; top ${Math.min(top, r.origins.length)}):`,
    '  arena bytes pinned  arenas  blocks   bytes  origin',
  );
  for (const o of r.origins.slice(0, top)) {
    lines.push(
      `  ${mib(o.arenaBytes).padStart(18)}  ${String(o.arenas).padStart(6)}  ${String(o.blocks).padStart(6)}  ${String(o.bytes).padStart(6)}  ${o.label}`,
    );
  }
  return lines;
}
