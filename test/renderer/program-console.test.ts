// The console of a profiled program keeps its last lines only, and finds its program by any of its runs.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_CONSOLE_LINES, useProgramStore } from '../../renderer/src/stores/program';

describe('program console store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("keeps each program's lines in order, by stream, found by any of its runs", () => {
    const s = useProgramStore();
    s.append(['run-1', 'run-2'], 'stdout', ['a', 'b']);
    s.append(['run-1', 'run-2'], 'stderr', ['oops']);
    s.append(['run-3', 'run-4'], 'stdout', ['other']);
    expect(s.consoleOf('run-2')!.lines).toEqual([
      { stream: 'stdout', text: 'a' },
      { stream: 'stdout', text: 'b' },
      { stream: 'stderr', text: 'oops' },
    ]);
    expect(s.consoleOf('run-4')!.lines.map((l) => l.text)).toEqual(['other']);
    expect(s.consoleOf('run-9')).toBeNull();
    s.setFigures(['run-3', 'run-4'], { rssBytes: 10, rssPeakBytes: 20, realArenas: 3, behindOps: 0 });
    expect(s.consoleOf('run-3')!.figures).toEqual({ rssBytes: 10, rssPeakBytes: 20, realArenas: 3, behindOps: 0 });
    expect(s.consoleOf('run-1')!.figures).toBeNull();
  });

  it('drops the oldest lines beyond its bound and counts them', () => {
    const s = useProgramStore();
    const lines = Array.from({ length: MAX_CONSOLE_LINES + 5 }, (_, i) => `line ${i}`);
    s.append(['run-1'], 'stdout', lines.slice(0, 10));
    s.append(['run-1'], 'stdout', lines.slice(10));
    const c = s.consoleOf('run-1')!;
    expect(c.lines).toHaveLength(MAX_CONSOLE_LINES);
    expect(c.dropped).toBe(5);
    expect(c.lines[0]!.text).toBe('line 5');
    expect(c.lines.at(-1)!.text).toBe(`line ${MAX_CONSOLE_LINES + 4}`);
  });
});
