/**
 * A profiled program's backlog for late pages: the last MAX_BACKLOG_LINES lines in order, the rest
 * counted, the last figures; what it hands out is a copy.
 */
import { describe, expect, it } from 'vitest';
import { MAX_BACKLOG_LINES, ProgramBacklog } from '../../../../electron/host/runs/program-backlog';

describe('ProgramBacklog', () => {
  it('keeps the tail of the output in order, counts what left, and the last figures', () => {
    const b = new ProgramBacklog(['run-1', 'run-2']);
    expect(b.state()).toEqual({ runIds: ['run-1', 'run-2'], lines: [], dropped: 0, figures: null });
    b.output('stdout', ['a', 'b']);
    b.output('stderr', ['c']);
    const lines = Array.from({ length: MAX_BACKLOG_LINES }, (_, i) => `line ${i}`);
    b.output('stdout', lines);
    const s = b.state();
    expect(s.dropped).toBe(3);
    expect(s.lines).toHaveLength(MAX_BACKLOG_LINES);
    expect(s.lines[0]).toEqual({ stream: 'stdout', text: 'line 0' });
    expect(s.lines.at(-1)).toEqual({ stream: 'stdout', text: `line ${MAX_BACKLOG_LINES - 1}` });
    b.setFigures({ rssBytes: 10, rssPeakBytes: 20, realArenas: 3, behindOps: 0 });
    b.setFigures({ rssBytes: 12, rssPeakBytes: 20, realArenas: 4, behindOps: 5 });
    expect(b.state().figures).toEqual({ rssBytes: 12, rssPeakBytes: 20, realArenas: 4, behindOps: 5 });
  });

  it('hands out copies: changing one does not change the backlog', () => {
    const b = new ProgramBacklog(['run-1']);
    b.output('stdout', ['x']);
    const s = b.state();
    s.lines[0]!.text = 'changed';
    s.runIds.push('run-9');
    expect(b.state()).toMatchObject({ runIds: ['run-1'], lines: [{ stream: 'stdout', text: 'x' }] });
  });
});
