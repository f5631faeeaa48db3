/**
 * The output of profiled programs (bridge.profileProgram), for the console panel of their runs:
 * the last MAX_CONSOLE_LINES lines of each program, so a chatty one does not grow the page; and
 * whether the "Profile a Python program…" dialog is open.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ProgramConsoleState } from '../../../shared/protocol/bridge';

/** Lines a console keeps (older ones leave, and the panel says how many). */
export const MAX_CONSOLE_LINES = 2000;

export interface ConsoleLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ProgramConsole {
  runIds: string[];
  lines: ConsoleLine[];
  /** Lines that left the console to keep it bounded. */
  dropped: number;
  /** The real process as last measured (RSS is not a run series: it is shown here). */
  figures: { rssBytes: number | null; rssPeakBytes: number; realArenas: number | null; behindOps: number } | null;
}

export const useProgramStore = defineStore('program', () => {
  const dialogOpen = ref(false);
  /** One console per program, found by any of its runs. */
  const consoles = ref<ProgramConsole[]>([]);

  function consoleOf(runId: string): ProgramConsole | null {
    return consoles.value.find((c) => c.runIds.includes(runId)) ?? null;
  }

  function consoleFor(runIds: string[]): ProgramConsole {
    const found = consoleOf(runIds[0] ?? '');
    if (found !== null) return found;
    consoles.value.push({ runIds: [...runIds], lines: [], dropped: 0, figures: null });
    return consoles.value[consoles.value.length - 1]!;
  }

  function setFigures(runIds: string[], figures: NonNullable<ProgramConsole['figures']>): void {
    consoleFor(runIds).figures = figures;
  }

  function append(runIds: string[], stream: 'stdout' | 'stderr', lines: string[]): void {
    const c = consoleFor(runIds);
    for (const text of lines) c.lines.push({ stream, text });
    const over = c.lines.length - MAX_CONSOLE_LINES;
    if (over > 0) {
      c.lines.splice(0, over);
      c.dropped += over;
    }
  }

  /**
   * The host's consoles (bridge.programConsoles) in place of this page's: asked when the page
   * connects and whenever the run list is announced, so a page that came late, or lost its link for a
   * while, shows what one there from the start shows. Exact, not merged: the answer follows every
   * event sent before it. A program the host no longer has (its runs removed) leaves.
   */
  function replaceConsoles(states: readonly ProgramConsoleState[]): void {
    consoles.value = states.map((s) => ({ runIds: [...s.runIds], lines: s.lines.map((l) => ({ ...l })), dropped: s.dropped, figures: s.figures }));
  }

  return { dialogOpen, consoles, consoleOf, append, setFigures, replaceConsoles };
});
