/**
 * What a page that connects late (a reload, a second browser, the dashboard reopened) must see of a
 * profiled program besides its runs: the tail of its output and the real process's last figures.
 * The host keeps them per program, bounded as the page's console is (the last MAX_BACKLOG_LINES lines,
 * the rest counted), and a page asks for them (bridge.programConsoles) when it connects and whenever
 * the run list is announced again, replacing what it had: the answer comes after every event sent
 * before it, on the same ordered channel, so nothing is shown twice or lost.
 */
import type { ProgramConsoleState, ProgramFigures } from '../../../shared/protocol/bridge';

/** As the page's console (renderer/src/stores/program.ts MAX_CONSOLE_LINES). */
export const MAX_BACKLOG_LINES = 2000;

export class ProgramBacklog {
  private lines: ProgramConsoleState['lines'] = [];
  private dropped = 0;
  private figures: ProgramFigures | null = null;

  constructor(readonly runIds: readonly string[]) {}

  output(stream: 'stdout' | 'stderr', lines: readonly string[]): void {
    for (const text of lines) this.lines.push({ stream, text });
    const over = this.lines.length - MAX_BACKLOG_LINES;
    if (over > 0) {
      this.lines.splice(0, over);
      this.dropped += over;
    }
  }

  setFigures(figures: ProgramFigures): void {
    this.figures = figures;
  }

  state(): ProgramConsoleState {
    return {
      runIds: [...this.runIds],
      lines: this.lines.map((l) => ({ ...l })),
      dropped: this.dropped,
      figures: this.figures === null ? null : { ...this.figures },
    };
  }
}
